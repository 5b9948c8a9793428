"""The behaviour families of issues #11 and #12 end to end on the real embedded model: `astray scan` writes
the results contract (family, measures with Wilson intervals), a rerun resumes without generating, and
`astray compare` contrasts two runs."""

import json

import pytest

from astray.evals.registry import TASKS
from astray.runs.compare import compare_runs
from astray.runs.config import ScanConfig
from astray.runs.runner import run_scan

pytestmark = pytest.mark.slow

QUICK = {
    "sycophancy_feedback": ({"max_tokens": 16}, {"limit": 3}),
    "honesty_under_pressure": ({"max_tokens": 24}, {"limit": 1}),
    "alignment_faking": ({"max_tokens": 48}, {"limit": 2}),
    "research_sabotage": ({"max_tokens": 48, "samples": 1}, {}),
    "refusal_robustness": ({"max_tokens": 24}, {"limit": 2, "attacks": "past_tense,base64"}),
}


def _scan(task, out, seed=0):
    settings, options = QUICK[task]
    family_options = TASKS.get(task).family.options(**options)
    config = ScanConfig(model="embedded", task=task, seed=seed, options=family_options, **settings)
    return run_scan(config, out, display="none", command=f"astray scan embedded --task {task}")


@pytest.mark.parametrize("task", sorted(QUICK))
def test_each_family_scans_resumes_and_writes_intervals_on_the_embedded_model(tmp_path, task):
    first = _scan(task, tmp_path / "run")
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert data["family"] == TASKS.get(task).family.name and data["model"]["name"] == "embedded"
    rows = data["measures"]
    assert rows and all({"k", "n", "rate", "ci_low", "ci_high"} <= set(r) for r in rows)
    assert all(r["ci_low"] <= r["rate"] <= r["ci_high"] for r in rows if r["n"])
    again = _scan(task, tmp_path / "run")
    assert again.counts["resumed_answers"] == first.counts["samples"]
    assert [r.k for r in again.measures] == [r.k for r in first.measures]


def test_compare_contrasts_two_sycophancy_runs(tmp_path):
    _scan("sycophancy_feedback", tmp_path / "a", seed=0)
    _scan("sycophancy_feedback", tmp_path / "b", seed=1)
    comparison = compare_runs(tmp_path / "a", tmp_path / "b", tmp_path / "cmp", command="astray compare a b")
    assert comparison.family == "sycophancy" and comparison.rows
    assert (tmp_path / "cmp" / "comparison.html").exists()
