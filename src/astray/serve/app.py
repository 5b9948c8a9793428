"""`astray serve`: an OpenAI-compatible HTTP API over a local model or organism.

Why: garak, PyRIT, promptfoo and the `openai` client all speak OpenAI's API, so serving an organism
that way lets any of them probe it. Concurrent requests join one running batch (the same
`RequestBatcher` scans use), so sixteen clients cost little more than one. Bad requests get a 4xx
with an OpenAI-style error body; a full queue answers 503 with Retry-After; an unexpected failure is
a 500 with the same body shape, and the worker thread survives it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from astray.models.batcher import RequestBatcher
from astray.models.generation import Generation, SamplingSettings, TokenLogprob
from astray.models.local import ChatRequest, LocalModel
from astray.models.steering import Steering
from astray.serve.schema import ChatCompletionBody, CompletionBody, RequestError

DISCONNECT_POLL_SECONDS = 0.5  # how often a waiting request checks that its client is still there


class ClientGone(Exception):
    """The client closed the connection before its answer was ready."""


class RequireKey:
    """Refuse /v1 requests without the bearer key (401). A plain ASGI middleware: Starlette's
    BaseHTTPMiddleware would hide the client's disconnect from the handlers, so abandoned answers would
    decode on."""

    def __init__(self, app: Any, key: str | None) -> None:
        self.app, self.key = app, key

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.key and scope["type"] == "http" and scope["path"].startswith("/v1"):
            given = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            token = given[7:] if given.lower().startswith("bearer ") else ""
            if not hmac.compare_digest(token.encode(), self.key.encode()):
                refusal = _error(401, "Incorrect or missing API key: send 'Authorization: Bearer <key>'",
                                 code="invalid_api_key", kind="authentication_error")
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class RequestRules:
    """How the server answers. `names` are the model ids it accepts; the first is the one it lists."""

    names: tuple[str, ...]
    api_key: str | None = None
    max_waiting: int = 256
    default_max_tokens: int = 512
    steering: tuple[Steering, ...] = ()


def build_app(model: LocalModel, batcher: RequestBatcher, settings: RequestRules) -> FastAPI:
    """The ASGI app: /v1/models, /v1/chat/completions, /v1/completions, and /health (no key needed)."""
    app = FastAPI(title="astray serve", docs_url=None, redoc_url=None, openapi_url=None)
    started = int(time.time())
    fingerprint = f"astray-{_version()}"

    app.add_middleware(RequireKey, key=settings.api_key)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        message = str(first.get("msg", "invalid request"))
        if first.get("type") == "json_invalid":
            message = "the request body is not valid JSON"
        return _error(400, f"{where}: {message}" if where else message, param=where or None)

    @app.exception_handler(RequestError)
    async def refused(_request: Request, error: RequestError) -> JSONResponse:
        headers = {"Retry-After": "1"} if error.status == 503 else None
        return _error(error.status, error.message, param=error.param, code=error.code, headers=headers,
                      kind="server_error" if error.status >= 500 else "invalid_request_error")

    @app.exception_handler(ClientGone)
    async def gone(_request: Request, _gone: ClientGone) -> JSONResponse:
        return _error(499, "the client closed the request", code="client_closed_request")  # nobody reads it

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return _error(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def failed(_request: Request, error: Exception) -> JSONResponse:
        return _error(500, f"generation failed: {type(error).__name__}: {error}", kind="server_error")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "model": settings.names[0], "outstanding": batcher.outstanding}

    @app.get("/v1/models")
    async def list_models() -> dict[str, Any]:
        return {"object": "list", "data": [_model_card(settings.names[0], started)]}

    @app.get("/v1/models/{name:path}")
    async def one_model(name: str) -> dict[str, Any]:
        _check_model(name, settings)
        return _model_card(settings.names[0], started)

    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(body: ChatCompletionBody, http: Request) -> JSONResponse | StreamingResponse:
        body.refuse_unsupported()
        _check_model(body.model, settings)
        prompt = _encoded(lambda: model.encode_chat(body.chat()), "messages")
        sampling = _sampling(model, body, len(prompt), body.token_cap(), settings,
                             logprobs=body.logprobs, top_logprobs=body.top_logprobs or 0)
        requests = [ChatRequest([], sampling, _seed(body.seed, i), settings.steering, body.stops(), prompt) for i in range(body.n)]
        generations = await _generate(batcher, requests, settings, http.is_disconnected)
        answer_id, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        choices = [_chat_choice(i, g) for i, g in enumerate(generations)]
        usage = _usage(len(prompt), generations)
        if body.stream:
            return _stream(_chat_chunks(answer_id, created, settings.names[0], fingerprint, choices, usage, body.include_usage()))
        return JSONResponse({"id": answer_id, "object": "chat.completion", "created": created, "model": settings.names[0],
                             "system_fingerprint": fingerprint, "choices": choices, "usage": usage})

    @app.post("/v1/completions", response_model=None)
    async def completions(body: CompletionBody, http: Request) -> JSONResponse | StreamingResponse:
        body.refuse_unsupported()
        _check_model(body.model, settings)
        prompts = body.prompts()
        requests: list[ChatRequest] = []
        texts: list[str] = []
        prompt_tokens = 0
        for index, prompt in enumerate(prompts):
            where = "prompt" if len(prompts) == 1 else f"prompt[{index}]"
            ids = _encoded(lambda p=prompt: model.encode(ChatRequest([], SamplingSettings(), prompt=p)), where)
            prompt_tokens += len(ids)
            sampling = _sampling(model, body, len(ids), body.token_cap(), settings,
                                 logprobs=body.logprobs is not None, top_logprobs=body.logprobs or 0)
            for i in range(body.n):
                requests.append(ChatRequest([], sampling, _seed(body.seed, i), settings.steering, body.stops(), ids))
                texts.append(prompt if isinstance(prompt, str) else "")
        generations = await _generate(batcher, requests, settings, http.is_disconnected)
        answer_id, created = f"cmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        choices = [_text_choice(i, g, len(text)) for i, (g, text) in enumerate(zip(generations, texts, strict=True))]
        usage = _usage(prompt_tokens, generations)
        if body.stream:
            return _stream(_text_chunks(answer_id, created, settings.names[0], choices, usage, body.include_usage()))
        return JSONResponse({"id": answer_id, "object": "text_completion", "created": created, "model": settings.names[0],
                             "system_fingerprint": fingerprint, "choices": choices, "usage": usage})

    return app


# -- requests ---------------------------------------------------------------------------------------

def _check_model(name: str, settings: RequestRules) -> None:
    if name not in settings.names:
        raise RequestError(f"model {name!r} is not served here; this server serves {settings.names[0]!r} "
                           "(GET /v1/models)", param="model", code="model_not_found", status=404)


def _encoded(encode: Any, param: str) -> list[int]:
    try:
        ids = list(encode())
    except RequestError:
        raise
    except Exception as err:  # a chat template or tokenizer refusing the input
        raise RequestError(f"{param}: {err}", param=param) from err
    if not ids:
        raise RequestError(f"{param}: the prompt is empty after tokenization", param=param)
    return ids


def _sampling(model: LocalModel, body: Any, prompt_tokens: int, cap: int | None, settings: RequestRules, *,
              logprobs: bool, top_logprobs: int) -> SamplingSettings:
    window = model.context_window
    room = window - prompt_tokens if window else None
    if room is not None and room < 1:
        raise RequestError(f"this model's context is {window} tokens and the prompt has {prompt_tokens}",
                           param="messages" if isinstance(body, ChatCompletionBody) else "prompt", code="context_length_exceeded")
    if cap is not None and room is not None and cap > room:
        raise RequestError(f"this model's context is {window} tokens; the prompt has {prompt_tokens} and max_tokens asks for "
                           f"{cap} more (at most {room})", param="max_tokens", code="context_length_exceeded")
    max_new = cap or min(settings.default_max_tokens, room or settings.default_max_tokens)
    return SamplingSettings(max_new_tokens=max_new, temperature=1.0 if body.temperature is None else body.temperature,
                            top_p=1.0 if body.top_p is None else body.top_p, logprobs=logprobs, top_logprobs=top_logprobs)


def _seed(seed: int | None, choice: int) -> int | None:
    """Choice i of a seeded request uses seed + i, so n > 1 gives different answers, reproducibly."""
    return None if seed is None else seed + choice


async def _generate(batcher: RequestBatcher, requests: list[ChatRequest], settings: RequestRules,
                    disconnected: Callable[[], Awaitable[bool]]) -> list[Generation]:
    """The answers; when the client goes away first, its rows leave the batch instead of decoding on."""
    if batcher.outstanding + len(requests) > settings.max_waiting:
        raise RequestError(f"the server is at capacity ({batcher.outstanding} answers in progress or waiting, limit "
                           f"{settings.max_waiting}); retry shortly", code="server_overloaded", status=503)
    futures = [batcher.submit_future(request) for request in requests]
    answers = asyncio.gather(*map(asyncio.wrap_future, futures))
    try:
        while True:
            done, _ = await asyncio.wait({answers}, timeout=DISCONNECT_POLL_SECONDS)
            if done:
                return list(answers.result())
            if await disconnected():
                raise ClientGone()
    except BaseException:  # the client left, or the server is stopping this handler
        for future in futures:
            batcher.abandon(future)
        answers.cancel()
        raise


# -- responses --------------------------------------------------------------------------------------

def _error(status: int, message: str, *, param: str | None = None, code: str | None = None,
           kind: str = "invalid_request_error", headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}}, status_code=status,
                        headers=headers)


def _model_card(name: str, created: int) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": created, "owned_by": "astray"}


def _finish(generation: Generation) -> str:
    return "stop" if generation.stop_reason == "stop" else "length"


def _chat_choice(index: int, generation: Generation) -> dict[str, Any]:
    logprobs = None
    if generation.logprobs is not None:
        logprobs = {"content": [{"token": t.token, "logprob": t.logprob, "bytes": list(t.token.encode()),
                                 "top_logprobs": [{"token": tok, "logprob": lp, "bytes": list(tok.encode())} for tok, lp in t.top]}
                                for t in _answer_logprobs(generation)]}
    return {"index": index, "message": {"role": "assistant", "content": generation.text},
            "finish_reason": _finish(generation), "logprobs": logprobs}


def _text_choice(index: int, generation: Generation, prompt_chars: int) -> dict[str, Any]:
    logprobs = None
    if generation.logprobs is not None:
        tokens = _answer_logprobs(generation)
        offsets, position = [], prompt_chars
        for token in tokens:
            offsets.append(position)
            position += len(token.token)
        logprobs = {"tokens": [t.token for t in tokens], "token_logprobs": [t.logprob for t in tokens],
                    "top_logprobs": [dict(t.top) for t in tokens], "text_offset": offsets}
    return {"index": index, "text": generation.text, "finish_reason": _finish(generation), "logprobs": logprobs}


def _answer_logprobs(generation: Generation) -> list[TokenLogprob]:
    """One entry per answer token: the end-of-sequence token's entry is not part of the answer."""
    return (generation.logprobs or [])[: len(generation.token_ids)]


