"""Honesty under pressure (deception): lying against an elicited belief."""

from astray.evals.honesty.family import FAMILY

__all__ = ["FAMILY"]
