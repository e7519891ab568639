"""Mandates and sovereignty: a veto in the wider body blocks the intervention, the target's
consent is needed until it fails to protect its people, and R2P can override the veto."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario.errors import ScenarioError
from tests.conftest import decisions, mechanism

MANDATE = "world.alliances.0.intervention.mandate"
SEEDS = range(6)


def test_r2p_overriding_a_veto_brings_the_intervention_and_lowers_displacement() -> None:
    blocked = [mechanism("mandate", seed=s) for s in SEEDS]
    overridden = [mechanism("mandate", f"{MANDATE}.r2p_overrides_veto=true", seed=s) for s in SEEDS]
    assert not any(decisions(m, "intervention_decided") for m in blocked)
    decided = [decisions(m, "intervention_decided") for m in overridden]
    assert all(len(d) == 1 and d[0]["detail"]["authority"] == "r2p" for d in decided)
    displaced = [np.mean([m.population.displaced_from(0) for m in ms]) for ms in (blocked, overridden)]
    assert displaced[1] < 0.6 * displaced[0]  # the override lets most people go home


def test_a_veto_holder_blocks_a_resolution_that_has_the_votes() -> None:
    model = mechanism("mandate", seed=0, days=60)
    [vetoed] = decisions(model, "mandate_vetoed")
    assert vetoed["detail"]["vetoed_by"] == ["THR"]  # THR is RIV's member in the body
    assert vetoed["detail"]["in_favour"] >= 0.6 * 7
    assert not decisions(model, "mandate_granted")
    assert "blocked by the veto of THR" in model.alliances[0].intervention.describe()[1]


def test_without_a_veto_the_body_grants_the_mandate() -> None:
    model = mechanism("mandate", f"{MANDATE}.vetoes=[]", seed=0)
    [granted] = decisions(model, "mandate_granted")
    [decided] = decisions(model, "intervention_decided")
    assert decided["day"] >= granted["day"]
    assert decided["detail"]["authority"] == "mandate"


def test_consent_is_set_aside_only_once_the_target_fails_to_protect() -> None:
    never = (f"{MANDATE}.vetoes=[]", f"{MANDATE}.consent=0")
    without_r2p = mechanism("mandate", *never, f"{MANDATE}.r2p_displaced_share=null", seed=0)
    assert not decisions(without_r2p, "intervention_decided")
    assert "awaiting ORI's consent" in without_r2p.alliances[0].intervention.describe()[1]
    model = mechanism("mandate", *never, seed=0)
    [r2p] = decisions(model, "r2p_invoked")
    assert r2p["detail"]["displaced_share"] >= 0.1 and r2p["detail"]["sets_aside"] == ["consent"]
    [decided] = decisions(model, "intervention_decided")
    assert decided["day"] >= r2p["day"] and decided["detail"]["consent"] == "r2p"


def test_a_consenting_target_needs_no_body() -> None:
    model = mechanism("mandate", f"{MANDATE}.body=null", f"{MANDATE}.vetoes=[]", f"{MANDATE}.consent=1",
                      seed=0)
    [consent] = decisions(model, "consent_given")
    assert (consent["actor"], consent["target"]) == ("ORI", "ALL")
    [decided] = decisions(model, "intervention_decided")
    assert (decided["detail"]["authority"], decided["detail"]["consent"]) == ("alliance", "given")


def test_no_mandate_logs_nothing_new() -> None:
    model = mechanism("mandate", f"{MANDATE}=null", seed=0)
    [decided] = decisions(model, "intervention_decided")
    assert "authority" not in decided["detail"]
    kinds = {e["type"] for e in model.event_log}
    assert not kinds & {"mandate_granted", "mandate_vetoed", "consent_given", "r2p_invoked"}


@pytest.mark.parametrize(("overrides", "message"), [
    ([f"{MANDATE}.vetoes=[ORI]"], "'ORI' is not in the body: only its members can veto"),
    ([f"{MANDATE}.vetoes=[XYZ]"], "'XYZ' is neither a state nor an alliance"),
    ([f"{MANDATE}.body=[FRN, ORX]", f"{MANDATE}.vetoes=[]"], "unknown state 'ORX' (did you mean 'ORI'?)"),
    ([f"{MANDATE}.body=null"], "'vetoes' are cast in the wider body: give 'body' too"),
    ([f"{MANDATE}.r2p_displaced_share=null", f"{MANDATE}.r2p_overrides_veto=true"],
     "'r2p_overrides_veto' needs a failure-to-protect threshold"),
    ([f"{MANDATE}.required_share=0"], "greater than 0"),
])
def test_invalid_mandates_are_located(overrides: list[str], message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        mechanism("mandate", *overrides, days=1)
    assert message in str(info.value)
    assert "world.alliances[0].intervention.mandate" in str(info.value)
