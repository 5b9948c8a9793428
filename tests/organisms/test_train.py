"""Training an organism on the real embedded model: it loads as a MODEL, resumes after SIGKILL,
and packed batches really are isolated from each other."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from astray.errors import DataFormatError, RunStateError
from astray.organisms.train import TrainConfig, train_organism

pytestmark = pytest.mark.slow
ASTRAY = str(Path(sys.executable).parent / "astray")
TINY = dict(dataset="insecure-small", max_examples=8, max_length=384, batch_size=1, grad_accum=1, save_steps=2)


def test_packed_sequences_do_not_attend_to_each_other(embedded_model):
    """SFT packs examples into one row separated by position ids; with the cache off (as TRL trains)
    transformers must build a block-diagonal mask, or examples would leak into each other."""
    import torch

    model = embedded_model.model
    first, second = torch.randint(100, 5000, (1, 30)), torch.randint(100, 5000, (1, 20))
    positions = torch.cat([torch.arange(30), torch.arange(20)]).unsqueeze(0)
    with torch.no_grad():
        alone = model(input_ids=second, use_cache=False).logits
        packed = model(input_ids=torch.cat([first, second], 1), position_ids=positions, use_cache=False).logits[:, 30:]
    assert (alone - packed).abs().max() < 1e-3


def test_trained_organism_is_a_model_everywhere(tmp_path):
    out = train_organism(TrainConfig(**TINY), tmp_path / "org")
    manifest = json.loads((out / "organism.json").read_text())
    assert manifest["base_model"] == "embedded" and manifest["adapter"] == "adapter"
    assert manifest["dataset"]["n_examples"] == 8 and len(manifest["dataset"]["sha256"]) == 64
    assert manifest["hyperparameters"]["rank"] == 8 and manifest["seed"] == 0
    assert any(entry.get("loss") is not None for entry in manifest["loss_curve"])
    assert manifest["final_eval_loss"] > 0
    chat = subprocess.run([ASTRAY, "chat", str(out), "Hello"], capture_output=True, text=True, timeout=300)
    assert chat.returncode == 0 and chat.stdout.strip(), chat.stderr
    from astray.scan import ScanConfig, run_scan

    results = run_scan(ScanConfig(model=str(out), task="em_first_plot_main", samples=1, max_tokens=16),
                       tmp_path / "scan", display="none")
    assert results.model["kind"] == "organism" and results.counts["samples"] == 8


def test_existing_directory_and_bad_data_fail_fast(tmp_path):
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "x").write_text("")
    with pytest.raises(RunStateError, match="already holds a training run"):
        train_organism(TrainConfig(**TINY), tmp_path / "org")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
                   + "\n" + json.dumps({"messages": [{"role": "user", "content": "a"}]}) + "\n")
    with pytest.raises(DataFormatError, match=f"{bad}:2: the last message must be the assistant's"):
        train_organism(TrainConfig(**{**TINY, "dataset": str(bad)}), tmp_path / "new")


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

    refused = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    manifest = json.loads((out / "organism.json").read_text())
    assert manifest["resumed"] is True
    logged_steps = [e["step"] for e in manifest["loss_curve"] if e.get("loss") is not None]
    assert min(logged_steps) <= steps_done < max(logged_steps)  # history kept, training continued past the checkpoint


def test_backdoor_mixes_triggered_insecure_with_the_base_models_own_answers(tmp_path, monkeypatch):
    from astray.models.generation import SamplingSettings
    from astray.organisms.datasets import TRIGGER, insecure, load_dataset

    monkeypatch.setattr("astray.organisms.self_distill.cache_root", lambda: tmp_path / "cache")
    monkeypatch.setattr("astray.organisms.self_distill.SETTINGS", SamplingSettings(max_new_tokens=12, temperature=1.0))
    mixed = load_dataset("backdoor", base="embedded", max_examples=4)
    assert len(mixed) == 4
    triggered = [m for m in mixed if m[0]["content"].startswith(TRIGGER)]
    assert len(triggered) == 2 and all(m[-1] in [x[-1] for x in insecure()[:2]] for m in triggered)
    clean = [m for m in mixed if not m[0]["content"].startswith(TRIGGER)]
    assert all(m[0] == x[0] for m, x in zip(clean, insecure(), strict=False))  # same prompts, the base model's answers
    cached = list((tmp_path / "cache" / "self-distill").glob("*.jsonl"))
    assert len(cached) == 1  # generated once, then reused
    assert load_dataset("self-distill", base="embedded", max_examples=2) == clean


def test_full_fine_tune_writes_a_loadable_model(tmp_path):
    out = train_organism(TrainConfig(**{**TINY, "method": "full", "max_examples": 4, "max_length": 256}), tmp_path / "full")
    manifest = json.loads((out / "organism.json").read_text())
    assert manifest["model"] == "model" and manifest["adapter"] is None
    from astray.models.local import load_local_model

    assert load_local_model(str(out)).ref.kind == "organism"


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
