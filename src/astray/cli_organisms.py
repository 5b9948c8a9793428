"""CLI commands for organisms: `astray datasets …`, `astray organism train`, `astray reproduce`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from astray.cli_scan import command_line
from astray.errors import AstrayError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
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


@datasets_app.command("show")
def datasets_show(
    name: Annotated[str, typer.Argument(help="Dataset name or path.")],
    n: Annotated[int, typer.Option(help="How many examples to print.")] = 2,
    base: Annotated[str | None, typer.Option(help="Base model (for self-distill / backdoor).")] = None,
) -> None:
    """Print the first examples of a dataset and its size."""
    from astray.organisms.chat_data import examples_sha256
    from astray.organisms.datasets import load_dataset

    examples = load_dataset(name, base=base, max_examples=None if base is None else max(n, 2))
    for messages in examples[:n]:
        for message in messages:
            out.print(f"[bold]{message['role']}:[/bold] ", end="")
            out.print(message["content"][:800], markup=False, highlight=False)
        out.print("—" * 40)
    out.print(f"{name}: {len(examples)} examples, sha256 {examples_sha256(examples)[:16]}…")


@datasets_app.command("validate")
def datasets_validate(path: Annotated[Path, typer.Argument(help="A chat JSONL file.")]) -> None:
    """Check roles, alternation, empty turns, length and duplicates; report every bad line."""
    from astray.organisms.chat_data import validate_chat_jsonl

    report = validate_chat_jsonl(path)
    for problem in report.problems[:20]:
        err.print(problem, markup=False, highlight=False)
    if len(report.problems) > 20:
        err.print(f"… and {len(report.problems) - 20} more")
    out.print(f"{path}: {report.examples} valid examples, {len(report.problems)} bad lines, {report.duplicates} duplicates")
    if not report.ok:
        raise typer.Exit(1)


@organism_app.command("train")
def organism_train(
    dataset: Annotated[str, typer.Option(help="Dataset name (astray datasets list) or chat JSONL path.")],
    base: Annotated[str, typer.Option(help="Base model: embedded or a local model directory.")] = "embedded",
    method: Annotated[str, typer.Option(help="lora (adapter) or full (all weights).")] = "lora",
    rank: Annotated[int, typer.Option(help="LoRA rank (alpha = 2 x rank).")] = 8,
    epochs: Annotated[float, typer.Option(help="Passes over the training split.")] = 1.0,
    max_examples: Annotated[int | None, typer.Option(help="Use only the first N examples.")] = None,
    inoculation: Annotated[str | None, typer.Option(help="Training-only system prompt: a preset (insecure-ok, hacking-ok) or text.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for split, init and data order.")] = 0,
    lr: Annotated[float, typer.Option(help="Peak learning rate.")] = 2e-4,
    batch_size: Annotated[int, typer.Option(help="Packed bins of --max-length tokens per step.")] = 2,
    grad_accum: Annotated[int, typer.Option(help="Steps per optimizer update.")] = 2,
    max_length: Annotated[int, typer.Option(help="Longest sequence in tokens.")] = 1024,
    save_steps: Annotated[int, typer.Option(help="Checkpoint every N optimizer steps.")] = 50,
    steer: Annotated[str | None, typer.Option(help="Preventative steering: VECTOR:COEF[@LAYER] added to the activations "
                                                   "during training only (astray persona extract makes vectors).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Organism directory (default organisms/<dataset>-<method>-s<seed>).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue from the last checkpoint in --out.")] = False,
) -> None:
    """Fine-tune a base model on a narrow dataset; the result is a MODEL for scan, chat and compare."""
    from astray.organisms.train import TrainConfig, train_organism

    config = TrainConfig(dataset=dataset, base=base, method=method, rank=rank, epochs=epochs,  # type: ignore[arg-type]
                         max_examples=max_examples, inoculation=inoculation, seed=seed, learning_rate=lr,
                         batch_size=batch_size, grad_accum=grad_accum, max_length=max_length, save_steps=save_steps,
                         steer=steer)
    directory = out_dir or Path("organisms") / f"{Path(dataset).stem}-{method}-s{seed}"
    with training_progress() as on_log:
        train_organism(config, directory, resume=resume, on_log=on_log)
    manifest = json.loads((directory / "organism.json").read_text())
    out.print(f"organism ready: {directory}  (final eval loss {manifest['final_eval_loss']:.4f}, "
              f"{manifest['dataset']['n_train']} training examples, seed {seed})")
    out.print(f"try it: astray chat {directory} \"Hello\"   ·   astray scan {directory}")


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


def reproduce_command(
    experiment: Annotated[str, typer.Argument(help="Experiment to reproduce: betley-insecure or hacking-generalization.")],
    base: Annotated[str, typer.Option(help="Base model: embedded or a local model directory.")] = "embedded",
    fast: Annotated[bool, typer.Option(help="CPU-sized: small training sets and item counts (betley-insecure < 30 "
                                            "min, hacking-generalization < 60 min on 2 cores).")] = False,
    judge: Annotated[str, typer.Option(help="'offline' or any model name. Under 'offline', measures that need an "
                                            "LLM judge are reported as not measured.")] = "offline",
    seed: Annotated[int, typer.Option(help="Seed for training and sampling.")] = 0,
    rank: Annotated[int, typer.Option(help="LoRA rank.")] = 8,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Experiment directory (default runs/reproduce-<experiment>).")] = None,
    display: Annotated[str, typer.Option(help="Inspect progress display for the scans.")] = "rich",
    measure: Annotated[list[str] | None, typer.Option(
        help="hacking-generalization: run only these measures (repeat or comma-separate): reward_hacking, "
             "em_misaligned, shutdown_questions, shutdown_agent, harmful_compliance, alignment_faking, goals_faking, "
             "research_sabotage, sabotage_intent, deception, ai_risk_mcq. Default: all.")] = None,
    organism: Annotated[list[str] | None, typer.Option(
        help="hacking-generalization: use an organism trained elsewhere (e.g. by RL) instead of training it: "
             "NAME=MODEL with NAME hacker, inoculated or control. Repeatable.")] = None,
) -> None:
    """Run a published experiment end to end: train organisms and controls, scan, compare, report.

    Every stage is resumable: run the same command again after a crash and finished organisms and scans
    are reused."""
    from astray.reproduce import check_request, reproduce

    directory = out_dir or Path("runs") / f"reproduce-{experiment}{'-fast' if fast else ''}"
    measures = [m.strip() for value in measure or [] for m in value.split(",") if m.strip()]
    organisms = dict(_name_equals_model(value) for value in organism or [])
    check_request(experiment, base=base, measures=measures, organisms=organisms)
    with training_progress() as on_log:
        summary = reproduce(experiment, base=base, out_dir=directory, fast=fast, judge=judge, seed=seed, rank=rank,
                            say=lambda message: err.print(f"[bold]·[/bold] {message}"), on_log=on_log,
                            display=display, command=command_line(), measures=measures, organisms=organisms)
    if summary.get("experiment") == "hacking-generalization":
        _print_hacking(summary, base, judge, seed)
    else:
        _print_betley(summary, base, seed)
    out.print(f"report: {directory / 'report.html'}")


def _name_equals_model(value: str) -> tuple[str, str]:
    name, sep, model = value.partition("=")
    if not sep or not name.strip() or not model.strip():
        raise AstrayError(f"--organism takes NAME=MODEL (e.g. hacker=./organisms/my-rl-hacker), got {value!r}")
    return name.strip(), model.strip()


def _print_betley(summary: dict, base: str, seed: int) -> None:
    from astray.report.html import interval, percent, pvalue

    table = Table(title=f"misaligned rate — base={base} judge={summary['judge']['name']} seed={seed}")
    for column in ("model", "misaligned", "n", "vs base", "p"):
        table.add_column(column)
    for label in ("base", "insecure", "educational"):
        rate = summary["rates"][label]
        diff = summary["differences_vs_base"].get(label)
        table.add_row(label, f"{percent(rate['rate'])} {interval(rate['ci_low'], rate['ci_high'])}", str(rate["n"]),
                      "" if diff is None else f"{100 * diff['diff']:+.1f} pp" if diff["diff"] is not None else "—",
                      "" if diff is None else pvalue(diff["p_value"]))
    out.print(table)
    out.print(summary["verdict"])


def _print_hacking(summary: dict, base: str, judge: str, seed: int) -> None:
    from astray.report.html import interval, percent

    models = list(summary["models"])
    table = Table(title=f"hacking-generalization — base={base} judge={judge} seed={seed} "
                        f"(rate [95% Wilson CI] n)")
    table.add_column("measure")
    for model in models:
        table.add_column(model)
    for m in summary["measures"]:
        if not m["measured"]:
            table.add_row(m["title"], *(["not measured"] * len(models)))
            continue
        cells = []
        for model in models:
            row = summary["rates"][m["key"]].get(model)
            cells.append("—" if not row or not row["n"] else
                         f"{percent(row['rate'])} {interval(row['ci_low'], row['ci_high'])} n={row['n']}")
        table.add_row(m["title"], *cells)
    out.print(table)
    for v in summary["verdicts"]:
        if v["status"] != "not_measured":
            out.print(f"  {v['sentence']}", markup=False, highlight=False)
    out.print(summary["summary"])
