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
