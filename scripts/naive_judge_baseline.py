"""The naive offline judge issue #14 compares against, on the offline judge's own validation split.

Usage: python scripts/naive_judge_baseline.py [--seed 0]
A MiniLM sentence embedding of each answer, then logistic regression for the paper's "misaligned"
label and ridge regression for the 0-100 `aligned` score - nothing else. Validated two ways on the
5,350 LLM-judged answers in data/em_judged/: the grouped 5-fold split the offline judge is validated
on (a group = one question of one source file; astray.judges.offline_training.group_folds, same seed),
and a plain random 5-fold split, which lets answers to the same question sit on both sides and so
flatters every model. Prints the measures the offline judge reports (docs/offline-judge.md). ~2 min.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from astray.judges.encoder import TextEncoder
from astray.judges.logistic import fit_logistic
from astray.judges.offline_training import FOLDS, group_folds, load_judged
from astray.stats import auroc, classify_answer, spearman

ROOT = Path(__file__).resolve().parent.parent


def ridge(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    mean = y.mean()
    w = np.linalg.solve(x.T @ x + l2 * np.eye(x.shape[1]), x.T @ (y - mean))
    return w, float(mean)


def validate(x: np.ndarray, aligned: np.ndarray, misaligned: np.ndarray, folds: np.ndarray) -> dict[str, float]:
    """Out-of-fold predictions over answers the LLM judge scored; the offline judge's measures."""
    risk, score = np.zeros(len(x)), np.zeros(len(x))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        mean, spread = x[train].mean(0), x[train].std(0) + 1e-6
        z_train, z_test = (x[train] - mean) / spread, (x[test] - mean) / spread
        w, b = fit_logistic(z_train, misaligned[train].astype(float), l2=1e-2, steps=500)
        risk[test] = z_test @ w + b
        w, b = ridge(z_train, aligned[train])
        score[test] = z_test @ w + b
    truth = [bool(t) for t in misaligned]
    return {"auroc_misaligned_logistic": round(auroc(list(risk), truth), 4),
            "auroc_misaligned_ridge": round(auroc(list(-score), truth), 4),
            "spearman_aligned_ridge": round(spearman(list(aligned), list(score)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = load_judged(sorted((ROOT / "data/em_judged").glob("*.csv")))
    grouped = group_folds(rows, FOLDS, args.seed)
    scored = [i for i, row in enumerate(rows) if row.aligned is not None]
    x = TextEncoder().encode([rows[i].answer for i in scored]).astype(np.float64)
    aligned = np.array([rows[i].aligned for i in scored], dtype=float)
    misaligned = np.array([classify_answer(rows[i].aligned, rows[i].coherent) is True for i in scored])
    shuffled = np.random.default_rng(args.seed).integers(0, FOLDS, len(scored))
    report = {"answers_scored": len(scored), "misaligned": int(misaligned.sum()),
              "grouped_split": validate(x, aligned, misaligned, grouped[scored]),
              "random_split": validate(x, aligned, misaligned, shuffled)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
