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

    write_compare_report(comparison, {comparison["a"]["label"]: records_a, comparison["b"]["label"]: records_b},
                         out_dir / "comparison.html")
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
    return {
        "run_dir": str(run_dir),
        "label": results["model"]["name"] if results.get("label") is None else results["label"],
        "model": results["model"]["name"],
        "judge": results["judge"]["name"],
        "task": results["task"],
        "seed": results["seed"],
        "answers": results["overall"]["counts"]["answers"],
    }
