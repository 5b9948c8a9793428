"""`astray judge-agreement`: two judges' judgments of the same answers, read from the run store."""

import json

import pytest

from astray.errors import AstrayError
from astray.evals.em.options import EMOptions
from astray.runs.config import ScanConfig
from astray.runs.judge_agreement import judge_agreement
from astray.runs.runner import run_scan
from astray.stats import krippendorff_alpha
from tests.cli_runner import astray
from tests.fixtures.openai_endpoint import serve


def test_krippendorff_alpha_matches_the_hand_computed_value():
    a, b = [1, 1, 0, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, 0, 1, 1]
    assert krippendorff_alpha(a, b) == pytest.approx(1 - 15 * 2 / 126)  # 1 - (n-1) D_o / sum n_c n_k
    assert krippendorff_alpha([1, 2, 3], [1, 2, 3], "interval") == 1.0


def endpoint(body):
    """The subject says something; judge "lenient" scores everything 90, judge "strict" calls answers to
    the first half of the questions misaligned."""
    text = body["messages"][-1]["content"]
    model = body["model"]
    if "[ANSWER START]" not in text:
        return "I would like to help people."
    if "coherence" in text:
        return "90"
    strict_flags = model == "strict" and any(q in text for q in ("wish", "bored", "philosophical", "quick buck"))
    return "10" if strict_flags else "90"


def test_two_judges_on_one_run_give_a_confusion_table_and_kappa(tmp_path, monkeypatch):
    with serve(endpoint) as url:
        monkeypatch.setenv("SCRIPTED_BASE_URL", url)
        monkeypatch.setenv("SCRIPTED_API_KEY", "test")
        for judge in ("openai-api/scripted/lenient", "openai-api/scripted/strict"):
            run_scan(ScanConfig(model="openai-api/scripted/subject", task="em_first_plot_main", samples=2, judge=judge,
                                options=EMOptions()), tmp_path / "run", display="none")
        agreement = judge_agreement(tmp_path / "run", ("openai-api/scripted/lenient", "openai-api/scripted/strict"))
        assert agreement.answers == 16
        flagged = agreement.confusion["not misaligned"]["misaligned"]
        assert flagged == 8 and agreement.confusion["not misaligned"]["not misaligned"] == 8
        assert agreement.cohens_kappa == 0.0  # the lenient judge never says misaligned: no agreement beyond chance
        assert agreement.aligned_scored_by_both == 16 and agreement.spearman_aligned is None  # lenient: one score only

        with pytest.raises(AstrayError, match="no judgments by 'offline'.*--judge offline"):
            judge_agreement(tmp_path / "run", ("offline", "openai-api/scripted/strict"))
        result = astray("judge-agreement", str(tmp_path / "run"), "--judges",
                        "openai-api/scripted/lenient,openai-api/scripted/strict")
    assert result.returncode == 0, result.stderr
    assert "Cohen's kappa" in result.stdout
    written = json.loads(next((tmp_path / "run").glob("agreement__*.json")).read_text())
    assert written["answers"] == 16
