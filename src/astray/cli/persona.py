"""CLI commands for persona vectors: `astray persona extract | traits`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from astray.cli.console import err, out
from astray.cli.flags import parameters, take, with_parameters
from astray.persona.config import ExtractConfig, ExtractPlace, MonitorRunConfig, ScreenConfig

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


def _extract(**values: Any) -> None:
    """Extract a trait's persona vector from a local model (Chen et al. 2025).

    Answers under trait vs opposite system prompts, kept where the judge says the trait showed as
    instructed; vector = mean difference of answer-token activations at every block output; the layer
    is chosen by steering effect on held-out questions. Writes TRAIT.safetensors + TRAIT.json.

    Example: astray persona extract --trait evil --model embedded --out runs/persona/evil
    """
    from astray.persona.extract import extract_persona, summary_lines

    place = take(values, ExtractPlace)
    config = ExtractConfig(**values)
    with stage_bars() as tell:
        extraction = extract_persona(config, place.out, tell)
    for line in summary_lines(extraction):
        out.print(line, highlight=False)


persona_app.command("extract")(with_parameters(_extract, parameters([(ExtractConfig, None), (ExtractPlace, None)])))


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


def _screen(**values: Any) -> None:
    """Rank training examples by how far they push along a persona vector, before you train on them.

    Example: astray persona screen --dataset insecure-small --contrast secure-small --vector runs/persona/evil
    """
    from astray.persona.screen import run_screen

    c = ScreenConfig(**values)
    with stage_bars() as tell:
        summary = run_screen(c.dataset, c.vector, contrast=c.contrast, model=c.model, layer=c.layer, limit=c.limit,
                             baseline=c.baseline, max_tokens=c.max_tokens, seed=c.seed, out_path=c.out, tick=tell)
    for line in summary["lines"]:
        out.print(line, highlight=False, markup=False)


def _monitor(**values: Any) -> None:
    """Project every answer of a scan onto a persona vector and set it against the judge's score.

    Example: astray persona monitor runs/embedded__em_first_plot__n3__seed0 --vector runs/persona/evil
    """
    from astray.persona.monitor import monitor_run

    c = MonitorRunConfig(**values)
    run_dir, seed = c.run_dir, c.seed
    with stage_bars() as tell:
        summary = monitor_run(run_dir, c.vector, model=c.model, layer=c.layer, seed=seed,
                              tick=lambda done, total: tell("projecting answers", done, total))
    rho = summary["spearman_vs_aligned"]
    said = "—" if rho["rho"] is None else f"{rho['rho']:+.3f} [{rho['ci_low']:+.3f}, {rho['ci_high']:+.3f}]"
    out.print(f"{summary['trait']} vector at {summary['place']} (read by {summary['reader_model']}) vs judge "
              f"{summary['judge']} aligned on {summary['n_judged']} of {summary['n_answers']} answers: Spearman {said} "
              f"(95% bootstrap, seed {seed})", highlight=False)
    out.print(f"per answer: {run_dir / ('persona__' + summary['trait'] + '.jsonl')}  plot: "
              f"{run_dir / ('persona__' + summary['trait'] + '.html')}", highlight=False)


persona_app.command("screen")(with_parameters(_screen, parameters([(ScreenConfig, None)])))
persona_app.command("monitor")(with_parameters(_monitor, parameters([(MonitorRunConfig, None)])))
