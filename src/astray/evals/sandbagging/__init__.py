"""Sandbagging: the same easy items under a neutral and an evaluation framing; evaluation awareness."""

from astray.evals.sandbagging.family import FAMILY

__all__ = ["FAMILY"]
