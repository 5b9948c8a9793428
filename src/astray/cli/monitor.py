"""CLI command `astray monitor`: compare reasoning, action, combined and probe monitors on labelled transcripts."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from astray.cli.console import command_line, out
from astray.cli.flags import parameters, with_parameters
from astray.cli.persona import stage_bars
from astray.monitors.config import MonitorConfig
from astray.options import comma_list


def _monitor(**values: Any) -> None:
    """Score reward-hacking monitors on labelled transcripts: recall at 1% FPR and AUROC, with intervals.

    The transcripts (astray's reward-hacking corpus with reasoning) include hacks whose reasoning is
    innocent; those are reported separately. Example: astray monitor --monitors cot,action,combined
    """
    from astray.monitors.report import compare_monitors

    config = MonitorConfig(**values)
    judge, fpr, seed, out_dir = config.judge, config.fpr, config.seed, config.out
    with stage_bars() as tell:
        summary = compare_monitors(comma_list(config.monitors), out_dir, judge=judge, model=config.model, fpr=fpr,
                                   seed=seed, command=command_line(),
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


monitor = with_parameters(_monitor, parameters([(MonitorConfig, None)]))


def _ci(estimate: dict[str, float], key: str) -> str:
    return f"{estimate[key]:.2f} [{estimate[key + '_low']:.2f}, {estimate[key + '_high']:.2f}]"
