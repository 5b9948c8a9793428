"""Advanced-AI-risk multiple-choice items (power-seeking, survival instinct, corrigibility, ...)."""

from astray.evals.ai_risk_mcq.family import FAMILY

__all__ = ["FAMILY"]
