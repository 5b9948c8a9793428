"""Load local models (embedded, Hugging Face directory, organism = base + PEFT adapter) and run
chat generation on them in batches."""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch

from astray.errors import MissingDependencyError, UnknownModelError
from astray.models.embedded import prepare_embedded
from astray.models.generation import Generation, SamplingSettings, generate_batch
from astray.models.naming import ModelRef, read_organism_manifest, resolve_model
from astray.models.steering import Steering, steered

DEFAULT_BATCH_SIZE = 32


@dataclass
class ChatRequest:
    """One chat to complete: OpenAI-style messages plus decoding settings, a seed and any steering."""

    messages: list[dict[str, str]]
    settings: SamplingSettings
    seed: int | None = None
    steering: tuple[Steering, ...] = field(default=())


class LocalModel:
    """A transformers causal LM with its tokenizer, ready for batched chat generation."""

    def __init__(self, ref: ModelRef, model: torch.nn.Module, tokenizer: object) -> None:
        self.ref = ref
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.eos_ids = _eos_ids(model, tokenizer)
        pad = getattr(tokenizer, "pad_token_id", None)
        self.pad_id = int(pad) if pad is not None else min(self.eos_ids)
        self._lock = threading.Lock()

    def encode_chat(self, messages: list[dict[str, str]]) -> list[int]:
        """Token ids of the chat rendered by the model's own template, ending at the assistant turn."""
        apply = self.tokenizer.apply_chat_template
        text = apply(messages, add_generation_prompt=True, tokenize=False)
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    def generate(self, requests: list[ChatRequest], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Generation]:
        """Complete every request; requests with equal settings and steering share batches (sorted by length)."""
        encoded = [self.encode_chat(r.messages) for r in requests]
        results: list[Generation | None] = [None] * len(requests)
        groups: dict[tuple[SamplingSettings, tuple[Steering, ...]], list[int]] = {}
        for index, request in enumerate(requests):
            groups.setdefault((request.settings, request.steering), []).append(index)
        with self._lock:  # one forward pass at a time: torch already uses every core
            for (settings, steering), indices in groups.items():
                indices.sort(key=lambda i: len(encoded[i]))
                for start in range(0, len(indices), batch_size):
                    chunk = indices[start : start + batch_size]
                    with steered(self.model, list(steering)):
                        outputs = generate_batch(
                            self.model,
                            self.tokenizer,
                            [encoded[i] for i in chunk],
                            settings,
                            [requests[i].seed for i in chunk],
                            self.eos_ids,
                            self.pad_id,
                        )
                    for i, output in zip(chunk, outputs, strict=True):
                        results[i] = output
        return [r for r in results if r is not None]


_loaded: dict[str, LocalModel] = {}
_loading_lock = threading.RLock()  # organisms load their base through the same cache


def load_local_model(ref: ModelRef | str) -> LocalModel:
    """Load (once per process) the local model a name refers to."""
    if isinstance(ref, str):
        ref = resolve_model(ref)
    if not ref.is_local:
        raise UnknownModelError(f"{ref.name} is an Inspect model string, not a local model")
    with _loading_lock:
        key = f"{ref.kind}:{ref.path}"
        if key not in _loaded:
            _loaded[key] = _load(ref)
        return _loaded[key]


def _quiet_transformers() -> None:
    """transformers' per-tensor progress bars and load warnings drown astray's own output."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)


def _load(ref: ModelRef) -> LocalModel:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    _quiet_transformers()

    if ref.kind == "organism":
        assert ref.path is not None
        return _load_organism(ref, ref.path)
    directory = prepare_embedded() if ref.kind == "embedded" else ref.path
    assert directory is not None
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32)
    return LocalModel(ref, model, tokenizer)


def _load_organism(ref: ModelRef, path: Path) -> LocalModel:
    try:
        from peft import PeftModel
    except ImportError as err:  # pragma: no cover - peft is a dependency
        raise MissingDependencyError("organisms need the package peft: pip install peft") from err
    manifest = read_organism_manifest(path)
    base = load_local_model(resolve_model(str(manifest["base_model"])))
    if manifest.get("model"):  # full fine-tune: the weights are a complete model
        from transformers import AutoModelForCausalLM

        full = AutoModelForCausalLM.from_pretrained(path / str(manifest["model"]), dtype=torch.float32)
        return LocalModel(ref, full, base.tokenizer)
    adapter_dir = path / str(manifest["adapter"])
    if not adapter_dir.is_dir():
        raise UnknownModelError(f"organism {path} names adapter {adapter_dir}, which does not exist")
    # A fresh base copy: PEFT injects layers in place, and the base model may be in use unadapted.
    from transformers import AutoModelForCausalLM

    base_dir = base.ref.path if base.ref.kind != "embedded" else prepare_embedded()
    base_model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = PeftModel.from_pretrained(base_model, adapter_dir)
    return LocalModel(ref, model, base.tokenizer)


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
