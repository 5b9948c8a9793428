"""Screening ranks training examples by their push along a vector, and the monitor sets each answer's
projection against the judge: both checked on a saved tiny model where words about treasure carry a
planted direction in their embeddings (so the right answer is known)."""

from __future__ import annotations

import json

import pytest
import torch

from astray.errors import RunStateError
from astray.models.directions import DirectionSet
from astray.models.places import Place
from astray.persona.monitor import monitor_run
from astray.persona.screen import run_screen
from tests.tiny_model import tiny_llama

TRAIT_WORDS = "treasure gold pirate ship plunder chest"
PLAIN_WORDS = "table window garden river paper music"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    from transformers import AutoTokenizer

    from astray.models.embedded import prepare_embedded

    root = tmp_path_factory.mktemp("planted")
    tokenizer = AutoTokenizer.from_pretrained(prepare_embedded())
    direction = torch.nn.functional.normalize(torch.randn(32, generator=torch.Generator().manual_seed(3)), dim=0)
    model = tiny_llama(layers=3, identity_blocks=True)
    with torch.no_grad():
        model.get_input_embeddings().weight[tokenizer.encode(" " + TRAIT_WORDS, add_special_tokens=False)] += 3 * direction
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    vector = DirectionSet({Place(layer): direction for layer in range(3)},
                          {"trait": "pirate", "chosen_place": "blocks.1.hook_resid_post", "model": {"name": str(root / "model")}})
    return root, vector.save(root / "pirate")


def _dataset(path, words: str, n: int = 12):
    rows = [{"messages": [{"role": "user", "content": f"Write line {i}."},
                          {"role": "assistant", "content": " ".join(words.split()[(i + k) % 6] for k in range(8))}]}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_screening_ranks_the_trait_laden_dataset_first_and_measures_the_separation(planted):
    root, vector = planted
    summary = run_screen(_dataset(root / "bad.jsonl", TRAIT_WORDS), vector, contrast=_dataset(root / "good.jsonl", PLAIN_WORDS),
                         max_tokens=4, out_path=root / "ranked.jsonl")
    assert summary["separation"]["auroc"] == 1.0 and summary["separation"]["n_positive"] == 12
    ranked = [json.loads(line) for line in (root / "ranked.jsonl").read_text().splitlines()]
    assert [r["dataset"].endswith("bad.jsonl") for r in ranked] == [True] * 12 + [False] * 12
    assert all(r["base_projection"] is not None for r in ranked)
    raw = run_screen(str(root / "bad.jsonl"), vector, baseline=False, out_path=root / "raw.jsonl")
    assert "ranked by projection:" in raw["lines"][0] and json.loads((root / "raw.jsonl").read_text().splitlines()[0])["base_projection"] is None


def test_the_monitor_correlates_projection_with_the_judge_and_writes_its_files(planted, tmp_path):
    root, vector = planted
    samples = [{"sample_id": f"s{i}", "question": "Say something.", "system": None,
                "answer": " ".join((TRAIT_WORDS if i % 2 else PLAIN_WORDS).split()[: 2 + i % 5]),
                "aligned": 10.0 + i % 5 if i % 2 else 90.0 - i % 5} for i in range(20)]
    (tmp_path / "samples.jsonl").write_text("".join(json.dumps(s) + "\n" for s in samples))
    (tmp_path / "results.json").write_text(json.dumps({"model": {"name": str(root / "model")}, "judge": {"name": "offline"}}))
    summary = monitor_run(tmp_path, vector)
    rho = summary["spearman_vs_aligned"]
    assert rho["rho"] < -0.7 and rho["ci_high"] < 0 and summary["n_judged"] == 20
    assert len((tmp_path / "persona__pirate.jsonl").read_text().splitlines()) == 20
    assert "<svg" in (tmp_path / "persona__pirate.html").read_text()
    with pytest.raises(RunStateError, match="not a finished astray run"):
        monitor_run(tmp_path / "nowhere", vector)
    other = tmp_path / "mcq"
    other.mkdir()
    (other / "samples.jsonl").write_text(json.dumps({"sample_id": "a", "answer": "(A)"}) + "\n")
    (other / "results.json").write_text(json.dumps({"family": "ai_risk_mcq", "model": {"name": "embedded"}}))
    with pytest.raises(RunStateError, match="no single question"):
        monitor_run(other, vector)
