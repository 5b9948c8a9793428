"""The options of a persona-vector extraction, apart from the code that runs it: the CLI builds its flags
from this dataclass at start-up, and importing it must not import torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.options import check_minimums, option


@dataclass(frozen=True)
class ExtractConfig:
    """One extraction; saved in the vector's manifest. Each field is also a flag of `astray persona extract`."""

    model: str = option("embedded", "Local model: embedded, a model directory or an organism directory.")
    trait: str | None = option(None, "Bundled trait: evil, sycophantic or hallucinating (or give --trait-file).")
    trait_file: Path | None = option(None, "Your own trait YAML: name, instructions (pos/neg pairs), questions, "
                                           "eval_questions, judge_prompt (see the bundled ones).")
    judge: str | None = option(None, "LLM judge for the trait filter (any model name). Default: the offline EM judge "
                                     "for evil; no filter for traits without an offline proxy.")
    samples: int = option(1, "Answers per question, instruction pair and polarity (the paper: 10).", minimum=1)
    max_tokens: int = option(96, "Answer length cap in tokens.", minimum=1)
    temperature: float = option(1.0, "Sampling temperature (the paper: 1.0).")
    seed: int = option(0, "Run seed; each answer's seed derives from it and the answer's id.")
    threshold: float = option(50.0, "Filter threshold: trait >= it under the trait prompt, < it under the opposite, "
                                    "coherence >= it (the paper: 50).")
    layers: str | None = option(None, "Candidate blocks for the layer choice, e.g. 8-20 or 4,8,12 (default: all).")
    batch_size: int = option(16, "Generation and reading batch size.", minimum=1)

    def __post_init__(self) -> None:
        check_minimums(self)
