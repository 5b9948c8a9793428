"""Small HTML building blocks shared by the scan and comparison reports."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; margin: 2rem auto;
       max-width: 1000px; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.headline { font-size: 1.3rem; margin: 1rem 0; padding: 0.8rem 1rem; background: #f4f6fb; border-left: 4px solid #4c72b0; }
.note { color: #555; font-size: 0.9rem; } .warn { background: #fff4e5; border-left: 4px solid #dd8452; padding: 0.6rem 1rem; }
pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; font-size: 0.85rem; }
.answer { max-width: 560px; white-space: pre-wrap; font-size: 0.85rem; }
svg { max-width: 100%; height: auto; }
"""


def page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped unless they are `Raw`."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class='{'num' if i in numeric else ''}'>{cell(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Raw(str):
    """Trusted HTML that `table` inserts unescaped."""


def cell(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return escape(str(value))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def interval(low: float | None, high: float | None) -> str:
    return "—" if low is None or high is None else f"[{100 * low:.1f}, {100 * high:.1f}]"


def pvalue(value: float | None) -> str:
    if value is None:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def signed_pp(value: float | None) -> str:
    """A difference of rates in percentage points, with its sign."""
    return "—" if value is None else f"{100 * value:+.1f} pp"
