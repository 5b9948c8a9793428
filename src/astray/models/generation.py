"""Batched, seeded text generation for local transformers models.

Why our own decode loop rather than `model.generate`: every row gets its own `torch.Generator`
seeded from its request, so a sampled answer depends only on (prompt, seed) and not on which other
prompts shared its batch — that is what makes resumed scans reproducible. The loop also records
logprobs of the model's own (temperature-1) distribution, and is the single place where steering
and probe hooks act on the forward pass later.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

import torch

StopReason = Literal["stop", "max_tokens"]


@dataclass(frozen=True)
class SamplingSettings:
    """How to decode. `temperature == 0` means greedy."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0
    logprobs: bool = False
    top_logprobs: int = 0


@dataclass(frozen=True)
class TokenLogprob:
    token: str
    logprob: float
    top: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Generation:
    text: str
    token_ids: list[int]
    stop_reason: StopReason
    input_tokens: int
    logprobs: list[TokenLogprob] | None = None


def new_seed() -> int:
    return random.SystemRandom().randrange(2**63)


@torch.inference_mode()
def generate_batch(
    model: torch.nn.Module,
    tokenizer: object,
    prompts: list[list[int]],
    settings: SamplingSettings,
    seeds: list[int | None],
    eos_ids: set[int],
    pad_id: int,
) -> list[Generation]:
    """Decode a batch of already-tokenized prompts with shared settings.

    Args:
        model: A causal LM (transformers or PEFT-wrapped).
        tokenizer: Its tokenizer (only used to turn ids back into text).
        prompts: Token ids of each prompt, unpadded.
        settings: Decoding settings shared by the whole batch.
        seeds: One seed per prompt; None draws a fresh random seed.
        eos_ids: Token ids that end a row.
        pad_id: Id used for left padding.

    Returns:
        One `Generation` per prompt, in order.
    """
    device = next(model.parameters()).device
    batch = len(prompts)
    input_ids, attention = _left_padded(prompts, pad_id, device)
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    generators = [torch.Generator().manual_seed(s if s is not None else new_seed()) for s in seeds]

    out = model(input_ids=input_ids, attention_mask=attention, position_ids=positions, use_cache=True)
    past, logits = out.past_key_values, out.logits[:, -1, :].float()
    next_position = positions[:, -1:] + 1

    tokens: list[list[int]] = [[] for _ in range(batch)]
    records: list[list[TokenLogprob]] = [[] for _ in range(batch)]
    finished = [False] * batch
    active = list(range(batch))  # rows still decoding; finished rows leave the batch
    for _step in range(settings.max_new_tokens):
        chosen = _choose_tokens(logits, settings, [generators[row] for row in active])
        if settings.logprobs or settings.top_logprobs:
            _record_logprobs(logits, chosen, settings.top_logprobs, tokenizer, [records[row] for row in active])
        keep = _take_tokens(chosen, active, eos_ids, tokens, finished)
        if not keep:
            break
        if len(keep) < len(active):
            index = torch.tensor(keep, device=device)
            past.reorder_cache(index)
            attention, next_position, chosen = attention[index], next_position[index], chosen[index.cpu()]
            active = [active[position] for position in keep]
        attention = torch.cat([attention, torch.ones((len(active), 1), dtype=torch.long, device=device)], dim=1)
        out = model(
            input_ids=chosen.view(len(active), 1).to(device),
            attention_mask=attention,
            position_ids=next_position,
            past_key_values=past,
            use_cache=True,
        )
        past, logits = out.past_key_values, out.logits[:, -1, :].float()
        next_position = next_position + 1

    wants_logprobs = settings.logprobs or bool(settings.top_logprobs)
    return [
        Generation(
            text=tokenizer.decode(tokens[row], skip_special_tokens=True),  # type: ignore[attr-defined]
            token_ids=tokens[row],
            stop_reason="stop" if finished[row] else "max_tokens",
            input_tokens=len(prompts[row]),
            logprobs=records[row] if wants_logprobs else None,
        )
        for row in range(batch)
    ]


def _take_tokens(chosen: torch.Tensor, active: list[int], eos_ids: set[int], tokens: list[list[int]],
                 finished: list[bool]) -> list[int]:
    """Append each active row's chosen token (or mark the row finished at EOS); the positions to keep."""
    for position, row in enumerate(active):
        token = int(chosen[position])
        if token in eos_ids:
            finished[row] = True
        else:
            tokens[row].append(token)
    return [position for position, row in enumerate(active) if not finished[row]]


def _left_padded(prompts: list[list[int]], pad_id: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Input ids left-padded to the longest prompt, and the attention mask that hides the padding."""
    width = max(len(p) for p in prompts)
    input_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, ids in enumerate(prompts):
        input_ids[row, width - len(ids) :] = torch.tensor(ids, dtype=torch.long)
        attention[row, width - len(ids) :] = 1
    return input_ids.to(device), attention.to(device)


def _choose_tokens(logits: torch.Tensor, settings: SamplingSettings, generators: list[torch.Generator]) -> torch.Tensor:
    if settings.temperature <= 0:
        return logits.argmax(dim=-1).cpu()
    scaled = (logits / settings.temperature).cpu()
    if settings.top_k > 0:
        kth = torch.topk(scaled, min(settings.top_k, scaled.shape[-1]), dim=-1).values[:, -1:]
        scaled = scaled.masked_fill(scaled < kth, float("-inf"))
    if settings.top_p < 1.0:
        scaled = _top_p_filter(scaled, settings.top_p)
    # Inverse-CDF sampling: one uniform per row from that row's own generator, then one batched
    # search. Same distribution as multinomial, ~10x cheaper than a multinomial call per row.
    cdf = torch.softmax(scaled, dim=-1).cumsum(dim=-1)
    uniforms = torch.cat([torch.rand(1, generator=gen) for gen in generators]).unsqueeze(-1)
    picked = torch.searchsorted(cdf, uniforms * cdf[:, -1:], right=True).squeeze(-1)
    return picked.clamp(max=scaled.shape[-1] - 1)


def _top_p_filter(scaled: torch.Tensor, top_p: float) -> torch.Tensor:
    sorted_logits, order = torch.sort(scaled, descending=True, dim=-1)
    cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
    # keep the smallest prefix whose mass reaches top_p (always at least the top token)
    drop_sorted = cumulative - torch.softmax(sorted_logits, dim=-1) >= top_p
    drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
    return scaled.masked_fill(drop, float("-inf"))


def _record_logprobs(
    logits: torch.Tensor,
    chosen: torch.Tensor,
    top_k: int,
    tokenizer: object,
    records: list[list[TokenLogprob]],
) -> None:
    decode = tokenizer.decode
    logprobs = torch.log_softmax(logits, dim=-1).cpu()
    top = torch.topk(logprobs, top_k, dim=-1) if top_k else None
    for row, token in enumerate(chosen.tolist()):
        alternatives = (
            [(decode([int(i)]), float(v)) for v, i in zip(top.values[row], top.indices[row], strict=True)] if top is not None else []
        )
        records[row].append(TokenLogprob(decode([token]), float(logprobs[row, token]), alternatives))
