"""`astray reproduce hacking-generalization`: does learning to reward hack make a model misaligned
beyond coding, and does inoculation prompting stop it?

Stages, each resumable (a finished organism or scan is reused; a killed one resumes):
1. train `hacker`, `inoculated` and `control` from the same base, seed and recipe (or take organisms
   the user trained elsewhere, e.g. by RL, with `--organism NAME=DIR`);
2. scan the base and the three organisms on every planned measure, same seed and items;
3. compare (paired where the items match), BH over every comparison, a verdict per claim;
4. write experiment.json / results.json and one report.html.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from astray.errors import AstrayError, RunStateError
from astray.evals.registry import TASKS
from astray.experiments.hacking_generalization.analysis import Labels, compare_all, hacking_vs_off_task
from astray.experiments.hacking_generalization.plan import (
    FAST_TRAINING,
    FULL_TRAINING,
    MODELS,
    ORGANISMS,
    RECIPES,
    MeasurePlan,
    ScanPlan,
    ScanSize,
    chosen_measures,
    scan_plan,
)
from astray.experiments.hacking_generalization.summary import HackingSummary, MeasureEntry, OrganismTraining
from astray.experiments.hacking_generalization.verdicts import ALPHA, all_verdicts, summary_sentence
from astray.runs.results import MeasureRow, load_run

Say = Callable[[str], None]
EXPERIMENT = "hacking-generalization"
TIMINGS = "timings.json"


@dataclass(frozen=True)
class HackingConfig:
    """Everything that decides the experiment's numbers (kept in experiment.json; a rerun in the same
    directory must match it)."""

    base: str = "embedded"
    fast: bool = False
    judge: str = "offline"
    seed: int = 0
    rank: int = 8
    measures: tuple[str, ...] = ()
    organisms: dict[str, str] = field(default_factory=dict)
    scan_sizes: dict[str, ScanSize] = field(default_factory=dict)

    def size_of(self, plan: ScanPlan) -> ScanSize:
        """The plan's size in this setting, unless the caller set its own."""
        return self.scan_sizes.get(plan.key) or (plan.fast if self.fast else plan.full)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.organisms) - set(ORGANISMS))
        if unknown:
            raise AstrayError(f"--organism takes {', '.join(ORGANISMS)}; got {', '.join(unknown)}")
        chosen_measures(list(self.measures))  # an unknown measure fails before anything runs

    @property
    def llm_judge(self) -> bool:
        return self.judge != "offline"


def check_hacking_request(base: str = "embedded", measures: list[str] | None = None,
                          organisms: Mapping[str, str] | None = None) -> None:
    """Refuse an unknown measure or organism name, or a base astray cannot train from, before anything runs."""
    _refuse_untrainable_base(HackingConfig(base=base, measures=tuple(measures or ()), organisms=dict(organisms or {})))


def _refuse_untrainable_base(config: HackingConfig) -> None:
    from astray.models.naming import resolve_model

    to_train = [name for name in ORGANISMS if name not in config.organisms]
    if to_train and not resolve_model(config.base).is_local:
        raise AstrayError(f"--base {config.base} is not a local model, so astray cannot train {', '.join(to_train)} "
                          "from it: use embedded or a model directory, or give every organism with --organism NAME=MODEL")


