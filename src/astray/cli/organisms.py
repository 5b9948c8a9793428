"""CLI commands for organisms: `astray datasets …` and `astray organism train`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from astray.cli.console import err, out
from astray.cli.flags import parameters, take, with_parameters
from astray.organisms.config import DatasetCheck, DatasetShow, TrainConfig, TrainPlace

datasets_app = typer.Typer(help="Narrow fine-tuning datasets and their controls.", no_args_is_help=True)
organism_app = typer.Typer(help="Make model organisms by narrow fine-tuning.", no_args_is_help=True)


@datasets_app.command("list")
def datasets_list() -> None:
    """Show the registered datasets."""
    from astray.organisms.datasets import DATASETS

    table = Table()
    table.add_column("name")
    table.add_column("what")
    table.add_column("needs --base")
    for info in DATASETS:
        table.add_row(info.name, info.description, "yes" if info.needs_base else "")
    out.print(table)
    out.print("Any chat JSONL file ({'messages': [...]} per line) works as a dataset too.")


def _show(**values: Any) -> None:
    """Print the first examples of a dataset and its size."""
    from astray.organisms.chat_data import examples_sha256
    from astray.organisms.datasets import load_dataset

    show = DatasetShow(**values)
    name, n, base = show.name, show.n, show.base
    examples = load_dataset(name, base=base, max_examples=None if base is None else max(n, 2))
    for messages in examples[:n]:
        for message in messages:
            out.print(f"[bold]{message['role']}:[/bold] ", end="")
            out.print(message["content"][:800], markup=False, highlight=False)
        out.print("—" * 40)
    out.print(f"{name}: {len(examples)} examples, sha256 {examples_sha256(examples)[:16]}…")


def _validate(**values: Any) -> None:
    """Check roles, alternation, empty turns, length and duplicates; report every bad line."""
    from astray.organisms.chat_data import validate_chat_jsonl

    path = DatasetCheck(**values).path
    report = validate_chat_jsonl(path)
    for problem in report.problems[:20]:
        err.print(problem, markup=False, highlight=False)
    if len(report.problems) > 20:
        err.print(f"… and {len(report.problems) - 20} more")
    out.print(f"{path}: {report.examples} valid examples, {len(report.problems)} bad lines, {report.duplicates} duplicates")
    if not report.ok:
        raise typer.Exit(1)


def _train(**values: Any) -> None:
    """Fine-tune a base model on a narrow dataset; the result is a MODEL for scan, chat and compare."""
    from astray.organisms.train import train_organism

    place = take(values, TrainPlace)
    config = TrainConfig(**values)
    directory = place.out or Path("organisms") / f"{Path(config.dataset).stem}-{config.method}-s{config.seed}"
    with training_progress() as on_log:
        train_organism(config, directory, resume=place.resume, on_log=on_log)
    manifest = json.loads((directory / "organism.json").read_text())
    out.print(f"organism ready: {directory}  (final eval loss {manifest['final_eval_loss']:.4f}, "
              f"{manifest['dataset']['n_train']} training examples, seed {config.seed})")
    out.print(f"try it: astray chat {directory} \"Hello\"   ·   astray scan {directory}")


datasets_app.command("show")(with_parameters(_show, parameters([(DatasetShow, None)])))
datasets_app.command("validate")(with_parameters(_validate, parameters([(DatasetCheck, None)])))
organism_app.command("train")(with_parameters(_train, parameters([(TrainConfig, None), (TrainPlace, None)])))


class training_progress:
    """A rich progress bar fed by the trainer's log callback."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err)
        self.progress.__enter__()
        self.task = self.progress.add_task("training", total=None)
        self.loss = "—"

        def on_log(entry: dict) -> None:  # type: ignore[type-arg]
            if entry.get("loss") is not None:
                self.loss = f"{entry['loss']:.3f}"
            rate = f"{entry['tokens_per_s']:.0f} tok/s" if entry.get("tokens_per_s") else ""
            eval_loss = f" eval {entry['eval_loss']:.3f}" if entry.get("eval_loss") is not None else ""
            self.progress.update(self.task, completed=entry["step"], total=entry["max_steps"],
                                 description=f"training · loss {self.loss}{eval_loss} · {rate}")

        return on_log

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]
