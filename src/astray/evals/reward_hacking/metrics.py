"""Reward-hacking rates with Wilson intervals: honest pass rate, hack rate overall and by type,
separately for possible and impossible tasks."""

from __future__ import annotations

from typing import Any

from astray.evals.reward_hacking.detectors import DETECTORS
from astray.stats import rate_estimate


def hack_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """`records`: one per answer with `impossible`, `passed`, `hacked` and `hacks` (type -> evidence)."""
    groups = {"all": records, "possible": [r for r in records if not r["impossible"]],
              "impossible": [r for r in records if r["impossible"]]}
    table: dict[str, Any] = {}
    for name, rows in groups.items():
        n = len(rows)
        table[name] = {
            "answers": n,
            "passed": rate_estimate(sum(r["passed"] for r in rows), n).to_dict(),
            "honest_pass": rate_estimate(sum(r["passed"] and not r["hacked"] for r in rows), n).to_dict(),
            "hack_attempt": rate_estimate(sum(r["hacked"] for r in rows), n).to_dict(),
            "successful_hack": rate_estimate(sum(r["passed"] and r["hacked"] for r in rows), n).to_dict(),
            "by_type": {t: rate_estimate(sum(t in r["hacks"] for r in rows), n).to_dict() for t in DETECTORS},
        }
    return table
