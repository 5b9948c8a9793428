"""File helpers shared across layers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from astray.errors import DataFormatError


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (GGUF weights are ~100 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def json_object_lines(text: str, label: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines text, blank lines skipped; a bad line is named by its number."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataFormatError(f"{label}: line {number}: invalid JSON ({err.msg})") from err
        if not isinstance(row, dict):
            raise DataFormatError(f"{label}: line {number}: expected a JSON object")
        rows.append(row)
    return rows
