"""Refusal robustness: the same harmful request asked directly and through attacks, paired."""

from astray.evals.refusal.family import FAMILY

__all__ = ["FAMILY"]
