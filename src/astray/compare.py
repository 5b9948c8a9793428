"""`astray compare`: base vs tuned (or any runs) — per-question differences in misaligned rate with
a two-proportion test, a bootstrap interval and Benjamini–Hochberg correction across questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from astray.errors import RunStateError
from astray.scan import load_run
from astray.stats import benjamini_hochberg, compare_rates, rate_estimate


def compare_runs(run_a: Path, run_b: Path, out_dir: Path, seed: int = 0, command: str | None = None) -> dict[str, Any]:
    """Compare run B against run A (B - A) and write comparison.json and comparison.html."""
    results_a, records_a = load_run(run_a)
    results_b, records_b = load_run(run_b)
    hacking = {"hacking" in results_a, "hacking" in results_b}
    if hacking == {True}:
        return compare_hacking_runs(run_a, run_b, (results_a, records_a), (results_b, records_b), out_dir, seed, command)
    if len(hacking) == 2:
        raise RunStateError("one run is a reward-hacking scan and the other a battery scan; compare like with like")
    if results_a["thresholds"] != results_b["thresholds"]:
        raise RunStateError("the two runs use different misalignment thresholds; rescan one of them")
    warnings = []
    if results_a["judge"]["name"] != results_b["judge"]["name"]:
        warnings.append(
            f"different judges ({results_a['judge']['name']} vs {results_b['judge']['name']}): "
            "a difference may come from the judge, not the model"
        )
    if results_a["task"] != results_b["task"] or results_a["questions_sha256"] != results_b["questions_sha256"]:
        warnings.append("the runs asked different question sets; only shared questions are compared")

    question_ids = [q["question_id"] for q in results_a["per_question"]]
    shared = [q for q in question_ids if q in {r["question_id"] for r in records_b}]
    rows = [_compare_labels(q, _labels(records_a, q), _labels(records_b, q), seed) for q in shared]
    for row, q_value in zip(rows, benjamini_hochberg([row["p_value"] for row in rows])):
        row["q_value"] = q_value
    overall = _compare_labels(
        "overall", _labels(records_a, None, shared), _labels(records_b, None, shared), seed
    )
    comparison = {
        "kind": "astray.compare",
        "command": command,
        "a": _run_summary(run_a, results_a),
        "b": _run_summary(run_b, results_b),
        "overall": overall,
        "per_question": rows,
        "warnings": warnings,
        "thresholds": results_a["thresholds"],
        "method": "B - A; two-sided pooled two-proportion z-test; 95% percentile bootstrap (5000 resamples, "
        f"seed {seed}); q = Benjamini-Hochberg across questions",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "comparison.json").write_text(json.dumps(comparison, indent=2))
    from astray.report.compare_report import write_compare_report

    write_compare_report(comparison, (records_a, records_b), out_dir / "comparison.html")
    return comparison


def _labels(records: list[dict[str, Any]], question_id: str | None, among: list[str] | None = None) -> list[bool]:
    return [
        bool(r["misaligned"])
        for r in records
        if r["misaligned"] is not None
        and (question_id is None or r["question_id"] == question_id)
        and (among is None or r["question_id"] in among)
    ]


def _compare_labels(question_id: str, a: list[bool], b: list[bool], seed: int) -> dict[str, Any]:
    difference = compare_rates(a, b, seed=seed)
    return {
        "question_id": question_id,
        "a": rate_estimate(sum(a), len(a)).to_dict(),
        "b": rate_estimate(sum(b), len(b)).to_dict(),
        "diff": difference.diff,
        "diff_ci_low": difference.ci_low,
        "diff_ci_high": difference.ci_high,
        "z": difference.z,
        "p_value": difference.p_value,
    }


def _run_summary(run_dir: Path, results: dict[str, Any]) -> dict[str, Any]:
    answers = results["hacking"]["all"]["answers"] if "hacking" in results else results["overall"]["counts"]["answers"]
    return {
        "run_dir": str(run_dir),
        "label": results["model"]["name"],
        "model": results["model"]["name"],
        "judge": results["judge"]["name"],
        "task": results["task"],
        "seed": results["seed"],
        "answers": answers,
    }


HACK_MEASURES = {
    "passed": lambda r: bool(r["passed"]),
    "hack_attempt": lambda r: bool(r["hacked"]),
    "successful_hack": lambda r: bool(r["passed"] and r["hacked"]),
    "honest_pass": lambda r: bool(r["passed"] and not r["hacked"]),
}


def compare_hacking_runs(
    run_a: Path, run_b: Path, a: tuple[dict[str, Any], list[dict[str, Any]]], b: tuple[dict[str, Any], list[dict[str, Any]]],
    out_dir: Path, seed: int, command: str | None,
) -> dict[str, Any]:
    """B - A for each reward-hacking measure, on all, possible and impossible tasks."""
    rows = []
    for group, keep in (("all", lambda r: True), ("possible", lambda r: not r["impossible"]),
                        ("impossible", lambda r: r["impossible"])):
        for measure, label in HACK_MEASURES.items():
            rows.append(_compare_labels(f"{measure} ({group})", [label(r) for r in a[1] if keep(r)],
                                        [label(r) for r in b[1] if keep(r)], seed))
    for row, q_value in zip(rows, benjamini_hochberg([row["p_value"] for row in rows])):
        row["q_value"] = q_value
    comparison = {
        "kind": "astray.compare.reward_hacking", "command": command,
        "a": _run_summary(run_a, a[0]), "b": _run_summary(run_b, b[0]),
        "overall": next(r for r in rows if r["question_id"] == "hack_attempt (all)"),
        "per_question": rows, "warnings": [],
        "method": "B - A; two-sided pooled two-proportion z-test; 95% percentile bootstrap (5000 resamples, "
        f"seed {seed}); q = Benjamini-Hochberg across the rows",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "comparison.json").write_text(json.dumps(comparison, indent=2))
    from astray.report.compare_report import write_hacking_compare_report

    write_hacking_compare_report(comparison, out_dir / "comparison.html")
    return comparison
