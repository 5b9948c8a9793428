"""`astray judge`: score existing question/answer pairs from a CSV or JSONL file.

The output repeats every input row and adds `aligned` and `coherent` (empty when the judge set the
answer aside), their statuses, and the judge's name. Rows are written as they are judged; rerunning
the same command continues after the last written row.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from astray.errors import DataFormatError
from astray.evals.em.records import answer_record, counts
from astray.files import json_object_lines, read_user_text
from astray.judges.select import open_judge
from astray.judges.types import JudgeItem, Judgment
from astray.options import option, required
from astray.stats import Thresholds, misalignment_rate

REQUIRED = ("question", "answer")
ADDED = ("aligned", "coherent", "aligned_status", "coherent_status", "judge")
BATCH = 64


@dataclass(frozen=True)
class RejudgeConfig:
    """`astray judge`: a file of answers in, the same rows judged out."""

    input: Path = required("CSV or JSONL with question and answer columns.")
    output: Path = required("CSV or JSONL to write (rows + aligned, coherent, statuses).")
    judge: str = option("offline", "'offline' or any model name.")


def read_answers(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV or JSONL file with `question` and `answer` (and optionally `question_id`)."""
    if not path.is_file():
        raise DataFormatError(f"input file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows: list[dict[str, Any]] = _csv_rows(read_user_text(path))
    elif suffix in (".jsonl", ".json"):
        rows = json_object_lines(read_user_text(path), str(path))
    else:
        raise DataFormatError(f"{path}: expected a .csv or .jsonl file")
    for number, row in enumerate(rows, start=1):
        missing = [c for c in REQUIRED if not isinstance(row.get(c), str)]
        if missing:
            raise DataFormatError(f"{path}: row {number}: missing text column(s) {', '.join(missing)}")
    return rows


def rejudge_file(
    input_path: Path,
    output_path: Path,
    judge_name: str | None,
    progress: Callable[[int, int], None] | None = None,
    thresholds: Thresholds = Thresholds(),
) -> dict[str, Any]:
    """Judge every row of `input_path` into `output_path`; returns a summary with the rate and counts."""
    if output_path.suffix.lower() not in (".csv", ".jsonl"):
        raise DataFormatError(f"{output_path}: the output must be a .csv or .jsonl file")
    rows = read_answers(input_path)
    judge = open_judge(judge_name)
    previous = _read_output(output_path)
    done = _rows_already_written(previous, rows, judge.name)
    fieldnames = list(dict.fromkeys([*rows[0].keys(), *ADDED])) if rows else list(ADDED)
    judged: list[dict[str, Any]] = previous[:done]
    if done:
        _keep_only(output_path, fieldnames, judged)
    with _open_output(output_path, fieldnames, append=done > 0) as write:
        for start in range(done, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            items = [JudgeItem(r["question"], r["answer"]) for r in batch]
            judgments = asyncio.run(judge.judge(items))
            for row, judgment in zip(batch, judgments, strict=True):
                out = {**row, **_columns(judgment)}
                write(out)
                judged.append(out)
            if progress:
                progress(min(start + BATCH, len(rows)), len(rows))
    records = [
        answer_record({"question_id": r.get("question_id", "")}, r["answer"], _judgment_dict(r), thresholds)
        for r in judged
    ]
    rate = misalignment_rate(((r.aligned, r.coherent) for r in records), thresholds)
    return {"judge": judge.identity(), "rows": len(rows), "resumed_rows": done, "counts": counts(records, thresholds),
            "misaligned": rate.to_dict(), "output": str(output_path)}


def _columns(judgment: Judgment) -> dict[str, Any]:
    return {
        "aligned": "" if judgment.aligned.value is None else judgment.aligned.value,
        "coherent": "" if judgment.coherent.value is None else judgment.coherent.value,
        "aligned_status": judgment.aligned.status,
        "coherent_status": judgment.coherent.status,
        "judge": judgment.judge,
    }


def _judgment_dict(row: dict[str, Any]) -> dict[str, Any]:
    def metric(name: str) -> dict[str, Any]:
        value = row[name]
        return {"value": None if value in ("", None) else float(value), "status": row[f"{name}_status"],
                "method": "", "detail": ""}

    return {"aligned": metric("aligned"), "coherent": metric("coherent")}


def _csv_rows(text: str) -> list[dict[str, Any]]:
    """Rows of CSV text (quoted newlines inside answers kept)."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _read_output(path: Path) -> list[dict[str, Any]]:
    """Rows a previous run wrote, up to the first that does not parse (a row cut short by a kill)."""
    if not path.is_file():
        return []
    text = read_user_text(path)
    if path.suffix.lower() == ".csv":
        return _csv_rows(text)  # a row cut short has its missing columns as None; _rows_already_written stops there
    rows = []
    for line in filter(str.strip, text.split("\n")):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            break
        if not isinstance(row, dict):
            break
        rows.append(row)
    return rows


def _rows_already_written(previous: list[dict[str, Any]], rows: list[dict[str, Any]], judge: str) -> int:
    """How many leading rows a previous run already judged: they match the input's answers and the judge
    (0 if the output belongs to other input). A last row cut short by a kill is judged again, and so is
    everything from the first row whose judge call failed."""
    for index, row in enumerate(previous):
        if index >= len(rows) or row.get("answer") != rows[index]["answer"] or row.get("judge") != judge:
            return index
        if any(row.get(column) is None for column in ADDED):
            return index
        if "failed" in (row.get("aligned_status"), row.get("coherent_status")):  # the judge's call failed: retry it
            return index
    return len(previous)


def _keep_only(path: Path, fieldnames: list[str], rows: list[dict[str, Any]]) -> None:
    """Rewrite the output with just the rows being kept (atomically), so appending continues cleanly."""
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")  # same suffix: same format
    with _open_output(partial, fieldnames, append=False) as write:
        for row in rows:
            write(row)
    os.replace(partial, path)


class _open_output:
    """Context manager yielding a row writer for CSV or JSONL output, flushing every row."""

    def __init__(self, path: Path, fieldnames: list[str], append: bool) -> None:
        self.path, self.fieldnames, self.append = path, fieldnames, append

    def __enter__(self) -> Callable[[dict[str, Any]], None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a" if self.append else "w", newline="")
        if self.path.suffix.lower() == ".csv":
            writer = csv.DictWriter(self.handle, fieldnames=self.fieldnames)
            if not self.append:
                writer.writeheader()

            def write(row: dict[str, Any]) -> None:
                writer.writerow(row)
                self.handle.flush()
        else:
            def write(row: dict[str, Any]) -> None:
                self.handle.write(json.dumps(row) + "\n")
                self.handle.flush()
        return write

    def __exit__(self, *exc: object) -> None:
        self.handle.close()
