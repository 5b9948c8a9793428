"""What `astray reproduce` is asked to run: `ReproduceConfig`, the single source of its flags. Importing it
loads no torch, so the CLI builds its flags cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.errors import AstrayError
from astray.options import check_minimums, comma_list, option, required


@dataclass(frozen=True)
class ReproduceConfig:
    """One experiment request; each field is also its flag (`--organism` for `organism`). The fields after
    `rank` belong to some experiments only (`Experiment.options` names them); giving one to another
    experiment is an error."""

    experiment: str = required("Experiment to reproduce: betley-insecure or hacking-generalization.", argument=True)
    base: str = option("embedded", "Base model: embedded or a local model directory.")
    fast: bool = option(False, "CPU-sized: small training sets and item counts (betley-insecure < 30 min, "
                               "hacking-generalization < 60 min on 2 cores).")
    judge: str = option("offline", "'offline' or any model name. Under 'offline', measures that need an LLM judge are "
                                   "reported as not measured.")
    seed: int = option(0, "Seed for training and sampling.")
    rank: int = option(8, "LoRA rank.", minimum=1)
    measure: tuple[str, ...] = option((), "hacking-generalization: run only these measures (repeat or comma-separate): "
                                          "reward_hacking, em_misaligned, shutdown_questions, shutdown_agent, "
                                          "harmful_compliance, alignment_faking, goals_faking, research_sabotage, "
                                          "sabotage_intent, deception, ai_risk_mcq. Default: all.")
    organism: tuple[str, ...] = option((), "hacking-generalization: use an organism trained elsewhere (e.g. by RL) "
                                           "instead of training it: NAME=MODEL with NAME hacker, inoculated or control. "
                                           "Repeatable.")

    def __post_init__(self) -> None:
        object.__setattr__(self, "measure", tuple(m for value in self.measure or () for m in comma_list(value)))
        object.__setattr__(self, "organism", tuple(self.organism or ()))
        check_minimums(self)
        self.organisms  # noqa: B018  (a malformed NAME=MODEL fails here, before anything runs)

    @property
    def organisms(self) -> dict[str, str]:
        """`--organism NAME=MODEL` values as {name: model}."""
        return dict(_name_equals_model(value) for value in self.organism)


def _name_equals_model(value: str) -> tuple[str, str]:
    name, sep, model = value.partition("=")
    if not sep or not name.strip() or not model.strip():
        raise AstrayError(f"--organism takes NAME=MODEL (e.g. hacker=./organisms/my-rl-hacker), got {value!r}")
    return name.strip(), model.strip()


@dataclass(frozen=True)
class ExperimentPlace:
    """Where an experiment writes and how its scans show progress (not part of what it computes)."""

    out: Path | None = option(None, "Experiment directory (default runs/reproduce-<experiment>).")
    display: str = option("rich", "Inspect progress display for the scans: rich, plain, full or none.")