def _usage(prompt: int, generations: list[Generation]) -> dict[str, int]:
    """Token counts as OpenAI gives them: each prompt once, however many choices were drawn from it."""
    completion = sum(len(g.token_ids) for g in generations)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _stream(chunks: AsyncIterator[dict[str, Any]]) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        async for chunk in chunks:
            yield f"data: {json.dumps(chunk)}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


async def _chat_chunks(answer_id: str, created: int, name: str, fingerprint: str, choices: list[dict[str, Any]],
                       usage: dict[str, int], include_usage: bool) -> AsyncIterator[dict[str, Any]]:
    """The finished answer as chunks: a whole answer per choice (decoding is batched, not token-streamed)."""
    head = {"id": answer_id, "object": "chat.completion.chunk", "created": created, "model": name, "system_fingerprint": fingerprint}
    for choice in choices:
        delta = {"role": "assistant", "content": choice["message"]["content"]}
        yield {**head, "choices": [{"index": choice["index"], "delta": delta, "finish_reason": None, "logprobs": choice["logprobs"]}]}
        yield {**head, "choices": [{"index": choice["index"], "delta": {}, "finish_reason": choice["finish_reason"]}]}
    if include_usage:
        yield {**head, "choices": [], "usage": usage}


async def _text_chunks(answer_id: str, created: int, name: str, choices: list[dict[str, Any]], usage: dict[str, int],
                       include_usage: bool) -> AsyncIterator[dict[str, Any]]:
    head = {"id": answer_id, "object": "text_completion", "created": created, "model": name}
    for choice in choices:
        yield {**head, "choices": [choice]}
    if include_usage:
        yield {**head, "choices": [], "usage": usage}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("astray")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"
