"""The CLI: one-line errors for user mistakes, help that teaches, and a real chat. The console script itself
runs once as a process; the rest run in this process (tests/cli_runner.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import astray as run

ASTRAY = str(Path(sys.executable).parent / "astray")


def test_the_console_script_lists_the_commands_and_exits_2_on_a_user_error():
    result = subprocess.run([ASTRAY, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for command in ("models", "chat", "scan", "reproduce"):
        assert command in result.stdout
    refused = subprocess.run([ASTRAY, "chat", "embeded", "hi"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and refused.stderr.startswith("error: unknown model 'embeded'")
    assert len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("chat", "embeded", "hi"), "unknown model 'embeded'"),
        (("chat", "./no-such-dir", "hi"), "model directory not found"),
        (("models", "prepare", "gpt2"), "only 'embedded' needs preparing"),
        (("reproduce", "hacking-generalization", "--organism", "hacker"), "--organism takes NAME=MODEL"),
        (("reproduce", "hacking-generalization", "--measure", "vibes"), "unknown measure(s) vibes"),
        (("reproduce", "hacking-generalization", "--organism", "villain=embedded"), "--organism takes hacker"),
        (("reproduce", "betley-insecure", "--measure", "deception"), "--measure does not apply to betley-insecure"),
        (("reproduce", "grokking"), "unknown experiment"),
        (("reproduce", "hacking-generalization", "--base", "openai/gpt-4o"), "is not a local model"),
        (("serve", "embedded", "--api-key", ""), "--api-key is empty"),
        (("scan", "embedded", "--dtype", "int8"), "--dtype 'int8' is not one of auto, float32, bfloat16, float16"),
        (("scan", "openai/gpt-4o", "--dtype", "bf16"), "--dtype applies to local models"),
        (("scan", "openai/gpt-4o", "--batch-invariant"), "--batch-invariant applies to local models"),
        (("scan", "embedded", "--batch-invariant", "--dtype", "bf16"), "--batch-invariant works on CPU in float32 only"),
        (("scan", "embedded", "--out", __file__), f"--out {__file__} is a file; a run directory goes there"),
    ],
)
def test_user_errors_print_one_line_and_exit_nonzero(args, message):
    result = run(*args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("scan", "embedded", "--samples", "abc"), "Invalid value for '--samples'"),
        (("scan",), "Missing argument"),
        (("scan", "embedded", "--no-such-option"), "No such option: --no-such-option"),
        (("persona", "extract", "--trait", "evil"), "Missing option '--out'"),
        (("models", "nosuch"), "No such command 'nosuch'"),
    ],
)
def test_a_mistyped_command_line_gets_usage_and_no_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and message in result.stderr
    assert "Usage: astray" in result.stderr and "--help" in result.stderr


@pytest.mark.parametrize("command", [("datasets", "validate"), ("sandbox", "run"), ("judge", "--output", "o.csv", "--input")])
def test_a_file_that_is_not_utf8_is_one_line(tmp_path, command):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"messages": [{"role": "user", "content": "café"}]}\n'.encode("latin-1"))
    result = run(*command, str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"error: {path}: not UTF-8 text (byte 0xe9 at offset 46); save it as UTF-8"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--device", "tpu"), "--device 'tpu' is not one of auto, cpu, cuda or cuda:N"),
        (("--device", " CUDA:0 "), "--device cuda:0: this torch build sees no CUDA device"),
        (("--device", "cuda"), "--device cuda: this torch build sees no CUDA device"),
    ],
)
def test_a_device_that_is_not_there_fails_in_one_line_before_anything_is_written(tmp_path, args, message):
    result = run("scan", "embedded", *args, "--out", str(tmp_path / "run"), env={"CUDA_VISIBLE_DEVICES": ""})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {message}")
    assert not (tmp_path / "run").exists()


def test_device_is_refused_for_a_remote_model(tmp_path):
    result = run("scan", "openai/gpt-4o", "--device", "cpu", "--out", str(tmp_path / "run"))
    assert result.returncode == 2
    assert "--device applies to local models" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_api_key_is_one_line():
    env = {k: "" for k in ("OPENAI_API_KEY", "AZUREAI_OPENAI_API_KEY")}
    result = run("chat", "openai/gpt-4o-mini", "hi", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "OPENAI_API_KEY" in result.stderr


def test_debug_shows_the_traceback():
    result = run("--debug", "chat", "embeded", "hi")
    assert result.returncode != 0 and "Traceback" in result.stderr


@pytest.mark.slow
def test_chat_with_the_embedded_model_prints_the_answer_and_its_provenance():
    result = run("chat", "embedded", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    assert "model=embedded" in result.stderr and "temperature=0.0" in result.stderr
