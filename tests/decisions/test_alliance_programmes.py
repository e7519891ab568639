"""Alliance programmes: aid, evacuation, joint border security and economic migration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import decisions, mechanism


def test_aid_lowers_onward_movement() -> None:
    def onward(*overrides: str) -> float:
        return np.mean([mechanism("aid", *overrides, seed=s).recorder.flows_table()
                        .query("kind == 'onward'")["count"].sum() for s in range(3)])

    assert onward() < 0.75 * onward("world.alliances.0.aid.budget=0")


def test_evacuation_moves_people_at_most_at_its_daily_capacity() -> None:
    model = mechanism("evacuation", seed=0)
    flows = model.recorder.flows_table().query("kind == 'evacuation'")
    per_day = flows.groupby("day")["count"].sum()
    assert per_day.max() == 500 and (per_day <= 500).all()
    assert flows.groupby("to_state")["count"].sum().to_dict() == {"MEB": 200 * len(per_day),
                                                                  "MEM": 300 * len(per_day)}
    assert per_day.index.max() <= 150
    states = model.recorder.states_table()
    assert states.query("state == 'MEM'").refugees_hosted.max() < 2_000  # resettled, not refugees


def test_joint_border_security_keeps_people_out_and_displaced_at_home() -> None:
    def outcome(*overrides: str) -> tuple[float, float]:
        runs = [mechanism("border-security", *overrides, seed=s) for s in range(2)]
        hosted = np.mean([m.recorder.states_table().query("state in ['FRN', 'NBR']").groupby("day")
                          .refugees_hosted.sum().iloc[-1] for m in runs])
        idps = np.mean([m.recorder.states_table().query("state == 'ORI'").idps.iloc[-1] for m in runs])
        return hosted, idps

    hosted_on, idps_on = outcome()
    hosted_off, idps_off = outcome("world.alliances.0.border_security.trigger_refugees=100000000")
    assert hosted_on < 0.5 * hosted_off and idps_on > 1.1 * idps_off
    [row] = decisions(mechanism("border-security", seed=0), "border_policy")
    assert row["actor"] == "ALL" and row["detail"]["policy"] == "closed"


def test_free_movement_flows_towards_richer_members() -> None:
    flows = mechanism("free-movement", seed=0, days=60).recorder.flows_table().query("kind == 'economic'")
    by_pair = flows.groupby(["from_state", "to_state"])["count"].sum()
    assert by_pair.get(("FRN", "MEM"), 0) > by_pair.get(("FRN", "MEB"), 0) > 0
    assert ("MEM", "FRN") not in by_pair.index  # nobody moves to a poorer member


def test_an_airlift_of_residents_from_a_state_in_conflict_starts() -> None:
    """Flights out of Oria itself: nobody there is a refugee, the residents are flown out."""
    model = mechanism("evacuation", "world.alliances.0.evacuation.from=ORI",
                      "world.alliances.0.evacuation.eligible=[resident, idp]", seed=0, days=10)
    flows = model.recorder.flows_table().query("kind == 'evacuation'")
    assert set(flows.from_state) == {"ORI"} and flows.day.min() == 0 and flows["count"].sum() > 0


def test_security_draws_economic_migrants_from_a_member_under_fire() -> None:
    """Shelling in Frontland from day 30: with security_weight 6 more of its residents move to the
    other members than with income alone; nobody more is pulled before the shelling."""
    shelling = "events.2={day: 30, type: conflict, locations: [frn_town], intensity: 0.5}"

    def moves(weight: str) -> pd.Series:
        flows = mechanism("free-movement", shelling,
                          f"world.alliances.0.free_movement.security_weight={weight}",
                          seed=0, days=60).recorder.flows_table()
        economic = flows[(flows.kind == "economic") & (flows.from_state == "FRN")]
        return economic.groupby(economic.day >= 30)["count"].sum()

    income, secure = moves("0"), moves("6")
    assert secure[True] > 1.5 * income[True]
    assert abs(secure[False] - income[False]) < 0.2 * income[False]
