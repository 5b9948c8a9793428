"""The experiment's statistics: each model's rate per measure, every organism against the control and
the base (and the inoculated hacker against the hacker) with a paired test where the runs asked the
same items, and Benjamini–Hochberg q-values over every comparison made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from astray.evals.family import Family
from astray.stats import benjamini_hochberg, compare_counts, compare_paired, newcombe_interval, spearman

COMPARISONS = (("hacker", "control"), ("inoculated", "control"), ("hacker", "base"), ("inoculated", "base"),
               ("control", "base"), ("inoculated", "hacker"))
"""(B, A) pairs compared as B - A."""


@dataclass(frozen=True)
class Labels:
    """One model's labels for one measure: sample id -> True / False (unlabelled answers left out)."""

    by_sample: dict[str, bool]

    @staticmethod
    def of(family: Family[Any], measure: str, rows: Sequence[dict[str, Any]]) -> Labels:
        reader = family.measure(measure)
        labels = {}
        for row in rows:
            value = reader.of(family.load_record(row))
            if value is not None:
                labels[str(row["sample_id"])] = bool(value)
        return Labels(labels)

    @property
    def k(self) -> int:
        return sum(self.by_sample.values())

    @property
    def n(self) -> int:
        return len(self.by_sample)


PAIRED_SHARE = 0.9
"""Pair by item only when at least this share of each side's counted answers has a partner: a judge that
sets answers aside (incoherent, refusals) would otherwise leave the paired test a fraction of the data."""


@dataclass(frozen=True)
class ComparisonResult:
    """B - A on one measure. `test` is McNemar's exact test on answers to the same items when nearly all
    of both sides' counted answers are to shared items (PAIRED_SHARE), else the two-proportion z-test
    on all of them; `n_a` / `n_b` are the answers each side counted."""

    measure: str
    b: str
    a: str
    test: str
    n_a: int
    n_b: int
    n_pairs: int
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_labels(measure: str, b: str, a: str, labels_b: Labels, labels_a: Labels, seed: int = 0) -> ComparisonResult:
    """B - A: the test as the class says; the interval is Newcombe's from the rates the test compares, which
    (unlike a bootstrap of the counts) stays honest when both rates are 0 - the verdicts quote it as the
    effects the run could not rule out."""
    shared = sorted(set(labels_a.by_sample) & set(labels_b.by_sample))
    if shared and len(shared) >= PAIRED_SHARE * max(labels_a.n, labels_b.n):
        pairs = [(labels_a.by_sample[i], labels_b.by_sample[i]) for i in shared]
        difference = compare_paired(pairs, seed=seed)
        test, paired = "mcnemar_exact", len(pairs)
        k_a, k_b, n_a, n_b = sum(a for a, _ in pairs), sum(b for _, b in pairs), len(pairs), len(pairs)
    elif labels_a.n and labels_b.n:
        difference = compare_counts(labels_a.k, labels_a.n, labels_b.k, labels_b.n, seed=seed)
        test, paired = "two_proportion_z", 0
        k_a, k_b, n_a, n_b = labels_a.k, labels_b.k, labels_a.n, labels_b.n
    else:
        return ComparisonResult(measure, b, a, "none", labels_a.n, labels_b.n, 0, None, None, None, None)
    low, high = newcombe_interval(k_a, n_a, k_b, n_b)
    return ComparisonResult(measure, b, a, test, labels_a.n, labels_b.n, paired, difference.diff, low, high,
                            difference.p_value)


def compare_all(labels: Mapping[str, Mapping[str, Labels]], seed: int = 0) -> list[ComparisonResult]:
    """Every (B, A) of COMPARISONS for every measure both models have, with BH q over all of them.

    Args:
        labels: measure key -> model name -> labels.
    """
    results = [compare_labels(measure, b, a, per_model[b], per_model[a], seed=seed)
               for measure, per_model in labels.items() for b, a in COMPARISONS if b in per_model and a in per_model]
    q_values = benjamini_hochberg([r.p_value for r in results])
    return [ComparisonResult(**{**r.to_dict(), "q_value": q}) for r, q in zip(results, q_values, strict=True)]


def find(comparisons: Sequence[ComparisonResult], measure: str, b: str, a: str) -> ComparisonResult | None:
    return next((c for c in comparisons if (c.measure, c.b, c.a) == (measure, b, a)), None)


def hacking_vs_off_task(rates: Mapping[str, Mapping[str, float | None]], on_task: str) -> dict[str, float | None]:
    """Per off-task measure, Spearman's rho between the models' hack rate and their rate on it:
    descriptive only (one point per model, so a handful of points and no test)."""
    rhos: dict[str, float | None] = {}
    for measure, per_model in rates.items():
        if measure == on_task:
            continue
        models = [m for m, rate in per_model.items() if rate is not None and rates[on_task].get(m) is not None]
        hack = [rates[on_task][m] for m in models]
        other = [per_model[m] for m in models]
        varied = len(models) >= 3 and len(set(hack)) > 1 and len(set(other)) > 1
        rhos[measure] = spearman(hack, other) if varied else None  # type: ignore[arg-type]
    return rhos
