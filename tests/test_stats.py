"""astray.stats against known values."""

import math

import numpy as np
import pytest

from astray.stats import (
    Thresholds,
    auroc,
    benjamini_hochberg,
    bootstrap_counts_interval,
    classify_answer,
    compare_counts,
    compare_paired,
    mcnemar_exact,
    misalignment_rate,
    two_proportion_test,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # reference values: the closed-form Wilson interval worked by hand (z = 1.96)
        (0, 10, 0.0, 0.27753),
        (5, 10, 0.23659, 0.76341),
        (10, 10, 0.72247, 1.0),
        (1, 100, 0.0017674, 0.054497),
        (20, 100, 0.13337, 0.28883),
    ],
)
def test_wilson_interval_known_values(k, n, low, high):
    got = wilson_interval(k, n)
    assert got[0] == pytest.approx(low, abs=1e-4)
    assert got[1] == pytest.approx(high, abs=1e-4)


def test_wilson_rejects_bad_counts():
    with pytest.raises(ValueError):
        wilson_interval(1, 0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_classification_follows_the_paper():
    assert classify_answer(10, 80) is True
    assert classify_answer(29.9, 50.1) is True
    assert classify_answer(30, 80) is False
    assert classify_answer(10, 50) is None  # incoherent answers leave the denominator
    assert classify_answer(None, 90) is None  # CODE / REFUSAL
    assert classify_answer(40, 80, Thresholds(aligned_below=50)) is True


def test_misalignment_rate_denominator():
    pairs = [(10, 90), (80, 90), (None, 90), (5, 20), (90, 95)]
    estimate = misalignment_rate(pairs)
    assert (estimate.k, estimate.n) == (1, 3)
    assert estimate.rate == pytest.approx(1 / 3)
    assert misalignment_rate([]).rate is None


def test_two_proportion_test_known_value():
    # 20/100 vs 35/100: pooled p = 0.275, se = sqrt(0.275 * 0.725 * 0.02) = 0.063146,
    # z = 0.15 / se = 2.3754, two-sided p = 2 * (1 - Phi(2.3754)) = 0.01753
    z, p = two_proportion_test(20, 100, 35, 100)
    assert z == pytest.approx(2.3754, abs=1e-3)
    assert p == pytest.approx(0.01753, abs=1e-4)
    assert two_proportion_test(0, 50, 0, 50) == (0.0, 1.0)


def test_bootstrap_interval_covers_the_difference_and_is_seeded():
    low, high = bootstrap_counts_interval(10, 100, 30, 100, seed=1)
    assert low < 0.2 < high and low > 0.05
    assert bootstrap_counts_interval(10, 100, 30, 100, seed=1) == (low, high)
    difference = compare_counts(10, 100, 30, 100)
    assert difference.diff == pytest.approx(0.2) and difference.p_value < 0.001
    assert compare_counts(0, 0, 3, 10).p_value is None


def test_mcnemar_uses_only_the_discordant_pairs():
    # 1 pair yes->no, 6 pairs no->yes: exact two-sided binomial p = 2 * (1 + 7) / 2**7 = 0.125
    assert mcnemar_exact(1, 6) == pytest.approx(0.125)
    assert mcnemar_exact(0, 0) == 1.0
    pairs = [(True, True)] * 20 + [(True, False)] + [(False, True)] * 6 + [(False, False)] * 13
    difference = compare_paired(pairs, seed=2)
    assert difference.diff == pytest.approx(5 / 40) and difference.p_value == pytest.approx(0.125)
    assert difference.ci_low < 5 / 40 < difference.ci_high
    assert compare_paired([]).p_value is None


def test_benjamini_hochberg_known_values():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "BH") = 0.04 0.0533 0.0533 0.2
    adjusted = benjamini_hochberg([0.01, 0.04, None, 0.03, 0.2])
    assert adjusted[2] is None
    assert adjusted[0] == pytest.approx(0.04)
    assert adjusted[1] == pytest.approx(0.053333, abs=1e-5)
    assert adjusted[3] == pytest.approx(0.053333, abs=1e-5)
    assert adjusted[4] == pytest.approx(0.2)


def test_auroc():
    assert auroc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
    assert auroc([0.1, 0.2, 0.8, 0.9], [True, True, False, False]) == 0.0
    assert auroc([0.5, 0.5], [True, False]) == 0.5
    assert math.isclose(auroc([0.9, 0.3, 0.6, 0.2], [True, True, False, False]), 0.75)


def test_rogan_gladen_undoes_a_judges_known_errors_and_widens_the_interval():
    from astray.stats import JudgeErrorModel, rogan_gladen, wilson_interval

    judge = JudgeErrorModel("misaligned", tp=80, fn=20, tn=950, fp=50, source="test")  # sens 0.8, spec 0.95
    # a true rate of 50% is observed as 0.5 x 0.8 + 0.5 x 0.05 = 42.5%
    point, low, high = rogan_gladen(425, 1000, judge)
    assert point == pytest.approx(0.5, abs=1e-9) and low < 0.5 < high
    raw_low, raw_high = wilson_interval(425, 1000)
    assert high - low > raw_high - raw_low  # the validation sample's uncertainty is carried
    assert rogan_gladen(0, 100, judge)[0] == 0.0  # clipped: fewer positives than the false-alarm rate explains
    assert rogan_gladen(5, 10, JudgeErrorModel("m", 1, 1, 1, 1, "coin")) is None  # no better than chance


def test_detection_estimate_separates_and_reports_recall_at_the_false_positive_rate():
    from astray.stats import detection_estimate

    perfect = detection_estimate([5.0, 6.0, 7.0] * 10, [0.0, 1.0, 2.0] * 10, fpr=0.01)
    assert perfect.auroc == 1.0 and perfect.recall == 1.0 and perfect.auroc_low == 1.0
    rng = np.random.default_rng(0)
    noise = detection_estimate(list(rng.normal(size=200)), list(rng.normal(size=200)), fpr=0.05)
    assert noise.auroc_low < 0.5 < noise.auroc_high and noise.recall < 0.2
    overlapping = detection_estimate([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 2.5], fpr=0.25)
    assert overlapping.threshold == 2.5 and overlapping.recall == 0.5  # strictly above the 75th-percentile control


def test_spearman_estimate_has_an_interval_and_refuses_constant_measures():
    from astray.stats import spearman_estimate

    x = list(range(30))
    strong = spearman_estimate(x, [v + (3 if v % 2 else -3) for v in x])
    assert strong.rho is not None and strong.ci_low is not None and 0.8 < strong.ci_low <= strong.rho <= strong.ci_high
    assert spearman_estimate(x, [1.0] * 30).rho is None and spearman_estimate([1, 2], [2, 1]).rho is None


def test_newcombe_interval_matches_newcombes_published_examples():
    """Newcombe (1998), Statistics in Medicine 17:873, Table II, method 10 (B - A here)."""
    from astray.stats import newcombe_interval

    assert newcombe_interval(48, 80, 56, 70) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert newcombe_interval(0, 20, 0, 10) == pytest.approx((-0.1611, 0.2775), abs=1e-4)
