"""Humanitarian evacuation: members airlift refugees out of an overwhelmed frontline host.

Claim (001_1ef7c932b405eb7f.txt, "Case Studies of Successful Interventions"; 000, "Refugee
Movement and Military Alliances"): in 1999 allies flew refugees out of North Macedonia to
relieve it and keep its border open (the Humanitarian Evacuation Programme).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.cohorts import Status
from sim.decision_spec import EvacuationSpec
from sim.instrument import Instrument
from sim.movement import FlowKind
from sim.transfers import hosted, reception_location, transfer

if TYPE_CHECKING:
    from sim.agents import Alliance


class Evacuation(Instrument[EvacuationSpec]):
    """Each day of the programme, each member flies out at most its offered places."""

    def __init__(self, alliance: Alliance, spec: EvacuationSpec):
        super().__init__(alliance, spec)
        self.host = self.model.world.state_index[spec.from_]
        self.started = False

    def step(self, day: int) -> None:
        s, m = self.spec, self.model
        if day < s.start_day or (s.until is not None and day > s.until):
            return
        if not self.started:
            if hosted(m, self.host) <= s.trigger_refugees:
                return
            self.started = True
        flown = {}
        for member, places in s.offers.items():
            to = reception_location(m, m.world.state_index[member], s.reception.get(member))
            n = transfer(m, self.host, to, places, FlowKind.EVACUATION, Status.RESETTLED)
            if n:
                flown[member] = n
        if flown:
            self.alliance.log("evacuation", s.from_, {"to": flown, "people": sum(flown.values())})
