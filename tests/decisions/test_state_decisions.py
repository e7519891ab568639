"""States close their borders under pressure (raising IDPs and strandings) and resettle pledges."""

from __future__ import annotations

import numpy as np

from tests.conftest import decisions, mechanism

TOLERANCE = "world.states.1.policy.tolerance"


def test_border_closure_under_pressure_raises_idps_and_strands_people() -> None:
    idps, blocked = {}, {}
    for tolerance in ("0.01", "null"):
        runs = [mechanism("border-stance", f"{TOLERANCE}={tolerance}", seed=s) for s in range(3)]
        idps[tolerance] = np.mean([m.recorder.states_table().query("state == 'ORI'").idps.iloc[-1]
                                   for m in runs])
        blocked[tolerance] = np.mean([m.recorder.flows_table().query("kind == 'blocked'")["count"].sum()
                                      for m in runs])
    assert idps["0.01"] > 1.08 * idps["null"]
    assert blocked["null"] == 0 and blocked["0.01"] > 10_000


def test_border_stance_follows_pressure_in_steps() -> None:
    model = mechanism("border-stance", seed=0)
    steps = decisions(model, "border_policy")
    assert [s["detail"]["policy"] for s in steps][:2] == ["managed", "closed"]
    assert steps[0]["detail"]["pressure"] >= 0.01 and steps[1]["detail"]["pressure"] >= 0.02
    assert all(s["actor"] == "FRN" for s in steps)


def test_scripted_border_is_left_alone_by_the_state() -> None:
    model = mechanism("border-stance", "events.2={day: 1, type: border, state: FRN, policy: open}", seed=0)
    assert decisions(model, "border_policy") == []


def test_resettlement_pledge_is_delivered_over_time() -> None:
    model = mechanism("resettlement", seed=0)
    rows = decisions(model, "resettlement")
    assert rows[0]["day"] == 30 and max(r["detail"]["people"] for r in rows) <= 150
    assert rows[-1]["detail"]["delivered"] == 15_000
    assert model.recorder.summary_table().set_index("state").resettled["FRN"] == 15_000


def test_low_recognition_pushes_refugees_on() -> None:
    def onward_from_frn(*overrides: str) -> float:
        flows = [mechanism("asylum", *overrides, seed=s).recorder.flows_table() for s in range(2)]
        return np.mean([f.query("kind == 'crossing' and from_state == 'FRN'")["count"].sum() for f in flows])

    assert onward_from_frn() > 2 * onward_from_frn("world.alliances.0.asylum_recognition.ORI=1.0")
