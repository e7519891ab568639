"""The decision layer and the event log in words."""

from __future__ import annotations

import re

from sim.app.dashboard.session import DashboardModel
from sim.app.dashboard.words import decision_rows, latest_events, target_text
from tests.app.dashboard import intervention_row
from tests.conftest import mechanism


def test_decisions_in_words_and_in_the_event_log() -> None:
    model = DashboardModel("mechanisms/intervention")
    while not intervention_row(model).startswith("operating") and model.day < 150:
        model.run_for(1)  # unanimity takes as long as the seed's votes and displacement make it
    days = {e["type"]: e["day"] for e in latest_events(model) if e["origin"] == "agent"}
    triggered, decided, started = (days["intervention_triggered"], days["intervention_decided"],
                                   days["intervention_started"])
    assert triggered < decided < started == decided + 5  # deployment_days: 5
    assert re.fullmatch(rf"operating since day {started} until day {started + 60} "
                        r"\(ori_capital, ori_north, ori_east; (not )?stabilising\)", intervention_row(model))
    assert [e["type"] for e in latest_events(model)[:3]] == [
        "intervention_started", "intervention_decided", "intervention_triggered"]

    sharing = DashboardModel("mechanisms/burden-sharing")
    sharing.run_for(40)
    relocations = [e for e in latest_events(sharing) if e["type"] == "relocation"]
    assert len(relocations) == 1 and relocations[0]["count"] > 10  # daily decisions: one entry
    assert relocations[0]["day"] - relocations[0]["first_day"] + 1 == relocations[0]["count"]
    (who, what, status), = decision_rows(sharing)
    assert (who, what) == ("ALL", "burden sharing") and "relocated so far (MEM " in status


def test_long_targets_are_shortened() -> None:
    assert target_text("XBM<-XAR") == "XBM←XAR"
    assert target_text("a,b,c") == "a, b, c"
    assert target_text("a,b,c,d,e") == "a, b, c and 2 more"
    assert target_text("") == ""


def test_a_hosts_after_arrival_policies_are_in_the_decisions_table() -> None:
    model = mechanism("asylum", "world.states.1.policy.integration_rate=0.01",
                      "world.states.1.policy.deportation_rate=0.01", seed=0, days=40)
    rows = {(who, what): status for who, what, status in decision_rows(model)}
    assert re.fullmatch(r"[\d,]+ integrated so far \(1\.00% a day\)", rows[("FRN", "integration")])
    assert rows[("FRN", "deportation")].endswith("rejected asylum seekers sent home so far")
    assert ("NBR", "integration") not in rows  # a state without such a policy shows none


def test_conflict_parties_and_an_emergent_operation_are_in_the_decisions_table() -> None:
    model = mechanism("conflict-dynamics", seed=0, days=60)
    rows = {(who, what): status for who, what, status in decision_rows(model)}
    assert re.fullmatch(r"strength [\d.]+ \(mean intensity [\d.]+ where it is fought\)",
                        rows[("NORTHERN_FRONT", "armed group in oria-war")])
    assert ("ORI", "government in oria-war") in rows
    operation = rows[("ALL", "intervention in ORI (unanimity)")]
    assert re.search(r"force 3 against strength [\d.]+ of NORTHERN_FRONT; legitimacy 0\.\d\d; "
                     r"[\d,]+ in revolt; (not )?prevailing\)$", operation)
