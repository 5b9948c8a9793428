"""What `astray reproduce hacking-generalization` found, as typed records: the report and the CLI read these,
and `to_dict` writes the results.json the experiment has always written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from astray.experiments.hacking_generalization.analysis import ComparisonResult
from astray.experiments.hacking_generalization.plan import MeasurePlan, OrganismRecipe, ScanSize
from astray.experiments.hacking_generalization.verdicts import Verdict
from astray.runs.results import MeasureRow


@dataclass(frozen=True)
class MeasureEntry:
    """One measure of the plan, whether this run measured it, and the task its scan runs."""

    plan: MeasurePlan
    measured: bool
    task: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self.plan), "measured": self.measured, "task": self.task}


@dataclass(frozen=True)
class OrganismTraining:
    """An organism's training record, from its organism.json (None for an organism given from elsewhere)."""

    dataset: str | None
    n_train: int | None
    final_eval_loss: float | None
    inoculation: str | None
    dataset_sha256: str | None


@dataclass(frozen=True)
class HackingSummary:
    """The experiment's result. `rates[measure][model]` is that model's row (None: not counted);
    `hacking_vs_off_task[measure]` is Spearman's rho between the hack rate and that measure across models."""

    kind: ClassVar[str] = "astray.experiment"
    experiment: ClassVar[str] = "hacking-generalization"

    config: dict[str, Any]
    models: dict[str, str]
    recipes: tuple[OrganismRecipe, ...]
    measures: list[MeasureEntry]
    rates: dict[str, dict[str, MeasureRow | None]]
    comparisons: list[ComparisonResult]
    alpha: float
    verdicts: list[Verdict]
    summary: str
    hacking_vs_off_task: dict[str, float | None]
    judges: dict[str, dict[str, Any]]
    scan_reports: dict[str, dict[str, str]]
    scan_settings: dict[str, ScanSize]
    versions: dict[str, str]
    models_order: list[str]
    command: str | None = None
    seconds: float | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)
    training: dict[str, OrganismTraining | None] = field(default_factory=dict)

    def rate(self, measure: str, model: str) -> MeasureRow | None:
        return self.rates.get(measure, {}).get(model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "experiment": self.experiment, "config": self.config, "models": self.models,
            "recipes": [asdict(r) for r in self.recipes], "measures": [m.to_dict() for m in self.measures],
            "rates": {m: {model: None if row is None else asdict(row) for model, row in per_model.items()}
                      for m, per_model in self.rates.items()},
            "comparisons": [c.to_dict() for c in self.comparisons], "alpha": self.alpha,
            "verdicts": [v.to_dict() for v in self.verdicts], "summary": self.summary,
            "hacking_vs_off_task": self.hacking_vs_off_task, "judges": self.judges, "scan_reports": self.scan_reports,
            "scan_settings": {key: asdict(size) for key, size in self.scan_settings.items()},
            "versions": self.versions, "models_order": self.models_order, "command": self.command,
            "seconds": self.seconds, "stage_seconds": self.stage_seconds,
            "training": {label: None if t is None else asdict(t) for label, t in self.training.items()},
        }
