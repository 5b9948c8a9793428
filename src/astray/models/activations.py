"""Read a model's activations at named places with plain forward hooks, batched, on CPU or GPU.

Why hooks rather than `output_hidden_states=True`: hooks keep only the places asked for (a 7B model's
full hidden-state tuple is gigabytes at long contexts), they see what a steering hook on the same block
has added, and they work on PEFT-wrapped organisms unchanged. The common reading — the mean over a
response's tokens, given its prompt — is what persona vectors, probes and monitors all use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch

from astray.models.places import Place, block_hidden, check_places, decoder_blocks


@dataclass(frozen=True)
class PromptAndResponse:
    """Token ids of a prompt (already chat-templated) and of the response read after it."""

    prompt: list[int]
    response: list[int]


@contextmanager
def recording(model: torch.nn.Module, places: list[Place]) -> Iterator[dict[Place, torch.Tensor]]:
    """Within the block, every forward pass stores each place's activation `[batch, seq, d]`."""
    check_places(model, places)
    blocks = decoder_blocks(model)
    seen: dict[Place, torch.Tensor] = {}
    handles = []
    for place in places:
        block = blocks[place.layer]
        if place.point == "resid_post":
            handles.append(block.register_forward_hook(_store_output(seen, place)))
        else:
            handles.append(block.register_forward_pre_hook(_store_input(seen, place), with_kwargs=True))
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


def _store_output(seen: dict[Place, torch.Tensor], place: Place) -> Callable[..., None]:
    def hook(_module: torch.nn.Module, _args: Any, output: Any) -> None:
        seen[place] = block_hidden(output).detach()

    return hook


def _store_input(seen: dict[Place, torch.Tensor], place: Place) -> Callable[..., None]:
    def hook(_module: torch.nn.Module, args: Any, kwargs: dict[str, Any]) -> None:
        hidden = args[0] if args else kwargs["hidden_states"]
        seen[place] = hidden.detach()

    return hook


@torch.inference_mode()
def response_means(
    model: torch.nn.Module,
    items: list[PromptAndResponse],
    places: list[Place],
    pad_id: int,
    batch_size: int = 16,
    progress: Callable[[int, int], None] | None = None,
) -> dict[Place, torch.Tensor]:
    """Each item's activation averaged over its response tokens, per place: `{place: [n_items, d]}`.

    An empty response is read at the prompt's last token (where the response would begin). Items are
    right-padded in batches sorted by length; results come back in the input order, in float32 on CPU.
    `progress(done, total)` is called after each batch.
    """
    device = next(model.parameters()).device
    order = sorted(range(len(items)), key=lambda i: len(items[i].prompt) + len(items[i].response))
    means: dict[Place, list[torch.Tensor | None]] = {p: [None] * len(items) for p in places}
    with recording(model, places) as seen:
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask = right_padded([items[i].prompt + items[i].response for i in chunk], pad_id)
            model(input_ids=ids.to(device), attention_mask=mask.to(device), use_cache=False)
            for row, index in enumerate(chunk):
                begin = len(items[index].prompt)
                end = begin + len(items[index].response)
                if end == begin:
                    begin -= 1
                for place in places:
                    means[place][index] = seen[place][row, begin:end].float().mean(0).cpu()
            if progress:
                progress(min(start + batch_size, len(order)), len(order))
    return {place: torch.stack([t for t in rows if t is not None]) for place, rows in means.items()}


def right_padded(sequences: list[list[int]], pad_id: int, min_width: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded on the right into one batch, and its attention mask (1 on real tokens)."""
    width = max(min_width, max(len(s) for s in sequences))
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return ids, mask


def all_block_outputs(model: torch.nn.Module) -> list[Place]:
    """`blocks.{l}.hook_resid_post` for every block of the model."""
    return [Place(layer) for layer in range(len(decoder_blocks(model)))]
