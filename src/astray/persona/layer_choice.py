"""Choose a persona vector's layer by what steering with it does, as Chen et al. 2025 do.

The paper steers generations at each layer and has a judge score the trait. That needs a judge and many
generations per layer; astray measures the same thing without either: with the question asked plainly
(no system prompt), how much more likely does adding 1 x the layer's vector make the model's own
trait answers than its opposite answers? Per layer, the effect is the mean over held-out answer pairs of
the change in [mean token log-prob(trait answer) - mean token log-prob(opposite answer)] against the
unsteered model. One teacher-forced pass per layer and answer; no sampling noise.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from astray.errors import AstrayError
from astray.models.activations import right_padded
from astray.models.local import LocalModel
from astray.models.places import Place
from astray.models.steering import Steering, steered


def parse_layers(text: str | None, n_blocks: int) -> list[int]:
    """"8-20" or "4,8,12" (block numbers); None = every block."""
    if not text:
        return list(range(n_blocks))
    layers: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            layers.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise AstrayError(f"--layers '{text}': expected block numbers like 8-20 or 4,8,12") from None
    bad = sorted(layer for layer in layers if not 0 <= layer < n_blocks)
    if bad or not layers:
        raise AstrayError(f"--layers '{text}': this model has blocks 0-{n_blocks - 1}")
    return sorted(layers)


def steering_effects(local: LocalModel, pairs: list[tuple[str, str, str]], directions: dict[Place, torch.Tensor],
                     candidates: list[Place], batch_size: int,
                     progress: Callable[[int, int], None] | None = None) -> dict[Place, float]:
    """Each candidate place's steering effect on (question, trait answer, opposite answer) pairs."""
    prompts = [local.encode_chat([{"role": "user", "content": question}]) for question, _, _ in pairs]
    encode = local.tokenizer.encode
    pos = [(p, encode(a, add_special_tokens=False)) for p, (_, a, _) in zip(prompts, pairs, strict=True)]
    neg = [(p, encode(b, add_special_tokens=False)) for p, (_, _, b) in zip(prompts, pairs, strict=True)]

    def margin(steering: list[Steering]) -> torch.Tensor:
        with steered(local.model, steering):
            return mean_logprobs(local, pos, batch_size) - mean_logprobs(local, neg, batch_size)

    base = margin([])
    effects = {}
    for index, place in enumerate(candidates):
        steering = Steering(directions[place], 1.0, place, {"purpose": "layer choice"})
        effects[place] = float((margin([steering]) - base).mean())
        if progress:
            progress(index + 1, len(candidates))
    return effects


@torch.inference_mode()
def mean_logprobs(local: LocalModel, items: list[tuple[list[int], list[int]]], batch_size: int) -> torch.Tensor:
    """Mean per-token log-probability of each response given its prompt (an empty response scores 0)."""
    device = next(local.model.parameters()).device
    out = torch.zeros(len(items))
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        ids, mask = right_padded([p + r for p, r in chunk], local.pad_id)
        logits = local.model(input_ids=ids.to(device), attention_mask=mask.to(device), use_cache=False).logits
        logprobs = torch.log_softmax(logits[:, :-1].float(), -1).gather(-1, ids[:, 1:, None].to(device))[..., 0]
        for row, (prompt, response) in enumerate(chunk):
            if response:
                out[start + row] = logprobs[row, len(prompt) - 1 : len(prompt) + len(response) - 1].mean().cpu()
    return out
