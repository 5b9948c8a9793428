"""CLI command `astray reproduce NAME`: a published experiment end to end (`astray.experiments`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from astray.cli.console import command_line, err, out
from astray.cli.flags import parameters, take, with_parameters
from astray.cli.organisms import training_progress
from astray.experiments.betley_insecure.summary import LABELS, BetleySummary
from astray.experiments.config import ExperimentPlace, ReproduceConfig
from astray.experiments.hacking_generalization.summary import HackingSummary


def _reproduce(**values: Any) -> None:
    """Run a published experiment end to end: train organisms and controls, scan, compare, report.

    Every stage is resumable: run the same command again after a crash and finished organisms and scans
    are reused."""
    from astray.experiments.registry import check_request, run_experiment

    place = take(values, ExperimentPlace)
    config = ReproduceConfig(**values)
    directory = place.out or Path("runs") / f"reproduce-{config.experiment}{'-fast' if config.fast else ''}"
    check_request(config)
    with training_progress() as on_log:
        summary = run_experiment(config, directory, say=lambda message: err.print(f"[bold]·[/bold] {message}"),
                                 on_log=on_log, display=place.display, command=command_line())
    if isinstance(summary, BetleySummary):
        _print_betley(summary, config.base, config.seed)
    else:
        _print_hacking(summary, config.base, config.judge, config.seed)
    out.print(f"report: {directory / 'report.html'}")


reproduce = with_parameters(_reproduce, parameters([(ReproduceConfig, None), (ExperimentPlace, None)]))


def _print_betley(summary: BetleySummary, base: str, seed: int) -> None:
    from astray.report.html import interval, percent, pvalue

    table = Table(title=f"misaligned rate — base={base} judge={summary.judge['name']} seed={seed}")
    for column in ("model", "misaligned", "n", "vs base", "p"):
        table.add_column(column)
    for label in LABELS:
        rate = summary.rates[label].row
        diff = summary.differences_vs_base.get(label)
        table.add_row(label, f"{percent(rate.rate)} {interval(rate.ci_low, rate.ci_high)}", str(rate.n),
                      "" if diff is None else f"{100 * diff.diff:+.1f} pp" if diff.diff is not None else "—",
                      "" if diff is None else pvalue(diff.p_value))
    out.print(table)
    out.print(summary.verdict)


def _print_hacking(summary: HackingSummary, base: str, judge: str, seed: int) -> None:
    from astray.report.html import interval, percent

    models = list(summary.models)
    table = Table(title=f"hacking-generalization — base={base} judge={judge} seed={seed} "
                        f"(rate [95% Wilson CI] n)")
    table.add_column("measure")
    for model in models:
        table.add_column(model)
    for m in summary.measures:
        if not m.measured:
            table.add_row(m.plan.title, *(["not measured"] * len(models)))
            continue
        cells = []
        for model in models:
            row = summary.rate(m.plan.key, model)
            cells.append("—" if not row or not row.n else f"{percent(row.rate)} {interval(row.ci_low, row.ci_high)} n={row.n}")
        table.add_row(m.plan.title, *cells)
    out.print(table)
    for v in summary.verdicts:
        if v.status != "not_measured":
            out.print(f"  {v.sentence}", markup=False, highlight=False)
    out.print(summary.summary)
