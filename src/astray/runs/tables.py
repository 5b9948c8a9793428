"""Measure rows as tables and bars, shared by report.html, comparison.html and the CLI summary.

A family with few groups is shown as a matrix (measures x groups); one with many (a question set) as
its headline measure per group plus every measure overall.
"""

from __future__ import annotations

from astray.report.html import interval, percent
from astray.report.plots import RateBar
from astray.runs.results import MeasureRow, RunResults

MATRIX_MAX_GROUPS = 4


def rate_bar(row: MeasureRow | None) -> RateBar:
    """A row as a bar of a rate plot; an empty bar where nothing was counted."""
    return RateBar(None, None, None, 0) if row is None else RateBar(row.rate, row.ci_low, row.ci_high, row.n)


def estimate(row: MeasureRow | None) -> str:
    if row is None:
        return "—"
    return f"{percent(row.rate)} {interval(row.ci_low, row.ci_high)} ({row.k}/{row.n}){corrected(row, '; corrected ')}"


def corrected(row: MeasureRow | None, prefix: str = "") -> str:
    """The judge-corrected rate and interval, where the judge was validated for the measure."""
    if row is None or row.corrected_rate is None:
        return ""
    return f"{prefix}{percent(row.corrected_rate)} {interval(row.corrected_low, row.corrected_high)}"


def _any_corrected(results: RunResults) -> bool:
    return any(r.corrected_rate is not None for r in results.measures)


def uses_matrix(results: RunResults) -> bool:
    return len(results.groups()) <= MATRIX_MAX_GROUPS


def matrix(results: RunResults) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per measure, one column per group (overall first)."""
    groups = results.groups()
    header = ["measure", "overall", *groups]
    names = list(results.measure_descriptions)
    return header, [[name, *(estimate(results.row(name, g)) for g in [None, *groups])] for name in names]


def per_group(results: RunResults) -> tuple[list[str], list[list[str]]]:
    """Header and rows: the headline measure in every group, then the overall row."""
    extra = ["judge-corrected"] if _any_corrected(results) else []
    header = [results.group_label, results.headline, "95% Wilson CI", "k", "n", *extra]
    rows = []
    for group in [*results.groups(), None]:
        row = results.row(results.headline, group)
        if row is not None:
            rows.append([group or "overall", percent(row.rate), interval(row.ci_low, row.ci_high), str(row.k), str(row.n),
                         *([corrected(row) or "—"] if extra else [])])
    return header, rows


def overall(results: RunResults) -> tuple[list[str], list[list[str]]]:
    """Header and rows: every measure over all records, with what it means."""
    extra = ["judge-corrected"] if _any_corrected(results) else []
    rows = []
    for name, description in results.measure_descriptions.items():
        row = results.row(name)
        if row is not None:
            rows.append([name, percent(row.rate), interval(row.ci_low, row.ci_high), f"{row.k}/{row.n}",
                         *([corrected(row) or "—"] if extra else []), description])
    return ["measure", "rate", "95% Wilson CI", "k/n", *extra, "what it counts"], rows
