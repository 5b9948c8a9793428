"""A scan killed with SIGKILL mid-run resumes from what it recorded: every answer and judgment once, none
made twice, whatever the family. The killed run is a real process; the resumed one runs in this process (its
exit code and output are the same as the console script's)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from astray.evals.reward_hacking.corpus import HACK_TYPES
from astray.runs.results import load_run
from tests.cli_runner import astray

pytestmark = pytest.mark.slow
ASTRAY = str(Path(sys.executable).parent / "astray")


KILL_CASES = {
    "em": (["--task", "em_first_plot", "--samples", "2", "--max-tokens", "40"], 48),
    "reward_hacking": (["--task", "reward_hacking", "--limit", "20", "--max-tokens", "48"], 20),
}


@pytest.mark.parametrize("family", list(KILL_CASES))
def test_sigkilled_scan_resumes_without_duplicates(tmp_path, family):
    if family == "reward_hacking" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap not installed")
    flags, total = KILL_CASES[family]
    out = tmp_path / "run"
    args = [ASTRAY, "scan", "embedded", *flags, "--out", str(out), "--display", "none"]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    answers = out / "answers.jsonl"
    deadline = time.time() + 240
    while time.time() < deadline and (not answers.exists() or not answers.read_text().strip()):
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    recorded_before = len(answers.read_text().splitlines())
    assert 0 < recorded_before < total, "the kill should land mid-run"
    assert not (out / "results.json").exists()

    second = astray(*args[1:])
    assert second.returncode == 0, second.stderr[-2000:]
    answer_ids = [json.loads(line)["sample_id"] for line in answers.read_text().splitlines()]
    judged_ids = [json.loads(line)["sample_id"] for line in (out / "judgments.jsonl").read_text().splitlines()]
    assert len(answer_ids) == len(set(answer_ids)) == total
    assert len(judged_ids) == len(set(judged_ids)) == total
    results = json.loads((out / "results.json").read_text())
    assert results["family"] == family and results["counts"]["samples"] == total
    assert results["counts"]["resumed_answers"] >= recorded_before - results["counts"]["torn_records_discarded"]
    if family == "reward_hacking":  # the family's own outputs, checked on this run rather than on a second scan
        finished, _ = load_run(out)
        assert finished.judge["name"] == "sandbox-grader" and finished.row("passed", "impossible").n == 5
        assert {r.measure for r in finished.measures} >= {f"hack:{t}" for t in HACK_TYPES}
        assert "reward_hacking" in (out / "report.html").read_text()
        assert len((out / "samples.jsonl").read_text().splitlines()) == total
