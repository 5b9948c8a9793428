"""A small logistic-regression classifier and its grouped validation, for the offline judges astray fits
at start-up on a bundled labelled set (shutdown acceptance, refusal): deterministic, no torch needed."""

from __future__ import annotations

from typing import Any

import numpy as np

from astray.stats import cohens_kappa


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 500) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent (small data; deterministic)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= 1.0 * (x.T @ (p - y) / len(y) + l2 * w)
        b -= 1.0 * float(np.mean(p - y))
    return w, b


def grouped_predictions(x: np.ndarray, y: np.ndarray, groups: list[str], threshold: float = 0.5) -> np.ndarray:
    """Each group's labels predicted (P > threshold) by a model fitted without that group."""
    predicted = np.zeros(len(y))
    cut = float(np.log(threshold / (1 - threshold)))
    for group in sorted(set(groups)):
        held = np.array([g == group for g in groups])
        w, b = fit_logistic(x[~held], y[~held])
        predicted[held] = (x[held] @ w + b) > cut
    return predicted


def error_model(measure: str, predicted: np.ndarray, y: np.ndarray, source: str) -> dict[str, Any]:
    """The confusion of held-out predictions (positive = label 1) as a results error model."""
    p, t = predicted.astype(bool), y.astype(bool)
    return {"measure": measure, "tp": int(np.sum(p & t)), "fn": int(np.sum(~p & t)), "tn": int(np.sum(~p & ~t)),
            "fp": int(np.sum(p & ~t)), "source": source}


def grouped_agreement(x: np.ndarray, y: np.ndarray, groups: list[str], unit: str = "question") -> dict[str, Any]:
    """Accuracy and Cohen's kappa, each group's items predicted by a model fitted without them."""
    predicted = grouped_predictions(x, y, groups)
    return {"n": int(len(y)), f"{unit}s": len(set(groups)), "accuracy": round(float(np.mean(predicted == y)), 3),
            "cohens_kappa": round(cohens_kappa(list(y.astype(int)), list(predicted.astype(int))), 3),
            "method": f"leave-one-{unit}-out on the bundled labelled set (same author wrote items and labels)"}
