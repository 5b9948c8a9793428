"""`astray serve embedded` driven over real HTTP by the real `openai` client (and raw requests for bad bodies)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import openai
import pytest
import uvicorn

from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest
from astray.serve.config import ServeConfig
from astray.serve.server import open_app

pytestmark = pytest.mark.slow

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(**settings) -> Iterator[str]:
    """Run the server in this process on a free port; yield its /v1 base URL."""
    app, _ = open_app(ServeConfig(model="embedded", device="cpu", **settings))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving() as url:
        yield url


def client(url: str, key: str = "none") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=120)


def test_chat_answers_with_the_models_own_greedy_text_and_logprobs(base_url, embedded_model):
    answer = client(base_url).chat.completions.create(model="embedded", messages=QUESTION, temperature=0, max_tokens=12,
                                                      logprobs=True, top_logprobs=3)
    expected = embedded_model.generate([ChatRequest(QUESTION, SamplingSettings(max_new_tokens=12))])[0]
    choice = answer.choices[0]
    assert choice.message.content == expected.text and "Paris" in choice.message.content
    assert answer.usage.completion_tokens == len(expected.token_ids)
    assert answer.usage.prompt_tokens == expected.input_tokens
    assert choice.finish_reason in ("stop", "length")
    tokens = choice.logprobs.content
    assert len(tokens) == answer.usage.completion_tokens
    assert "".join(t.token for t in tokens) == choice.message.content
    for token in tokens:  # greedy: the chosen token is the most likely of the three alternatives
        assert len(token.top_logprobs) == 3 and token.logprob == pytest.approx(token.top_logprobs[0].logprob)
    assert [m.id for m in client(base_url).models.list().data] == ["embedded"]


def test_concurrent_clients_get_the_answers_they_would_get_alone(base_url):
    prompts = [f"Name a colour, then say why you like it ({i})." for i in range(8)]

    def ask(i: int) -> str:
        reply = client(base_url).chat.completions.create(
            model="embedded", messages=[{"role": "user", "content": prompts[i]}], temperature=1.0, seed=100 + i, max_tokens=16)
        return reply.choices[0].message.content

    alone = [ask(i) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(ask, range(8)))
    assert together == alone  # seeded answers do not depend on which requests shared the batch
    assert len(set(alone)) > 1


def test_batch_invariant_serving_gives_a_seeded_request_the_same_logprobs_alone_or_among_others():
    prompts = [f"Tell me about your day, in a sentence or two ({i})." for i in range(6)]
    with serving(batch_invariant=True) as url:
        def ask(i: int) -> list[tuple[str, float]]:
            reply = client(url).chat.completions.create(model="embedded", messages=[{"role": "user", "content": prompts[i]}],
                                                        temperature=1.0, seed=7 + i, max_tokens=12, logprobs=True)
            return [(t.token, t.logprob) for t in reply.choices[0].logprobs.content]

        alone = [ask(i) for i in range(6)]
        with ThreadPoolExecutor(6) as pool:
            together = list(pool.map(ask, range(6)))
    assert together == alone  # to the last bit (without --batch-invariant the logprobs differ slightly)


def test_n_seed_stop_and_streaming(base_url):
    api = client(base_url)
    two = api.chat.completions.create(model="embedded", messages=QUESTION, n=2, seed=3, max_tokens=10)
    again = api.chat.completions.create(model="embedded", messages=QUESTION, n=2, seed=3, max_tokens=10)
    assert [c.message.content for c in two.choices] == [c.message.content for c in again.choices]
    assert [c.index for c in two.choices] == [0, 1]
    greedy = api.chat.completions.create(model="embedded", messages=QUESTION, temperature=0, max_tokens=12).choices[0].message.content
    word = greedy.split()[2]
    cut = api.chat.completions.create(model="embedded", messages=QUESTION, temperature=0, max_tokens=12, stop=[word]).choices[0]
    assert cut.finish_reason == "stop" and greedy.startswith(cut.message.content) and word not in cut.message.content
    streamed = api.chat.completions.create(model="embedded", messages=QUESTION, temperature=0, max_tokens=12, stream=True,
                                           stream_options={"include_usage": True})
    chunks = list(streamed)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == greedy
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_text_completions_with_logprobs(base_url):
    reply = client(base_url).completions.create(model="embedded", prompt="The capital of France is", max_tokens=5,
                                                temperature=0, logprobs=2)
    choice = reply.choices[0]
    assert choice.text and len(choice.logprobs.tokens) == reply.usage.completion_tokens
    assert all(len(top) <= 2 for top in choice.logprobs.top_logprobs)
    assert choice.logprobs.text_offset[0] == len("The capital of France is")


@pytest.mark.parametrize("body, status, param", [
    (b"{not json", 400, None),
    (b'{"model": "embedded"}', 400, "messages"),
    (b'{"model": "embedded", "messages": []}', 400, "messages"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": "hi"}], "temperature": 7}', 400, "temperature"),
    (b'{"model": "embedded", "messages": [{"role": "wizard", "content": "hi"}]}', 400, "messages.0.role"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}', 400, "max_tokens"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 100000}', 400, "max_tokens"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": "hi"}], "presence_penalty": 1.0}', 400, "presence_penalty"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}', 400, "tools"),
    (b'{"model": "embedded", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]}', 400, "messages[0].content"),
    (b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}', 404, "model"),
    (b'[1, 2, 3]', 400, None),
])
def test_bad_requests_get_openai_style_4xx(base_url, body, status, param):
    reply = httpx.post(f"{base_url}/chat/completions", content=body, headers={"content-type": "application/json"}, timeout=60)
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert error["message"] and error["type"]
    if param:
        assert error["param"] == param


def test_bad_completion_prompts_and_unknown_routes(base_url):
    for body in (b'{"model": "embedded", "prompt": [99999999]}', b'{"model": "embedded", "prompt": []}',
                 b'{"model": "embedded", "prompt": "hi", "echo": true}'):
        reply = httpx.post(f"{base_url}/completions", content=body, headers={"content-type": "application/json"}, timeout=60)
        assert reply.status_code == 400, reply.text
    assert httpx.get(f"{base_url}/nowhere").status_code == 404
    assert httpx.get(f"{base_url}/chat/completions").status_code == 405


def test_api_key_refuses_the_unauthorised_and_a_full_queue_answers_503():
    with serving(api_key="sesame", max_waiting=2) as url:
        with pytest.raises(openai.AuthenticationError):
            client(url, "wrong").chat.completions.create(model="embedded", messages=QUESTION, max_tokens=4)
        assert httpx.get(f"{url}/models").status_code == 401
        reply = client(url, "sesame").chat.completions.create(model="embedded", messages=QUESTION, max_tokens=4)
        assert reply.choices[0].message.content
        busy = httpx.post(f"{url}/chat/completions", headers={"authorization": "Bearer sesame"}, timeout=60,
                          json={"model": "embedded", "messages": QUESTION, "n": 3, "max_tokens": 4})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert busy.json()["error"]["code"] == "server_overloaded"


def test_the_command_serves_and_refuses_remote_models(tmp_path):
    port = free_port()
    env = {**os.environ, "ASTRAY_API_KEY": "k"}
    process = subprocess.Popen([sys.executable, "-m", "astray.cli", "serve", "embedded", "--port", str(port), "--device", "cpu"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, process.stdout.read() if process.stdout else ""
            time.sleep(0.5)
        reply = client(f"http://127.0.0.1:{port}/v1", "k").chat.completions.create(model="embedded", messages=QUESTION, max_tokens=4)
        assert reply.choices[0].message.content
    finally:
        process.terminate()
        process.wait(30)
    refused = subprocess.run([sys.executable, "-m", "astray.cli", "serve", "mockllm/model"], capture_output=True, text=True)
    assert refused.returncode != 0 and "serves local models" in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr


ENDLESS = [{"role": "user", "content": "Repeat the word 'hello' 1000 times."}]  # greedy: > 600 tokens


def test_a_client_that_hangs_up_stops_its_decoding(base_url):
    """A long answer whose client leaves after a second stops within a few steps instead of decoding on
    to max_tokens (which would take minutes here)."""
    health = base_url.removesuffix("/v1") + "/health"
    body = {"model": "embedded", "messages": ENDLESS, "max_tokens": 6000, "temperature": 0}
    started = time.monotonic()
    outcome = []

    def ask():
        try:
            httpx.post(f"{base_url}/chat/completions", json=body, headers={"Authorization": "Bearer none"}, timeout=3)
        except httpx.ReadTimeout as timeout:
            outcome.append(timeout)

    asking = threading.Thread(target=ask)
    asking.start()
    time.sleep(1.5)
    assert httpx.get(health, timeout=2).json()["outstanding"] == 1  # still decoding while the client waits
    asking.join()
    assert outcome and isinstance(outcome[0], httpx.ReadTimeout)
    deadline = time.monotonic() + 10
    while httpx.get(health, timeout=2).json()["outstanding"]:
        assert time.monotonic() < deadline, "the abandoned answer is still decoding"
        time.sleep(0.1)
    assert time.monotonic() - started < 12
    again = client(base_url).chat.completions.create(model="embedded", messages=QUESTION, max_tokens=4, seed=2)
    assert again.choices[0].message.content  # the worker carries on serving
