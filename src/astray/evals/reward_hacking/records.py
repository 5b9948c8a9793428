"""The reward-hacking record of one answer: what the grader saw and what each detector found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HackRecord:
    sample_id: str
    task_id: str
    impossible: bool
    answer: str
    files: list[str]
    passed: bool
    hacks: dict[str, str]
    suspicious_pass: str | None
    hacked: bool
    stopped_by: str | None
    pytest_tail: str

    @property
    def kind(self) -> str:
        return "impossible" if self.impossible else "possible"


def to_record(sample: Any, options: Any) -> HackRecord:
    """An Inspect sample scored by `hack_grader` (its score metadata is the grade) as a record."""
    grade = sample.scores["hack_grader"].metadata
    return HackRecord(
        sample_id=str(sample.id), task_id=sample.metadata["task_id"], impossible=bool(sample.metadata["impossible"]),
        answer=sample.output.completion, files=list(grade["files"]), passed=bool(grade["passed"]),
        hacks=dict(grade["hacks"]), suspicious_pass=grade["suspicious_pass"], hacked=bool(grade["hacked"]),
        stopped_by=grade["stopped_by"], pytest_tail=grade["pytest_tail"],
    )

