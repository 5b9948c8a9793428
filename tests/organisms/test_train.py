"""Training an organism on the real embedded model: it loads as a MODEL, bad data fails fast, a full fine-tune
loads, and packed batches really are isolated from each other (resuming after SIGKILL and a two-process
launch: tests/organisms/test_train_across_processes.py)."""

import json

import pytest

from astray.errors import DataFormatError, RunStateError
from astray.organisms.train import TrainConfig, train_organism
from tests.cli_runner import astray

pytestmark = pytest.mark.slow
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
    chat = astray("chat", str(out), "Hello")
    assert chat.returncode == 0 and chat.stdout.strip(), chat.stderr
    from astray.runs.config import ScanConfig
    from astray.runs.runner import run_scan

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
