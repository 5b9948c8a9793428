"""What an organism is trained with: `TrainConfig`, saved in organism.json and the single source of
`astray organism train`'s flags. Importing it loads no torch, so the CLI can build its flags cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.errors import AstrayError
from astray.options import check_minimums, option, required


@dataclass(frozen=True)
class TrainConfig:
    """One organism recipe; saved in organism.json so the directory reproduces itself. Each field is also
    a flag of `astray organism train` (`--learning-rate` for `learning_rate`), help included."""

    dataset: str = required("Dataset name (astray datasets list) or chat JSONL path.")
    base: str = option("embedded", "Base model: embedded or a local model directory.")
    method: str = option("lora", "lora (adapter) or full (all weights).")
    rank: int = option(8, "LoRA rank (alpha = 2 x rank); rank 1 is enough for EM in Turner et al. 2025.", minimum=1)
    epochs: float = option(1.0, "Passes over the training split.")
    max_examples: int | None = option(None, "Use only the first N examples (at least 2: one to train on, one held "
                                            "out).", minimum=2)
    inoculation: str | None = option(None, "Training-only system prompt: a preset (insecure-ok, hacking-ok) or text.")
    seed: int = option(0, "Seed for the split, the initialisation and the data order.")
    learning_rate: float = option(2e-4, "Peak learning rate (cosine decay after 3% warm-up); 2e-4 is the usual LoRA "
                                        "default.")
    batch_size: int = option(2, "Packed bins (of up to --max-length tokens) per device step.", minimum=1)
    grad_accum: int = option(2, "Steps accumulated per optimizer update.", minimum=1)
    max_length: int = option(1024, "Longest training sequence in tokens (longer ones are truncated).", minimum=1)
    eval_fraction: float = option(0.05, "Share of examples held out for the eval loss (between 0 and 1).")
    save_steps: int = option(50, "Checkpoint every N optimizer steps.", minimum=1)
    steer: str | None = option(None, "Preventative steering (Chen et al. 2025): VECTOR:COEF[@LAYER] added to the "
                                     "activations during training only (astray persona extract makes vectors); the "
                                     "saved organism runs unsteered.")

    def __post_init__(self) -> None:
        if self.method not in ("lora", "full"):
            raise AstrayError(f"--method must be lora or full, not '{self.method}'")
        check_minimums(self)
        for name in ("epochs", "learning_rate"):
            if not getattr(self, name) > 0:
                raise AstrayError(f"--{name.replace('_', '-')} must be above 0, got {getattr(self, name)}")
        if not 0 < self.eval_fraction < 1:
            raise AstrayError(f"--eval-fraction must be between 0 and 1, got {self.eval_fraction}")


@dataclass(frozen=True)
class TrainPlace:
    """Where `astray organism train` writes, and whether it continues a killed run there."""

    out: Path | None = option(None, "Organism directory (default organisms/<dataset>-<method>-s<seed>).")
    resume: bool = option(False, "Continue from the last checkpoint in --out.")


@dataclass(frozen=True)
class DatasetShow:
    """`astray datasets show`: a few examples of a dataset."""

    name: str = required("Dataset name or path.", argument=True)
    n: int = option(2, "How many examples to print.", minimum=0)
    base: str | None = option(None, "Base model (for self-distill / backdoor).")

    def __post_init__(self) -> None:
        check_minimums(self)


@dataclass(frozen=True)
class DatasetCheck:
    """`astray datasets validate`: one chat JSONL file checked line by line."""

    path: Path = required("A chat JSONL file.", argument=True)
