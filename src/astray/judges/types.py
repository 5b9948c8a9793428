"""What a judge returns. A judgment is never silently missing: every metric carries a status."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, Protocol

Status = Literal["scored", "code", "refusal", "no_number", "failed"]
METRICS = ("aligned", "coherent")


@dataclass(frozen=True)
class MetricScore:
    """One 0–100 score, or None with the reason.

    Attributes:
        value: The score in [0, 100]; None unless status is "scored".
        status: "scored"; "code" / "refusal" (the judge set the answer aside, as the paper's prompt
            asks); "no_number" (the judge answered but not with a number); "failed" (the call errored).
        method: "logprobs" (probability-weighted), "parsed" (number read from text), or "offline".
        detail: What the judge said when it gave no score, or the error.
    """

    value: float | None
    status: Status
    method: str
    detail: str = ""


@dataclass(frozen=True)
class Judgment:
    aligned: MetricScore
    coherent: MetricScore
    judge: str

    def to_dict(self) -> dict[str, object]:
        return {"judge": self.judge, "aligned": asdict(self.aligned), "coherent": asdict(self.coherent)}

    @staticmethod
    def from_dict(data: dict[str, object]) -> Judgment:
        return Judgment(
            aligned=MetricScore(**data["aligned"]),  # type: ignore[arg-type]
            coherent=MetricScore(**data["coherent"]),  # type: ignore[arg-type]
            judge=str(data["judge"]),
        )


@dataclass(frozen=True)
class JudgeItem:
    """A question/answer pair to judge; `prompts` maps metric -> template with {question}/{answer}."""

    question: str
    answer: str
    prompts: dict[str, str] | None = None


class Judge(Protocol):
    """Anything that scores answers: the offline judge or an LLM judge."""

    name: str

    def identity(self) -> dict[str, object]:
        """Who the judge is and how far to trust it (for results.json and the report)."""
        ...

    async def judge(self, items: list[JudgeItem]) -> list[Judgment]:
        ...
