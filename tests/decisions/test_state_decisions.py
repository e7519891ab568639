"""States close their borders under pressure (raising IDPs and strandings) and resettle pledges;
under pressure they cut recognition, relocation intake and pledge deliveries."""

from __future__ import annotations

import numpy as np

from sim.experiments.metrics import Outcome, parse_metric
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


# -- policies that change under pressure -------------------------------------------------------

SEEDS = range(5)
FRN_POLICY, NBR_POLICY = "world.states.1.policy", "world.states.2.policy"


def outcome(model) -> Outcome:
    return Outcome(model.recorder.tables(), model.spec.start_date, model.spec.days)


def hosted_at_end(model, state: str) -> int:
    states = model.recorder.states_table()
    return int(states[(states.state == state) & (states.day == states.day.max())].refugees_hosted.iloc[0])


def test_hosts_under_pressure_cut_recognition_and_refugees_move_on() -> None:
    kept, recognition = {}, {}
    for cut in ("0", "0.8"):
        runs = [mechanism("border-stance", f"{FRN_POLICY}.recognition_cut={cut}", seed=s) for s in SEEDS]
        kept[cut] = np.mean([hosted_at_end(m, "FRN") for m in runs])
        recognition[cut] = [min([d["detail"]["recognition"] for d in decisions(m, "policy_adjustment")],
                                default=1.0) for m in runs]
    assert recognition["0"] == [1.0] * len(SEEDS)  # no cut: never adjusted, never logged
    assert all(0.2 <= r < 0.85 for r in recognition["0.8"])  # cut, never below 1 - cut
    assert kept["0.8"] < 0.85 * kept["0"]


def test_own_nationals_keep_full_recognition() -> None:
    model = mechanism("border-stance", f"{FRN_POLICY}.recognition_cut=1", seed=0, days=80)
    frn = model.world.state_index["FRN"]
    assert model.world.recognition[frn, frn] == 1.0
    assert model.world.recognition[frn].min() < 0.9


def test_allies_relief_keeps_a_hosts_recognition_open() -> None:
    mean = {}
    for capacity in ("0", "1000"):
        runs = [mechanism("policy-response", f"world.alliances.0.burden_sharing.daily_capacity={capacity}",
                          seed=s) for s in SEEDS]
        mean[capacity] = np.mean([parse_metric("recognition_factor_mean[FRN]", m.spec).value(outcome(m))
                                  for m in runs])
    assert mean["1000"] > mean["0"] + 0.05


def test_members_under_pressure_accept_fewer_relocated_people() -> None:
    taken = {}
    for cut in ("0", "0.8"):
        runs = [mechanism("policy-response", f"world.states.3.policy.acceptance_cut={cut}",
                          f"world.states.4.policy.acceptance_cut={cut}", seed=s) for s in SEEDS]
        taken[cut] = np.mean([m.recorder.flows_table().query("kind == 'relocation' and to_state == 'MEM'")
                              ["count"].sum() for m in runs])
    assert 0.3 * taken["0"] < taken["0.8"] < 0.8 * taken["0"]


def test_pledges_go_unfulfilled_under_pressure_and_are_counted() -> None:
    withheld, resettled = {}, {}
    for cut in ("0", "0.8"):
        runs = [mechanism("policy-response", f"{NBR_POLICY}.pledge_cut={cut}", seed=s) for s in SEEDS]
        withheld[cut] = [parse_metric("unfulfilled_pledges[NBR]", m.spec).value(outcome(m)) for m in runs]
        resettled[cut] = np.mean([m.recorder.summary_table().set_index("state").resettled["FRN"]
                                  for m in runs])
        for m in runs:
            last = decisions(m, "resettlement")[-1]["detail"]
            assert last["delivered"] + m.states[2].decisions.withheld[0] <= 10_000
    assert withheld["0"] == [0.0] * len(SEEDS)
    assert all(2_000 < w < 8_000 for w in withheld["0.8"])
    assert resettled["0.8"] < resettled["0"] - 2_000


def test_pressure_weighs_more_the_longer_it_lasts() -> None:
    def last_strain(*overrides: str) -> list[float]:
        return [decisions(mechanism("border-stance", f"{FRN_POLICY}.recognition_cut=0.8", *overrides,
                                    seed=s, days=70), "policy_adjustment")[-1]["detail"]["strain"]
                for s in SEEDS]

    # the strain at the last review, weeks after the pressure began: higher when time counts
    assert np.mean(last_strain(f"{FRN_POLICY}.fatigue_days=30")) > np.mean(last_strain()) + 0.2


def test_a_state_says_where_its_policies_stand() -> None:
    model = mechanism("policy-response", seed=0, days=60)
    rows = dict(model.states[2].decisions.describe())
    assert rows["policies under pressure"].startswith("strain 0.")
    assert "under pressure since day" in rows["policies under pressure"]
    assert "withheld" in rows["resettlement from FRN"]
