"""The median and 90% band of a series over an ensemble's replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.ensembles import series_bands


def synthetic_states() -> pd.DataFrame:
    """Two variants (``wide`` listed first) x 5 replicates x 3 days x 2 states; XBM holds
    replicate r's IDPs on day d as 10 * r + d (x 3 in ``wide``), XCV one person more."""
    rows = []
    for variant, scale in (("wide", 3), ("narrow", 1)):
        for replicate in range(5):
            for day in range(3):
                for state, extra in (("XBM", 0), ("XCV", 1)):
                    rows.append({"variant": variant, "replicate": replicate, "seed": 11 + replicate,
                                 "date": pd.Timestamp("2024-03-01") + pd.Timedelta(days=day),
                                 "state": state, "idps": scale * (10 * replicate + day) + extra})
    return pd.DataFrame(rows).astype({"variant": "string", "state": "string"})


def test_bands_are_quantiles_over_replicates_of_the_sum_over_states() -> None:
    bands = series_bands(synthetic_states(), "idps")
    assert list(bands.columns) == ["variant", "date", "replicates", "median", "q05", "q95"]
    assert list(bands["variant"]) == ["wide"] * 3 + ["narrow"] * 3  # the order they appear in
    day2 = bands[(bands["variant"] == "narrow") & (bands["date"] == "2024-03-03")].iloc[0]
    totals = [2 * (10 * r + 2) + 1 for r in range(5)]  # XBM + XCV, replicates 0-4
    assert day2["replicates"] == 5
    assert day2["median"] == np.median(totals) == 45
    assert day2["q05"] == pytest.approx(np.quantile(totals, 0.05)) == pytest.approx(9.0)
    assert day2["q95"] == pytest.approx(np.quantile(totals, 0.95)) == pytest.approx(81.0)


def test_bands_of_one_state() -> None:
    bands = series_bands(synthetic_states(), "idps", state="XCV")
    first = bands[(bands["variant"] == "wide") & (bands["date"] == "2024-03-01")].iloc[0]
    assert first["median"] == 3 * 20 + 1 and first["q05"] == pytest.approx(3 * 2 + 1)


@pytest.mark.parametrize(("column", "state", "message"), [
    ("refugees", None, "no column 'refugees'.*expected one of .*idps"),
    ("idps", "XXX", "no state 'XXX'.*expected one of XBM, XCV"),
])
def test_unknown_column_or_state_is_named(column: str, state: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        series_bands(synthetic_states(), column, state)
