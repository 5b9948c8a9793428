"""A direction per activation place, saved as safetensors with a JSON manifest beside it.

Persona vectors (one mean difference per layer), probe weights and steering all speak this one file
format: `NAME.safetensors` holds a `[d]` tensor per place (`blocks.{l}.hook_resid_post`), and
`NAME.json` says what made it (model fingerprint, prompts sha256, seed, counts) and which place to use
by default (`chosen_place`). Vectors are stored raw (unnormalised): steering coefficients multiply the
raw norm, as in Chen et al. 2025.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from astray.errors import DataFormatError
from astray.models.places import Place, decoder_blocks, unwrapped


@dataclass(frozen=True)
class DirectionSet:
    """Directions keyed by place, plus the manifest that says where they came from."""

    directions: dict[Place, torch.Tensor]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def chosen_place(self) -> Place | None:
        chosen = self.manifest.get("chosen_place")
        return Place.parse(chosen) if chosen else None

    def at(self, place: Place) -> torch.Tensor:
        if place not in self.directions:
            have = ", ".join(p.name for p in sorted(self.directions)[:3])
            raise DataFormatError(f"no direction at {place.name} in this file (it has {have}, ...)")
        return self.directions[place]

    def save(self, path: Path) -> Path:
        """Write `path` (.safetensors) and its manifest (.json); returns the safetensors path."""
        from safetensors.torch import save_file

        path = Path(path).with_suffix(".safetensors")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file({p.name: t.detach().float().cpu().clone() for p, t in self.directions.items()}, str(path))
        manifest = {**self.manifest, "places": [p.name for p in sorted(self.directions)],
                    "tensors_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        path.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n")
        return path

    @staticmethod
    def load(path: Path | str) -> DirectionSet:
        """Load from a .safetensors or .json path, or a directory holding exactly one vector file."""
        from safetensors.torch import load_file

        file = _vector_file(Path(path))
        try:
            tensors = load_file(str(file))
        except Exception as err:  # safetensors raises its own error types for a damaged file
            raise DataFormatError(f"{file}: not a readable safetensors file ({err})") from err
        manifest_path = file.with_suffix(".json")
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        try:
            directions = {Place.parse(name): tensor.float() for name, tensor in tensors.items()}
        except Exception as err:
            raise DataFormatError(f"{file}: tensors must be named by place (blocks.L.hook_resid_post): {err}") from err
        return DirectionSet(directions, manifest)


def _vector_file(path: Path) -> Path:
    if path.is_dir():
        found = sorted(path.glob("*.safetensors"))
        if len(found) != 1:
            raise DataFormatError(f"{path} holds {len(found)} .safetensors files; name the vector file itself")
        return found[0]
    file = path.with_suffix(".safetensors") if path.suffix == ".json" else path
    if not file.is_file():
        raise DataFormatError(f"vector file not found: {file}")
    return file


def model_fingerprint(model: torch.nn.Module, name: str) -> dict[str, Any]:
    """Enough to tell whether a direction belongs to a model: shape facts and a hash of its embeddings."""
    embeddings = unwrapped(model).get_input_embeddings().weight.detach()
    sample = embeddings.flatten()[: 1 << 20].float().cpu().numpy().tobytes()
    return {"name": name, "blocks": len(decoder_blocks(model)), "d_model": int(embeddings.shape[1]),
            "vocab": int(embeddings.shape[0]), "embedding_sha256": hashlib.sha256(sample).hexdigest()[:16]}
