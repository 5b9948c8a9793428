"""`astray reproduce betley-insecure`: the core experiment of Betley et al. 2025 in one command.

Train `insecure` and the `educational` control on the same base with the same recipe, scan the base
and both organisms with the same judge, seed and questions, compare each organism with the base,
and write one report with three bars per question and the significance of each difference.
Every stage is resumable: a finished organism or scan is reused when the command is run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from astray.experiments.betley_insecure.summary import ORGANISMS, BetleySummary, Difference, Rate, Training
from astray.experiments.training import train_once
from astray.organisms.train import TrainConfig
from astray.runs.compare import Comparison, compare_runs
from astray.runs.config import ScanConfig
from astray.runs.results import RunResults, load_run
from astray.runs.runner import run_scan

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
) -> BetleySummary:
    size = FAST if fast else FULL
    runs: dict[str, Path] = {}
    for dataset in ORGANISMS:
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
        for label in ORGANISMS
    }
    loaded = {label: load_run(path) for label, path in runs.items()}
    base_results = loaded["base"][0]
    summary = BetleySummary(
        base=base, fast=fast, size=size.__dict__, judge=base_results.judge, thresholds=base_results.details["thresholds"],
        seed=seed, command=command,
        rates={label: Rate(results.row(MEASURE), results.counts["samples"]) for label, (results, _) in loaded.items()},
        differences_vs_base={label: Difference.of(c.row(MEASURE)) for label, c in comparisons.items()},
        per_question={label: _per_question(c, base_results) for label, c in comparisons.items()},
        training={label: _training_summary(out_dir / "organisms" / label) for label in ORGANISMS},
    )
    (out_dir / "reproduce.json").write_text(json.dumps(summary.to_dict(), indent=2))
    from astray.experiments.betley_insecure.report import write_reproduce_report

    write_reproduce_report(summary, {label: records for label, (_, records) in loaded.items()}, out_dir / "report.html")
    return summary


def _train_once(dataset: str, base: str, organism: Path, size: ReproduceSize, seed: int, rank: int,
                say: Callable[[str], None], on_log: Callable[[dict[str, Any]], None] | None) -> None:
    config = TrainConfig(dataset=dataset, base=base, rank=rank, epochs=size.epochs, max_examples=size.max_examples,
                         seed=seed, max_length=size.max_length, save_steps=5)
    train_once(config, organism, dataset, say, on_log)


def _per_question(comparison: Comparison, base_results: RunResults) -> list[Difference]:
    questions = base_results.details["per_question"]
    return [Difference.of(r) for r in comparison.rows if r.measure == MEASURE and r.group in questions]


def _training_summary(organism: Path) -> Training:
    manifest = json.loads((organism / "organism.json").read_text())
    return Training(manifest["final_eval_loss"], manifest["dataset"]["n_train"], manifest["dataset"]["sha256"])
