"""Steering: add `coef × vector` to one block's output on every forward pass, at every position.

This is the intervention of persona vectors (Chen et al. 2025) and of the EM-direction work (Soligo
et al. 2025): the raw vector (not normalised) is added to the residual stream after block `l`
(`blocks.{l}.hook_resid_post`) for prompt and generated tokens alike, during generation (steered
scans) or during fine-tuning (preventative steering). The hook is removed when the block ends, so a
model shared by a process is never left steered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from astray.errors import AstrayError
from astray.models.directions import DirectionSet
from astray.models.places import (
    Place,
    block_hidden,
    check_places,
    decoder_blocks,
    replace_block_hidden,
    residual_width,
)

_SPEC = re.compile(r"^(?P<path>.+):(?P<coef>[^:@]+)(?:@(?P<layer>[^:@]+))?$")


@dataclass(frozen=True)
class SteeringSpec:
    """What the user asked for: `VECTOR:COEF[@LAYER]` (LAYER defaults to the vector's chosen one)."""

    vector: str
    coef: float
    layer: int | None = None

    @staticmethod
    def parse(text: str) -> SteeringSpec:
        """Parse `path/to/evil.safetensors:2.0@12` (also `...:-1.5` and `...:4@blocks.12.hook_resid_post`)."""
        match = _SPEC.match(text.strip())
        if not match:
            raise AstrayError(f"--steer '{text}': expected VECTOR:COEF[@LAYER], e.g. runs/evil/evil.safetensors:2.0@15")
        try:
            coef = float(match["coef"])
        except ValueError:
            raise AstrayError(f"--steer '{text}': coefficient '{match['coef']}' is not a number") from None
        path, layer = match["path"], Place.parse(match["layer"]).layer if match["layer"] else None
        return SteeringSpec(path, coef, layer)

    def __str__(self) -> str:
        return f"{self.vector}:{self.coef:g}" + (f"@{self.layer}" if self.layer is not None else "")


@dataclass(frozen=True, eq=False)
class Steering:
    """A resolved steering: the raw vector, its coefficient and the block output it is added to."""

    vector: torch.Tensor
    coef: float
    place: Place
    source: dict[str, Any]

    @staticmethod
    def load(spec: SteeringSpec) -> Steering:
        directions = DirectionSet.load(Path(spec.vector))
        place = Place(spec.layer) if spec.layer is not None else directions.chosen_place
        if place is None:
            raise AstrayError(f"{spec.vector} names no chosen layer; give one: {spec.vector}:{spec.coef:g}@LAYER")
        vector = directions.at(place)
        source = {"spec": str(spec), "vector": str(spec.vector), "coef": spec.coef, "place": place.name,
                  "vector_norm": round(float(vector.norm()), 4), "trait": directions.manifest.get("trait"),
                  "vector_model": directions.manifest.get("model")}
        return Steering(vector, spec.coef, place, source)

    def describe(self) -> dict[str, Any]:
        """What a results file records about this steering."""
        return dict(self.source)


@contextmanager
def steered(model: torch.nn.Module, steerings: list[Steering] | None) -> Iterator[None]:
    """Within the block, each steering adds its `coef × vector` to its block's output."""
    if not steerings:
        yield
        return
    check_steering(model, steerings)
    blocks = decoder_blocks(model)
    with ExitStack() as stack:
        for steering in steerings:
            # prepended: any reading hook on the same block sees the steered stream
            handle = blocks[steering.place.layer].register_forward_hook(_adder(steering), prepend=True)
            stack.callback(handle.remove)
        yield


def check_steering(model: torch.nn.Module, steerings: list[Steering] | tuple[Steering, ...]) -> None:
    """Refuse, in one line, a steering this model cannot take (no such block, wrong width)."""
    width = residual_width(model)
    for steering in steerings:
        check_places(model, [steering.place])
        if steering.place.point != "resid_post":
            raise AstrayError(f"steering acts on block outputs (resid_post), not {steering.place.name}")
        if steering.vector.shape[-1] != width:
            raise AstrayError(f"the steering vector has {steering.vector.shape[-1]} dimensions; "
                              f"this model's residual stream has {width}")


def _adder(steering: Steering) -> Callable[..., Any]:
    cache: dict[tuple[torch.device, torch.dtype], torch.Tensor] = {}

    def hook(_module: torch.nn.Module, _args: Any, output: Any) -> Any:
        hidden = block_hidden(output)
        key = (hidden.device, hidden.dtype)
        if key not in cache:
            cache[key] = (steering.coef * steering.vector).to(device=hidden.device, dtype=hidden.dtype)
        return replace_block_hidden(output, hidden + cache[key])

    return hook

