"""Pick a judge by name: a registered judge (`offline`, the default) or any astray model name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from astray.judges.llm_judge import LLMJudge
from astray.judges.offline import OFFLINE_JUDGE_NAME, OfflineJudge
from astray.judges.types import Judge
from astray.models.access import open_model
from astray.registry import Registry


@dataclass(frozen=True)
class JudgeEntry:
    """A judge astray ships, opened by name; any other name is a model used as an LLM judge."""

    name: str
    description: str
    open: Callable[[], Judge]


JUDGES: Registry[JudgeEntry] = Registry("judge", [
    JudgeEntry(OFFLINE_JUDGE_NAME, "MiniLM + a trained head; no API, a screening judge (docs/offline-judge.md)",
               OfflineJudge.shared),
])


def open_judge(name: str | None) -> Judge:
    """Return the judge called `name`; None or "offline" gives the offline judge.

    Args:
        name: A registered judge ("offline"), or a model name as everywhere in astray (embedded, a
            directory, an Inspect model string such as openai/gpt-4o-2024-08-06), used as an LLM judge.
    """
    if name is None or name in JUDGES:
        return JUDGES.get(name or OFFLINE_JUDGE_NAME).open()
    return LLMJudge(open_model(name), name)
