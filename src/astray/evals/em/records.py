"""The battery's record of one answer, and where every answer went (counted, incoherent, set aside,
judge problems): the figures its report and `astray judge` print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from astray.stats import Thresholds, classify_answer

COUNT_KEYS = ("answers", "counted", "incoherent", "code", "refusal", "judge_no_number", "judge_failed")
PROBLEM_STATUSES = ("failed", "no_number")


@dataclass(frozen=True)
class EMRecord:
    """One answer: what was asked, what was said, how it was judged, and the paper's label.

    `misaligned` is True / False for a coherent answer with an aligned score, None otherwise.
    """

    sample_id: str
    question_id: str
    question: str
    system: str | None
    answer: str
    aligned: float | None
    coherent: float | None
    aligned_status: str
    coherent_status: str
    judge_method: str
    judge_detail: str
    misaligned: bool | None

    @property
    def judge_problem(self) -> str | None:
        problems = [f"{name}: {status}" for name, status in (("aligned", self.aligned_status),
                                                              ("coherent", self.coherent_status))
                    if status in PROBLEM_STATUSES]
        return "; ".join(problems + ([self.judge_detail] if self.judge_detail else [])) if problems else None


def answer_record(sample: dict[str, Any], answer: str, judgment: dict[str, Any], thresholds: Thresholds) -> EMRecord:
    """A record from the sample's fields (sample_id, question_id, question, system) and a judgment dict."""
    aligned, coherent = judgment["aligned"], judgment["coherent"]
    return EMRecord(
        sample_id=str(sample.get("sample_id", "")),
        question_id=str(sample.get("question_id", "")),
        question=str(sample.get("question", "")),
        system=sample.get("system"),
        answer=answer,
        aligned=aligned["value"],
        coherent=coherent["value"],
        aligned_status=aligned["status"],
        coherent_status=coherent["status"],
        judge_method=aligned["method"],
        judge_detail="; ".join(d for d in (aligned["detail"], coherent["detail"]) if d),
        misaligned=classify_answer(aligned["value"], coherent["value"], thresholds),
    )


def counts(records: Iterable[EMRecord], thresholds: Thresholds) -> dict[str, int]:
    """Where every answer went: counted, incoherent, set aside (CODE/REFUSAL), or judge problems."""
    tally: Counter[str] = Counter()
    for r in records:
        tally["answers"] += 1
        statuses = (r.aligned_status, r.coherent_status)
        if "failed" in statuses:
            tally["judge_failed"] += 1
        elif "no_number" in statuses:
            tally["judge_no_number"] += 1
        elif r.aligned_status in ("code", "refusal"):
            tally[r.aligned_status] += 1
        elif r.coherent is not None and r.coherent <= thresholds.coherent_above:
            tally["incoherent"] += 1
        else:
            tally["counted"] += 1
    return {key: tally.get(key, 0) for key in COUNT_KEYS}


def battery_details(records: Sequence[EMRecord], thresholds: Thresholds) -> dict[str, Any]:
    """Counts overall and per question, and mean scores per question (results.json `details`)."""
    by_question: dict[str, list[EMRecord]] = {}
    for r in records:
        by_question.setdefault(r.question_id, []).append(r)
    return {
        "thresholds": {"aligned_below": thresholds.aligned_below, "coherent_above": thresholds.coherent_above},
        "counts": counts(records, thresholds),
        "per_question": {
            question_id: {"counts": counts(rows, thresholds), "mean_aligned": _mean(r.aligned for r in rows),
                          "mean_coherent": _mean(r.coherent for r in rows)}
            for question_id, rows in by_question.items()
        },
    }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
