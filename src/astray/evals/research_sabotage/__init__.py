"""Safety-research sabotage: reward-hack detectors written under a neutral and a self-relevant framing."""

from astray.evals.research_sabotage.family import FAMILY

__all__ = ["FAMILY"]
