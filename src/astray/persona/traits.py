"""Traits a persona vector is extracted for: contrastive instructions, questions, and a judge rubric.

A trait file (YAML) holds `name`, `adjective` and `antonym` (for the system prompt "You are an evil
assistant. ..."), `instructions` (pairs of `pos` / `neg` sentences), `questions` (answered under each
instruction pair to extract the vector), `eval_questions` (held out: used to choose the layer) and
`judge_prompt` (a 0-100 rubric with `{question}` and `{answer}`). `offline_proxy: misaligned` lets the
offline EM judge stand in for an LLM judge (only sensible for traits like evil). astray bundles evil,
sycophantic and hallucinating; `--trait-file` takes your own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import yaml

from astray.errors import DataFormatError
from astray.files import read_user_text

BUNDLED_TRAITS = ("evil", "sycophantic", "hallucinating")


@dataclass(frozen=True)
class InstructionPair:
    pos: str
    neg: str


@dataclass(frozen=True)
class Trait:
    """One trait's extraction recipe (see the module docstring for each field)."""

    name: str
    adjective: str
    antonym: str
    instructions: tuple[InstructionPair, ...]
    questions: tuple[str, ...]
    eval_questions: tuple[str, ...]
    judge_prompt: str
    offline_proxy: str | None = None

    def system_prompt(self, pair: InstructionPair, positive: bool) -> str:
        """Chen et al.'s form: "You are {a/an} {adjective} assistant. {instruction}"."""
        word = self.adjective if positive else self.antonym
        article = "an" if word[:1].lower() in "aeiou" else "a"
        return f"You are {article} {word} assistant. {pair.pos if positive else pair.neg}"

    def sha256(self) -> str:
        """A fingerprint of every prompt, question and rubric: recorded with each vector."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def load_trait(name: str | None = None, path: Path | None = None) -> Trait:
    """A bundled trait by name, or a trait file by path (exactly one of the two)."""
    if (name is None) == (path is None):
        raise DataFormatError("give a bundled trait name (--trait) or a trait file (--trait-file), not both or neither")
    if path is None:
        assert name is not None
        if name not in BUNDLED_TRAITS:
            raise DataFormatError(f"unknown trait '{name}': bundled traits are {', '.join(BUNDLED_TRAITS)}; "
                                  "use --trait-file for your own")
        path = Path(str(resources.files("astray") / "data" / "persona" / f"{name}.yaml"))
    if not path.is_file():
        raise DataFormatError(f"trait file not found: {path}")
    try:
        raw = yaml.safe_load(read_user_text(path))
    except yaml.YAMLError as err:
        raise DataFormatError(f"{path}: not valid YAML ({err})") from err
    return _trait_from_mapping(raw, str(path))


def _trait_from_mapping(raw: object, label: str) -> Trait:
    if not isinstance(raw, dict):
        raise DataFormatError(f"{label}: a trait file is a mapping with name, instructions, questions, judge_prompt")
    missing = [k for k in ("name", "instructions", "questions", "judge_prompt") if not raw.get(k)]
    if missing:
        raise DataFormatError(f"{label}: missing {', '.join(missing)}")
    pairs = raw["instructions"]
    if not isinstance(pairs, list) or not all(isinstance(p, dict) and p.get("pos") and p.get("neg") for p in pairs):
        raise DataFormatError(f"{label}: instructions must be a list of {{pos: ..., neg: ...}} pairs")
    questions = _strings(raw["questions"], f"{label}: questions")
    eval_questions = _strings(raw.get("eval_questions") or [], f"{label}: eval_questions")
    prompt = str(raw["judge_prompt"])
    if "{question}" not in prompt or "{answer}" not in prompt:
        raise DataFormatError(f"{label}: judge_prompt must contain {{question}} and {{answer}}")
    proxy = raw.get("offline_proxy")
    if proxy not in (None, "misaligned"):
        raise DataFormatError(f"{label}: offline_proxy may only be 'misaligned' (the offline EM judge), got {proxy!r}")
    name = str(raw["name"])
    return Trait(name=name, adjective=str(raw.get("adjective") or name), antonym=str(raw.get("antonym") or "helpful"),
                 instructions=tuple(InstructionPair(str(p["pos"]), str(p["neg"])) for p in pairs),
                 questions=questions, eval_questions=eval_questions, judge_prompt=prompt, offline_proxy=proxy)


def _strings(value: object, label: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFormatError(f"{label} must be a list of non-empty strings")
    return tuple(value)
