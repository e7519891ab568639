"""After arrival: hosts integrate refugees, relocated people may leave their assigned state, and
rejected asylum seekers may be sent home; all off by default."""

from __future__ import annotations

from tests.conftest import decisions, mechanism

FRN = "world.states.1.policy"


def last_day(model, state: str) -> dict:
    states = model.recorder.states_table()
    return states[(states.day == model.day) & (states.state == state)].iloc[0].to_dict()


def test_integration_settles_refugees_and_lowers_the_hosted_load() -> None:
    off = last_day(mechanism("asylum", seed=0, days=120), "FRN")
    on = last_day(mechanism("asylum", f"{FRN}.integration_rate=0.02", seed=0, days=120), "FRN")
    assert off["integrated"] == 0 and on["integrated"] > 10_000
    assert on["refugees_hosted"] < off["refugees_hosted"] - 10_000


def test_an_alliance_programme_raises_integration_in_its_members_only() -> None:
    model = mechanism("asylum", "world.alliances.0.integration={boost: 0.02, start_day: 30}", seed=0,
                      days=120)
    [row] = decisions(model, "integration_programme")
    assert row["day"] == 30 and row["actor"] == "ALL"
    assert last_day(model, "FRN")["integrated"] > 10_000
    assert last_day(model, "NBR")["integrated"] == 0  # not a member
    stocks = model.recorder.tables()["stocks"]
    assert stocks[(stocks.status == "integrated") & (stocks.day < 30)].empty


def test_rejected_asylum_seekers_are_deported_by_recognition() -> None:
    """Frontland recognises 30% of claims: about 70% of its refugees' rate is deportation."""
    model = mechanism("asylum", f"{FRN}.deportation_rate=0.01", seed=0, days=120)
    flows = model.recorder.flows_table()
    deported = flows[flows.kind == "deportation"]
    assert set(deported.from_state) == {"FRN"} and set(deported.to_state) == {"ORI"}
    assert deported["count"].sum() > 1_000
    all_recognised = mechanism("asylum", f"{FRN}.deportation_rate=0.01", f"{FRN}.recognition_rate=1.0",
                               seed=0, days=120).recorder.flows_table()
    assert all_recognised[all_recognised.kind == "deportation"].empty


def test_relocated_people_may_leave_their_assigned_state() -> None:
    def still_there(rate: str) -> float:
        """Share of the people relocated to Memberland still there, relocated, at the end."""
        model = mechanism("burden-sharing", f"world.states.3.policy.secondary_movement={rate}", seed=0,
                          days=120)
        stocks = model.recorder.tables()["stocks"]
        there = stocks[(stocks.day == model.day) & (stocks.host_state == "MEM")
                       & (stocks.status == "relocated")]["count"].sum()
        return there / last_day(model, "MEM")["relocated_in_cum"]
    assert still_there("0") == 1.0 and still_there("0.05") < 0.5
