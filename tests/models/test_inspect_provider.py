"""astray's local models work as Inspect models, in Python and through the `inspect` CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import includes
from inspect_ai.solver import generate

from astray.models.access import open_model
from astray.models.inspect_provider import settings_from_config

pytestmark = pytest.mark.slow


def test_config_maps_to_decoding_settings():
    settings = settings_from_config(GenerateConfig(temperature=0, max_tokens=5, top_logprobs=20))
    assert settings.temperature == 0 and settings.max_new_tokens == 5 and settings.top_logprobs == 20
    assert settings_from_config(GenerateConfig()).temperature == 1.0


def test_inspect_eval_runs_on_the_embedded_model(tmp_path):
    task = Task(
        dataset=[Sample(id=i, input="What is the capital of France?", target="Paris") for i in range(3)],
        solver=generate(),
        scorer=includes(),
        config=GenerateConfig(temperature=0, max_tokens=16),
    )
    [log] = eval(task, model=open_model("embedded"), log_dir=str(tmp_path), display="none")
    assert log.status == "success"
    assert log.results.scores[0].metrics["accuracy"].value == 1.0
    assert log.stats.model_usage  # token usage reported by the provider


def test_inspect_cli_finds_the_astray_provider_through_its_entry_point(tmp_path):
    task_file = tmp_path / "capital.py"
    task_file.write_text(
        "from inspect_ai import Task, task\n"
        "from inspect_ai.dataset import Sample\n"
        "from inspect_ai.scorer import includes\n"
        "@task\n"
        "def capital():\n"
        "    return Task(dataset=[Sample(input='What is the capital of France?', target='Paris')], scorer=includes())\n"
    )
    inspect_cli = Path(sys.executable).parent / "inspect"
    result = subprocess.run(
        [str(inspect_cli), "eval", task_file.name, "--model", "astray/embedded", "--temperature", "0",
         "--max-tokens", "16", "--log-dir", str(tmp_path / "logs"), "--log-format", "json", "--display", "none"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"}, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [log_file] = (tmp_path / "logs").glob("*.json")
    log = json.loads(log_file.read_text())
    assert log["status"] == "success"
    assert log["eval"]["model"] == "astray/embedded"
    assert log["results"]["scores"][0]["metrics"]["accuracy"]["value"] == 1.0


def test_a_local_model_gets_a_full_batch_of_samples_from_the_first_step(tmp_path):
    """Inspect's adaptive concurrency starts at 20 connections and ramps up over a minute; a local model
    is opened with its batch size as max_connections, so all samples decode together at once."""
    import threading
    import time

    model = open_model("embedded", batch_size=30)
    assert model.config.max_connections == 30
    assert open_model("embedded", config=GenerateConfig(max_connections=5), batch_size=30).config.max_connections == 5
    batcher, peak, done = model.api.batcher, [0], threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], batcher.outstanding)
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    task = Task(dataset=[Sample(id=i, input=f"Count to {i}.") for i in range(30)], solver=generate(),
                config=GenerateConfig(temperature=0, max_tokens=24))
    try:
        [log] = eval(task, model=model, log_dir=str(tmp_path), display="none", max_samples=30)
    finally:
        done.set()
        watcher.join()
    assert log.status == "success"
    assert peak[0] == 30
