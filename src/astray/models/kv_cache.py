"""A key/value cache layer that appends in place: decoding stops copying the whole cache every token.

transformers' `DynamicLayer` grows by `torch.cat`, so each decode step copies every layer's keys
and values (at batch 32 and 300 cached tokens, ~0.4 GB per step for the embedded model, about a
quarter of a CPU step). `GrowingLayer` keeps them in a buffer with room at the end, doubling when
full, and hands attention a view of the filled part. Assigning `keys` / `values` (reordering rows,
padding for a joining row) replaces the buffer, so code written for `DynamicLayer` keeps working.
Reordering rows and dropping leading columns keep spare room, so neither is followed by a second copy.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers.cache_utils import DynamicLayer

_MIN_ROOM = 64


class GrowingLayer(DynamicLayer):
    """A `DynamicLayer` whose `update` writes into spare room instead of concatenating."""

    def _buffers(self) -> tuple[torch.Tensor, torch.Tensor, int]:
        return self.__dict__["_key_buffer"], self.__dict__["_value_buffer"], self.__dict__["_length"]

    @property  # type: ignore[override]
    def keys(self) -> torch.Tensor:
        buffer, _, length = self._buffers()
        return buffer[:, :, :length]

    @keys.setter
    def keys(self, tensor: torch.Tensor) -> None:
        self.__dict__["_key_buffer"] = tensor
        self.__dict__["_length"] = tensor.shape[-2] if tensor is not None and tensor.dim() == 4 else 0

    @property  # type: ignore[override]
    def values(self) -> torch.Tensor:
        _, buffer, length = self._buffers()
        return buffer[:, :, :length]

    @values.setter
    def values(self, tensor: torch.Tensor) -> None:
        self.__dict__["_value_buffer"] = tensor

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any) -> tuple[torch.Tensor, torch.Tensor]:
        keys, values, length = self._buffers()
        new = key_states.shape[-2]
        if length + new > keys.shape[-2] or keys.shape[0] != key_states.shape[0]:
            room = max(length + new, 2 * length, length + _MIN_ROOM)
            keys, values = _widened(keys, length, room), _widened(values, length, room)
            self.__dict__["_key_buffer"], self.__dict__["_value_buffer"] = keys, values
        keys[:, :, length : length + new] = key_states
        values[:, :, length : length + new] = value_states
        self.__dict__["_length"] = length + new
        return self.keys, self.values

    def reorder_cache(self, beam_idx: torch.LongTensor) -> None:
        """Keep these rows (in this order), copying the filled part plus room to grow, not the buffer twice."""
        keys, values, length = self._buffers()
        if not length:
            return
        end = min(keys.shape[-2], length + _MIN_ROOM)
        index = beam_idx.to(keys.device)
        self.__dict__["_key_buffer"] = keys[:, :, :end].index_select(0, index)
        self.__dict__["_value_buffer"] = values[:, :, :end].index_select(0, index)

    def drop_leading(self, count: int) -> None:
        """Forget the first `count` positions (padding no row attends to any more) without copying."""
        keys, values, length = self._buffers()
        self.__dict__["_key_buffer"], self.__dict__["_value_buffer"] = keys[:, :, count:], values[:, :, count:]
        self.__dict__["_length"] = length - count


def _widened(buffer: torch.Tensor, length: int, room: int) -> torch.Tensor:
    batch, heads, _, width = buffer.shape
    wider = buffer.new_empty((batch, heads, room, width))
    wider[:, :, :length] = buffer[:, :, :length]
    return wider


def grow_in_place(past: Any, dtype: torch.dtype | None = None) -> bool:
    """Turn a cache's plain `DynamicLayer`s into `GrowingLayer`s, holding keys and values in `dtype` when given
    (float64 for batch-invariant attention, which would otherwise convert the whole cache every step);
    False (and nothing changed) for any other cache."""
    layers = getattr(past, "layers", None)
    if not layers or not all(type(layer) is DynamicLayer and layer.is_initialized for layer in layers):
        return False
    for layer in layers:
        keys, values = layer.__dict__.pop("keys"), layer.__dict__.pop("values")
        if dtype is not None:
            keys, values = keys.to(dtype), values.to(dtype)
        layer.__class__ = GrowingLayer
        layer.keys, layer.values = keys, values
    return True
