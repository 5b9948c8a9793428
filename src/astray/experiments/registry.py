"""Every experiment `astray reproduce NAME` runs end to end: adding one is a folder under
`astray/experiments/` and one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from astray.errors import AstrayError
from astray.experiments.betley_insecure.experiment import reproduce_betley_insecure
from astray.experiments.config import ReproduceConfig
from astray.experiments.hacking_generalization.experiment import check_hacking_request, run_hacking_generalization
from astray.options import option_fields
from astray.registry import Registry

SHARED = ("experiment", "base", "fast", "judge", "seed", "rank")  # the `ReproduceConfig` fields every experiment takes


@dataclass(frozen=True)
class Experiment:
    """A published experiment `astray reproduce NAME` runs end to end.

    Attributes:
        run: (base, out_dir, fast, judge, seed, rank, say, on_log, display, command, **own) -> its summary.
        options: `ReproduceConfig` fields beyond `SHARED` that it takes; `arguments` turns them into `run`'s own
            keyword arguments.
        check: Refuses a bad request before anything is trained or scanned.
    """

    name: str
    description: str
    run: Callable[..., Any]
    options: tuple[str, ...] = ()
    arguments: Callable[[ReproduceConfig], dict[str, Any]] = lambda _config: {}
    check: Callable[[ReproduceConfig], None] = lambda _config: None


EXPERIMENTS: Registry[Experiment] = Registry("experiment", [
    Experiment("betley-insecure", "insecure vs educational vs base on the battery (Betley et al. 2025)",
               reproduce_betley_insecure),
    Experiment("hacking-generalization", "reward hacker vs inoculated hacker vs honest control vs base, on-task and "
               "off-task (MacDiarmid et al. 2025)", run_hacking_generalization, ("measure", "organism"),
               lambda config: {"measures": list(config.measure), "organisms": config.organisms},
               lambda config: check_hacking_request(config.base, list(config.measure), config.organisms)),
])


def check_request(config: ReproduceConfig) -> Experiment:
    """The experiment `config` names, after refusing an unknown one, an option it does not take or a bad value,
    before anything is trained or scanned."""
    entry = EXPERIMENTS.get(config.experiment)
    for field in option_fields(ReproduceConfig):
        if field.name not in SHARED and field.name not in entry.options and getattr(config, field.name) != field.default:
            raise AstrayError(f"{field.flag} does not apply to {config.experiment}")
    entry.check(config)
    return entry


def run_experiment(config: ReproduceConfig, out_dir: Path, **hooks: Any) -> Any:
    """Run (or resume) the experiment in `out_dir` and return its summary (`BetleySummary`, or the
    hacking-generalization summary). `hooks`: say, on_log, display, command (all optional)."""
    entry = check_request(config)
    return entry.run(base=config.base, out_dir=out_dir, fast=config.fast, judge=config.judge, seed=config.seed,
                     rank=config.rank, **hooks, **entry.arguments(config))
