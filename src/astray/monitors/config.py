"""What `astray monitor` is asked: the single source of its flags. Importing it loads no torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.options import option


@dataclass(frozen=True)
class MonitorConfig:
    """Which monitors to score on the labelled transcripts, and how."""

    monitors: str = option("cot,action,combined,rules,probe", "Comma-separated: cot (reads the reasoning), action (the "
                                                            "files), combined (both), rules (astray's AST hack "
                                                            "detectors), probe (a linear probe on a local model's "
                                                            "activations).")
    judge: str | None = option(None, "Make cot/action/combined LLM monitors with this model (0-100 suspicion); "
                                     "default: offline monitors.")
    model: str = option("embedded", "Local model whose activations the probe reads.")
    fpr: float = option(0.01, "False-positive rate at which recall is reported.")
    seed: int = option(0, "Bootstrap seed.")
    out: Path = option(Path("runs/monitors"), "Where monitors.json and monitors.md go.")
