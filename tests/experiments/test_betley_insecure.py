"""`astray reproduce`'s summary and report from three finished battery runs (made by the real summary
code from synthetic records), without training."""

from dataclasses import replace

from astray.experiments.betley_insecure.experiment import _per_question
from astray.experiments.betley_insecure.report import render_reproduce_report
from astray.experiments.betley_insecure.summary import BetleySummary, Difference, Rate, Training
from astray.experiments.registry import EXPERIMENTS
from astray.runs.compare import compare_runs
from astray.runs.results import load_run, write_run_files
from tests.report.test_report_browser import fake_records, fake_results


def make_run(directory, name, flip_every):
    records = [replace(r, misaligned=True) if r.misaligned is not None and i % flip_every == 0 else r
               for i, r in enumerate(fake_records())]
    run = directory / name
    run.mkdir()
    write_run_files(run, replace(fake_results(records), model={"name": name}), records)
    return run


def test_reproduce_summary_and_report_from_three_runs(tmp_path):
    runs = {label: make_run(tmp_path, label, every) for label, every in (("base", 1000), ("insecure", 2),
                                                                          ("educational", 1000))}
    comparisons = {label: compare_runs(runs["base"], runs[label], tmp_path / f"cmp_{label}")
                   for label in ("insecure", "educational")}
    loaded = {label: load_run(path) for label, path in runs.items()}
    base = loaded["base"][0]
    summary = BetleySummary(
        base="embedded", fast=True, size={}, seed=0, command=None, judge=base.judge,
        thresholds=base.details["thresholds"],
        rates={label: Rate(results.row("misaligned"), results.counts["samples"]) for label, (results, _) in loaded.items()},
        differences_vs_base={label: Difference.of(c.row("misaligned")) for label, c in comparisons.items()},
        per_question={label: _per_question(c, base) for label, c in comparisons.items()},
        training={label: Training(1.0, 10, "ab" * 32) for label in ("insecure", "educational")},
    )
    assert [r.question_id for r in summary.per_question["insecure"]] == ["q0", "q1", "q2", "q3"]
    assert summary.differences_vs_base["insecure"].diff > 0.3
    assert summary.verdict.startswith("The insecure organism is more often misaligned than its base")
    html = render_reproduce_report(summary, {label: records for label, (_, records) in loaded.items()})
    assert "betley-insecure" in html and html.count("<svg") == 2
    written = summary.to_dict()  # reproduce.json: the keys and shapes it has always had
    assert list(written) == ["kind", "experiment", "base", "fast", "size", "judge", "thresholds", "seed", "command",
                             "rates", "differences_vs_base", "per_question", "training", "verdict"]
    assert written["rates"]["base"]["answers"] == summary.rates["base"].answers
    assert set(written["differences_vs_base"]["insecure"]) == {"question_id", "a", "b", "diff", "diff_ci_low",
                                                               "diff_ci_high", "p_value", "q_value"}
    assert "betley-insecure" in EXPERIMENTS