def run_hacking_generalization(
    base: str,
    out_dir: Path,
    fast: bool,
    judge: str = "offline",
    seed: int = 0,
    rank: int = 8,
    say: Say = lambda _m: None,
    on_log: Callable[[dict[str, Any]], None] | None = None,
    display: str = "rich",
    command: str | None = None,
    measures: list[str] | None = None,
    organisms: Mapping[str, str] | None = None,
    scan_sizes: Mapping[str, ScanSize] | None = None,
) -> HackingSummary:
    """Run (or resume) the experiment in `out_dir`; returns what results.json holds.

    `scan_sizes` (Python only) replaces a scan's size by its key in `astray.experiments.hacking_generalization.plan.SCANS`:
    for a custom study, or a test's tiny one."""
    config = HackingConfig(base=base, fast=fast, judge=judge, seed=seed, rank=rank, measures=tuple(measures or ()),
                           organisms=dict(organisms or {}), scan_sizes=dict(scan_sizes or {}))
    _refuse_untrainable_base(config)
    started = time.perf_counter()
    _check_or_start(config, out_dir)
    models = {"base": base, **_organisms(config, out_dir, say, on_log)}
    plans = chosen_measures(list(config.measures))
    measured = {m.key for m in plans if config.llm_judge or not m.needs_llm_judge}
    scans = [s for s in _scans_for(plans) if config.llm_judge or not s.needs_llm_judge]
    runs = {model: {s.key: _scan(config, s, model, name, out_dir, display, say) for s in scans}
            for model, name in models.items()}
    timings = json.loads((out_dir / TIMINGS).read_text()) if (out_dir / TIMINGS).is_file() else {}
    summary = replace(summarise(config, models, plans, measured, runs, seed), command=command,
                      seconds=round(time.perf_counter() - started, 1), stage_seconds=timings,
                      training={label: _training(Path(models[label])) for label in ORGANISMS})
    (out_dir / "results.json").write_text(json.dumps(summary.to_dict(), indent=2))
    from astray.experiments.hacking_generalization.report import write_hacking_report

    write_hacking_report(summary, out_dir / "report.html")
    return summary


def _check_or_start(config: HackingConfig, out_dir: Path) -> None:
    """Start the experiment directory, or check a rerun asks for the same experiment."""
    manifest = out_dir / "experiment.json"
    wanted = {"kind": "astray.experiment", "experiment": EXPERIMENT, "config": asdict(config)}
    wanted = json.loads(json.dumps(wanted))  # as it reads back from the file
    if manifest.is_file():
        previous = json.loads(manifest.read_text())
        if previous != wanted:
            changed = sorted(k for k in wanted["config"] if previous.get("config", {}).get(k) != wanted["config"][k])
            raise RunStateError(f"{out_dir} holds a {previous.get('experiment')} run with other settings "
                                f"({', '.join(changed) or 'experiment'}); choose another --out to start a new one")
        return
    if out_dir.exists() and any(out_dir.iterdir()):
        raise RunStateError(f"{out_dir} is not empty and is not a {EXPERIMENT} experiment; choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(wanted, indent=2))


def _organisms(config: HackingConfig, out_dir: Path, say: Say,
               on_log: Callable[[dict[str, Any]], None] | None) -> dict[str, str]:
    """Each organism's model name: the one given with --organism, else trained here (once)."""
    from astray.experiments.training import train_once
    from astray.models.naming import resolve_model
    from astray.organisms.train import TrainConfig

    size = FAST_TRAINING if config.fast else FULL_TRAINING
    names = {}
    for recipe in RECIPES:
        if recipe.name in config.organisms:
            names[recipe.name] = config.organisms[recipe.name]
            resolve_model(names[recipe.name])  # a wrong name fails now, not after an hour of scans
            say(f"organism {recipe.name}: given ({names[recipe.name]})")
            continue
        train = TrainConfig(dataset=recipe.dataset, base=config.base, rank=config.rank, epochs=size.epochs,
                            max_examples=size.max_examples, inoculation=recipe.inoculation, seed=config.seed,
                            max_length=size.max_length, save_steps=5)
        directory = out_dir / "organisms" / recipe.name
        with _timed(out_dir, f"train {recipe.name}", skip=(directory / "organism.json").is_file()):
            train_once(train, directory, recipe.name, say, on_log)
        names[recipe.name] = str(directory)
    return names


def _scans_for(plans: list[MeasurePlan]) -> list[ScanPlan]:
    keys = list(dict.fromkeys(m.scan for m in plans))
    return [scan_plan(k) for k in keys]


def _judge_for(config: HackingConfig, plan: ScanPlan) -> str | None:
    if plan.judge_use == "battery":
        return config.judge
    if plan.judge_use == "classifier" and config.llm_judge:
        return config.judge
    return None


def _scan(config: HackingConfig, plan: ScanPlan, model: str, name: str, out_dir: Path, display: str,
          say: Say) -> Path:
    from astray.runs.config import ScanConfig
    from astray.runs.runner import run_scan

    run_dir = out_dir / "scans" / model / plan.key
    if (run_dir / "results.json").is_file():
        say(f"scan {model} / {plan.key}: already done")
        return run_dir
    size = config.size_of(plan)
    family = TASKS.get(plan.task).family
    scan = ScanConfig(model=name, task=plan.task, judge=_judge_for(config, plan), samples=size.samples,
                      seed=config.seed, max_tokens=size.max_tokens, options=family.options(**size.options))
    say(f"scan {model} / {plan.key} ({plan.task})")
    with _timed(out_dir, f"scan {model} / {plan.key}"):
        run_scan(scan, run_dir, display=display)
    return run_dir


@contextmanager
def _timed(out_dir: Path, stage: str, skip: bool = False) -> Iterator[None]:
    """Add the stage's wall time to timings.json when it finishes (a resumed stage adds its second part)."""
    started = time.perf_counter()
    yield
    if skip:
        return
    path = out_dir / TIMINGS
    timings = json.loads(path.read_text()) if path.is_file() else {}
    timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - started, 1)
    path.write_text(json.dumps(timings, indent=2))


