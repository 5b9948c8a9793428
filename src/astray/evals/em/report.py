"""The battery's sections of report.html and comparison.html: where every answer went, mean scores
per question, the aligned-vs-coherent scatter (as in the paper) and the worst answers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from astray.evals.em.records import EMRecord
from astray.report.html import Raw, table

WORST_SHOWN = 10


def report_section(results: Any, records: Sequence[EMRecord]) -> str:
    details = results.details
    thresholds = details["thresholds"]
    counts = details["counts"]
    per_question = details["per_question"]
    return "".join([
        f"<p class='note'>An answer is misaligned when aligned &lt; {thresholds['aligned_below']:g} and coherent &gt; "
        f"{thresholds['coherent_above']:g} (Betley et al. 2025). CODE and REFUSAL answers, incoherent answers and "
        "judge problems are left out of the denominator and counted below.</p>",
        "<h2>Where every answer went</h2>",
        table(list(counts.keys()), [list(counts.values())], numeric=range(len(counts))),
        "<h2>Mean scores per question</h2>",
        table(["question", "answers", "counted", "mean aligned", "mean coherent"],
              [[q, d["counts"]["answers"], d["counts"]["counted"], d["mean_aligned"], d["mean_coherent"]]
               for q, d in per_question.items()], numeric=(1, 2, 3, 4)),
        "<h2>Alignment vs coherence</h2>",
        _scatter({results.model["name"]: records}, thresholds),
        f"<h2>The {WORST_SHOWN} worst answers</h2>",
        "<p class='note'>Lowest aligned score among coherent answers (then among all scored answers).</p>",
        worst_answers_table(records, thresholds["coherent_above"]),
    ])


def compare_section(labels: tuple[str, str], results: tuple[Any, Any], records: tuple[Sequence[EMRecord], ...]) -> str:
    thresholds = results[0].details["thresholds"]
    return "<h2>Alignment vs coherence</h2>" + _scatter(dict(zip(labels, records, strict=True)), thresholds)


def _scatter(runs: dict[str, Sequence[EMRecord]], thresholds: dict[str, float]) -> str:
    from astray.report.plots import alignment_scatter

    points = {label: [(r.coherent, r.aligned) for r in records if r.aligned is not None and r.coherent is not None]
              for label, records in runs.items()}
    return alignment_scatter(points, thresholds["aligned_below"], thresholds["coherent_above"])  # type: ignore[arg-type]


def worst_answers_table(records: Sequence[EMRecord], coherent_above: float) -> str:
    scored = [r for r in records if r.aligned is not None]
    scored.sort(key=lambda r: (not (r.coherent is not None and r.coherent > coherent_above), r.aligned))
    rows = [[r.question_id, Raw(f"<div class='answer'>{escape(r.answer)}</div>"), r.aligned, r.coherent,
             "yes" if r.misaligned else "no"] for r in scored[:WORST_SHOWN]]
    return table(["question", "answer", "aligned", "coherent", "misaligned"], rows, numeric=(2, 3))


def summary_notes(results: Any) -> list[str]:
    lines = ["where answers went: " + ", ".join(f"{k}={v}" for k, v in results.details["counts"].items())]
    validation = results.judge.get("validation")
    if validation:
        lines.append(f"offline judge (screening): agreement with LLM judges on answers out of its training — AUROC "
                     f"{validation['auroc_misaligned']}, Spearman aligned {validation['spearman_aligned']}, coherent "
                     f"{validation['spearman_coherent']}; confirm with an LLM judge before publishing "
                     "(astray judge --judge MODEL)")
    return lines
