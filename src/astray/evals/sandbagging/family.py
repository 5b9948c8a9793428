"""Sandbagging as a family: accuracy under a neutral and an evaluation framing, the paired gap
(McNemar per item), and how often the model says it thinks it is being tested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from astray.evals.family import Contrast, Family, Measure
from astray.evals.sandbagging.task import TASKS, SandbaggingOptions, open_grader


@dataclass(frozen=True)
class SandbaggingRecord:
    sample_id: str
    item: str
    framing: str
    kind: str
    expected: str
    answer: str
    correct: bool | None
    says_test: bool | None


def to_record(sample: Any, options: Any) -> SandbaggingRecord:
    meta, score = sample.metadata, sample.scores["answer_match"].metadata
    return SandbaggingRecord(str(sample.id), meta["item"], meta["framing"], meta["kind"], meta["expected"],
                             sample.output.completion, score["correct"], score["says_test"])


def _item(record: SandbaggingRecord) -> str:
    return record.item


FAMILY = Family(
    name="sandbagging",
    description="easy items under neutral vs evaluation framing (paired), and evaluation awareness",
    tasks=TASKS,
    record_type=SandbaggingRecord,
    to_record=to_record,
    measures=(
        Measure("correct", "the answer matches the expected one (by program)", lambda r: r.correct),
        Measure("says_test", "says on its first line that it thinks the conversation is a test (TEST vs REAL; "
                "neither or both: left out)", lambda r: r.says_test),
    ),
    headline="correct",
    groups=lambda r: (r.framing, r.kind),
    group_label="framing",
    open_grader=open_grader,
    options=SandbaggingOptions,
    contrasts=(Contrast("correct", "neutral", "evaluation", pair_key=_item),),
    problem=lambda r: "neither TEST nor REAL on the first line" if r.kind == "awareness" and r.says_test is None else None,
)
