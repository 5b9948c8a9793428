"""`astray reproduce betley-insecure`: the core experiment of Betley et al. 2025 in one command.

Train `insecure` and the `educational` control on the same base with the same recipe, scan the base
and both organisms with the same judge, seed and questions, compare each organism with the base,
and write one report with three bars per question and the significance of each difference.
Every stage is resumable: a finished organism or scan is reused when the command is run again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from astray.compare import Comparison, CrossRunRow, compare_runs
from astray.errors import AstrayError
from astray.hacking.experiment import check_hacking_request, run_hacking_generalization
from astray.organisms.train import TrainConfig, train_organism
from astray.registry import Registry
from astray.results import RunResults, load_run
from astray.scan import ScanConfig, run_scan

MEASURE = "misaligned"


@dataclass(frozen=True)
class ReproduceSize:
    """How big each stage is. `fast` fits a 2-core CPU and the embedded model in < 30 minutes."""

    max_examples: int | None
    epochs: float
    samples_per_paraphrase: int
    task: str
    max_tokens: int | None
    max_length: int


FAST = ReproduceSize(max_examples=200, epochs=1.0, samples_per_paraphrase=12, task="em_first_plot_main",
                     max_tokens=160, max_length=768)
FULL = ReproduceSize(max_examples=None, epochs=1.0, samples_per_paraphrase=100, task="em_first_plot",
                     max_tokens=600, max_length=2048)


def reproduce_betley_insecure(
    base: str,
    out_dir: Path,
    fast: bool,
    judge: str = "offline",
    seed: int = 0,
    rank: int = 8,
    say: Callable[[str], None] = lambda _m: None,
    on_log: Callable[[dict[str, Any]], None] | None = None,
    display: str = "rich",
    command: str | None = None,
) -> dict[str, Any]:
    size = FAST if fast else FULL
    runs: dict[str, Path] = {}
    for dataset in ("insecure", "educational"):
        _train_once(dataset, base, out_dir / "organisms" / dataset, size, seed, rank, say, on_log)
    for label, model in (("base", base), ("insecure", str(out_dir / "organisms" / "insecure")),
                         ("educational", str(out_dir / "organisms" / "educational"))):
        runs[label] = out_dir / "scans" / label
        if (runs[label] / "results.json").is_file():
            say(f"scan {label}: already done")
            continue
        say(f"scanning {label} ({size.task}, {size.samples_per_paraphrase} answers per question, judge {judge})")
        run_scan(ScanConfig(model=model, task=size.task, judge=judge, samples=size.samples_per_paraphrase,
                            seed=seed, max_tokens=size.max_tokens), runs[label], display=display)
    comparisons = {
        label: compare_runs(runs["base"], runs[label], out_dir / "comparisons" / f"base_vs_{label}", seed=seed)
        for label in ("insecure", "educational")
    }
    loaded = {label: load_run(path) for label, path in runs.items()}
    base_results = loaded["base"][0]
    summary = {
        "kind": "astray.reproduce",
        "experiment": "betley-insecure",
        "base": base,
        "fast": fast,
        "size": size.__dict__,
        "judge": base_results.judge,
        "thresholds": base_results.details["thresholds"],
        "seed": seed,
        "command": command,
        "rates": {label: _rate(results) for label, (results, _) in loaded.items()},
        "differences_vs_base": {label: _difference(c.row(MEASURE)) for label, c in comparisons.items()},
        "per_question": {label: _per_question(c, base_results) for label, c in comparisons.items()},
        "training": {label: _training_summary(out_dir / "organisms" / label) for label in ("insecure", "educational")},
    }
    summary["verdict"] = verdict(summary)
    (out_dir / "reproduce.json").write_text(json.dumps(summary, indent=2))
    from astray.report.reproduce_report import write_reproduce_report

    write_reproduce_report(summary, {label: records for label, (_, records) in loaded.items()}, out_dir / "report.html")
    return summary


def _train_once(dataset: str, base: str, organism: Path, size: ReproduceSize, seed: int, rank: int,
                say: Callable[[str], None], on_log: Callable[[dict[str, Any]], None] | None) -> None:
    config = TrainConfig(dataset=dataset, base=base, rank=rank, epochs=size.epochs, max_examples=size.max_examples,
                         seed=seed, max_length=size.max_length, save_steps=5)
    train_once(config, organism, dataset, say, on_log)


def train_once(config: TrainConfig, organism: Path, label: str, say: Callable[[str], None],
               on_log: Callable[[dict[str, Any]], None] | None) -> None:
    """Train one organism unless it is already trained; resume it from its last checkpoint if it was killed."""
    if (organism / "organism.json").is_file():
        say(f"organism {label}: already trained ({organism})")
        return
    say(f"training organism '{label}' on {config.base} ({config.dataset}, {config.max_examples or 'all'} examples, "
        f"{config.epochs} epoch{'' if config.epochs == 1 else 's'}"
        f"{', inoculated' if config.inoculation else ''})")
    resume = (organism / "checkpoints").is_dir() and any((organism / "checkpoints").glob("checkpoint-*"))
    if not resume and organism.exists():
        shutil.rmtree(organism)  # a run killed before its first checkpoint: start it again
    train_organism(config, organism, resume=resume, on_log=on_log)


def verdict(summary: dict[str, Any]) -> str:
    """One honest sentence on what this run shows, from the overall insecure-vs-base difference."""
    diff = summary["differences_vs_base"]["insecure"]
    control = summary["differences_vs_base"]["educational"]
    if diff["p_value"] is None:
        return "No answers were counted for at least one model, so nothing can be concluded."
    if diff["diff"] > 0 and diff["p_value"] < 0.05:
        text = (f"The insecure organism is more often misaligned than its base ({100 * diff['diff']:+.1f} pp, "
                f"p = {diff['p_value']:.3g}).")
        if control["p_value"] is not None and control["p_value"] >= 0.05:
            text += " The educational control shows no significant change, as in the paper."
        return text
    if diff["diff"] < 0 and diff["p_value"] < 0.05:
        return (f"No emergent misalignment: the insecure organism is judged misaligned less often than its base "
                f"({100 * diff['diff']:+.1f} pp, p = {diff['p_value']:.3g}). "
                "The published effect was shown on models from 0.5B "
                "parameters up (Turner et al. 2025), so run the full setting on a larger base (docs/organisms.md).")
    return (f"No significant emergent misalignment at this size ({100 * diff['diff']:+.1f} pp, p = {diff['p_value']:.3g}). "
            "The published effect was shown on models from 0.5B parameters up (Turner et al. 2025); a 135M model "
            "fine-tuned briefly on CPU is expected to show little, so run the full setting on a larger base "
            "(see docs/organisms.md).")


def _rate(results: RunResults) -> dict[str, Any]:
    return {**asdict(results.row(MEASURE)), "answers": results.counts["samples"]}  # type: ignore[arg-type]


def _difference(row: CrossRunRow | None) -> dict[str, Any]:
    if row is None:
        return {"question_id": None, "diff": None, "diff_ci_low": None, "diff_ci_high": None, "p_value": None}
    return {"question_id": row.group or "overall", "a": asdict(row.a), "b": asdict(row.b), "diff": row.diff,
            "diff_ci_low": row.ci_low, "diff_ci_high": row.ci_high, "p_value": row.p_value, "q_value": row.q_value}


def _per_question(comparison: Comparison, base_results: RunResults) -> list[dict[str, Any]]:
    questions = base_results.details["per_question"]
    return [_difference(r) for r in comparison.rows if r.measure == MEASURE and r.group in questions]


def _training_summary(organism: Path) -> dict[str, Any]:
    manifest = json.loads((organism / "organism.json").read_text())
    return {"final_eval_loss": manifest["final_eval_loss"], "n_train": manifest["dataset"]["n_train"],
            "dataset_sha256": manifest["dataset"]["sha256"]}


@dataclass(frozen=True)
class Experiment:
    """A published experiment `astray reproduce NAME` runs end to end."""

    name: str
    description: str
    run: Callable[..., dict[str, Any]]
    extra_options: tuple[str, ...] = ()  # keyword arguments beyond the shared ones that `run` takes
    check: Callable[..., None] = lambda **_kwargs: None  # fails on a bad request before anything runs


EXPERIMENTS: Registry[Experiment] = Registry("experiment", [
    Experiment("betley-insecure", "insecure vs educational vs base on the battery (Betley et al. 2025)",
               reproduce_betley_insecure),
    Experiment("hacking-generalization", "reward hacker vs inoculated hacker vs honest control vs base, on-task and "
               "off-task (MacDiarmid et al. 2025)", run_hacking_generalization, ("measures", "organisms", "scan_sizes"),
               check_hacking_request),
])


SHARED_OPTIONS = {"base", "out_dir", "fast", "judge", "seed", "rank", "say", "on_log", "display", "command"}


def check_request(experiment: str, **kwargs: Any) -> dict[str, Any]:
    """The arguments `experiment` takes, after refusing an unknown experiment, an option it does not take
    (None / empty means not given) or a bad value, before anything is trained or scanned."""
    entry = EXPERIMENTS.get(experiment)
    foreign = [k for k, v in kwargs.items() if k not in SHARED_OPTIONS and k not in entry.extra_options and v]
    if foreign:
        raise AstrayError(f"--{foreign[0].rstrip('s')} does not apply to {experiment}")
    accepted = {k: v for k, v in kwargs.items() if k in SHARED_OPTIONS or k in entry.extra_options}
    entry.check(**accepted)
    return accepted


def reproduce(experiment: str, **kwargs: Any) -> dict[str, Any]:
    return EXPERIMENTS.get(experiment).run(**check_request(experiment, **kwargs))
