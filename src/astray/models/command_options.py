"""What the model commands are asked (`astray models prepare`, `astray chat`): the single source of their
flags. Importing it loads neither torch nor Inspect."""

from __future__ import annotations

from dataclasses import dataclass

from astray.options import check_minimums, option, required


@dataclass(frozen=True)
class PrepareOptions:
    """`astray models prepare`: convert the embedded GGUF to a cached safetensors copy."""

    name: str = option("embedded", "Model to prepare; only `embedded` needs it.", argument=True)
    force: bool = option(False, "Convert again even if a cached copy exists.")


@dataclass(frozen=True)
class ChatOptions:
    """`astray chat`: one prompt to any model."""

    model: str = required("Model name (see `astray models list`).", argument=True)
    prompt: str = required("The user message.", argument=True)
    system: str | None = option(None, "System prompt.")
    max_tokens: int = option(128, "Most tokens to generate.", minimum=1)
    temperature: float = option(0.0, "0 = greedy.")
    seed: int | None = option(None, "Sampling seed (for temperature > 0).")

    def __post_init__(self) -> None:
        check_minimums(self)
