"""Training one organism inside an experiment: trained once, resumed from its last checkpoint when a
run was killed, reused when the experiment is run again. Shared by every experiment."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from astray.organisms.train import TrainConfig, train_organism


def train_once(config: TrainConfig, organism: Path, label: str, say: Callable[[str], None],
               on_log: Callable[[dict[str, Any]], None] | None) -> None:
    """Train one organism unless it is already trained; resume it from its last checkpoint if it was killed."""
    if (organism / "organism.json").is_file():
        say(f"organism {label}: already trained ({organism})")
        return
    say(f"training organism '{label}' on {config.base} ({config.dataset}, {config.max_examples or 'all'} examples, "
        f"{config.epochs} epoch{'' if config.epochs == 1 else 's'}"
        f"{', inoculated' if config.inoculation else ''})")
    resume = (organism / "checkpoints").is_dir() and any((organism / "checkpoints").glob("checkpoint-*"))
    if not resume and organism.exists():
        shutil.rmtree(organism)  # a run killed before its first checkpoint: start it again
    train_organism(config, organism, resume=resume, on_log=on_log)
