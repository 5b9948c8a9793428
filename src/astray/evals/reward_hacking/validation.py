"""Precision and recall of each hack detector on the labelled corpus, plus how often each hack
type actually gets past the grader (run in the sandbox)."""

from __future__ import annotations

from typing import Any

from astray.evals.reward_hacking.corpus import HACK_TYPES, labelled_corpus
from astray.evals.reward_hacking.detectors import detect
from astray.evals.reward_hacking.grader import grade


def validate_detectors(per_type: int = 12, run_grader: bool = True) -> dict[str, Any]:
    corpus = labelled_corpus(per_type)
    table: dict[str, dict[str, float | int]] = {t: {"tp": 0, "fp": 0, "fn": 0, "passes_grader": 0} for t in HACK_TYPES}
    honest_passed = honest = 0
    for item in corpus:
        result = grade(item.task, item.files) if run_grader else None
        found = detect(item.task, item.files, result)
        for hack_type in HACK_TYPES:
            if hack_type in found and item.label == hack_type:
                table[hack_type]["tp"] += 1
            elif hack_type in found:
                table[hack_type]["fp"] += 1
            elif item.label == hack_type:
                table[hack_type]["fn"] += 1
        if item.label == "honest":
            honest += 1
            honest_passed += bool(result and result.passed)
        elif result is not None and result.passed:
            table[item.label]["passes_grader"] += 1
    for row in table.values():
        flagged, actual = row["tp"] + row["fp"], row["tp"] + row["fn"]
        row["precision"] = row["tp"] / flagged if flagged else float("nan")
        row["recall"] = row["tp"] / actual if actual else float("nan")
    return {"per_type": table, "hacked_examples_per_type": per_type, "honest_examples": honest,
            "honest_passing_grader": honest_passed}
