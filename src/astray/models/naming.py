"""One way to name a model everywhere in astray (subject, judge, attacker).

A name is one of:
- `embedded` — the cached SmolLM2-135M-Instruct copy (see `astray.models.embedded`);
- a local Hugging Face model directory (has `config.json`);
- an astray organism directory (has `organism.json`: a base model name plus a PEFT adapter);
- any Inspect model string (`openai/gpt-4o`, `vllm/…`, `ollama/…`, `hf/…`, `mockllm/model`),
  passed to Inspect unchanged.

Local kinds run through astray's own Inspect provider, named `astray/<name>`, so
`inspect eval … --model astray/embedded` works too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from astray.errors import UnknownModelError

ModelKind = Literal["embedded", "hf_dir", "organism", "inspect"]
ASTRAY_PROVIDER = "astray"
ORGANISM_MANIFEST = "organism.json"


@dataclass(frozen=True)
class ModelRef:
    """A resolved model name.

    Attributes:
        name: The name as the user gave it (with any `astray/` prefix removed).
        kind: Which of the four kinds it is.
        path: The directory for local kinds, else None.
    """

    name: str
    kind: ModelKind
    path: Path | None = None

    @property
    def is_local(self) -> bool:
        return self.kind != "inspect"

    @property
    def inspect_name(self) -> str:
        """The string to hand to Inspect's `get_model` / `--model`."""
        if self.kind == "inspect":
            return self.name
        if self.kind == "embedded":
            return f"{ASTRAY_PROVIDER}/embedded"
        return f"{ASTRAY_PROVIDER}/{self.path}"


def resolve_model(name: str) -> ModelRef:
    """Resolve a user-facing model name into a `ModelRef`.

    Args:
        name: `embedded`, a directory, `astray/<either>`, or an Inspect model string.

    Raises:
        UnknownModelError: The name is none of these; the message says what was expected.
    """
    raw = name.strip()
    if raw.startswith(f"{ASTRAY_PROVIDER}/"):
        raw = raw[len(ASTRAY_PROVIDER) + 1 :]
    if raw == "embedded":
        return ModelRef(name="embedded", kind="embedded")
    path = Path(raw).expanduser()
    if path.is_dir():
        return _resolve_directory(path.resolve())
    if _looks_like_path(raw):
        raise UnknownModelError(f"model directory not found: {raw}")
    if "/" in raw and raw.split("/", 1)[0] and raw.split("/", 1)[1]:
        return ModelRef(name=raw, kind="inspect")
    raise UnknownModelError(
        f"unknown model '{name}': expected 'embedded', a model or organism directory, "
        "or an Inspect model string such as openai/gpt-4o-mini, vllm/<model>, ollama/<model>"
    )


def _resolve_directory(path: Path) -> ModelRef:
    if (path / ORGANISM_MANIFEST).is_file():
        return ModelRef(name=str(path), kind="organism", path=path)
    if (path / "config.json").is_file():
        return ModelRef(name=str(path), kind="hf_dir", path=path)
    raise UnknownModelError(
        f"{path} is a directory but neither a Hugging Face model (no config.json) "
        f"nor an astray organism (no {ORGANISM_MANIFEST})"
    )


def _looks_like_path(raw: str) -> bool:
    return raw.startswith(("/", "./", "../", "~")) or raw.endswith("/")


def read_organism_manifest(path: Path) -> dict[str, object]:
    """Read an organism's manifest: `base_model`, and `adapter` (a PEFT adapter directory) or
    `model` (full fine-tuned weights), relative to the organism directory."""
    manifest = json.loads((path / ORGANISM_MANIFEST).read_text())
    if "base_model" not in manifest:
        raise UnknownModelError(f"{path / ORGANISM_MANIFEST} has no 'base_model' entry")
    if not manifest.get("adapter") and not manifest.get("model"):
        raise UnknownModelError(f"{path / ORGANISM_MANIFEST} names neither an 'adapter' nor a 'model' directory")
    return manifest
