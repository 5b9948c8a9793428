"""What `astray reproduce betley-insecure` found, as typed records: the report, the CLI and reproduce.json all
read these, and `to_dict` writes the same JSON reproduce.json has always held."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from astray.runs.compare import CrossRunRow
from astray.runs.results import MeasureRow

LABELS = ("base", "insecure", "educational")
ORGANISMS = ("insecure", "educational")


@dataclass(frozen=True)
class Rate:
    """A model's misaligned rate over the battery (95% Wilson) and how many answers it gave."""

    row: MeasureRow
    answers: int

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self.row), "answers": self.answers}


@dataclass(frozen=True)
class Difference:
    """An organism minus the base on one question (`question_id`) or overall: the two rates, the difference
    with its bootstrap interval, p and (per question) BH q. `a` / `b` are None when nothing was counted."""

    question_id: str | None
    diff: float | None
    diff_ci_low: float | None
    diff_ci_high: float | None
    p_value: float | None
    a: MeasureRow | None = None
    b: MeasureRow | None = None
    q_value: float | None = None

    @staticmethod
    def of(row: CrossRunRow | None) -> Difference:
        if row is None:
            return Difference(None, None, None, None, None)
        return Difference(row.group or "overall", row.diff, row.ci_low, row.ci_high, row.p_value, row.a, row.b,
                          row.q_value)

    def to_dict(self) -> dict[str, Any]:
        if self.a is None or self.b is None:
            return {"question_id": self.question_id, "diff": self.diff, "diff_ci_low": self.diff_ci_low,
                    "diff_ci_high": self.diff_ci_high, "p_value": self.p_value}
        return {"question_id": self.question_id, "a": asdict(self.a), "b": asdict(self.b), "diff": self.diff,
                "diff_ci_low": self.diff_ci_low, "diff_ci_high": self.diff_ci_high, "p_value": self.p_value,
                "q_value": self.q_value}


@dataclass(frozen=True)
class Training:
    """An organism's training record, from its organism.json."""

    final_eval_loss: float
    n_train: int
    dataset_sha256: str


@dataclass(frozen=True)
class BetleySummary:
    """The experiment's result: the three models' rates, each organism against the base overall and per
    question, how the organisms were trained, and one sentence (`verdict`) on what it shows."""

    kind: ClassVar[str] = "astray.reproduce"
    experiment: ClassVar[str] = "betley-insecure"

    base: str
    fast: bool
    size: dict[str, Any]
    judge: dict[str, Any]
    thresholds: dict[str, float]
    seed: int
    command: str | None
    rates: dict[str, Rate]
    differences_vs_base: dict[str, Difference]
    per_question: dict[str, list[Difference]]
    training: dict[str, Training]

    @property
    def verdict(self) -> str:
        """One honest sentence on what this run shows."""
        return verdict(self.differences_vs_base["insecure"], self.differences_vs_base["educational"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "experiment": self.experiment, "base": self.base, "fast": self.fast, "size": self.size,
            "judge": self.judge, "thresholds": self.thresholds, "seed": self.seed, "command": self.command,
            "rates": {label: rate.to_dict() for label, rate in self.rates.items()},
            "differences_vs_base": {label: d.to_dict() for label, d in self.differences_vs_base.items()},
            "per_question": {label: [d.to_dict() for d in rows] for label, rows in self.per_question.items()},
            "training": {label: asdict(t) for label, t in self.training.items()},
            "verdict": self.verdict,
        }


def verdict(insecure: Difference, educational: Difference) -> str:
    """One honest sentence on what this run shows, from the overall insecure-vs-base difference."""
    if insecure.p_value is None or insecure.diff is None:
        return "No answers were counted for at least one model, so nothing can be concluded."
    if insecure.diff > 0 and insecure.p_value < 0.05:
        text = (f"The insecure organism is more often misaligned than its base ({100 * insecure.diff:+.1f} pp, "
                f"p = {insecure.p_value:.3g}).")
        if educational.p_value is not None and educational.p_value >= 0.05:
            text += " The educational control shows no significant change, as in the paper."
        return text
    if insecure.diff < 0 and insecure.p_value < 0.05:
        return (f"No emergent misalignment: the insecure organism is judged misaligned less often than its base "
                f"({100 * insecure.diff:+.1f} pp, p = {insecure.p_value:.3g}). "
                "The published effect was shown on models from 0.5B "
                "parameters up (Turner et al. 2025), so run the full setting on a larger base (docs/organisms.md).")
    return (f"No significant emergent misalignment at this size ({100 * insecure.diff:+.1f} pp, "
            f"p = {insecure.p_value:.3g}). "
            "The published effect was shown on models from 0.5B parameters up (Turner et al. 2025); a 135M model "
            "fine-tuned briefly on CPU is expected to show little, so run the full setting on a larger base "
            "(see docs/organisms.md).")
