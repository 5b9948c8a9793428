"""CLI commands for scans: `astray scan`, `astray compare`, `astray tasks`, `astray attacks`.

`astray scan`'s flags are generated from `ScanConfig` and every family's options dataclass, so each
option's default and help are written once, next to the code that uses it.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from astray.cli.console import command_line, err, out
from astray.cli.flags import parameters, take, with_parameters
from astray.evals.registry import FAMILIES
from astray.report.html import interval, percent, pvalue, signed_pp
from astray.runs.compare import CompareConfig
from astray.runs.config import RunPlace, ScanConfig, default_run_dir


def _scan(**values: Any) -> None:
    """Run an eval task on a model: sample answers, score them, write results.json and report.html.

    Rerunning the same command resumes a killed run: recorded answers and judgments are reused.
    `astray tasks` lists the tasks; options marked for one family apply to its tasks only.
    """
    from astray.runs.runner import run_scan

    place = take(values, RunPlace)
    config = ScanConfig.from_flat(values)
    directory = place.out or default_run_dir(config)
    results = run_scan(config, directory, display=place.display, command=command_line())
    print_scan_summary(results)
    out.print(f"\nreport: {directory / 'report.html'}\nresults: {directory / 'results.json'}\n"
              f"Inspect log: {directory / str(results.inspect_log)}  (inspect view --log-dir {directory / 'logs'})")


scan = with_parameters(_scan, parameters([(ScanConfig, None), *((f.options, f.name) for f in FAMILIES), (RunPlace, None)]))


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


def _compare(**values: Any) -> None:
    """Compare two scans of the same family: per measure and group, B − A with p, BH q and a bootstrap interval."""
    from astray.runs.compare import compare_runs

    config = CompareConfig(**values)
    directory = config.out_dir
    comparison = compare_runs(config.run_a, config.run_b, directory, seed=config.seed, command=command_line())
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


compare = with_parameters(_compare, parameters([(CompareConfig, None)]))


def print_scan_summary(results: Any) -> None:
    """The run's measures as a table, titled with what produced them (model, judge, task, seed, n)."""
    from astray.evals.registry import FAMILIES
    from astray.runs import tables

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
