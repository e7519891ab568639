"""Humanitarian evacuation: members airlift refugees out of an overwhelmed frontline host.

Claim (001_1ef7c932b405eb7f.txt, "Case Studies of Successful Interventions"; 000, "Refugee
Movement and Military Alliances"): in 1999 allies flew refugees out of North Macedonia to
relieve it and keep its border open (the Humanitarian Evacuation Programme).
"""

from __future__ import annotations

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.transfers import reception_location, statuses, transfer_many
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import EvacuationSpec


class Evacuation(Instrument[EvacuationSpec]):
    """Each day of the programme, each member flies out at most its offered places."""

    def __init__(self, bloc: Bloc, spec: EvacuationSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        w = ctx.world
        self.host = w.state_index[spec.from_]
        self.reception = [reception_location(w, w.state_index[m], spec.reception.get(m)) for m in spec.offers]
        self.started = False
        self.flown = 0

    def step(self, day: int) -> None:
        s, ctx = self.spec, self.ctx
        if day < s.start_day or (s.until is not None and day > s.until):
            return
        if not self.started:  # (counting everyone eligible: an airlift of residents starts too)
            if ctx.population.hosted(self.host, statuses(s.eligible)) <= s.trigger_refugees:
                return
            self.started = True
        moved = transfer_many(ctx, ctx.world.state_of == self.host,
                              list(zip(self.reception, s.offers.values(), strict=True)),
                              FlowKind.EVACUATION, Status.RESETTLED, statuses(s.eligible))
        flown = {member: n for member, n in zip(s.offers, moved, strict=True) if n}
        if flown:
            self.flown += sum(flown.values())
            ctx.world.relieved[self.host] += sum(flown.values())
            self.log("evacuation", s.from_, {"to": flown, "people": sum(flown.values())})

    def describe(self) -> tuple[str, str]:
        status = f"{self.flown:,} flown out so far" if self.started else "not started"
        return f"evacuation from {self.spec.from_}", status
