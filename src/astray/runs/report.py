"""report.html for one scan of any family: the headline rate, every measure with its interval, the
per-group bars, the within-run comparisons, the family's own section, the judge and the command."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from astray.evals.family import Family
from astray.report.html import interval, page, percent, pvalue, signed_pp, table
from astray.report.judge_section import judge_section
from astray.report.plots import rate_bars
from astray.runs import tables
from astray.runs.results import RunResults


def write_scan_report(family: Family[Any], results: RunResults, records: Sequence[Any], path: Path) -> None:
    path.write_text(render_scan_report(family, results, records))


def render_scan_report(family: Family[Any], results: RunResults, records: Sequence[Any]) -> str:
    model = results.model["name"]
    headline = results.row(results.headline)
    body = [
        f"<h1>astray scan — {escape(results.family)} — {escape(model)}</h1>",
        f"<p class='note'>task <b>{escape(results.task)}</b> · judge <b>{escape(str(results.judge.get('name')))}</b> · "
        f"{results.counts['samples']} answers · seed {results.provenance.seed} · {escape(results.provenance.created)}</p>",
        _steering_note(results.model.get("steering")),
        f"<div class='headline'>{escape(results.headline)}: <b>{percent(headline.rate if headline else None)}</b> of "
        f"{headline.n if headline else 0} (95% Wilson interval {interval(*(_bounds(headline)))}) — "
        f"{escape(results.measure_descriptions[results.headline])}</div>",
        "<h2>Measures</h2>",
        table(*tables.overall(results)),
        *_per_group(results),
        *_comparisons(results),
        family.report_section(results, records),
        "<h2>Judge</h2>",
        judge_section(results.judge),
        judge_problems(results),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(results.provenance.command or '(run from Python)')}</pre>",
        f"<p class='note'>Inspect log: <code>{escape(str(results.inspect_log))}</code> (open with "
        f"<code>inspect view</code>) · input sha256 {results.provenance.input_sha256[:16]}… · versions: "
        + escape(", ".join(f"{k} {v}" for k, v in results.provenance.versions.items())) + "</p>",
    ]
    return page(f"astray scan — {model}", "".join(body))


def _steering_note(steering: dict[str, Any] | None) -> str:
    if not steering:
        return ""
    trait = f" ({escape(str(steering['trait']))} vector)" if steering.get("trait") else ""
    return (f"<p class='warn'>Steered: every answer was generated with {steering['coef']:g} × "
            f"<code>{escape(str(steering['vector']))}</code>{trait} (norm {steering['vector_norm']}) added to "
            f"<code>{escape(str(steering['place']))}</code> at every position.</p>")


def _bounds(row: Any) -> tuple[float | None, float | None]:
    return (row.ci_low, row.ci_high) if row else (None, None)


def _per_group(results: RunResults) -> list[str]:
    groups = results.groups()
    if not groups:
        return []
    rows = [results.row(results.headline, g) for g in groups]
    bars = rate_bars(groups, {results.model["name"]: [tables.rate_bar(r) for r in rows]},
                     f"{results.headline} per {results.group_label} — {results.model['name']}",
                     xlabel=f"{results.headline} rate (95% Wilson interval)")
    shown = tables.matrix(results) if tables.uses_matrix(results) else tables.per_group(results)
    return [f"<h2>Per {escape(results.group_label)}</h2>", bars, table(*shown)]


def _comparisons(results: RunResults) -> list[str]:
    if not results.comparisons:
        return []
    rows = [[c.measure, c.a, c.b, signed_pp(c.diff), interval(c.ci_low, c.ci_high), c.test, pvalue(c.p_value)]
            for c in results.comparisons]
    return ["<h2>Within-run comparisons (B − A)</h2>",
            table(["measure", "A", "B", "B − A", "95% bootstrap CI", "test", "p"], rows, numeric=(3, 6)),
            "<p class='note'>mcnemar_exact: the same item in both groups (paired); two_proportion_z: pooled z-test.</p>"]


def judge_problems(results: RunResults) -> str:
    count = results.counts.get("judge_problems", 0)
    if not count:
        return "<p class='note'>No failed or unparseable judgments.</p>"
    rows = [[p["sample_id"], p["detail"]] for p in results.problems]
    return (f"<p class='warn'>{count} judgment(s) failed or gave no number; they are excluded from the rates "
            f"and listed here (first {len(rows)}).</p>" + table(["sample", "what the judge said"], rows))

