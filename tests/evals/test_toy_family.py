"""A new family is one folder: the toy family in tests/fixtures runs, resumes and compares through the
real runner, store, compare and report, with no change to any other file."""

import json

import pytest

from astray.errors import RunStateError
from astray.evals.registry import TASKS, register_family, unregister_family
from astray.runs.compare import compare_runs
from astray.runs.config import ScanConfig
from astray.runs.runner import run_scan
from tests.fixtures import toy_family


@pytest.fixture
def toy():
    register_family(toy_family.FAMILY)
    toy_family.CALLS.clear()
    toy_family.FAIL_AFTER.clear()
    yield toy_family
    unregister_family("toy")


def scan(out, model="toyscript/truthful", **kwargs):
    return run_scan(ScanConfig(model=model, task="toy_parity", **kwargs), out, display="none")


def test_the_toy_family_runs_and_writes_the_results_contract(tmp_path, toy):
    assert TASKS.get("toy_parity").family.name == "toy"
    results = scan(tmp_path / "run", samples=2)
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert data["family"] == "toy" and data["judge"]["name"] == "parity-checker"
    assert results.row("wrong").k == 0 and results.row("wrong").n == 20
    assert [g for g in results.groups()] == ["even", "odd"]
    [contrast] = data["comparisons"]
    assert contrast["a"] == "even" and contrast["test"] == "two_proportion_z"
    assert "astray scan — toy" in (tmp_path / "run" / "report.html").read_text()


def test_the_toy_family_resumes_after_a_failure_without_asking_twice(tmp_path, toy):
    toy.FAIL_AFTER.append(6)
    with pytest.raises(RunStateError, match="rerun the same command to resume"):
        scan(tmp_path / "run")
    assert len(toy.CALLS) == 6
    toy.FAIL_AFTER.clear()
    results = scan(tmp_path / "run")
    assert len(toy.CALLS) == 10  # the six recorded answers were reused, only four asked
    assert len(set(toy.CALLS)) == 10
    assert results.counts["resumed_answers"] == 6 and results.row("wrong").n == 10


def test_two_toy_runs_compare_per_measure_and_group(tmp_path, toy):
    scan(tmp_path / "truthful")
    scan(tmp_path / "liar", model="toyscript/liar")
    comparison = compare_runs(tmp_path / "truthful", tmp_path / "liar", tmp_path / "cmp")
    assert comparison.family == "toy"
    assert comparison.row("wrong").diff == pytest.approx(0.5)
    assert comparison.row("wrong", "odd").b.k == 5 and comparison.row("wrong", "even").b.k == 0
    assert "astray compare — toy" in (tmp_path / "cmp" / "comparison.html").read_text()


def test_a_run_directory_of_an_earlier_version_is_refused_in_one_line(tmp_path, toy):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "run.json").write_text('{"config": {"samples_per_paraphrase": 1}}')
    with pytest.raises(RunStateError, match="made by an earlier version of astray"):
        scan(tmp_path / "old")
    scan(tmp_path / "new")
    with pytest.raises(RunStateError, match="samples: None -> 2"):
        scan(tmp_path / "new", samples=2)
