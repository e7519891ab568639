"""ARD and rescaled ARD exactly as Flee's post-processing defines them, on series small enough to
compute by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sim.backtests.ard import ard, ard_rescaled, scores, total_error

# Two camps, three days.
SIM = np.array([[0, 0], [10, 0], [30, 10]])
OBS = np.array([[0, 0], [20, 0], [20, 20]])


def test_ard_by_hand() -> None:
    # day 0: nothing anywhere, denominator max(0, 1) = 1 -> 0
    # day 1: |10-20| + |0-0| = 10 over N_d = 20 -> 0.5
    # day 2: |30-20| + |10-20| = 20 over N_d = 40 -> 0.5
    assert ard(SIM, OBS) == pytest.approx((0 + 0.5 + 0.5) / 3)


def test_rescaled_ard_by_hand() -> None:
    # day 0: N_s = 0 -> s' = 0 -> 0
    # day 1: s' = [10, 0] * 20/10 = [20, 0] -> 0
    # day 2: N_s = N_d = 40 -> s' = s -> 20 / 40 = 0.5
    assert ard_rescaled(SIM, OBS) == pytest.approx((0 + 0 + 0.5) / 3)


def test_total_error_by_hand() -> None:
    # |N_s - N_d| / max(N_d, 1): 0/1, 10/20, 0/40
    assert total_error(SIM, OBS) == pytest.approx((0 + 0.5 + 0) / 3)


def test_differences_are_rounded_to_four_decimals_like_flee() -> None:
    # N_d = 2, N_s = 3: s' = [2/3, 4/3]; |2/3 - 1| = 0.33333.. rounds to 0.3333, twice
    sim, obs = np.array([[1, 2]]), np.array([[1, 1]])
    assert ard_rescaled(sim, obs) == 0.6666 / 2
    assert ard(sim, obs) == pytest.approx(1 / 2)


def test_perfect_and_scaled_runs() -> None:
    assert scores(OBS, OBS) == {"ard": 0.0, "ard_rescaled": 0.0, "total_error": 0.0}
    # twice the people, same split: the plain ARD sees it, the rescaled one does not
    assert ard_rescaled(2 * OBS, OBS) == 0.0
    assert ard(2 * OBS, OBS) == pytest.approx((0 + 1 + 1) / 3)


def test_agrees_with_the_reference_calculator() -> None:
    """The notes' per-camp loop (section 4.4), on random data."""
    rng = np.random.default_rng(3)
    sim = rng.integers(0, 500, size=(40, 5))
    obs = rng.integers(0, 500, size=(40, 5))
    nd, ns = obs.sum(axis=1).astype(float), sim.sum(axis=1).astype(float)
    den = np.maximum(nd, 1.0)
    e = np.zeros(40)
    er = np.zeros(40)
    for c in range(5):
        s, d = sim[:, c].astype(float), obs[:, c].astype(float)
        e += np.round(np.abs(s - d), 4)
        sr = np.zeros(40)
        m = ns > 0
        sr[m] = s[m] * nd[m] / ns[m]
        er += np.round(np.abs(sr - d), 4)
    assert ard(sim, obs) == pytest.approx(float(np.mean(e / den)), abs=1e-15)
    assert ard_rescaled(sim, obs) == pytest.approx(float(np.mean(er / den)), abs=1e-15)


def test_shapes_must_match() -> None:
    with pytest.raises(ValueError, match="shape"):
        ard(np.zeros((3, 2)), np.zeros((3, 3)))
