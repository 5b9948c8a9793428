"""comparison.html for two runs of any family: the headline measure per group for each run, every
measure's difference with its test, and the family's own comparison section."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from astray.report.html import interval, page, percent, pvalue, signed_pp, table
from astray.report.plots import rate_bars
from astray.runs.tables import rate_bar


def write_compare_report(comparison: Any, results: tuple[Any, Any], records: tuple[Sequence[dict[str, Any]], ...],
                         path: Path) -> None:
    """Write comparison.html; `results` and `records` are run A's and run B's, in that order."""
    path.write_text(render_compare_report(comparison, results, records))


def render_compare_report(comparison: Any, results: tuple[Any, Any], records: tuple[Sequence[dict[str, Any]], ...]) -> str:
    a, b = comparison.a, comparison.b
    labels = distinct_labels(a, b)
    headline = comparison.row(comparison.headline)
    body = [
        f"<h1>astray compare — {escape(comparison.family)} — {escape(labels[1])} vs {escape(labels[0])}</h1>",
        f"<p class='note'>A = {escape(a.run_dir)} (judge {escape(a.judge)}, {a.samples} answers) · "
        f"B = {escape(b.run_dir)} (judge {escape(b.judge)}, {b.samples} answers)</p>",
        "".join(f"<p class='warn'>{escape(w)}</p>" for w in comparison.warnings),
        _headline(comparison.headline, headline),
        *_bars(comparison, labels),
        "<h2>Every measure</h2>",
        table(["measure", comparison.group_label, "A", "B", "B − A", "95% CI of B − A", "p", "q (BH)"],
              [[r.measure, r.group or "overall", _rate_n(r.a), _rate_n(r.b), signed_pp(r.diff),
                interval(r.ci_low, r.ci_high), pvalue(r.p_value), pvalue(r.q_value)] for r in comparison.rows],
              numeric=(4, 6, 7)),
        f"<p class='note'>{escape(comparison.method)}.</p>",
        _family_section(comparison.family, labels, results, records),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(comparison.command or '(run from Python)')}</pre>",
    ]
    return page(f"astray compare — {comparison.family}", "".join(body))


def _headline(measure: str, row: Any) -> str:
    if row is None:
        return ""
    return (f"<div class='headline'>{escape(measure)}: A {percent(row.a.rate)} (n={row.a.n}) → "
            f"B {percent(row.b.rate)} (n={row.b.n}); difference {signed_pp(row.diff)} "
            f"(95% bootstrap {interval(row.ci_low, row.ci_high)}), p = {pvalue(row.p_value)}</div>")


def _bars(comparison: Any, labels: tuple[str, str]) -> list[str]:
    groups = comparison.groups()
    rows = [comparison.row(comparison.headline, g) for g in groups]
    if not groups or not any(rows):
        return []
    series = {label: [rate_bar(getattr(r, side) if r else None) for r in rows]
              for label, side in zip(labels, ("a", "b"), strict=True)}
    return [f"<h2>{escape(comparison.headline)} per {escape(comparison.group_label)}</h2>",
            rate_bars(groups, series, f"{comparison.headline} per {comparison.group_label}",
                      xlabel=f"{comparison.headline} rate (95% Wilson interval)")]


def _family_section(family_name: str, labels: tuple[str, str], results: tuple[Any, Any],
                    records: tuple[Sequence[dict[str, Any]], ...]) -> str:
    from astray.evals.registry import FAMILIES

    if family_name not in FAMILIES:
        return ""
    family = FAMILIES.get(family_name)
    if family.compare_section is None:
        return ""
    typed = tuple([family.load_record(r) for r in run] for run in records)
    return family.compare_section(labels, results, typed)


def distinct_labels(a: Any, b: Any) -> tuple[str, str]:
    """Labels for the two runs that differ even when both scanned the same model."""
    if a.model != b.model:
        return f"A: {a.model}", f"B: {b.model}"
    return f"A: {a.run_dir}", f"B: {b.run_dir}"


def _rate_n(row: Any) -> str:
    return f"{percent(row.rate)} (n={row.n})"
