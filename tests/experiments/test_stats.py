"""Paired and unpaired intervals for a difference between two arms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.experiments.stats import paired_difference


def test_paired_interval_is_the_t_interval_of_the_differences() -> None:
    rng = np.random.default_rng(1)
    common = rng.normal(100, 20, 30)  # what both arms share on a seed
    base, variant = common + rng.normal(0, 1, 30), common + 5 + rng.normal(0, 1, 30)
    d = paired_difference(base, variant)
    diff = variant - base
    half = stats.t.ppf(0.975, 29) * diff.std(ddof=1) / np.sqrt(30)
    assert d.difference == pytest.approx(diff.mean())
    assert (d.ci_low, d.ci_high) == pytest.approx((diff.mean() - half, diff.mean() + half))
    welch = stats.ttest_ind(variant, base, equal_var=False).confidence_interval(0.95)
    assert (d.unpaired_low, d.unpaired_high) == pytest.approx((welch.low, welch.high))
    assert d.pairing_gain > 5  # the shared part cancels in the differences


def test_missing_pairs_are_dropped() -> None:
    d = paired_difference(np.array([1.0, np.nan, 3.0]), np.array([2.0, 5.0, np.nan]))
    assert d.n == 1 and d.difference == 1.0 and np.isnan(d.ci_low)
