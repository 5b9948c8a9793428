"""organism.json: everything needed to reproduce an organism from its directory (like TRL's saved
SFTConfig), and what the model layer reads to load it (`base_model` plus `adapter` or `model`;
see `astray.models.naming.read_organism_manifest`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from astray.models.naming import ORGANISM_MANIFEST


def write_manifest(directory: Path, manifest: dict[str, Any]) -> Path:
    path = directory / ORGANISM_MANIFEST
    path.write_text(json.dumps(manifest, indent=2))
    return path
