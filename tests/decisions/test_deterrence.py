"""Collective defence lowers the frequency of conflict onsets and answers an attack."""

from __future__ import annotations

from tests.conftest import decisions, mechanism


def test_deterrence_lowers_onset_frequency() -> None:
    member = other = 0
    for seed in range(8):
        onsets = decisions(mechanism("deterrence", seed=seed), "conflict_onset")
        member += sum(o["actor"] == "FRN" for o in onsets)
        other += sum(o["actor"] == "NBR" for o in onsets)
    assert other >= 15 and member < 0.6 * other  # same risk, 60% deterrence for the member


def test_no_deterrence_no_difference() -> None:
    member = other = 0
    for seed in range(8):
        onsets = decisions(mechanism("deterrence", "world.alliances.0.collective_defence.deterrence=0",
                                     seed=seed), "conflict_onset")
        member += sum(o["actor"] == "FRN" for o in onsets)
        other += sum(o["actor"] == "NBR" for o in onsets)
    assert member > 0.6 * other


def test_attack_on_a_member_starts_the_response_at_once() -> None:
    for seed in range(8):
        model = mechanism("deterrence", seed=seed)
        attacks = [o for o in decisions(model, "conflict_onset") if o["actor"] == "FRN"]
        if attacks:
            decided = decisions(model, "intervention_decided")
            assert decided and decided[0]["day"] == attacks[0]["day"]
            assert decided[0]["detail"]["rule"] == "collective defence"
            return
    raise AssertionError("no attack on the member in 8 runs")


def onset_days(model, state: str) -> list[int]:
    return [o["day"] for o in decisions(model, "conflict_onset") if o["actor"] == state]


def test_a_mechanism_switched_on_elsewhere_leaves_the_control_states_onsets_alone() -> None:
    """Each mechanism draws from its own stream: burden sharing added to the alliance, or its
    deterrence removed, changes nothing in the draws of the untouched neighbour (NBR)."""
    sharing = "world.alliances.0.burden_sharing={daily_capacity: 2000, threshold: 0.001}"
    for seed in range(3):
        base = mechanism("deterrence", seed=seed)
        assert onset_days(base, "NBR"), "the control state needs onsets for the test to mean anything"
        shared = mechanism("deterrence", sharing, seed=seed)
        assert decisions(shared, "relocation"), "burden sharing must actually act"
        undeterred = mechanism("deterrence", "world.alliances.0.collective_defence.deterrence=0", seed=seed)
        assert onset_days(shared, "NBR") == onset_days(base, "NBR") == onset_days(undeterred, "NBR")
