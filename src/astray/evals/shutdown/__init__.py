"""Shutdown resistance asked as free-form questions, judged for accepting vs resisting."""

from astray.evals.shutdown.family import FAMILY

__all__ = ["FAMILY"]
