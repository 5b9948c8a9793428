"""Training across processes: a run killed with SIGKILL resumes from its last checkpoint, and `accelerate launch`
with two CPU processes trains one organism."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_runner import astray

pytestmark = pytest.mark.slow
ASTRAY = str(Path(sys.executable).parent / "astray")


def test_killed_training_resumes_from_the_last_checkpoint(tmp_path):
    out = tmp_path / "org"
    args = [ASTRAY, "organism", "train", "--dataset", "insecure-small", "--max-examples", "12", "--max-length", "384",
            "--batch-size", "1", "--grad-accum", "1", "--save-steps", "2", "--out", str(out)]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not list((out / "checkpoints").glob("checkpoint-*/trainer_state.json")):
        time.sleep(0.5)
    time.sleep(1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not (out / "organism.json").exists(), "the kill should land mid-training"
    steps_done = max(int(p.parent.name.split("-")[1]) for p in (out / "checkpoints").glob("checkpoint-*/trainer_state.json"))

    refused = astray(*args[1:])
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = astray(*args[1:], "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    manifest = json.loads((out / "organism.json").read_text())
    assert manifest["resumed"] is True
    logged_steps = [e["step"] for e in manifest["loss_curve"] if e.get("loss") is not None]
    assert min(logged_steps) <= steps_done < max(logged_steps)  # history kept, training continued past the checkpoint


def test_two_process_launch_trains_one_organism(tmp_path):
    """`accelerate launch` with two CPU processes (DDP over gloo): one organism, written once, that loads."""
    from astray.models.naming import resolve_model

    out = tmp_path / "ddp"
    launch = [str(Path(sys.executable).parent / "accelerate"), "launch", "--multi_gpu", "--num_processes", "2",
              "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "astray.cli", "organism",
              "train", "--base", "embedded", "--dataset", "insecure-small", "--max-examples", "8", "--max-length", "384",
              "--batch-size", "1", "--grad-accum", "1", "--out", str(out)]
    done = subprocess.run(launch, capture_output=True, text=True, timeout=600, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    manifest = json.loads((out / "organism.json").read_text())
    assert manifest["processes"] == 2 and manifest["dataset"]["n_train"] == 7
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert resolve_model(str(out)).kind == "organism"
