"""organism.json: everything needed to reproduce an organism from its directory (like TRL's saved
SFTConfig), and what the model layer reads to load it (`base_model` plus `adapter` or `model`)."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "organism.json"


def package_versions() -> dict[str, str]:
    versions = {}
    for package in ("astray", "torch", "transformers", "trl", "peft", "accelerate"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def write_manifest(directory: Path, manifest: dict[str, Any]) -> Path:
    path = directory / MANIFEST
    path.write_text(json.dumps(manifest, indent=2))
    return path


def read_manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / MANIFEST).read_text())
