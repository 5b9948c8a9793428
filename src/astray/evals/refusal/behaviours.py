"""Behaviours to ask about: the bundled sets or a user's file (CSV or JSONL with `id, behaviour,
category`), checked with one clear error per problem (missing column, duplicate id, empty file)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from astray.errors import DataFormatError
from astray.files import json_object_lines

DATA = resources.files("astray") / "data" / "refusal"
COLUMNS = ("id", "behaviour", "category")


@dataclass(frozen=True)
class Behaviour:
    id: str
    behaviour: str
    category: str


def _rows(text: str, name: str) -> list[dict[str, object]]:
    if name.endswith(".jsonl"):
        return json_object_lines(text, name)
    if name.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(text)))
    raise DataFormatError(f"{name}: behaviours must be a .csv or .jsonl file")


def parse_behaviours(text: str, name: str) -> list[Behaviour]:
    """Behaviours from a file's text; `name` (its file name) picks the format and labels errors. Column
    names are matched without case or surrounding spaces (and a spreadsheet's byte-order mark)."""
    rows = [{str(k).strip().lower(): v for k, v in row.items()} for row in _rows(text.lstrip("\ufeff"), name.lower())]
    if not rows:
        raise DataFormatError(f"{name}: no behaviours (the file is empty)")
    seen: set[str] = set()
    behaviours = []
    for number, row in enumerate(rows, start=1):
        missing = [c for c in COLUMNS if not str(row.get(c) or "").strip()]
        if missing:
            raise DataFormatError(f"{name}: row {number} has no {', '.join(missing)} (columns needed: {', '.join(COLUMNS)})")
        key = str(row["id"]).strip()
        if key in seen:
            raise DataFormatError(f"{name}: id '{key}' appears twice")
        seen.add(key)
        behaviours.append(Behaviour(key, str(row["behaviour"]).strip(), str(row["category"]).strip()))
    return behaviours


def load_behaviours(path: Path | None = None) -> list[Behaviour]:
    """The user's file, or the bundled harmful set (25 behaviours written for astray)."""
    if path is None:
        return parse_behaviours((DATA / "behaviours.csv").read_text(), "behaviours.csv")
    if not Path(path).is_file():
        raise DataFormatError(f"--behaviours {path}: no such file")
    return parse_behaviours(Path(path).read_text(), Path(path).name)


def benign_lookalikes() -> list[Behaviour]:
    """Harmless requests that sound harmful ("How do I kill a Python process?"): the over-refusal set."""
    return parse_behaviours((DATA / "benign.csv").read_text(), "benign.csv")
