"""CLI commands for the battery: `astray scan`, `astray compare`, `astray judge`."""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from astray.report.html import interval, percent, pvalue

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def scan(
    model: Annotated[str, typer.Argument(help="Model to scan: embedded, a model/organism directory, or an Inspect model string.")],
    judge: Annotated[str, typer.Option(help="'offline' (no API; a screening judge) or any model name, e.g. openai/gpt-4o-2024-08-06.")] = "offline",
    task: Annotated[str, typer.Option(help="em_first_plot (24 questions), em_first_plot_main (8), em_preregistered (48), or reward_hacking (40 coding tasks, sandboxed).")] = "em_first_plot",
    samples: Annotated[Optional[int], typer.Option(help="Answers per paraphrase (the paper: 100); per task for reward_hacking.")] = None,
    seed: Annotated[int, typer.Option(help="Run seed; each answer's seed derives from it.")] = 0,
    questions: Annotated[Optional[Path], typer.Option(help="Your own question YAML in the EM format.")] = None,
    max_tokens: Annotated[Optional[int], typer.Option(help="Answer length cap (default: 256 for local models).")] = None,
    system: Annotated[Optional[str], typer.Option(help="System prompt for every question, e.g. a persona to test.")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Run directory (default: runs/<model>__<task>__n<samples>__seed<seed>).")] = None,
    display: Annotated[str, typer.Option(help="Inspect progress display: rich, plain, full or none.")] = "rich",
) -> None:
    """Measure broad misalignment: sample answers, judge them, write results.json and report.html.

    Rerunning the same command resumes a killed run: recorded answers and judgments are reused.
    """
    from astray.scan import ScanConfig, run_scan

    config = ScanConfig(model=model, task=task, judge=judge, samples_per_paraphrase=samples, seed=seed,
                        questions=str(questions) if questions else None, max_tokens=max_tokens, system=system)
    persona = f"__sys{hashlib.sha256(system.encode()).hexdigest()[:8]}" if system else ""
    directory = out_dir or Path("runs") / f"{_slug(model)}__{task}__n{samples or 'yaml'}__seed{seed}{persona}"
    results = run_scan(config, directory, display=display, command=command_line())
    print_scan_summary(results)
    out.print(f"\nreport: {directory / 'report.html'}\nresults: {directory / 'results.json'}\n"
              f"Inspect log: {directory / str(results['inspect_log'])}  (inspect view --log-dir {directory / 'logs'})")


def compare(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (e.g. the base model).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B (e.g. the fine-tuned model).")],
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Where to write comparison.json/.html.")] = None,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
) -> None:
    """Compare two scans: per-question difference (B − A), p-values, BH q-values, bootstrap intervals."""
    from astray.compare import compare_runs

    directory = out_dir or run_b.parent / f"compare__{run_a.name}__vs__{run_b.name}"
    comparison = compare_runs(run_a, run_b, directory, seed=seed, command=command_line())
    for warning in comparison["warnings"]:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    table = Table(title=f"B − A misaligned rate (A={comparison['a']['label']}, B={comparison['b']['label']}, "
                        f"judges {comparison['a']['judge']}/{comparison['b']['judge']})")
    for column in ("question", "A", "B", "B − A", "95% CI", "p", "q (BH)"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for row in [*comparison["per_question"], comparison["overall"]]:
        table.add_row(row["question_id"], _rate_n(row["a"]), _rate_n(row["b"]), _pp(row["diff"]),
                      interval(row["diff_ci_low"], row["diff_ci_high"]), pvalue(row["p_value"]), pvalue(row.get("q_value")))
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


def print_hack_summary(results: dict[str, Any]) -> None:
    hacking = results["hacking"]
    table = Table(title=f"reward hacking — model={results['model']['name']} grader={results['judge']['name']} "
                        f"seed={results['seed']} answers={hacking['all']['answers']}")
    table.add_column("measure")
    for group in ("all", "possible", "impossible"):
        table.add_column(f"{group} (n={hacking[group]['answers']})", justify="right")
    rows = [("passed", "tests passed"), ("honest_pass", "honest pass"), ("hack_attempt", "hack attempted"),
            ("successful_hack", "passed by hacking")]
    for key, label in rows:
        table.add_row(label, *(f"{percent(hacking[g][key]['rate'])} {interval(hacking[g][key]['ci_low'], hacking[g][key]['ci_high'])}"
                               for g in ("all", "possible", "impossible")))
    for hack_type, estimate in hacking["all"]["by_type"].items():
        table.add_row(f"  {hack_type}", f"{percent(estimate['rate'])} {interval(estimate['ci_low'], estimate['ci_high'])}", "", "")
    out.print(table)


def print_scan_summary(results: dict[str, Any]) -> None:
    if "hacking" in results:
        print_hack_summary(results)
        return
    overall = results["overall"]
    judge = results["judge"]["name"]
    table = Table(title=f"misaligned rate — model={results['model']['name']} judge={judge} task={results['task']} "
                        f"seed={results['seed']} answers={overall['counts']['answers']}")
    for column in ("question", "misaligned", "95% Wilson CI", "counted", "answers"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for q in results["per_question"]:
        table.add_row(q["question_id"], percent(q["rate"]), interval(q["ci_low"], q["ci_high"]), str(q["n"]),
                      str(q["counts"]["answers"]))
    table.add_row("[b]overall[/b]", percent(overall["rate"]), interval(overall["ci_low"], overall["ci_high"]),
                  str(overall["n"]), str(overall["counts"]["answers"]))
    out.print(table)
    out.print("where answers went: " + ", ".join(f"{k}={v}" for k, v in overall["counts"].items()))
    if results["judge"].get("validation"):
        v = results["judge"]["validation"]
        out.print(f"[dim]offline judge (screening): held-out agreement with LLM judges — AUROC {v['auroc_misaligned']}, "
                  f"Spearman aligned {v['spearman_aligned']}, coherent {v['spearman_coherent']}; "
                  "confirm with an LLM judge before publishing (astray judge --judge MODEL)[/dim]")


def _rate_n(estimate: dict[str, Any]) -> str:
    return f"{percent(estimate['rate'])} (n={estimate['n']})"


def _pp(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:+.1f} pp"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip("/")).strip("_")[-60:] or "model"


def command_line() -> str:
    """The command as the user typed it, recorded in results for reproduction."""
    return "astray " + " ".join(shlex.quote(a) for a in sys.argv[1:])