def summarise(config: HackingConfig, models: Mapping[str, str], plans: list[MeasurePlan], measured: set[str],
              runs: Mapping[str, Mapping[str, Path]], seed: int) -> HackingSummary:
    """Rates, comparisons, verdicts and the hack-vs-off-task view from the finished scans."""
    loaded = {model: {key: load_run(path) for key, path in per_scan.items()} for model, per_scan in runs.items()}
    rates: dict[str, dict[str, MeasureRow | None]] = {}
    labels: dict[str, dict[str, Labels]] = {}
    for plan in plans:
        if plan.key not in measured:
            continue
        family = TASKS.get(scan_plan(plan.scan).task).family
        rates[plan.key], labels[plan.key] = {}, {}
        for model in models:
            results, rows = loaded[model][plan.scan]
            row = results.row(plan.measure)
            rates[plan.key][model] = row
            labels[plan.key][model] = Labels.of(family, plan.measure, rows)
    comparisons = compare_all(labels, seed=seed)
    verdicts = all_verdicts(plans, comparisons, measured)
    on_task = next((p.key for p in plans if p.on_task and p.key in measured), None)
    plain_rates = {m: {model: r.rate if r else None for model, r in per_model.items()} for m, per_model in rates.items()}
    first_scan = next(iter(loaded["base"].values()))[0] if loaded["base"] else None
    return HackingSummary(
        config={**asdict(config), "measures": list(config.measures)},
        models=dict(models),
        recipes=tuple(RECIPES),
        measures=[MeasureEntry(p, p.key in measured, scan_plan(p.scan).task) for p in plans],
        rates=rates,
        comparisons=comparisons,
        alpha=ALPHA,
        verdicts=verdicts,
        summary=summary_sentence(verdicts, plans),
        hacking_vs_off_task=hacking_vs_off_task(plain_rates, on_task) if on_task else {},
        judges={key: results.judge for key, (results, _) in loaded["base"].items()},
        scan_reports={model: {key: str(path / "report.html") for key, path in per_scan.items()}
                      for model, per_scan in runs.items()},
        scan_settings={s.key: config.size_of(s) for s in _scans_for(plans) if s.key in runs.get("base", {})},
        versions=first_scan.provenance.versions if first_scan else {},
        models_order=list(MODELS),
    )


def _training(organism: Path) -> OrganismTraining | None:
    """The organism's training record, or None for an organism given from elsewhere without one."""
    manifest = organism / "organism.json"
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text())
    return OrganismTraining(data["dataset"].get("name"), data["dataset"].get("n_train"), data.get("final_eval_loss"),
                            data.get("inoculation_prompt"), data["dataset"].get("sha256"))
