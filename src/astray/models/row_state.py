"""The per-row state of a running decode batch (`astray.models.generation.RunningBatch`), in one type.

Why one type: rows join a running batch, take the places of finished rows, and are compacted away;
each of those touches every per-row tensor. Listed field by field in each operation, a tensor added
to one and forgotten in another would pair one row's seed with another row's logits without an error.
Here the fields are declared once, each with where it lives (the model's device, read by the forward
pass and the sampler; or the host, read back every step), and every operation goes over all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import torch


def _on(where: str) -> Any:
    """A field's place: "device" (the model's; read by the forward pass and the sampler) or "host"."""
    return field(metadata={"on": where})


@dataclass
class RowState:
    attention: torch.Tensor = _on("device")  # [rows, cache width]: 1 where the row attends, 0 for padding
    next_position: torch.Tensor = _on("device")  # [rows, 1]: the position id of the next token
    logits: torch.Tensor = _on("device")  # [rows, vocab], float32: the distribution of the next token
    seed_words: torch.Tensor = _on("device")  # each row's seed, split for the counter-based noise (`sampling`)
    steps_device: torch.Tensor = _on("device")  # [rows]: tokens chosen so far, the noise counter
    steps: torch.Tensor = _on("host")  # [rows]: the same count, for the host-side bookkeeping
    max_new: torch.Tensor = _on("host")  # [rows]: each row's token cap
    tokens: torch.Tensor = _on("host")  # [rows, longest cap]: the tokens chosen so far

    @staticmethod
    def on_host(name: str) -> bool:
        return bool(_HOST[name])

    def select(self, index: torch.Tensor) -> RowState:
        """The rows at `index` (host indices), in that order."""
        device_index = index.to(self.attention.device)
        return RowState(**{f.name: getattr(self, f.name).index_select(0, index if self.on_host(f.name) else device_index)
                           for f in fields(self)})

    def stacked(self, other: RowState) -> RowState:
        """These rows, then `other`'s. Cache widths must already agree (the cache is padded with the mask);
        token buffers are padded to the wider of the two."""
        self._check_width(other)
        mine, theirs = self._tokens_to(other.tokens.shape[1]), other._tokens_to(self.tokens.shape[1])
        return RowState(**{f.name: torch.cat([getattr(mine, f.name), getattr(theirs, f.name)]) for f in fields(self)})

    def write(self, slots: torch.Tensor, other: RowState) -> None:
        """`other`'s rows written over the rows at `slots` (host indices), in place."""
        self._check_width(other)
        if other.tokens.shape[1] > self.tokens.shape[1]:
            self.tokens = self._tokens_to(other.tokens.shape[1]).tokens
        device_slots = slots.to(self.attention.device)
        for f in fields(self):
            if f.name == "tokens":
                self.tokens[slots] = 0
                self.tokens[slots, : other.tokens.shape[1]] = other.tokens
            else:
                getattr(self, f.name)[slots if self.on_host(f.name) else device_slots] = getattr(other, f.name)

    def _check_width(self, other: RowState) -> None:
        if self.attention.shape[1] != other.attention.shape[1]:
            raise ValueError(f"cache widths differ: {self.attention.shape[1]} and {other.attention.shape[1]}")

    def _tokens_to(self, width: int) -> RowState:
        missing = width - self.tokens.shape[1]
        if missing <= 0:
            return self
        padded = torch.nn.functional.pad(self.tokens, (0, missing))
        return RowState(**{**{f.name: getattr(self, f.name) for f in fields(self)}, "tokens": padded})


_HOST = {f.name: f.metadata["on"] == "host" for f in fields(RowState)}
