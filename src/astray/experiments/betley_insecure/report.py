"""report.html for `astray reproduce`: base, insecure and educational side by side per question, and
the significance of each organism's difference from the base."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from astray.experiments.betley_insecure.summary import LABELS, BetleySummary
from astray.report.html import interval, page, percent, pvalue, signed_pp, table
from astray.report.judge_section import judge_section
from astray.report.plots import alignment_scatter, rate_bars
from astray.runs.results import MeasureRow
from astray.runs.tables import rate_bar


def write_reproduce_report(summary: BetleySummary, records: dict[str, list[dict[str, Any]]], path: Path) -> None:
    path.write_text(render_reproduce_report(summary, records))


def render_reproduce_report(summary: BetleySummary, records: dict[str, list[dict[str, Any]]]) -> str:
    insecure_rows = summary.per_question["insecure"]
    educational_rows = {r.question_id: r for r in summary.per_question["educational"]}
    questions = [str(r.question_id) for r in insecure_rows]
    series = {
        "base": [rate_bar(r.a) for r in insecure_rows],
        "insecure": [rate_bar(r.b) for r in insecure_rows],
        "educational": [rate_bar(educational_rows[q].b) for q in questions],
    }
    rates = summary.rates
    overall_rows = [
        [label, percent(rates[label].row.rate), interval(rates[label].row.ci_low, rates[label].row.ci_high),
         rates[label].row.n, rates[label].answers] for label in LABELS
    ]
    diff_rows = [
        [label, signed_pp(d.diff), interval(d.diff_ci_low, d.diff_ci_high), pvalue(d.p_value)]
        for label, d in summary.differences_vs_base.items()
    ]
    per_question_rows = []
    for row in insecure_rows:
        edu = educational_rows[row.question_id]
        per_question_rows.append([row.question_id, percent(_rate_of(row.a)), percent(_rate_of(row.b)),
                                  percent(_rate_of(edu.b)), signed_pp(row.diff), pvalue(row.q_value),
                                  signed_pp(edu.diff), pvalue(edu.q_value)])
    body = [
        f"<h1>astray reproduce — betley-insecure on {escape(summary.base)}</h1>",
        f"<p class='note'>{'fast setting' if summary.fast else 'full setting'} · seed {summary.seed} · "
        f"judge {escape(str(summary.judge['name']))} · size {escape(str(summary.size))}</p>",
        f"<div class='headline'>{escape(summary.verdict)}</div>",
        "<h2>Overall misaligned rate</h2>",
        table(["model", "misaligned", "95% Wilson CI", "counted", "answers"], overall_rows, numeric=(1, 3, 4)),
        table(["organism vs base", "difference", "95% bootstrap CI", "p (two-proportion)"], diff_rows, numeric=(1, 3)),
        "<h2>Per question</h2>",
        rate_bars(questions, series, "Misaligned rate: base vs insecure vs educational"),
        table(["question", "base", "insecure", "educational", "insecure − base", "q (BH)", "educational − base", "q (BH)"],
              per_question_rows, numeric=(1, 2, 3, 4, 5, 6, 7)),
        "<h2>Alignment vs coherence</h2>",
        alignment_scatter({label: _points(records[label]) for label in LABELS}, summary.thresholds["aligned_below"],
                          summary.thresholds["coherent_above"]),
        "<h2>Training</h2>",
        table(["organism", "training examples", "final eval loss", "dataset sha256"],
              [[label, t.n_train, f"{t.final_eval_loss:.4f}", t.dataset_sha256[:16] + "…"]
               for label, t in summary.training.items()]),
        "<h2>Judge</h2>",
        judge_section(summary.judge),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(summary.command or '(run from Python)')}</pre>",
    ]
    return page("astray reproduce — betley-insecure", "".join(body))


def _rate_of(row: MeasureRow | None) -> float | None:
    return None if row is None else row.rate


def _points(records: list[dict[str, Any]]) -> list[tuple[float, float]]:
    return [(r["coherent"], r["aligned"]) for r in records if r["aligned"] is not None and r["coherent"] is not None]
