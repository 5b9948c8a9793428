"""Append-only record of a run's answers and judgments, so a killed run resumes where it stopped.

Each record is one JSON line, flushed and fsynced before the next sample starts, so after a
SIGKILL at most the line being written is lost (a torn last line is detected and ignored). On
resume, answers and judgments already recorded are reused, never generated or judged again - except a
judgment whose call failed, which is retried.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from astray.errors import RunStateError

ANSWERS_FILE = "answers.jsonl"
JUDGMENTS_FILE = "judgments.jsonl"


class RunStore:
    """Answers keyed by sample id; judgments keyed by (sample id, judge name)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.torn_lines = 0
        self.answers: dict[str, dict[str, Any]] = {
            r["sample_id"]: r for r in self._read(self.directory / ANSWERS_FILE)
        }
        self.judgments: dict[tuple[str, str], dict[str, Any]] = {
            (r["sample_id"], r["judgment"]["judge"]): r for r in self._read(self.directory / JUDGMENTS_FILE)
        }

    def answer(self, sample_id: str) -> dict[str, Any] | None:
        return self.answers.get(sample_id)

    def judgment(self, sample_id: str, judge: str) -> dict[str, Any] | None:
        return self.judgments.get((sample_id, judge))

    def add_answer(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.answers[record["sample_id"]] = record
            self._append(self.directory / ANSWERS_FILE, record)

    def add_judgment(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.judgments[(record["sample_id"], record["judgment"]["judge"])] = record
            self._append(self.directory / JUDGMENTS_FILE, record)

    def _read(self, path: Path) -> list[dict[str, Any]]:
        if not path.exists():
            return []
        records = []
        torn = False
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                if number != len(lines) - 1:
                    raise RunStateError(f"{path}: line {number + 1} is corrupt; this run cannot be resumed") from err
                torn = True  # killed mid-write: that sample is simply redone
        if torn:
            self.torn_lines += 1
            path.write_text("".join(json.dumps(r) + "\n" for r in records))
        return records

    @staticmethod
    def _append(path: Path, record: dict[str, Any]) -> None:
        with path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


async def reuse_or_record(store: RunStore | None, sample_id: str, judge: str,
                          make: Callable[[], Awaitable[dict[str, Any]]]) -> tuple[dict[str, Any], bool]:
    """The judgment recorded for (sample_id, judge), or a new one from `make`, recorded before it is
    returned: how every scorer resumes. Returns (judgment, whether it was reused).

    The judgment dict names its judge under "judge" (the store's key). A recorded judgment whose call
    failed (status "failed": the judge's API was down, say) is made again, so rerunning retries it."""
    recorded = store.judgment(sample_id, judge) if store else None
    if recorded is not None and not _has_failed(recorded["judgment"]):
        return recorded["judgment"], True
    judgment = await make()
    if store is not None:
        store.add_judgment({"sample_id": sample_id, "judgment": judgment})
    return judgment, False


def _has_failed(judgment: Any) -> bool:
    """Whether any part of a judgment (a metric, a verdict) has status "failed"."""
    if isinstance(judgment, dict):
        return judgment.get("status") == "failed" or any(_has_failed(v) for v in judgment.values())
    if isinstance(judgment, list):
        return any(_has_failed(v) for v in judgment)
    return False
