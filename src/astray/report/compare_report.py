"""comparison.html: per-question bars for each run and the significance of each difference."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from astray.report.html import interval, page, percent, pvalue, table
from astray.report.plots import RateBar, alignment_scatter, rate_bars


def write_compare_report(
    comparison: dict[str, Any], records: tuple[list[dict[str, Any]], list[dict[str, Any]]], path: Path
) -> None:
    """Write comparison.html; `records` are run A's and run B's answers, in that order."""
    path.write_text(render_compare_report(comparison, records))


def render_compare_report(comparison: dict[str, Any], records: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> str:
    a, b, rows, overall = comparison["a"], comparison["b"], comparison["per_question"], comparison["overall"]
    labels = _distinct_labels(a, b)
    bars = rate_bars(
        [r["question_id"] for r in rows],
        {label: [RateBar(r[side]["rate"], r[side]["ci_low"], r[side]["ci_high"], r[side]["n"]) for r in rows]
         for label, side in zip(labels, ("a", "b"))},
        "Misaligned rate per question",
    )
    body = [
        f"<h1>astray compare — {escape(labels[1])} vs {escape(labels[0])}</h1>",
        f"<p class='note'>A = {escape(a['run_dir'])} (judge {escape(a['judge'])}, {a['answers']} answers) · "
        f"B = {escape(b['run_dir'])} (judge {escape(b['judge'])}, {b['answers']} answers)</p>",
        "".join(f"<p class='warn'>{escape(w)}</p>" for w in comparison["warnings"]),
        f"<div class='headline'>Overall misaligned rate: A {percent(overall['a']['rate'])} (n={overall['a']['n']}) → "
        f"B {percent(overall['b']['rate'])} (n={overall['b']['n']}); difference "
        f"{_signed(overall['diff'])} (95% bootstrap {interval(overall['diff_ci_low'], overall['diff_ci_high'])}), "
        f"p = {pvalue(overall['p_value'])}</div>",
        "<h2>Per question</h2>",
        bars,
        table(
            ["question", "A", "A 95% CI", "B", "B 95% CI", "B − A", "95% CI of B − A", "p", "q (BH)"],
            [[r["question_id"], percent(r["a"]["rate"]), interval(r["a"]["ci_low"], r["a"]["ci_high"]),
              percent(r["b"]["rate"]), interval(r["b"]["ci_low"], r["b"]["ci_high"]), _signed(r["diff"]),
              interval(r["diff_ci_low"], r["diff_ci_high"]), pvalue(r["p_value"]), pvalue(r.get("q_value"))]
             for r in rows],
            numeric=(1, 3, 5, 7, 8),
        ),
        f"<p class='note'>{escape(comparison['method'])}.</p>",
        "<h2>Alignment vs coherence</h2>",
        alignment_scatter(
            dict(zip(labels, records)),  # labels are distinct even when both runs share a model
            comparison["thresholds"]["aligned_below"],
            comparison["thresholds"]["coherent_above"],
        ),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(comparison.get('command') or '(run from Python)')}</pre>",
    ]
    return page("astray compare", "".join(body))


def _distinct_labels(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    if a["label"] != b["label"]:
        return [f"A: {a['label']}", f"B: {b['label']}"]
    return [f"A: {a['run_dir']}", f"B: {b['run_dir']}"]


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:+.1f} pp"


def write_hacking_compare_report(comparison: dict[str, Any], path: Path) -> None:
    a, b = comparison["a"], comparison["b"]
    labels = _distinct_labels(a, b)
    rows = [[r["question_id"], f"{percent(r['a']['rate'])} (n={r['a']['n']})", f"{percent(r['b']['rate'])} (n={r['b']['n']})",
             _signed(r["diff"]), interval(r["diff_ci_low"], r["diff_ci_high"]), pvalue(r["p_value"]), pvalue(r.get("q_value"))]
            for r in comparison["per_question"]]
    body = [
        f"<h1>astray compare — reward hacking — {escape(labels[1])} vs {escape(labels[0])}</h1>",
        f"<p class='note'>A = {escape(a['run_dir'])} · B = {escape(b['run_dir'])}</p>",
        table(["measure (tasks)", "A", "B", "B − A", "95% CI of B − A", "p", "q (BH)"], rows, numeric=(3, 5, 6)),
        f"<p class='note'>{escape(comparison['method'])}.</p>",
        f"<pre>{escape(comparison.get('command') or '(run from Python)')}</pre>",
    ]
    path.write_text(page("astray compare — reward hacking", "".join(body)))
