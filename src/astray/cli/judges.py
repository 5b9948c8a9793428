"""CLI commands for judges: `astray judge` (re-judge answers from a file) and `astray judge-agreement`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from astray.cli.console import err, out
from astray.cli.flags import parameters, with_parameters
from astray.evals.em.rejudge import RejudgeConfig
from astray.report.html import interval, percent
from astray.runs.judge_agreement import AgreementConfig


def _judge(**values: Any) -> None:
    """Re-judge existing answers with any judge (the same scorer the scans use). Resumes if rerun."""
    from rich.progress import Progress

    from astray.evals.em.rejudge import rejudge_file

    config = RejudgeConfig(**values)
    with Progress(console=err) as progress:
        bar = progress.add_task("judging", total=None)
        summary = rejudge_file(config.input, config.output, config.judge,
                               progress=lambda done, total: progress.update(bar, completed=done, total=total))
    counts, rate = summary["counts"], summary["misaligned"]
    out.print(f"judged {summary['rows']} answers with judge={summary['judge']['name']} "
              f"({summary['resumed_rows']} already in the output)")
    out.print("  " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    out.print(f"  misaligned: {percent(rate['rate'])} of {rate['n']} counted (95% Wilson {interval(rate['ci_low'], rate['ci_high'])})")
    out.print(f"written: {summary['output']}")


def _judge_agreement(**values: Any) -> None:
    """How far two judges agree on the same answers: confusion table, Cohen's kappa, Krippendorff's alpha."""
    from astray.runs.judge_agreement import LABELS, judge_agreement, write_agreement

    config = AgreementConfig(**values)
    names = config.pair
    agreement = judge_agreement(config.run, names)
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


judge = with_parameters(_judge, parameters([(RejudgeConfig, None)]))
judge_agreement = with_parameters(_judge_agreement, parameters([(AgreementConfig, None)]))


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
