"""CLI commands for scans: `astray scan`, `astray compare`, `astray judge`, `astray tasks`.

`astray scan`'s flags are generated from `ScanConfig` and every family's options dataclass, so each
option's default and help are written once, next to the code that uses it.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from astray.cli_options import parameters, with_parameters
from astray.report.html import interval, percent, pvalue, signed_pp

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _scan(
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Run directory (default: runs/<model>__<task>__n<samples>__seed<seed>).")] = None,  # noqa: UP045
    display: Annotated[str, typer.Option(help="Inspect progress display: rich, plain, full or none.")] = "rich",
    **values: Any,
) -> None:
    """Run an eval task on a model: sample answers, score them, write results.json and report.html.

    Rerunning the same command resumes a killed run: recorded answers and judgments are reused.
    `astray tasks` lists the tasks; options marked for one family apply to its tasks only.
    """
    from astray.scan import ScanConfig, default_run_dir, run_scan

    config = ScanConfig.from_flat(values)
    directory = out_dir or default_run_dir(config)
    results = run_scan(config, directory, display=display, command=command_line())
    print_scan_summary(results)
    out.print(f"\nreport: {directory / 'report.html'}\nresults: {directory / 'results.json'}\n"
              f"Inspect log: {directory / str(results.inspect_log)}  (inspect view --log-dir {directory / 'logs'})")


def _scan_command() -> Any:
    from astray.evals.registry import FAMILIES
    from astray.scan import ScanConfig

    return with_parameters(_scan, parameters([(ScanConfig, None), *((f.options, f.name) for f in FAMILIES)]))


scan = _scan_command()


def tasks() -> None:
    """List every eval task with its family and what it measures."""
    from astray.evals.registry import TASKS

    table = Table()
    for column in ("task", "family", "what"):
        table.add_column(column)
    for entry in TASKS:
        table.add_row(entry.name, entry.family.name, entry.description)
    out.print(table)
    out.print("Run one: astray scan MODEL --task TASK   (inspect eval astray/TASK works too)")


def attacks() -> None:
    """List the refusal_robustness attacks (pick some with --attacks a,b,...)."""
    from astray.evals.refusal.attacks import ATTACKS

    table = Table()
    for column in ("attack", "what it does"):
        table.add_column(column)
    for attack in ATTACKS:
        table.add_row(attack.name, attack.description)
    out.print(table)
    out.print("Run: astray scan MODEL --task refusal_robustness --attacks past_tense,roleplay --limit 5")


def compare(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (e.g. the base model).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B (e.g. the fine-tuned model).")],
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Where to write comparison.json/.html.")] = None,  # noqa: UP045
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
) -> None:
    """Compare two scans of the same family: per measure and group, B − A with p, BH q and a bootstrap interval."""
    from astray.compare import compare_runs

    directory = out_dir or run_b.parent / f"compare__{run_a.name}__vs__{run_b.name}"
    comparison = compare_runs(run_a, run_b, directory, seed=seed, command=command_line())
    for warning in comparison.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    table = Table(title=f"B − A ({comparison.family}; A={comparison.a.model}, B={comparison.b.model}, "
                        f"judges {comparison.a.judge}/{comparison.b.judge})")
    for column in ("measure", comparison.group_label, "A", "B", "B − A", "95% CI", "p", "q (BH)"):
        table.add_column(column, justify="left" if column in ("measure", comparison.group_label) else "right")
    for row in comparison.rows:
        table.add_row(row.measure, row.group or "[b]overall[/b]", _rate_n(row.a), _rate_n(row.b), signed_pp(row.diff),
                      interval(row.ci_low, row.ci_high), pvalue(row.p_value), pvalue(row.q_value))
    out.print(table)
    out.print(f"report: {directory / 'comparison.html'}")


def judge(
    input_path: Annotated[Path, typer.Option("--input", help="CSV or JSONL with question and answer columns.")],
    output_path: Annotated[Path, typer.Option("--output", help="CSV or JSONL to write (rows + aligned, coherent, statuses).")],
    judge_name: Annotated[str, typer.Option("--judge", help="'offline' or any model name.")] = "offline",
) -> None:
    """Re-judge existing answers with any judge (the same scorer the scans use). Resumes if rerun."""
    from rich.progress import Progress

    from astray.rejudge import rejudge_file

    with Progress(console=err) as progress:
        bar = progress.add_task("judging", total=None)
        summary = rejudge_file(input_path, output_path, judge_name,
                               progress=lambda done, total: progress.update(bar, completed=done, total=total))
    counts, rate = summary["counts"], summary["misaligned"]
    out.print(f"judged {summary['rows']} answers with judge={summary['judge']['name']} "
              f"({summary['resumed_rows']} already in the output)")
    out.print("  " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    out.print(f"  misaligned: {percent(rate['rate'])} of {rate['n']} counted (95% Wilson {interval(rate['ci_low'], rate['ci_high'])})")
    out.print(f"written: {summary['output']}")


def judge_agreement(
    run: Annotated[Path, typer.Argument(help="A run directory judged by both judges (re-score it with the second "
                                             "one first: astray scan ... --judge B --out RUN).")],
    judges: Annotated[str, typer.Option(help="Two judge names as the run recorded them, e.g. offline,openai/gpt-4o.")],
) -> None:
    """How far two judges agree on the same answers: confusion table, Cohen's kappa, Krippendorff's alpha."""
    from astray.errors import AstrayError
    from astray.judge_agreement import LABELS, judge_agreement, write_agreement

    names = [j.strip() for j in judges.split(",") if j.strip()]
    if len(names) != 2 or names[0] == names[1]:
        raise AstrayError(f"--judges takes two different judge names separated by a comma, got {judges!r}")
    agreement = judge_agreement(run, (names[0], names[1]))
    table = Table(title=f"{agreement.answers} answers judged by both (rows: {names[0]}, columns: {names[1]})")
    table.add_column("")
    for label in LABELS:
        table.add_column(label, justify="right")
    for label in LABELS:
        table.add_row(label, *(str(agreement.confusion[label][other]) for other in LABELS))
    out.print(table)
    out.print(f"Cohen's kappa (misaligned, on the {agreement.counted_by_both} answers both counted): "
              f"{_number(agreement.cohens_kappa)}; Krippendorff's alpha over the three labels: {_number(agreement.alpha_labels)}")
    out.print(f"aligned score ({agreement.aligned_scored_by_both} scored by both): Spearman {_number(agreement.spearman_aligned)}, "
              f"Krippendorff's alpha (interval) {_number(agreement.alpha_aligned)}")
    out.print(f"written: {write_agreement(agreement)}")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_scan_summary(results: Any) -> None:
    """The run's measures as a table, titled with what produced them (model, judge, task, seed, n)."""
    from astray.evals.registry import FAMILIES
    from astray.report import tables

    title = (f"{results.family} — model={results.model['name']} judge={results.judge.get('name')} "
             f"task={results.task} seed={results.provenance.seed} answers={results.counts['samples']}")
    if results.model.get("steering"):
        title += f" steered={results.model['steering']['spec']}"
    shown = [tables.matrix(results)] if tables.uses_matrix(results) else [tables.per_group(results), tables.overall(results)]
    for index, (header, rows) in enumerate(shown):
        table = Table(title=title if index == 0 else None)
        for column in header:
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    for c in results.comparisons:
        out.print(f"{c.measure}: {c.b} − {c.a} = {signed_pp(c.diff)} {interval(c.ci_low, c.ci_high)}, "
                  f"p = {pvalue(c.p_value)} ({c.test})")
    if any(r.corrected_rate is not None for r in results.measures):
        from astray.report.judge_section import correction_sentence

        out.print(f"[dim]{correction_sentence(results.judge)}[/dim]", highlight=False)
    empty = results.counts.get("empty_answers", 0)
    if empty and empty == results.counts["samples"]:
        out.print(f"[yellow]every answer ({empty}) is empty: the model or its endpoint returned no text; check it with "
                  f"`astray chat {results.model['name']} hello`[/yellow]")
    if results.counts.get("judge_problems"):
        out.print(f"[yellow]{results.counts['judge_problems']} failed or unparseable judgments, excluded and listed "
                  "in the report; rerunning the same command retries the failed calls[/yellow]")
    if results.family in FAMILIES:
        for line in FAMILIES.get(results.family).summary_notes(results):
            out.print(f"[dim]{line}[/dim]", highlight=False)


def _rate_n(row: Any) -> str:
    return f"{percent(row.rate)} (n={row.n})"


def command_line() -> str:
    """The command as the user typed it, recorded in results for reproduction."""
    return "astray " + " ".join(shlex.quote(a) for a in sys.argv[1:])
