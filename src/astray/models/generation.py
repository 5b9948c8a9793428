"""Batched, seeded text generation for local transformers models, with rows that join a running batch.

Why our own decode loop rather than `model.generate`: every row samples from a counter-based random
stream of its own seed (`astray.models.sampling`), so its randomness depends only on (prompt, seed)
and not on which other prompts shared its batch or when it joined. The logits themselves are equal up to
floating-point rounding, which differs with the cache layout and now and then flips a sampled token,
unless the model was loaded batch-invariant (`astray.models.batch_invariance`, float32 on CPU), which
makes them equal to the last bit.
Rows carry their own settings, finish at their own end-of-sequence token, and new rows can join while
others decode (continuous batching: Inspect and `astray serve` hand requests over one at a time). The
loop also records logprobs of the model's own (temperature-1) distribution, and is the single place
where steering and probe hooks act on the forward pass.
"""

from __future__ import annotations

import inspect
import random
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

from astray.models.batch_invariance import is_batch_invariant
from astray.models.kv_cache import GrowingLayer, grow_in_place
from astray.models.row_state import RowState
from astray.models.sampling import RowSampling, choose_tokens, row_uniforms, split_seeds

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

    @property
    def wants_logprobs(self) -> bool:
        return self.logprobs or self.top_logprobs > 0


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


@dataclass(eq=False)
class DecodeRow:
    """One prompt to continue. `stop` strings end the answer early (the text is cut before them)."""

    prompt: list[int]
    settings: SamplingSettings
    seed: int | None = None
    stop: tuple[str, ...] = ()
    tag: Any = None  # the caller's handle for this row (a future, an index)
    _logprobs: list[tuple[int, float, list[tuple[int, float]]]] = field(default_factory=list, repr=False)


