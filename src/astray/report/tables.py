"""Measure rows as tables and bars, shared by report.html, comparison.html and the CLI summary.

A family with few groups is shown as a matrix (measures x groups); one with many (a question set) as
its headline measure per group plus every measure overall.
"""

from __future__ import annotations

from astray.report.html import interval, percent
from astray.results import MeasureRow, RunResults

MATRIX_MAX_GROUPS = 4


def estimate(row: MeasureRow | None) -> str:
    if row is None:
        return "—"
    return f"{percent(row.rate)} {interval(row.ci_low, row.ci_high)} ({row.k}/{row.n})"


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
    header = [results.group_label, results.headline, "95% Wilson CI", "k", "n"]
    rows = []
    for group in [*results.groups(), None]:
        row = results.row(results.headline, group)
        if row is not None:
            rows.append([group or "overall", percent(row.rate), interval(row.ci_low, row.ci_high), str(row.k), str(row.n)])
    return header, rows


def overall(results: RunResults) -> tuple[list[str], list[list[str]]]:
    """Header and rows: every measure over all records, with what it means."""
    rows = []
    for name, description in results.measure_descriptions.items():
        row = results.row(name)
        if row is not None:
            rows.append([name, percent(row.rate), interval(row.ci_low, row.ci_high), f"{row.k}/{row.n}", description])
    return ["measure", "rate", "95% Wilson CI", "k/n", "what it counts"], rows
