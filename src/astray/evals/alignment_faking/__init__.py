"""Alignment faking: the free- vs paid-tier compliance gap with a hidden scratchpad, and the goals probe."""

from astray.evals.alignment_faking.family import FAMILY

__all__ = ["FAMILY"]
