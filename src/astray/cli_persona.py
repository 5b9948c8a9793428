"""CLI commands for persona vectors: `astray persona extract | traits`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from astray.cli_options import parameters, with_parameters

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
persona_app = typer.Typer(help="Persona vectors: extract a trait's direction, then steer, monitor or screen with it.",
                          no_args_is_help=True)


class stage_bars:
    """A progress display with one bar per stage, fed by `tell(stage, done, total)`."""

    def __enter__(self) -> Callable[[str, int, int], None]:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err)
        self.progress.__enter__()
        bars: dict[str, Any] = {}

        def tell(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = self.progress.add_task(stage, total=total)
            self.progress.update(bars[stage], completed=done, total=total)

        return tell

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]


def _extract(
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory (rerun the same command to resume).")],
    **values: Any,
) -> None:
    """Extract a trait's persona vector from a local model (Chen et al. 2025).

    Answers under trait vs opposite system prompts, kept where the judge says the trait showed as
    instructed; vector = mean difference of answer-token activations at every block output; the layer
    is chosen by steering effect on held-out questions. Writes TRAIT.safetensors + TRAIT.json.

    Example: astray persona extract --trait evil --model embedded --out runs/persona/evil
    """
    from astray.persona.config import ExtractConfig
    from astray.persona.extract import extract_persona, summary_lines

    config = ExtractConfig(**values)
    with stage_bars() as tell:
        extraction = extract_persona(config, out_dir, tell)
    for line in summary_lines(extraction):
        out.print(line, highlight=False)


def _extract_command() -> Any:
    from astray.persona.config import ExtractConfig

    return with_parameters(_extract, parameters([(ExtractConfig, None)]))


persona_app.command("extract")(_extract_command())


@persona_app.command("traits")
def traits() -> None:
    """List the bundled traits and what a trait file holds."""
    from astray.persona.traits import BUNDLED_TRAITS, load_trait

    for name in BUNDLED_TRAITS:
        trait = load_trait(name)
        judge = "offline EM judge (100 - aligned)" if trait.offline_proxy else "needs --judge to filter"
        out.print(f"[bold]{name}[/bold]: {len(trait.instructions)} instruction pairs, {len(trait.questions)} questions, "
                  f"{len(trait.eval_questions)} held-out; {judge}")
    out.print("Your own: --trait-file FILE.yaml with name, adjective, antonym, instructions [{pos, neg}], questions, "
              "eval_questions, judge_prompt ({question}, {answer}; 0-100).")


@persona_app.command("screen")
def screen(
    dataset: Annotated[str, typer.Option(help="Training data to screen: a dataset name (astray datasets list) or chat JSONL.")],
    vector: Annotated[Path, typer.Option(help="A persona vector file (or its directory) from astray persona extract.")],
    contrast: Annotated[str | None, typer.Option(help="A second dataset (e.g. the secure control): reports how well the "
                                                      "scores separate the two (AUROC with a 95% interval).")] = None,
    model: Annotated[str | None, typer.Option(help="The model the data would train (default: the vector's model).")] = None,
    layer: Annotated[int | None, typer.Option(help="Block whose output to project (default: the vector's chosen one).")] = None,
    limit: Annotated[int | None, typer.Option(help="Screen only the first N examples of each dataset.")] = None,
    baseline: Annotated[bool, typer.Option(help="Rank by projection difference against the model's own answers to the "
                                                "same prompts (the paper's measure; generates one answer per example). "
                                                "--no-baseline ranks by the raw projection.")] = True,
    max_tokens: Annotated[int, typer.Option(help="Length cap of the model's own answers.")] = 128,
    seed: Annotated[int, typer.Option(help="Seed (the baseline answers are greedy; the seed names them).")] = 0,
    out_path: Annotated[Path | None, typer.Option("--out", help="Ranked JSONL to write (default runs/persona/"
                                                               "screen__DATASET__TRAIT.jsonl).")] = None,
) -> None:
    """Rank training examples by how far they push along a persona vector, before you train on them.

    Example: astray persona screen --dataset insecure-small --contrast secure-small --vector runs/persona/evil
    """
    from astray.persona.screen import run_screen

    with stage_bars() as tell:
        summary = run_screen(dataset, vector, contrast=contrast, model=model, layer=layer, limit=limit,
                             baseline=baseline, max_tokens=max_tokens, seed=seed, out_path=out_path, tick=tell)
    for line in summary["lines"]:
        out.print(line, highlight=False, markup=False)


@persona_app.command("monitor")
def monitor(
    run_dir: Annotated[Path, typer.Argument(help="A finished scan's run directory.")],
    vector: Annotated[Path, typer.Option(help="A persona vector file (or its directory).")],
    model: Annotated[str | None, typer.Option(help="Local model that reads the answers (default: the run's model).")] = None,
    layer: Annotated[int | None, typer.Option(help="Block whose output to project (default: the vector's chosen one).")] = None,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
) -> None:
    """Project every answer of a scan onto a persona vector and set it against the judge's score.

    Example: astray persona monitor runs/embedded__em_first_plot__n3__seed0 --vector runs/persona/evil
    """
    from astray.persona.monitor import monitor_run

    with stage_bars() as tell:
        summary = monitor_run(run_dir, vector, model=model, layer=layer, seed=seed,
                              tick=lambda done, total: tell("projecting answers", done, total))
    rho = summary["spearman_vs_aligned"]
    said = "—" if rho["rho"] is None else f"{rho['rho']:+.3f} [{rho['ci_low']:+.3f}, {rho['ci_high']:+.3f}]"
    out.print(f"{summary['trait']} vector at {summary['place']} (read by {summary['reader_model']}) vs judge "
              f"{summary['judge']} aligned on {summary['n_judged']} of {summary['n_answers']} answers: Spearman {said} "
              f"(95% bootstrap, seed {seed})", highlight=False)
    out.print(f"per answer: {run_dir / ('persona__' + summary['trait'] + '.jsonl')}  plot: "
              f"{run_dir / ('persona__' + summary['trait'] + '.html')}", highlight=False)