class RunningBatch:
    """Rows decoding together; `add` lets new rows join at any step, `step` advances every row by one token.

    State per row (`RowState`: attention mask, positions, next-token logits, seed words, step counts) lives
    in tensors on the model's device, so choosing the next token of every row is one batched operation;
    the only host work per step is reading back the chosen ids.
    """

    def __init__(self, model: torch.nn.Module, tokenizer: object, eos_ids: set[int], pad_id: int) -> None:
        self.model, self.tokenizer, self.pad_id = model, tokenizer, pad_id
        self.device = next(model.parameters()).device
        self.eos = torch.tensor(sorted(eos_ids), dtype=torch.long)
        self._prefill_kwargs = {"logits_to_keep": 1} if _accepts(model, "logits_to_keep") else {}
        # transformers 5.x renames the cache `past_key_values` -> `cache` (the old name goes in 5.40), in the
        # forward's arguments and its output alike
        self._cache_argument = "cache" if _accepts(model, "cache") else "past_key_values"
        # batch-invariant attention computes in float64: a float64 cache saves converting it every step
        self._cache_dtype = torch.float64 if is_batch_invariant(model) else None
        self.rows: list[DecodeRow] = []
        self._live: list[bool] = []
        self._past: Any = None
        self._state: RowState | None = None

    @property
    def size(self) -> int:
        """Rows still decoding."""
        return sum(self._live)

    @property
    def width(self) -> int:
        """Cache positions per row, padding included (0 when idle)."""
        return int(self._current.attention.shape[1]) if self.rows else 0

    @property
    def _current(self) -> RowState:
        """The running rows' state, present whenever `rows` is not empty."""
        if self._state is None:
            raise RuntimeError("internal: the decode batch has no rows")
        return self._state

    def drop(self, tags: set[Any]) -> int:
        """Stop decoding the live rows whose tag is in `tags` (their callers went away); returns how many.
        Their places go to joining rows, or at the next compaction."""
        dropped = 0
        for index, row in enumerate(self.rows):
            if self._live[index] and row.tag in tags:
                self._live[index] = False
                dropped += 1
        if dropped and not self.size:
            self._clear()
        return dropped

    def can_join(self) -> bool:
        """Whether rows can join now: always when idle, mid-flight only for plain growing caches."""
        return not self.rows or _mergeable(self._past)

    @torch.inference_mode()
    def add(self, rows: list[DecodeRow]) -> None:
        """Prefill `rows` and bring them into the running batch (call only when `can_join()`): into the places
        of finished rows where their prompts fit the cache, so joining writes only their own cache rows, and
        the rest stacked below the running rows."""
        if not rows:
            return
        if self.rows and not self.can_join():
            raise RuntimeError("this model's cache cannot take rows mid-flight; wait until the batch is empty")
        for row in rows:
            if row.settings.max_new_tokens < 1:
                raise ValueError(f"max_new_tokens must be at least 1, not {row.settings.max_new_tokens}")
            if row.seed is None:
                row.seed = new_seed()
        free = [index for index, live in enumerate(self._live) if not live]
        placed = min(len(free), len(rows))
        if placed and max(len(row.prompt) for row in rows[:placed]) > self.width:
            placed = 0  # a prompt longer than the cache: stack instead
        if placed:
            self._place(free[:placed], rows[:placed])
        if placed < len(rows):
            past, state = self._prefill(rows[placed:])
            if self.rows:
                past, state = self._past, _merged(self._past, self._current, past, state)
            self._adopt(past, state, self.rows + rows[placed:], self._live + [True] * (len(rows) - placed))

    @torch.inference_mode()
    def step(self, more_coming: bool = True) -> list[tuple[DecodeRow, Generation]]:
        """Choose one token for every row, feed it back, and return the rows that finished with their answers.

        Finished rows keep their places for rows about to join (`add`), until a quarter of the batch has
        finished; with `more_coming=False` (nothing waiting) they are dropped at once on CPU, where a
        step spent on them costs more than the copy."""
        if not self.size:
            return []
        state = self._current
        uniforms = row_uniforms(state.seed_words, state.steps_device) if self._sampling.any_sampled else None
        chosen = choose_tokens(state.logits, self._sampling, uniforms)
        chosen_host = chosen.cpu()
        if self._any_logprobs:
            self._record_logprobs(chosen_host)
        live = torch.tensor(self._live)
        columns = state.steps.clamp(max=state.tokens.shape[1] - 1)
        state.tokens[torch.arange(len(self.rows)), columns] = chosen_host
        state.steps += live.long()
        ended = torch.isin(chosen_host, self.eos) & live
        done = (ended | (state.steps >= state.max_new)).tolist()
        ended_rows = ended.tolist()
        finished: list[tuple[DecodeRow, Generation]] = []
        for index, row in enumerate(self.rows):
            if not self._live[index]:
                continue
            stop_hit = bool(row.stop) and not ended_rows[index] and self._stop_in(index, row)
            if done[index] or stop_hit:
                self._live[index] = False
                finished.append((row, self._finish(index, row, ended_rows[index], stop_hit)))
        if not self.size:
            self._clear()
            return finished
        dead = len(self.rows) - self.size
        if dead and (dead * 4 >= len(self.rows) or (not more_coming and self.device.type == "cpu")):
            chosen = chosen.index_select(0, self._compact())
        elif finished:  # only a leaving row frees leading columns
            _trim_leading_padding(self._past, state, self._live)
        self._forward(chosen)
        return finished

    # -- internals -------------------------------------------------------------------------------

    def _prefill(self, rows: list[DecodeRow]) -> tuple[Any, RowState]:
        input_ids, attention = _left_padded([row.prompt for row in rows], self.pad_id, self.device)
        positions = (attention.cumsum(-1) - 1).clamp(min=0)
        out = self.model(input_ids=input_ids, attention_mask=attention, position_ids=positions, use_cache=True,
                         **self._prefill_kwargs)
        past = getattr(out, self._cache_argument)
        grow_in_place(past, self._cache_dtype)
        width = max(row.settings.max_new_tokens for row in rows)
        return past, RowState(
            attention=attention,
            next_position=positions[:, -1:] + 1,
            logits=out.logits[:, -1, :].float(),
            seed_words=split_seeds([int(row.seed or 0) for row in rows], self.device),
            steps_device=torch.zeros(len(rows), dtype=torch.long, device=self.device),
            steps=torch.zeros(len(rows), dtype=torch.long),
            max_new=torch.tensor([row.settings.max_new_tokens for row in rows], dtype=torch.long),
            tokens=torch.zeros((len(rows), max(width, 1)), dtype=torch.long),
        )

    def _place(self, slots: list[int], rows: list[DecodeRow]) -> None:
        """Prefill `rows` into the places of finished rows: their cache right-aligned with the running cache
        (the positions before them masked), their state written over the finished rows' state."""
        state = self._current
        past, joining = self._prefill(rows)
        host = torch.tensor(slots, dtype=torch.long)
        index = host.to(self.device)
        start = state.attention.shape[1] - joining.attention.shape[1]
        for mine, theirs in zip(self._past.layers, past.layers, strict=True):
            mine.keys[index, :, start:] = theirs.keys
            mine.values[index, :, start:] = theirs.values
        joining.attention = torch.nn.functional.pad(joining.attention, (start, 0))
        state.write(host, joining)
        taken = dict(zip(slots, rows, strict=True))
        self._adopt(self._past, state, [taken.get(i, row) for i, row in enumerate(self.rows)],
                    [i in taken or live for i, live in enumerate(self._live)])

    def _adopt(self, past: Any, state: RowState, rows: list[DecodeRow], live: list[bool]) -> None:
        self._past, self._state = past, state
        self.rows, self._live = rows, live
        settings = [row.settings for row in rows]
        self._sampling = RowSampling.of([s.temperature for s in settings], [s.top_k for s in settings],
                                        [s.top_p for s in settings], self.device)
        self._any_logprobs = any(s.wants_logprobs for s in settings)
        self._top_width = max((s.top_logprobs for s in settings), default=0)

    def _compact(self) -> torch.Tensor:
        """Drop finished rows (their cache rows too); the kept rows' old positions, on the device."""
        keep = [index for index, live in enumerate(self._live) if live]
        host = torch.tensor(keep, dtype=torch.long)
        index = host.to(self.device)
        self._past.reorder_cache(index)
        state = self._current.select(host)
        _trim_leading_padding(self._past, state, [True] * len(keep))
        self._adopt(self._past, state, [self.rows[i] for i in keep], [True] * len(keep))
        return index

    def _forward(self, chosen: torch.Tensor) -> None:
        state = self._current
        ones = torch.ones((len(self.rows), 1), dtype=state.attention.dtype, device=self.device)
        state.attention = torch.cat([state.attention, ones], dim=1)
        out = self.model(input_ids=chosen.view(-1, 1), attention_mask=state.attention, position_ids=state.next_position,
                         use_cache=True, **{self._cache_argument: self._past})
        self._past, state.logits = getattr(out, self._cache_argument), out.logits[:, -1, :].float()
        state.next_position = state.next_position + 1
        state.steps_device = state.steps_device + 1

    def _record_logprobs(self, chosen: torch.Tensor) -> None:
        logprobs = torch.log_softmax(self._current.logits, dim=-1)
        picked = logprobs.gather(-1, chosen.to(self.device).unsqueeze(-1)).squeeze(-1).cpu().tolist()
        top = torch.topk(logprobs, self._top_width, dim=-1) if self._top_width else None
        values = top.values.cpu().tolist() if top is not None else None
        ids = top.indices.cpu().tolist() if top is not None else None
        tokens = chosen.tolist()
        for index, row in enumerate(self.rows):
            if self._live[index] and row.settings.wants_logprobs:
                width = row.settings.top_logprobs
                alternatives = list(zip(ids[index][:width], values[index][:width], strict=True)) if ids and values else []
                row._logprobs.append((tokens[index], picked[index], alternatives))

    def _stop_in(self, index: int, row: DecodeRow) -> bool:
        state = self._current
        text = self._decode(state.tokens[index, : int(state.steps[index])].tolist())
        return any(stop in text for stop in row.stop)

    def _finish(self, index: int, row: DecodeRow, ended: bool, stop_hit: bool) -> Generation:
        state = self._current
        produced = state.tokens[index, : int(state.steps[index])].tolist()
        if ended:  # the end-of-sequence token is not part of the answer
            produced = produced[:-1]
        text = self._decode(produced)
        for stop in row.stop:
            if stop in text:
                text = text[: text.index(stop)]
        logprobs = None
        if row.settings.wants_logprobs:
            decode = self._decode
            logprobs = [TokenLogprob(decode([token]), logprob, [(decode([i]), v) for i, v in top])
                        for token, logprob, top in row._logprobs]
        return Generation(text=text, token_ids=produced, stop_reason="stop" if ended or stop_hit else "max_tokens",
                          input_tokens=len(row.prompt), logprobs=logprobs)

    def _decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=True)  # type: ignore[attr-defined]

    def _clear(self) -> None:
        self.rows, self._live, self._past, self._state = [], [], None, None


