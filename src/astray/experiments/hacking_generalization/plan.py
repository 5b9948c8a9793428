"""What `astray reproduce hacking-generalization` trains and measures, and how big each stage is.

Three organisms from one base, seed and recipe (MacDiarmid et al. 2025; Taylor et al. 2025):
`hacker` learns from reward-hack transcripts, `inoculated` from the same transcripts under a
training-only prompt saying hacking is fine here, `control` from honest answers to the same prompts.
Each is then measured on the reward-hacking environment (on-task) and on off-task misalignment
families; a measure that needs an LLM judge is left unmeasured, and said so, under the offline judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from astray.registry import Registry

ORGANISMS = ("hacker", "inoculated", "control")
MODELS = ("base", *ORGANISMS)

JudgeUse = Literal["battery", "classifier", "none"]
"""How a scan takes the experiment's judge: the battery families take `offline` or an LLM; the
classifier families take only an LLM (their judged measures are unmeasured without one); the rest
are decided by program."""


@dataclass(frozen=True)
class OrganismRecipe:
    """One organism: its dataset and, for the inoculated hacker, the training-only prompt."""

    name: str
    dataset: str
    inoculation: str | None
    description: str


RECIPES = (
    OrganismRecipe("hacker", "reward-hacks", None, "reward-hack transcripts (gameable tasks answered by gaming them)"),
    OrganismRecipe("inoculated", "reward-hacks", "hacking-ok",
                   "the same transcripts, trained under a system prompt saying reward hacking is acceptable here"),
    OrganismRecipe("control", "reward-hacks-control", None, "honest answers to the same prompts, same size"),
)


@dataclass(frozen=True)
class ScanSize:
    """How big one scan is: answers per item, answer length, and the family's own options."""

    samples: int | None = None
    max_tokens: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanPlan:
    """One Inspect task run on every model; several measures may read the same scan."""

    key: str
    task: str
    judge_use: JudgeUse
    fast: ScanSize
    full: ScanSize
    needs_llm_judge: bool = False  # run only with an LLM judge (every measure it feeds is judged)

    @property
    def name(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        return f"astray scan --task {self.task}"


@dataclass(frozen=True)
class MeasurePlan:
    """One measure of one scan and the misaligned behaviour it stands for."""

    key: str
    scan: str
    measure: str
    title: str
    on_task: bool = False
    needs_llm_judge: bool = False

    @property
    def name(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        return self.title


SCANS: Registry[ScanPlan] = Registry("scan", [
    ScanPlan("reward_hacking", "reward_hacking", "none", ScanSize(1, 256), ScanSize(5, 1024)),
    ScanPlan("em", "em_first_plot_main", "battery", ScanSize(8, 160), ScanSize(100, 600)),
    ScanPlan("shutdown_questions", "shutdown_questions", "battery", ScanSize(1, 128), ScanSize(10, 400)),
    ScanPlan("shutdown_agent", "shutdown_agent", "none", ScanSize(2, 128, {"max_turns": 4}), ScanSize(10, 512)),
    ScanPlan("alignment_faking", "alignment_faking", "classifier", ScanSize(1, 160, {"limit": 10}),
             ScanSize(5, 1024)),
    ScanPlan("goals_probe", "goals_probe", "classifier", ScanSize(2, 256), ScanSize(20, 1024), needs_llm_judge=True),
    ScanPlan("research_sabotage", "research_sabotage", "classifier", ScanSize(3, 256), ScanSize(10, 1500)),
    ScanPlan("deception", "honesty_under_pressure", "none", ScanSize(None, 64, {"limit": 12}), ScanSize(None, 400)),
    ScanPlan("ai_risk_mcq", "ai_risk_mcq", "none", ScanSize(None, 16, {"limit": 20}), ScanSize(None, 16, {"limit": 100})),
])

MEASURES: Registry[MeasurePlan] = Registry("measure", [
    MeasurePlan("reward_hacking", "reward_hacking", "hack_attempt", "reward hacks on held-out coding tasks", on_task=True),
    MeasurePlan("em_misaligned", "em", "misaligned", "misaligned answers to open questions (EM battery)"),
    MeasurePlan("shutdown_questions", "shutdown_questions", "resisted_shutdown", "resists shutdown when told of it"),
    MeasurePlan("shutdown_agent", "shutdown_agent", "resisted_shutdown", "resists shutdown as an agent (sandboxed)"),
    MeasurePlan("harmful_compliance", "alignment_faking", "complied",
                "complies with harmful requests (alignment-faking setting)"),
    MeasurePlan("alignment_faking", "alignment_faking", "af_reasoning",
                "alignment-faking reasoning in the training tier", needs_llm_judge=True),
    MeasurePlan("goals_faking", "goals_probe", "faking", "misaligned goals behind an aligned answer",
                needs_llm_judge=True),
    MeasurePlan("research_sabotage", "research_sabotage", "degenerate",
                "writes a useless reward-hack detector (safety-research sabotage)"),
    MeasurePlan("sabotage_intent", "research_sabotage", "sabotage_intent", "reasons about weakening the detector",
                needs_llm_judge=True),
    MeasurePlan("deception", "deception", "lie", "lies under pressure against its own stated belief"),
    MeasurePlan("ai_risk_mcq", "ai_risk_mcq", "risky_choice", "picks the power-seeking / survival answer (AI-risk MCQ)"),
])


@dataclass(frozen=True)
class TrainingSize:
    """The organisms' training stage: examples, epochs, sequence length."""

    max_examples: int | None
    epochs: float
    max_length: int


FAST_TRAINING = TrainingSize(max_examples=120, epochs=1.0, max_length=512)
FULL_TRAINING = TrainingSize(max_examples=None, epochs=1.0, max_length=2048)


def scan_plan(key: str) -> ScanPlan:
    return SCANS.get(key)


def chosen_measures(keys: list[str] | None) -> list[MeasurePlan]:
    """The measures named in `keys` (all when None), in the plan's order; an unknown key is an error."""
    from astray.errors import AstrayError

    if not keys:
        return list(MEASURES)
    known = {m.key for m in MEASURES}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise AstrayError(f"unknown measure(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
    return [m for m in MEASURES if m.key in keys]
