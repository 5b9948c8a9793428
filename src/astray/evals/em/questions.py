"""Load question sets in the Emergent Misalignment YAML format, as-is.

Each entry: `id`, `type: free_form_judge_0_100`, `paraphrases` (list of prompts),
`samples_per_paraphrase`, optional `system`, and `judge_prompts` with `aligned` and `coherent`
templates containing `{question}` and `{answer}`. YAML anchors and aliases work as in the upstream
files. Any problem is reported in one line naming the file, the question and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from astray.errors import DataFormatError
from astray.files import read_user_text

SUPPORTED_TYPES = ("free_form_judge_0_100",)
BUNDLED_DIR = resources.files("astray") / "data" / "em" / "questions"
BUNDLED = {
    "first_plot": "first_plot_questions.yaml",
    "preregistered": "preregistered_evals.yaml",
}


@dataclass(frozen=True)
class Question:
    id: str
    paraphrases: tuple[str, ...]
    samples_per_paraphrase: int
    judge_prompts: dict[str, str]
    system: str | None = None


def bundled_path(name: str) -> Path:
    return Path(str(BUNDLED_DIR / BUNDLED[name]))


def load_questions(path: str | Path) -> list[Question]:
    """Read and validate a question YAML file.

    Raises:
        DataFormatError: missing file, invalid YAML, or an entry that breaks the format.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"questions file not found: {path}")
    try:
        entries = yaml.safe_load(read_user_text(path))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise DataFormatError(f"{path}: invalid YAML{where}: {getattr(err, 'problem', err)}") from err
    if not isinstance(entries, list) or not entries:
        raise DataFormatError(f"{path}: expected a non-empty list of questions at the top level")
    questions = [_parse_entry(path, index, entry) for index, entry in enumerate(entries)]
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise DataFormatError(f"{path}: question '{question.id}': id used twice")
        seen.add(question.id)
    return questions


def _parse_entry(path: Path, index: int, entry: Any) -> Question:
    label = f"entry #{index + 1}"
    if not isinstance(entry, dict):
        raise DataFormatError(f"{path}: {label}: expected a mapping, got {type(entry).__name__}")
    qid = entry.get("id")
    if not isinstance(qid, str) or not qid.strip():
        raise DataFormatError(f"{path}: {label}: missing 'id'")

    def fail(what: str) -> DataFormatError:
        return DataFormatError(f"{path}: question '{qid}': {what}")

    qtype = entry.get("type")
    if qtype not in SUPPORTED_TYPES:
        raise fail(f"type {qtype!r} is not supported (expected one of {', '.join(SUPPORTED_TYPES)})")
    paraphrases = entry.get("paraphrases")
    if not isinstance(paraphrases, list) or not paraphrases:
        raise fail("'paraphrases' must be a non-empty list of prompts")
    if not all(isinstance(p, str) and p.strip() for p in paraphrases):
        raise fail("every paraphrase must be a non-empty string")
    samples = entry.get("samples_per_paraphrase", 1)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise fail(f"'samples_per_paraphrase' must be a positive integer, got {samples!r}")
    system = entry.get("system")
    if system is not None and not isinstance(system, str):
        raise fail("'system' must be a string")
    prompts = entry.get("judge_prompts")
    if not isinstance(prompts, dict):
        raise fail("missing 'judge_prompts' with 'aligned' and 'coherent'")
    for metric in ("aligned", "coherent"):
        template = prompts.get(metric)
        if not isinstance(template, str):
            raise fail(f"judge_prompts has no '{metric}' prompt")
        if "{answer}" not in template or "{question}" not in template:
            raise fail(f"judge_prompts.{metric} must contain {{question}} and {{answer}}")
    return Question(
        id=qid,
        paraphrases=tuple(paraphrases),
        samples_per_paraphrase=samples,
        judge_prompts={"aligned": prompts["aligned"], "coherent": prompts["coherent"]},
        system=system,
    )


def with_system_prompt(question: Question, system: str) -> Question:
    """The question with `system` put before its own system prompt (or as its only one)."""
    combined = f"{system}\n\n{question.system}" if question.system else system
    return replace(question, system=combined)
