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


def test_each_exchange_makes_the_next_likelier() -> None:
    """With trust_step 1 the chance doubles with every exchange: 0.4, 0.8, then 1."""
    model = mechanism("negotiations", f"{TRACK}.trust_step=1", f"{TRACK}.ceasefire_step=0", seed=0,
                      days=200)
    rounds = decisions(model, "negotiation_round")
    chances = [r["detail"]["probability"] for r in rounds]
    exchanges_before = np.cumsum([0] + [r["detail"]["exchange"] for r in rounds])
    assert chances == [min(1.0, 0.4 * 2 ** k) for k in exchanges_before[:-1]]
    assert chances[-1] == 1.0


def test_a_history_of_cooperation_speeds_talks() -> None:
    no_ceasefire = f"{TRACK}.ceasefire_step=0"
    rounds = decisions(mechanism("negotiations", no_ceasefire, f"{TRACK}.cooperation=1", seed=0, days=100),
                       "negotiation_round")
    assert rounds[1]["day"] - rounds[0]["day"] == 10  # 21 days x (1 - 1/2), rounded
    assert rounds[0]["detail"]["probability"] == 0.8  # 0.4 x (1 + 1)


def breakdowns(*overrides: str) -> int:
    early = (f"{TRACK}.exchange_probability=1", f"{TRACK}.ceasefire_step=0.2", f"{TRACK}.breakdown=0.05",
             f"{TRACK}.hold_days=60")
    return sum(len(decisions(mechanism("negotiations", *early, *overrides, seed=s), "ceasefire_breakdown"))
               for s in range(6))


def test_ceasefires_break_down_unless_guaranteed() -> None:
    unguaranteed = breakdowns()
    assert unguaranteed >= 3
    assert breakdowns(f"{TRACK}.guarantee=1") == 0
    bilateral = breakdowns(f"{TRACK}.guarantee=1", f"{TRACK}.track=bilateral", f"{TRACK}.backing=null")
    assert bilateral >= 3  # only an alliance backing the talks gives a guarantee


def test_a_broken_ceasefire_brings_the_fighting_back() -> None:
    early = (f"{TRACK}.exchange_probability=1", f"{TRACK}.ceasefire_step=1", f"{TRACK}.breakdown=1",
             f"{TRACK}.hold_days=1000", f"{TRACK}.relapse_intensity=0.7")
    model = mechanism("negotiations", *early, seed=0, days=24)
    [cease] = decisions(model, "ceasefire")
    [broke] = decisions(model, "ceasefire_breakdown")
    assert broke["day"] == cease["day"] + 1 and broke["detail"]["intensity"] == 0.7
    w = model.world
    assert all(w.intensity[w.index[loc]] == 0.7 for loc in ("ori_north", "ori_east", "ori_capital"))


def test_fighting_during_a_ceasefire_makes_it_likelier_to_break() -> None:
    """A ceasefire from about day 22; attacks on the capital every ten days after it."""
    attacks = "events=[" + ", ".join(
        f"{{day: {d}, type: conflict, locations: [ori_capital], intensity: 0.3}}"
        for d in range(0, 200, 10)) + "]"
    violated = breakdowns(attacks, f"{TRACK}.hold_days=20", f"{TRACK}.breakdown=0.01",
                          f"{TRACK}.violation_step=0.5")
    respected = breakdowns(attacks, f"{TRACK}.hold_days=20", f"{TRACK}.breakdown=0.01")
    assert respected <= 5 and respected + 6 <= violated <= 60, (respected, violated)
    model = mechanism("negotiations", attacks, f"{TRACK}.exchange_probability=1",
                      f"{TRACK}.ceasefire_step=1", f"{TRACK}.breakdown=0.01", seed=0, days=60)
    assert decisions(model, "ceasefire_violation")[0]["detail"]["violation_days"] == 1
