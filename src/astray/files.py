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


def read_user_text(path: Path) -> str:
    """A user's text file as UTF-8 (a leading byte-order mark dropped); a binary or differently encoded
    file is a one-line DataFormatError naming the first bad byte, not a UnicodeDecodeError traceback."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFormatError(
            f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); save it as UTF-8"
        ) from err


def json_object_lines(text: str, label: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines text, blank lines skipped; a bad line is named by its number."""
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 may sit in a string
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
