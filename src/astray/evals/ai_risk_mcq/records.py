"""The record of one multiple-choice answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MCQRecord:
    sample_id: str
    category: str
    answer: str
    letter: str | None
    method: str
    matching: str
    risky: str
    probabilities: dict[str, float]


def to_record(sample: Any, options: Any) -> MCQRecord:
    choice = sample.scores["letter_choice"].metadata
    meta = sample.metadata
    return MCQRecord(sample_id=str(sample.id), category=meta["category"], answer=sample.output.completion,
                     letter=choice["letter"], method=choice["method"], matching=meta["matching"], risky=meta["risky"],
                     probabilities=dict(choice["probabilities"]))
