"""Border gates: a state's policy towards a neighbour, and a location's own policy on top."""

from __future__ import annotations

from sim.model import DisplacementModel
from tests.conftest import build, line_world


def test_state_policy_and_location_precedence() -> None:
    model = DisplacementModel(build(line_world()))
    b, idx = model.borders, model.world.index
    crossing, camp = idx["crossing"], idx["camp"]
    assert b.crossing_policy(crossing, camp) == "open"
    b.set_policy(("state", "XBM", "XAR"), "managed", 10)
    assert b.crossing_policy(crossing, camp) == "managed"
    assert b.crossing_policy(camp, crossing) == "open"  # entry into XAR is XAR's business
    previous = b.set_policy(b.location_gate(camp), "closed", None, controller="scenario")
    assert b.crossing_policy(crossing, camp) == "closed"
    assert b.path_closed().any() and b.entry_policy("XBM") == "closed"
    b.restore(previous)
    assert b.crossing_policy(crossing, camp) == "managed"  # an open location gate defers to the state
    assert b.crossing_policy(idx["home"], crossing) == "open"  # same state: no gate


def test_initial_policies_from_the_scenario() -> None:
    data = line_world()
    data["world"]["states"] = [{"id": "XAR"}, {"id": "XBM", "border": {"policy": "closed"},
                                               "borders": {"XAR": {"policy": "managed", "capacity": 5}}}]
    model = DisplacementModel(build(data))
    idx = model.world.index
    assert model.borders.crossing_policy(idx["crossing"], idx["camp"]) == "managed"
