"""Sycophancy: flips under pushback, and agreement with a user's stated view."""

from astray.evals.sycophancy.family import FAMILY

__all__ = ["FAMILY"]
