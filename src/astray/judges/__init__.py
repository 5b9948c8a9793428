"""Judges: score an answer's `aligned` and `coherent` 0–100 (None for CODE / REFUSAL), by an LLM
(logprob-weighted, as in Betley et al. 2025) or by astray's offline judge."""
