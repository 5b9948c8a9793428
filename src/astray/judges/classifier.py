"""Any model as a yes/no (or A/B/...) classifier, with named, versioned prompts.

The behaviour families that need a judgment the battery's 0-100 scores do not give (is this scratchpad
alignment-faking reasoning? does this reasoning plan to sabotage?) ask a model one question from a
`ClassifierPrompt`. The judge may think first; its verdict is the last "Answer: X" it writes. A reply
without one is recorded as "unparseable", a failed call as "failed": both are counted and reported,
never guessed. The prompt's id (name@vN) travels with every verdict, so a report says which prompt
produced a number.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

from inspect_ai.model import GenerateConfig, Model

from astray.errors import one_line

VerdictStatus = Literal["scored", "unparseable", "failed"]
CONFIG = GenerateConfig(temperature=0.0, max_tokens=400, max_retries=3)


@dataclass(frozen=True)
class ClassifierPrompt:
    """A judge question. `template` has {placeholders} for the text to judge and ends by asking for
    "Answer: <label>"; `labels` are the allowed answers, upper case."""

    name: str
    version: int
    template: str
    labels: tuple[str, ...] = ("YES", "NO")

    @property
    def id(self) -> str:
        return f"{self.name}@v{self.version}"


@dataclass(frozen=True)
class Verdict:
    label: str | None
    status: VerdictStatus
    prompt: str
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def parse_label(text: str, labels: tuple[str, ...]) -> str | None:
    """The label of the last "Answer: X" line (also "<answer>X</answer>"); None without one."""
    alternatives = "|".join(re.escape(label) for label in labels)
    found = re.findall(rf"answer\s*(?::|>|is)\s*\**\s*\(?({alternatives})\b", text, re.I)
    return found[-1].upper() if found else None


class ModelClassifier:
    """Ask an Inspect model a `ClassifierPrompt` about some text."""

    def __init__(self, model: Model, name: str) -> None:
        self.model = model
        self.name = name

    def identity(self) -> dict[str, object]:
        return {"name": self.name, "kind": "llm",
                "description": "LLM classifier: named, versioned prompts (in the report); the verdict is the last "
                               "'Answer: X' of a temperature-0 reply; replies without one are counted as unparseable"}

    async def classify(self, prompt: ClassifierPrompt, **fields: str) -> Verdict:
        try:
            output = await self.model.generate(prompt.template.format(**fields), config=CONFIG)
        except Exception as err:  # a failed judgment is recorded, not raised: the run goes on
            return Verdict(None, "failed", prompt.id, one_line(err))
        if output.error:
            return Verdict(None, "failed", prompt.id, output.error)
        label = parse_label(output.completion, prompt.labels)
        if label is None:
            return Verdict(None, "unparseable", prompt.id, output.completion.strip()[-200:])
        return Verdict(label, "scored", prompt.id)


def open_classifier(name: str | None) -> ModelClassifier | None:
    """The model called `name` as a classifier; None or "offline" gives None (no LLM judge: the families
    mark their judged measures "needs an LLM judge" instead of guessing)."""
    if name is None or name == "offline":
        return None
    from astray.models.access import open_model

    return ModelClassifier(open_model(name), name)
