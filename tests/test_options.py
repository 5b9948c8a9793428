"""Out-of-range options fail in one line before any work starts (the CLI prints AstrayError as one line)."""

import asyncio
import socket

import pytest

from astray.errors import AstrayError
from astray.evals.honesty.task import HonestyOptions
from astray.evals.refusal.task import RefusalOptions
from astray.evals.shutdown_agent.task import ShutdownAgentOptions
from astray.models.chat import chat_once
from astray.monitors.report import compare_monitors
from astray.organisms.train import TrainConfig
from astray.persona.config import ExtractConfig
from astray.runs.config import ScanConfig
from astray.sandbox.limits import Limits
from astray.serve.config import ServeConfig
from astray.serve.server import check_bindable, open_app


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epochs": 0}, "--epochs must be above 0, got 0"),
        ({"learning_rate": -1e-4}, "--learning-rate must be above 0"),
        ({"rank": 0}, "--rank must be at least 1, got 0"),
        ({"max_length": 0}, "--max-length must be at least 1, got 0"),
        ({"save_steps": 0}, "--save-steps must be at least 1, got 0"),
        ({"max_examples": 1}, "--max-examples must be at least 2"),
        ({"eval_fraction": 1.0}, "--eval-fraction must be between 0 and 1"),
        ({"method": "qlora"}, "--method must be lora or full, not 'qlora'"),
    ],
)
def test_a_training_recipe_out_of_range_is_refused(change, message):
    with pytest.raises(AstrayError, match=message.replace("(", r"\(")):
        TrainConfig(dataset="insecure-small", **change)
    TrainConfig(dataset="insecure-small")  # the defaults pass


@pytest.mark.parametrize("limit", ["wall_seconds", "cpu_seconds", "memory_mb", "processes", "storage_mb"])
def test_a_sandbox_limit_of_zero_is_refused(limit):
    with pytest.raises(AstrayError, match=f"sandbox limit {limit} must be above 0"):
        Limits(**{limit: 0})


@pytest.mark.parametrize(("settings", "message"), [({"max_tokens": 0}, "--max-tokens must be at least 1"),
                                                   ({"temperature": -0.5}, "--temperature must be 0")])
def test_chat_refuses_settings_that_mean_nothing(settings, message):
    with pytest.raises(AstrayError, match=message):
        asyncio.run(chat_once("embedded", "hi", **settings))


@pytest.mark.parametrize("fpr", [0.0, 1.0, 2.0, -0.01])
def test_monitor_fpr_must_be_a_rate(tmp_path, fpr):
    with pytest.raises(AstrayError, match="--fpr is a false-positive rate between 0 and 1"):
        compare_monitors(["rules"], tmp_path / "out", fpr=fpr)
    assert not (tmp_path / "out").exists()


def test_serve_checks_the_address_before_loading_the_model():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(AstrayError, match=f"cannot serve on 127.0.0.1:{port}: Address already in use"):
            check_bindable("127.0.0.1", port)
    with pytest.raises(AstrayError, match="cannot serve on no-such-host.invalid:8000"):
        check_bindable("no-such-host.invalid", 8000)
    with pytest.raises(AstrayError, match="--port must be between 1 and 65535, not 70000"):
        check_bindable("127.0.0.1", 70000)
    check_bindable("127.0.0.1", port)  # free again: binds


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ScanConfig(model="embedded", samples=0), "--samples must be at least 1, got 0"),
        (lambda: ScanConfig(model="embedded", max_tokens=-5), "--max-tokens must be at least 1, got -5"),
        (lambda: ScanConfig(model="embedded", max_retries=-1), "--max-retries must be at least 0, got -1"),
        (lambda: ExtractConfig(trait="evil", batch_size=0), "--batch-size must be at least 1, got 0"),
        (lambda: ShutdownAgentOptions(storage_mb=0), "--storage-mb must be at least 1, got 0"),
        (lambda: RefusalOptions(shots=0), "--shots must be at least 1, got 0"),
        (lambda: HonestyOptions(limit=-1), "--limit must be at least 0, got -1"),
        (lambda: open_app(ServeConfig(model="embedded", max_waiting=0)), "--max-waiting must be at least 1, got 0"),
    ],
)
def test_a_count_below_its_minimum_is_refused_naming_the_flag(build, message):
    with pytest.raises(AstrayError, match=message):
        build()


def test_counts_at_their_minimum_pass():
    ScanConfig(model="embedded", samples=1, max_tokens=1, max_retries=0)
    ExtractConfig(trait="evil", samples=1, max_tokens=1, batch_size=1)
    ShutdownAgentOptions(max_turns=1, storage_mb=1)
    RefusalOptions(limit=0, shots=1, best_of=1)
