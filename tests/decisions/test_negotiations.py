"""Prisoner exchanges de-escalate the conflict and bring the ceasefire sooner."""

from __future__ import annotations

import numpy as np

from tests.conftest import decisions, mechanism

TRACK = "world.negotiations.0"


def ceasefire_day(probability: str, seed: int) -> int:
    model = mechanism("negotiations", f"{TRACK}.exchange_probability={probability}",
                      f"{TRACK}.base_ceasefire=0.005", seed=seed)
    rows = decisions(model, "ceasefire")
    return rows[0]["day"] if rows else 200


def test_exchanges_shorten_the_time_to_ceasefire() -> None:
    with_exchanges = np.mean([ceasefire_day("0.6", s) for s in range(10)])
    without = np.mean([ceasefire_day("0.0", s) for s in range(10)])
    assert with_exchanges < 0.75 * without


def test_an_exchange_lowers_intensity() -> None:
    model = mechanism("negotiations", f"{TRACK}.exchange_probability=1.0", f"{TRACK}.ceasefire_step=0",
                      seed=0, days=40)
    [first] = decisions(model, "prisoner_exchange")
    mean_before = np.mean([0.8, 0.8, 0.5])  # intensities set by the scenario's events
    assert first["detail"]["mean_intensity"] == round(mean_before * 0.8, 4)


def test_multilateral_backing_adds_leverage_but_slows_rounds() -> None:
    no_ceasefire = f"{TRACK}.ceasefire_step=0"  # talks go on, so the cadence shows whatever the draws
    multi = decisions(mechanism("negotiations", no_ceasefire, seed=0, days=100), "negotiation_round")
    bilateral = (f"{TRACK}.track=bilateral", f"{TRACK}.backing=null")
    bi = decisions(mechanism("negotiations", no_ceasefire, *bilateral, seed=0, days=100), "negotiation_round")
    assert multi[1]["day"] - multi[0]["day"] == 21 and bi[1]["day"] - bi[0]["day"] == 14
    assert multi[0]["detail"]["probability"] == 2 * bi[0]["detail"]["probability"]
