"""Load local models (embedded, Hugging Face directory, organism = base + PEFT adapter) and run
chat generation on them in batches."""

from __future__ import annotations

import threading
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch

from astray.errors import AstrayError, MissingDependencyError, UnknownModelError
from astray.models.batch_invariance import make_batch_invariant
from astray.models.devices import choose_device, load_dtype
from astray.models.embedded import prepare_embedded
from astray.models.generation import DecodeRow, Generation, RunningBatch, SamplingSettings
from astray.models.naming import ModelRef, read_organism_manifest, resolve_model
from astray.models.steering import Steering, steered

DEFAULT_BATCH_SIZE = 64  # rows decoding at once; on 2 CPU cores 64 makes ~12% more tokens/s than 32


@dataclass
class ChatRequest:
    """One chat to complete: OpenAI-style messages plus decoding settings, a seed and any steering.

    `prompt`, when given, is raw text (or token ids) continued as is: no chat template, `messages`
    is ignored. `stop` strings end the answer early.
    """

    messages: list[dict[str, str]]
    settings: SamplingSettings
    seed: int | None = None
    steering: tuple[Steering, ...] = field(default=())
    stop: tuple[str, ...] = ()
    prompt: str | list[int] | None = None


class LocalModel:
    """A transformers causal LM with its tokenizer, ready for batched chat generation."""

    def __init__(self, ref: ModelRef, model: torch.nn.Module, tokenizer: object, batch_invariant: bool = False) -> None:
        self.ref = ref
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_invariant = batch_invariant and make_batch_invariant(self.model)
        if batch_invariant and not self.batch_invariant:
            parameter = next(self.model.parameters())
            raise AstrayError(f"--batch-invariant needs a float32 model on CPU (--device cpu --dtype float32), and this "
                              f"machine's matrix product to allow it; {ref.name} is on {parameter.device} in "
                              f"{str(parameter.dtype).removeprefix('torch.')}")
        self.eos_ids = _eos_ids(model, tokenizer)
        pad = getattr(tokenizer, "pad_token_id", None)
        self.pad_id = int(pad) if pad is not None else min(self.eos_ids)
        self._lock = threading.Lock()

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def context_window(self) -> int | None:
        """The longest sequence the model's positions cover, when its config says."""
        value = getattr(getattr(self.model, "config", None), "max_position_embeddings", None)
        return int(value) if isinstance(value, int) else None

    def encode_chat(self, messages: list[dict[str, str]]) -> list[int]:
        """Token ids of the chat rendered by the model's own template, ending at the assistant turn."""
        apply = self.tokenizer.apply_chat_template
        text = apply(messages, add_generation_prompt=True, tokenize=False)
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    def encode(self, request: ChatRequest) -> list[int]:
        """The prompt's token ids: raw text as is, else the chat through the model's template."""
        if isinstance(request.prompt, list):
            vocabulary = len(self.tokenizer)  # type: ignore[arg-type]
            if not request.prompt or any(not 0 <= token < vocabulary for token in request.prompt):
                raise ValueError(f"prompt token ids must be a non-empty list of ids in [0, {vocabulary})")
            return list(request.prompt)
        if request.prompt is not None:
            return list(self.tokenizer.encode(request.prompt, add_special_tokens=False))
        return self.encode_chat(request.messages)

    def new_batch(self) -> RunningBatch:
        return RunningBatch(self.model, self.tokenizer, self.eos_ids, self.pad_id)

    def row(self, request: ChatRequest, tag: object = None, prompt: list[int] | None = None) -> DecodeRow:
        return DecodeRow(prompt if prompt is not None else self.encode(request), request.settings, request.seed,
                         request.stop, tag=tag)

    @contextmanager
    def forward_pass(self, steering: tuple[Steering, ...] = ()) -> Iterator[None]:
        """Hold the model (one forward pass at a time: torch already uses every core) with these hooks on."""
        with self._lock, steered(self.model, list(steering)):
            yield

    def generate(self, requests: list[ChatRequest], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Generation]:
        """Complete every request, `batch_size` rows decoding at once; a finished row's place goes to the next.

        Requests with equal steering share a batch (shortest prompts first); settings may differ per row.
        """
        rows = [self.row(request, tag=index) for index, request in enumerate(requests)]
        results: dict[int, Generation] = {}
        groups: dict[tuple[Steering, ...], list[DecodeRow]] = {}
        for request, row in zip(requests, rows, strict=True):
            groups.setdefault(request.steering, []).append(row)
        for steering, group in groups.items():
            waiting = deque(sorted(group, key=lambda r: len(r.prompt)))
            batch = self.new_batch()
            while waiting or batch.size:
                with self.forward_pass(steering):
                    free = batch_size - batch.size
                    # rows join into finished rows' places (no cache copy): on CPU at once, since a prefill costs
                    # by its tokens; on a GPU in groups, since each prefill costs a step's kernel launches
                    group = 1 if self.device.type == "cpu" else min(len(waiting), max(1, batch_size // 4))
                    if waiting and free >= group and batch.can_join():
                        batch.add([waiting.popleft() for _ in range(min(free, len(waiting)))])
                    results.update((row.tag, generation) for row, generation in batch.step(more_coming=bool(waiting)))
        return [results[index] for index in range(len(requests))]


_loaded: dict[str, LocalModel] = {}
_loading_lock = threading.RLock()  # organisms load their base through the same cache


def load_local_model(ref: ModelRef | str, device: str = "auto", dtype: str = "auto",
                     batch_invariant: bool = False) -> LocalModel:
    """Load (once per process, device, dtype and numerics) the local model a name refers to.

    `device` is `auto` (CUDA when present, else CPU), `cpu`, `cuda` or `cuda:N`. `dtype` `auto` gives bf16
    on CUDA where the card supports it (else fp16) and fp32 on CPU; `float32`, `bfloat16` or `float16`
    override it (`astray.models.devices.load_dtype` says what bf16 on a CPU costs). `batch_invariant`
    makes a row's answer independent of its batch mates (float32 on CPU only; `astray.models.batch_invariance`).
    """
    if isinstance(ref, str):
        ref = resolve_model(ref)
    if not ref.is_local:
        raise UnknownModelError(f"{ref.name} is an Inspect model string, not a local model")
    target = choose_device(device)
    precision = load_dtype(target, dtype)
    with _loading_lock:
        key = f"{ref.kind}:{ref.path}:{target}:{precision}:{'invariant' if batch_invariant else 'plain'}"
        if key not in _loaded:
            _loaded[key] = _load(ref, target, precision, batch_invariant)
        return _loaded[key]


def quiet_transformers() -> None:
    """transformers' per-tensor progress bars and load warnings drown astray's own output."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)


def _load(ref: ModelRef, device: torch.device, dtype: torch.dtype, batch_invariant: bool) -> LocalModel:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    quiet_transformers()

    if ref.kind == "organism":
        assert ref.path is not None
        return _load_organism(ref, ref.path, device, dtype, batch_invariant)
    directory = prepare_embedded() if ref.kind == "embedded" else ref.path
    assert directory is not None
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForCausalLM.from_pretrained(directory, dtype=dtype).to(device)
    return LocalModel(ref, model, tokenizer, batch_invariant)


def _load_organism(ref: ModelRef, path: Path, device: torch.device, dtype: torch.dtype,
                   batch_invariant: bool) -> LocalModel:
    try:
        from peft import PeftModel
    except ImportError as err:  # pragma: no cover - peft is a dependency
        raise MissingDependencyError("organisms need the package peft: pip install peft") from err
    manifest = read_organism_manifest(path)
    base = load_local_model(resolve_model(str(manifest["base_model"])), str(device), str(dtype).removeprefix("torch."))
    if manifest.get("model"):  # full fine-tune: the weights are a complete model
        from transformers import AutoModelForCausalLM

        full = AutoModelForCausalLM.from_pretrained(path / str(manifest["model"]), dtype=dtype).to(device)
        return LocalModel(ref, full, base.tokenizer, batch_invariant)
    adapter_dir = path / str(manifest["adapter"])
    if not adapter_dir.is_dir():
        raise UnknownModelError(f"organism {path} names adapter {adapter_dir}, which does not exist")
    # A fresh base copy: PEFT injects layers in place, and the base model may be in use unadapted.
    from transformers import AutoModelForCausalLM

    base_dir = base.ref.path if base.ref.kind != "embedded" else prepare_embedded()
    base_model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=dtype).to(device)
    model = PeftModel.from_pretrained(base_model, adapter_dir).to(device)
    return LocalModel(ref, model, base.tokenizer, batch_invariant)


def _eos_ids(model: torch.nn.Module, tokenizer: object) -> set[int]:
    ids: set[int] = set()
    config_eos = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    for value in (config_eos, getattr(tokenizer, "eos_token_id", None)):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(int(v) for v in value)
    if not ids:
        raise UnknownModelError("the model defines no end-of-sequence token; cannot tell where answers end")
    return ids
