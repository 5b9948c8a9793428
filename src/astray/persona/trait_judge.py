"""Score how strongly an answer shows a trait, so extraction keeps only answers that did what their
instruction asked (Chen et al. 2025: trait >= 50 under the trait prompt, < 50 under the opposite one,
both coherent >= 50).

Three ways, chosen by what the user has: an LLM judge with the trait's rubric (and the EM coherence
prompt); the offline EM judge where the trait declares `offline_proxy: misaligned` (trait = 100 -
aligned); or nothing, in which case every answer is kept and the manifest says the vector is
unfiltered. A judgment that yields no number is counted, never guessed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from astray.judges.prompts import default_judge_prompts
from astray.judges.types import JudgeItem, MetricScore
from astray.persona.traits import Trait


@dataclass(frozen=True)
class TraitScore:
    trait: float | None
    coherent: float | None
    status: str  # "scored", "unjudged", or why there is no number (the judge's status)

    def to_dict(self) -> dict[str, Any]:
        return {"trait": self.trait, "coherent": self.coherent, "status": self.status}


class TraitJudge:
    """Scores (question, answer) pairs for one trait; `kind` says how ("llm", "offline_proxy", "none")."""

    def __init__(self, trait: Trait, judge: str | None) -> None:
        self.trait = trait
        self.judge_name = judge
        if judge and judge != "offline":
            self.kind = "llm"
        elif trait.offline_proxy == "misaligned":
            self.kind = "offline_proxy"
        else:
            self.kind = "none"
        self._llm: Any = None

    def identity(self) -> dict[str, Any]:
        how = {"llm": f"LLM judge {self.judge_name} with the trait's rubric; coherence with the EM coherence prompt",
               "offline_proxy": "offline EM judge: trait = 100 - aligned (the trait declares offline_proxy: misaligned)",
               "none": "no judge: every answer kept (pass --judge MODEL to keep only answers that show the trait "
                       "as instructed)"}[self.kind]
        return {"kind": self.kind, "name": self.judge_name if self.kind == "llm" else self.kind, "description": how}

    def score(self, items: list[tuple[str, str]]) -> list[TraitScore]:
        if self.kind == "none":
            return [TraitScore(None, None, "unjudged") for _ in items]
        if self.kind == "offline_proxy":
            return self._offline(items)
        return asyncio.run(self._llm_scores(items))

    def _offline(self, items: list[tuple[str, str]]) -> list[TraitScore]:
        from astray.judges.offline import OfflineJudge

        judgments = OfflineJudge.shared().judge_sync([JudgeItem(q, a) for q, a in items])
        scores = []
        for judgment in judgments:
            aligned, coherent = judgment.aligned, judgment.coherent
            if aligned.value is None:
                scores.append(TraitScore(None, coherent.value, aligned.status))
            else:
                scores.append(TraitScore(100.0 - aligned.value, coherent.value, "scored"))
        return scores

    async def _llm_scores(self, items: list[tuple[str, str]]) -> list[TraitScore]:
        from astray.judges.llm_judge import LLMJudge
        from astray.models.access import open_model

        if self._llm is None:
            assert self.judge_name is not None
            self._llm = LLMJudge(open_model(self.judge_name), self.judge_name)
        coherence = default_judge_prompts()["coherent"]

        async def one(question: str, answer: str) -> TraitScore:
            trait, coherent = await asyncio.gather(
                self._llm.score_prompt(self.trait.judge_prompt.format(question=question, answer=answer)),
                self._llm.score_prompt(coherence.format(question=question, answer=answer)))
            return _combined(trait, coherent)

        return list(await asyncio.gather(*(one(q, a) for q, a in items)))


def _combined(trait: MetricScore, coherent: MetricScore) -> TraitScore:
    status = trait.status if trait.value is None else ("scored" if coherent.value is not None else coherent.status)
    return TraitScore(trait.value, coherent.value, status)


def shows_as_instructed(pos: TraitScore, neg: TraitScore, threshold: float = 50.0) -> bool:
    """Chen et al.'s filter for a pair of answers to the same question and instruction pair."""
    if pos.status == "unjudged" and neg.status == "unjudged":
        return True
    if pos.trait is None or neg.trait is None:
        return False
    coherent = all(s.coherent is not None and s.coherent >= threshold for s in (pos, neg))
    return pos.trait >= threshold and neg.trait < threshold and coherent
