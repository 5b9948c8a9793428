"""CLI command `astray monitor`: compare reasoning, action, combined and probe monitors on labelled transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from astray.cli_persona import stage_bars
from astray.cli_scan import command_line

out = Console(soft_wrap=True)


def monitor(
    monitors: Annotated[str, typer.Option(help="Comma-separated: cot (reads the reasoning), action (the files), "
                                                "combined (both), rules (astray's AST hack detectors), probe (a linear "
                                                "probe on a local model's activations).")] = "cot,action,combined,rules,probe",
    judge: Annotated[str | None, typer.Option(help="Make cot/action/combined LLM monitors with this model (0-100 "
                                                   "suspicion); default: offline monitors.")] = None,
    model: Annotated[str, typer.Option(help="Local model whose activations the probe reads.")] = "embedded",
    fpr: Annotated[float, typer.Option(help="False-positive rate at which recall is reported.")] = 0.01,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    out_dir: Annotated[Path, typer.Option("--out", help="Where monitors.json and monitors.md go.")] = Path("runs/monitors"),
) -> None:
    """Score reward-hacking monitors on labelled transcripts: recall at 1% FPR and AUROC, with intervals.

    The transcripts (astray's reward-hacking corpus with reasoning) include hacks whose reasoning is
    innocent; those are reported separately. Example: astray monitor --monitors cot,action,combined
    """
    from astray.monitors.report import compare_monitors

    names = [n.strip() for n in monitors.split(",") if n.strip()]
    with stage_bars() as tell:
        summary = compare_monitors(names, out_dir, judge=judge, model=model, fpr=fpr, seed=seed, command=command_line(),
                                   tick=lambda name, done, total: tell(f"monitor {name}", done, total))
    table = Table(title=f"monitors on {summary['counts']['transcripts']} labelled transcripts — recall at {fpr:.0%} FPR "
                        f"and AUROC, 95% intervals, seed {seed}" + (f", judge {judge}" if judge else ", offline"))
    for column in ("monitor", "reads", "recall (all)", "AUROC (all)", "recall (candid)", "recall (obfuscated)"):
        table.add_column(column)
    for r in summary["results"]:
        a, c, o = (r["subsets"][k] for k in ("all hacks", "candid", "obfuscated"))
        table.add_row(f"{r['monitor']} ({r['kind']})", r["reads"], _ci(a, "recall"), _ci(a, "auroc"), _ci(c, "recall"),
                      _ci(o, "recall"))
    out.print(table)
    unscored = [f"{r['monitor']}: {r['unscored']}" for r in summary["results"] if r["unscored"]]
    if unscored:
        out.print(f"[yellow]unscored transcripts (judge gave no number), excluded: {', '.join(unscored)}[/yellow]")
    out.print(f"written: {out_dir / 'monitors.json'}, {out_dir / 'monitors.md'}")


def _ci(estimate: dict[str, float], key: str) -> str:
    return f"{estimate[key]:.2f} [{estimate[key + '_low']:.2f}, {estimate[key + '_high']:.2f}]"
