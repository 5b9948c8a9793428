"""The options of a persona-vector extraction, apart from the code that runs it: the CLI builds its flags
from this dataclass at start-up, and importing it must not import torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.options import check_minimums, option, required


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


@dataclass(frozen=True)
class ExtractPlace:
    """Where an extraction writes (not part of what it computes)."""

    out: Path = required("Output directory (rerun the same command to resume).")


@dataclass(frozen=True)
class ScreenConfig:
    """`astray persona screen`: rank training examples by how far they push along a persona vector."""

    dataset: str = required("Training data to screen: a dataset name (astray datasets list) or chat JSONL.")
    vector: Path = required("A persona vector file (or its directory) from astray persona extract.")
    contrast: str | None = option(None, "A second dataset (e.g. the secure control): reports how well the scores "
                                        "separate the two (AUROC with a 95% interval).")
    model: str | None = option(None, "The model the data would train (default: the vector's model).")
    layer: int | None = option(None, "Block whose output to project (default: the vector's chosen one).")
    limit: int | None = option(None, "Screen only the first N examples of each dataset.", minimum=1)
    baseline: bool = option(True, "Rank by projection difference against the model's own answers to the same prompts "
                                  "(the paper's measure; generates one answer per example). --no-baseline ranks by "
                                  "the raw projection.")
    max_tokens: int = option(128, "Length cap of the model's own answers.", minimum=1)
    seed: int = option(0, "Seed (the baseline answers are greedy; the seed names them).")
    out: Path | None = option(None, "Ranked JSONL to write (default runs/persona/screen__DATASET__TRAIT.jsonl).")

    def __post_init__(self) -> None:
        check_minimums(self)


@dataclass(frozen=True)
class MonitorRunConfig:
    """`astray persona monitor`: every answer of a finished scan projected onto a persona vector."""

    run_dir: Path = required("A finished scan's run directory.", argument=True)
    vector: Path = required("A persona vector file (or its directory).")
    model: str | None = option(None, "Local model that reads the answers (default: the run's model).")
    layer: int | None = option(None, "Block whose output to project (default: the vector's chosen one).")
    seed: int = option(0, "Bootstrap seed.")
