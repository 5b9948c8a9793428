"""Which letter the model chose: from the answer letters' log-probabilities at the first generated token
where the model exposes them, else the letter parsed from the text; None (counted) when neither works."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MIN_LETTER_MASS = 0.05  # below this, the first token was not an answer letter: fall back to the text
_PARSE = [re.compile(p) for p in (r"\(([A-H])\)", r"^\s*([A-H])\b", r"\b(?:answer|choice|option) (?:is )?\(?([A-H])\b")]


@dataclass(frozen=True)
class Choice:
    letter: str | None
    method: str  # "logprobs", "parsed" or "none"
    probabilities: dict[str, float]


def letter_probabilities(top: list[tuple[str, float]], letters: tuple[str, ...]) -> dict[str, float]:
    """Probability mass per answer letter among the top tokens ("A", " A", "(A", " (A" all count for A)."""
    mass = dict.fromkeys(letters, 0.0)
    for token, logprob in top:
        key = token.strip().lstrip("(").rstrip(")").strip()
        if key in mass:
            mass[key] += math.exp(logprob)
    return mass


def choose(output: Any, letters: tuple[str, ...]) -> Choice:
    """The chosen letter from an Inspect ModelOutput: the first of the first three generated positions
    where the letters hold enough probability (a leading " (" token is passed over), else the text."""
    for top in _top_logprobs(output)[:3]:
        mass = letter_probabilities(top, letters)
        if sum(mass.values()) >= MIN_LETTER_MASS:
            return Choice(max(mass, key=lambda k: mass[k]), "logprobs", {k: round(v, 4) for k, v in mass.items()})
    text = output.completion or ""
    for pattern in _PARSE:
        match = pattern.search(text)
        if match and match.group(1) in letters:
            return Choice(match.group(1), "parsed", {})
    return Choice(None, "none", {})


def _top_logprobs(output: Any) -> list[list[tuple[str, float]]]:
    if not output.choices or output.choices[0].logprobs is None:
        return []
    return [[(t.token, t.logprob) for t in (entry.top_logprobs or [])] or [(entry.token, entry.logprob)]
            for entry in output.choices[0].logprobs.content]
