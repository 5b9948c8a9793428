"""Where an activation sits in a transformer, named the TransformerLens way.

`blocks.{l}.hook_resid_post` is the residual stream after decoder block `l` (0-based);
`blocks.{l}.hook_resid_pre` is the stream entering it. Hugging Face's `hidden_states[k]` is the
*output of block k-1* (index 0 is the embeddings), which is the off-by-one persona_vectors, repeng and
TransformerLens all work around; naming by place keeps every vector, probe and steering hook in astray
unambiguous about which activation it means. `Place.hidden_state_index` gives the HF index.

Decoder blocks return a tuple `(hidden, ...)` in older transformers and a bare tensor in newer ones;
`block_hidden` / `replace_block_hidden` handle both, so a hook never silently indexes batch row 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import torch

from astray.errors import AstrayError

Point = Literal["resid_pre", "resid_post"]
_PLACE = re.compile(r"^blocks\.(\d+)\.hook_(resid_pre|resid_post)$")


@dataclass(frozen=True, order=True)
class Place:
    """One activation site: the residual stream entering (`resid_pre`) or leaving (`resid_post`) a block."""

    layer: int
    point: Point = "resid_post"

    @property
    def name(self) -> str:
        return f"blocks.{self.layer}.hook_{self.point}"

    @property
    def hidden_state_index(self) -> int:
        """The index of this activation in Hugging Face's `output_hidden_states` tuple."""
        return self.layer + 1 if self.point == "resid_post" else self.layer

    @staticmethod
    def parse(name: str) -> Place:
        """`blocks.12.hook_resid_post` -> Place(12, "resid_post"); a bare integer means resid_post."""
        text = name.strip()
        if text.isdigit():
            return Place(int(text))
        match = _PLACE.match(text)
        if not match:
            raise AstrayError(f"unknown activation place '{name}': expected blocks.L.hook_resid_post, "
                              "blocks.L.hook_resid_pre, or a block number L")
        return Place(int(match.group(1)), match.group(2))  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.name


def unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    """The transformers model inside a PEFT wrapper (or the model itself)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def residual_width(model: torch.nn.Module) -> int:
    """The residual stream's dimension (the embedding width)."""
    return int(unwrapped(model).get_input_embeddings().weight.shape[1])


def decoder_blocks(model: torch.nn.Module) -> torch.nn.ModuleList:
    """The model's list of decoder blocks, through PEFT wrappers and across architectures."""
    inner = unwrapped(model)
    for path in ("model.layers", "transformer.h", "gpt_neox.layers", "model.decoder.layers"):
        module: Any = inner
        for part in path.split("."):
            module = getattr(module, part, None)
            if module is None:
                break
        if isinstance(module, torch.nn.ModuleList):
            return module
    n_layers = getattr(getattr(inner, "config", None), "num_hidden_layers", None)
    for _, module in inner.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == n_layers:
            return module
    raise AstrayError(f"cannot find the decoder blocks of {type(inner).__name__}; activations and steering "
                      "need a decoder-only transformers model")


def check_places(model: torch.nn.Module, places: list[Place]) -> None:
    n_blocks = len(decoder_blocks(model))
    bad = [p.name for p in places if not 0 <= p.layer < n_blocks]
    if bad:
        raise AstrayError(f"{', '.join(bad)}: this model has blocks 0-{n_blocks - 1}")


def block_hidden(output: Any) -> torch.Tensor:
    """The hidden states in a block's output, whether the block returns a tensor or a tuple."""
    return output if isinstance(output, torch.Tensor) else output[0]


def replace_block_hidden(output: Any, hidden: torch.Tensor) -> Any:
    """The block's output with its hidden states replaced, in the same shape (tensor or tuple)."""
    if isinstance(output, torch.Tensor):
        return hidden
    return (hidden, *output[1:])
