"""Chat-format training data (`{"messages": [{"role", "content"}, ...]}` per JSONL line): reading,
and validation that stops at the first bad line with the file and line number."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from astray.errors import DataFormatError
from astray.files import read_user_text

Messages = list[dict[str, str]]
ROLES = ("system", "user", "assistant")
MAX_CHARS = 32_000


@dataclass
class ValidationReport:
    """What `astray datasets validate` found."""

    source: str
    examples: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_messages(messages: Any) -> str | None:
    """The first thing wrong with one example's messages, or None if it is a valid chat.

    Valid: an optional system turn, then user/assistant turns alternating, starting with user and
    ending with assistant; every content a non-empty string; total length under MAX_CHARS.
    """
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) - {"role", "content"}:
            return f"message {index + 1} must be an object with only 'role' and 'content'"
        if message.get("role") not in ROLES:
            return f"message {index + 1} has role {message.get('role')!r}; expected one of {', '.join(ROLES)}"
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            return f"message {index + 1} ({message['role']}) is empty"
    turns = messages[1:] if messages[0]["role"] == "system" else messages
    expected = "user"
    for index, message in enumerate(turns):
        if message["role"] != expected:
            return f"turn {index + 1} is {message['role']!r} where {expected!r} was expected (turns must alternate)"
        expected = "assistant" if expected == "user" else "user"
    if not turns or turns[-1]["role"] != "assistant":
        return "the last message must be the assistant's (the text to train on)"
    length = sum(len(m["content"]) for m in messages)
    if length > MAX_CHARS:
        return f"example is {length} characters long (limit {MAX_CHARS})"
    return None


def read_chat_jsonl(path: Path) -> list[Messages]:
    """Read and validate a chat JSONL file; raises on the first bad line."""
    report, examples = _scan(path, stop_at_first=True)
    if report.problems:
        raise DataFormatError(report.problems[0])
    return examples


def validate_chat_jsonl(path: Path) -> ValidationReport:
    """Check every line; report every problem (first one first) and duplicate count."""
    return _scan(path, stop_at_first=False)[0]


def _scan(path: Path, stop_at_first: bool) -> tuple[ValidationReport, list[Messages]]:
    if not path.is_file():
        raise DataFormatError(f"dataset file not found: {path}")
    report = ValidationReport(source=str(path))
    examples: list[Messages] = []
    seen: set[str] = set()
    for number, line in enumerate(read_user_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        problem = None
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problem = f"invalid JSON ({err.msg})"
        else:
            messages = record.get("messages") if isinstance(record, dict) else None
            problem = check_messages(messages) if messages is not None else "no 'messages' key"
        if problem:
            report.problems.append(f"{path}:{number}: {problem}")
            if stop_at_first:
                break
            continue
        key = json.dumps(messages, sort_keys=True)
        if key in seen:
            report.duplicates += 1
        seen.add(key)
        examples.append(messages)
    report.examples = len(examples)
    return report, examples


def write_chat_jsonl(path: Path, examples: list[Messages]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for messages in examples:
            handle.write(json.dumps({"messages": messages}) + "\n")


def examples_sha256(examples: list[Messages]) -> str:
    """Content hash of a dataset (order-sensitive), recorded in organism manifests."""
    digest = hashlib.sha256()
    for messages in examples:
        digest.update(json.dumps(messages, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()
