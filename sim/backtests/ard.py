"""Flee's accuracy metric: the average relative difference (ARD) between simulated and observed
camp counts, plain and rescaled, plus the error on the total that the rescaled ARD leaves out.

For days t = 0..T-1 and camps c, with simulated s_c(t) and observed d_c(t) (the observed series
read as Flee reads it, sim/core/observed.py) and N_d(t) = sum_c d_c(t), N_s(t) = sum_c s_c(t)::

    ARD          = mean_t  sum_c round(|s_c(t) - d_c(t)|, 4)  / max(N_d(t), 1)
    s'_c(t)      = s_c(t) * N_d(t) / N_s(t)        (0 when N_s(t) = 0)
    ARD_rescaled = mean_t  sum_c round(|s'_c(t) - d_c(t)|, 4) / max(N_d(t), 1)
    total_error  = mean_t  |N_s(t) - N_d(t)| / max(N_d(t), 1)

ARD and ARD_rescaled are exactly Flee's post-processing (plot_flee_output.py,
extract-validation-results.py; notes section 4.3). The rescaled ARD only scores how people are
split across camps; ``total_error`` scores the total, which data-driven runs take from the data
and conflict-driven runs must predict.
"""

from __future__ import annotations

import numpy as np


def _arrays(simulated: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(simulated, dtype=float)
    d = np.asarray(observed, dtype=float)
    if s.shape != d.shape or s.ndim != 2:
        raise ValueError(f"expected two [days, camps] arrays of one shape, got {s.shape} and {d.shape}")
    return s, d


def ard(simulated: np.ndarray, observed: np.ndarray) -> float:
    """Flee's "Error (normal)": mean daily sum of absolute camp differences over the observed total."""
    s, d = _arrays(simulated, observed)
    den = np.maximum(d.sum(axis=1), 1.0)
    return float(np.mean(np.round(np.abs(s - d), 4).sum(axis=1) / den))


def ard_rescaled(simulated: np.ndarray, observed: np.ndarray) -> float:
    """Flee's "Error (rescaled)": as ``ard`` after scaling each day's simulated camps to the observed
    total."""
    s, d = _arrays(simulated, observed)
    nd, ns = d.sum(axis=1), s.sum(axis=1)
    scale = np.divide(nd, ns, out=np.zeros_like(nd), where=ns > 0)
    den = np.maximum(nd, 1.0)
    return float(np.mean(np.round(np.abs(s * scale[:, None] - d), 4).sum(axis=1) / den))


def total_error(simulated: np.ndarray, observed: np.ndarray) -> float:
    """Mean daily relative error of the simulated camp total against the observed one."""
    s, d = _arrays(simulated, observed)
    nd = d.sum(axis=1)
    return float(np.mean(np.abs(s.sum(axis=1) - nd) / np.maximum(nd, 1.0)))


def scores(simulated: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    """All three metrics."""
    return {"ard": ard(simulated, observed), "ard_rescaled": ard_rescaled(simulated, observed),
            "total_error": total_error(simulated, observed)}
