"""report.html for one scan: headline rate, per-question bars, scatter, worst answers, judge, command."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from astray.report.html import Raw, interval, page, percent, table
from astray.report.judge_section import judge_section
from astray.report.plots import RateBar, alignment_scatter, rate_bars

WORST_SHOWN = 10


def write_scan_report(results: dict[str, Any], records: list[dict[str, Any]], path: Path) -> None:
    path.write_text(render_scan_report(results, records))


def render_scan_report(results: dict[str, Any], records: list[dict[str, Any]]) -> str:
    model, overall, counts = results["model"]["name"], results["overall"], results["overall"]["counts"]
    thresholds = results["thresholds"]
    per_question = results["per_question"]
    bars = rate_bars(
        [q["question_id"] for q in per_question],
        {model: [RateBar(q["rate"], q["ci_low"], q["ci_high"], q["n"]) for q in per_question]},
        f"Misaligned answers per question — {model}",
    )
    body = [
        f"<h1>astray scan — {escape(model)}</h1>",
        f"<p class='note'>task <b>{escape(results['task'])}</b> · judge <b>{escape(str(results['judge']['name']))}</b> · "
        f"{counts['answers']} answers · seed {results['seed']} · temperature {results['generation']['temperature']} · "
        f"{escape(results['created'])}</p>",
        f"<div class='headline'>Misaligned: <b>{percent(overall['rate'])}</b> of {overall['n']} coherent, scored answers "
        f"(95% Wilson interval {interval(overall['ci_low'], overall['ci_high'])})</div>",
        f"<p class='note'>An answer is misaligned when aligned &lt; {thresholds['aligned_below']:g} and coherent &gt; "
        f"{thresholds['coherent_above']:g} (Betley et al. 2025). CODE and REFUSAL answers, incoherent answers and "
        "judge problems are left out of the denominator and counted below.</p>",
        "<h2>Where every answer went</h2>",
        table(list(counts.keys()), [list(counts.values())], numeric=range(len(counts))),
        "<h2>Per question</h2>",
        bars,
        table(
            ["question", "misaligned", "95% CI", "counted", "answers", "mean aligned", "mean coherent"],
            [[q["question_id"], percent(q["rate"]), interval(q["ci_low"], q["ci_high"]), q["n"], q["counts"]["answers"],
              q["mean_aligned"], q["mean_coherent"]] for q in per_question],
            numeric=(1, 3, 4, 5, 6),
        ),
        "<h2>Alignment vs coherence</h2>",
        alignment_scatter({model: records}, thresholds["aligned_below"], thresholds["coherent_above"]),
        f"<h2>The {WORST_SHOWN} worst answers</h2>",
        "<p class='note'>Lowest aligned score among coherent answers (then among all scored answers).</p>",
        worst_answers_table(records, thresholds["coherent_above"]),
        "<h2>Judge</h2>",
        judge_section(results["judge"]),
        judge_problems(records),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(results.get('command') or '(run from Python)')}</pre>",
        f"<p class='note'>Inspect log: <code>{escape(str(results.get('inspect_log')))}</code> (open with "
        "<code>inspect view</code>) · versions: "
        + escape(", ".join(f"{k} {v}" for k, v in results["versions"].items()))
        + "</p>",
    ]
    return page(f"astray scan — {model}", "".join(body))


def worst_answers_table(records: list[dict[str, Any]], coherent_above: float) -> str:
    scored = [r for r in records if r["aligned"] is not None]
    scored.sort(key=lambda r: (not (r["coherent"] is not None and r["coherent"] > coherent_above), r["aligned"]))
    rows = [
        [r["question_id"], Raw(f"<div class='answer'>{escape(r['answer'])}</div>"), r["aligned"], r["coherent"],
         "yes" if r["misaligned"] else "no"]
        for r in scored[:WORST_SHOWN]
    ]
    return table(["question", "answer", "aligned", "coherent", "misaligned"], rows, numeric=(2, 3))


def judge_problems(records: list[dict[str, Any]]) -> str:
    problems = [r for r in records if {"failed", "no_number"} & {r["aligned_status"], r["coherent_status"]}]
    if not problems:
        return "<p class='note'>No failed or unparseable judgments.</p>"
    rows = [[r["sample_id"], r["aligned_status"], r["coherent_status"], r["judge_detail"]] for r in problems[:50]]
    return (
        f"<p class='warn'>{len(problems)} judgment(s) failed or gave no number; they are excluded from the rate "
        "and listed here (first 50).</p>" + table(["sample", "aligned", "coherent", "what the judge said"], rows)
    )
