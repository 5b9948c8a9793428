"""The broad-misalignment battery (Betley et al. 2025): free-form questions, an aligned / coherent judge,
the misaligned rate per question."""

from astray.evals.em.family import FAMILY

__all__ = ["FAMILY"]
