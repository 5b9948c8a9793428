"""Pick a judge by name: `offline` (the default) or any astray model name."""

from __future__ import annotations

from astray.judges.llm_judge import LLMJudge
from astray.judges.offline import OFFLINE_JUDGE_NAME, OfflineJudge
from astray.judges.types import Judge
from astray.models.access import open_model


def open_judge(name: str | None) -> Judge:
    """Return the judge called `name`; None or "offline" gives the offline judge.

    Args:
        name: "offline", or a model name as everywhere in astray (embedded, a directory, an
            Inspect model string such as openai/gpt-4o-2024-08-06).
    """
    if name is None or name == OFFLINE_JUDGE_NAME:
        return OfflineJudge()
    return LLMJudge(open_model(name), name)
