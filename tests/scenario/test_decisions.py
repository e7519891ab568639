"""The decision layer's scenario fields: invalid combinations are clear errors."""

from __future__ import annotations

import pytest

from sim.scenario.decisions import AllianceSpec
from sim.scenario.errors import ScenarioError
from tests.conftest import mechanism, refusal


@pytest.mark.parametrize(("override", "message"), [
    ("world.alliances.0.members.1=MXM", "alliance member 'MXM' is not a state (did you mean 'MEM'?)"),
    ("world.alliances.0.decision_rule=consensus", "expected 'unanimity', 'majority' or 'qualified:<share>'"),
    ("world.alliances.0.willingness={MED: 0.5}", "'MED' is not a member of ALL"),
    ("world.alliances.0.burden_sharing.threshhold=0.1", "did you mean 'threshold'?"),
])
def test_invalid_alliance(override: str, message: str) -> None:
    error = refusal("burden-sharing", override)
    assert message in error
    assert "burden-sharing.yaml" in error or "--set" in error


def test_distribution_key_must_be_positive() -> None:
    key_error = r"world.alliances\[0\].burden_sharing: the distribution key needs"
    with pytest.raises(ScenarioError, match=key_error):
        mechanism("burden-sharing", "world.alliances.0.burden_sharing.population_weight=0",
                  "world.alliances.0.burden_sharing.economy_weight=0", days=1)


@pytest.mark.parametrize(("rule", "share"), [("unanimity", 1.0), ("qualified:0.66", 0.66)])
def test_required_share(rule: str, share: float) -> None:
    assert AllianceSpec(id="A", members=["X"], decision_rule=rule).required_share() == share
    assert 0.5 < AllianceSpec(id="A", members=["X"], decision_rule="majority").required_share() < 0.51


@pytest.mark.parametrize(("override", "message"), [
    ("world.states.1.policy.recognition_cut=0.5", "recognition_cut: a response to pressure needs a "
     "'tolerance'"),
    ("world.states.1.policy.fatigue_days=30", "fatigue_days: a response to pressure needs"),
    ("world.states.1.policy.pledge_cut=1.5", "less than or equal to 1"),
    ("world.states.1.policy.ties={ORX: 0.5}", "unknown state 'ORX' (did you mean 'ORI'?)"),
    ("world.states.1.policy.ties={ORI: 2}", "less than or equal to 1"),
    ("world.alliances.0.intervention.cost_aversion=-1", "greater than or equal to 0"),
])
def test_invalid_policy_response(override: str, message: str) -> None:
    error = refusal("intervention", override)
    assert message in error
    assert "world.states[1].policy" in error or "world.alliances[0]" in error
