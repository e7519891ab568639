"""Intervals for a difference between two arms run on common seeds.

Paired: the replicates' differences ``variant - baseline`` (same seed in both arms), with a
Student t interval on their mean. Unpaired: Welch's t interval on the difference of the two
means, as if the arms had been run on independent seeds. The ratio of the two half-widths is
what pairing buys; with common random numbers the paired interval is usually much narrower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Difference:
    """Baseline and variant means, the mean difference and its paired and unpaired 95% intervals."""

    n: int
    baseline_mean: float
    variant_mean: float
    difference: float
    ci_low: float
    ci_high: float
    unpaired_low: float
    unpaired_high: float

    @property
    def pairing_gain(self) -> float:
        """Unpaired interval width over paired width (how many times narrower pairing makes it)."""
        paired = self.ci_high - self.ci_low
        return (self.unpaired_high - self.unpaired_low) / paired if paired > 0 else math.inf


def paired_difference(baseline: np.ndarray, variant: np.ndarray, level: float = 0.95) -> Difference:
    """Intervals for ``mean(variant - baseline)`` from replicate pairs (NaN pairs dropped)."""
    b, v = np.asarray(baseline, dtype=float), np.asarray(variant, dtype=float)
    keep = ~(np.isnan(b) | np.isnan(v))
    b, v = b[keep], v[keep]
    n = len(b)
    nan = float("nan")
    if n == 0:
        return Difference(0, nan, nan, nan, nan, nan, nan, nan)
    d = v - b
    mean = float(d.mean())
    if n == 1:
        return Difference(1, float(b.mean()), float(v.mean()), mean, nan, nan, nan, nan)
    q = 0.5 + level / 2
    half = stats.t.ppf(q, n - 1) * d.std(ddof=1) / math.sqrt(n)
    vb, vv = b.var(ddof=1) / n, v.var(ddof=1) / n
    se = math.sqrt(vb + vv)
    if se > 0:
        df = (vb + vv) ** 2 / (vb**2 / (n - 1) + vv**2 / (n - 1))
        unpaired_half = stats.t.ppf(q, df) * se
    else:
        unpaired_half = 0.0
    return Difference(n, float(b.mean()), float(v.mean()), mean, mean - half, mean + half,
                      mean - unpaired_half, mean + unpaired_half)