def _accepts(model: torch.nn.Module, argument: str) -> bool:
    from astray.models.places import unwrapped

    try:
        return argument in inspect.signature(unwrapped(model).forward).parameters
    except (TypeError, ValueError):  # pragma: no cover - exotic forward signatures
        return False


def _mergeable(past: Any) -> bool:
    """Only plain growing caches (full attention, no sliding window) can be padded and stacked safely."""
    layers = getattr(past, "layers", None)
    return bool(layers) and all(type(layer) is GrowingLayer and layer.is_initialized for layer in layers)


def _merged(past: Any, running: RowState, joining_past: Any, joining: RowState) -> RowState:
    """One batch from two: caches and masks left-padded to the same length, then stacked (into `past`)."""
    length = max(running.attention.shape[1], joining.attention.shape[1])
    for cache, state in ((past, running), (joining_past, joining)):
        missing = length - state.attention.shape[1]
        if missing:
            state.attention = torch.nn.functional.pad(state.attention, (missing, 0))
            for layer in cache.layers:
                layer.keys = torch.nn.functional.pad(layer.keys, (0, 0, missing, 0))
                layer.values = torch.nn.functional.pad(layer.values, (0, 0, missing, 0))
    for mine, theirs in zip(past.layers, joining_past.layers, strict=True):
        mine.keys = torch.cat([mine.keys, theirs.keys])
        mine.values = torch.cat([mine.values, theirs.values])
    return running.stacked(joining)


def _trim_leading_padding(past: Any, state: RowState, live: list[bool]) -> None:
    """Drop the cache columns no live row attends to (left by rows that have left), without copying."""
    if not _mergeable(past):
        return
    used = state.attention[torch.tensor(live, device=state.attention.device)].any(dim=0).nonzero()
    first = int(used[0]) if len(used) else 0
    if first:
        state.attention = state.attention[:, first:]
        for layer in past.layers:
            layer.drop_leading(first)


def _left_padded(prompts: list[list[int]], pad_id: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Input ids left-padded to the longest prompt, and the attention mask that hides the padding."""
    width = max(len(p) for p in prompts)
    input_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, ids in enumerate(prompts):
        input_ids[row, width - len(ids) :] = torch.tensor(ids, dtype=torch.long)
        attention[row, width - len(ids) :] = 1
    return input_ids.to(device), attention.to(device)
