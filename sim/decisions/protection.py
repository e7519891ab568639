"""Protected areas and checkpoints: an alliance's military presence in a state.

Claim (000_feb0467f0db10932.txt, "The Influence of Military Alliances on Internal Migration"):
an alliance's security cooperation brings military presence to some areas, which "can
facilitate or hinder movement"; "areas perceived as secure due to allied protection may
attract internally displaced individuals".
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.decisions.deliberation import Deliberation
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import ProtectionSpec


class Protection(Instrument[ProtectionSpec]):
    """Once the target's displacement reaches the trigger, members deliberate by the alliance's
    rule; on a decision the presence deploys: protected areas and checkpoints, for
    ``duration_days``. Phases: idle -> deliberating -> deployed -> withdrawn."""

    def __init__(self, bloc: Bloc, spec: ProtectionSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        w = ctx.world
        self.target = w.state_index[spec.target]
        self.areas = np.array(w.select(spec.locations, spec.target), dtype=np.int64)
        self.roads = np.array([w.edge_of[frozenset((w.index[c.from_], w.index[c.to]))]
                               for c in spec.checkpoints], dtype=np.int64)
        self.pass_share = np.array([c.pass_share for c in spec.checkpoints])
        self.phase = "idle"
        self.deliberation: Deliberation | None = None
        self.end_day: int | None = None  # the day it withdraws (None: it stays)

    def step(self, day: int) -> None:
        s = self.spec
        if self.phase == "idle" and day >= s.start_day and self.displaced() >= s.trigger_displaced:
            self.phase = "deliberating"
            self.deliberation = Deliberation(self.bloc.willingness, self.bloc.required_share, day)
        if self.phase == "deliberating" and self.deliberation.deliberate(self.ctx.rng):
            self._deploy(day)
        elif self.phase == "deployed" and self.end_day is not None and day >= self.end_day:
            self._withdraw()

    def displaced(self) -> int:
        return self.ctx.population.displaced_from(self.target)

    def _deploy(self, day: int) -> None:
        s, w = self.spec, self.ctx.world
        self.phase = "deployed"
        self.end_day = None if s.duration_days is None else day + s.duration_days
        w.protection[self.areas] = s.flee_factor
        w.attraction[self.areas] = s.attraction
        w.edge_pass[self.roads] = self.pass_share
        in_favour, members = self.deliberation.votes()
        self.log("protection_deployed", ",".join(w.ids[i] for i in self.areas), {
            "state": s.target, "votes": f"{in_favour}/{members}",
            "days_deliberated": day - self.deliberation.started, "flee_factor": s.flee_factor,
            "attraction": s.attraction, "until": self.end_day,
            "checkpoints": [f"{c.from_}-{c.to}" for c in s.checkpoints]})

    def _withdraw(self) -> None:
        w = self.ctx.world
        self.phase = "withdrawn"
        w.protection[self.areas] = 1.0
        w.attraction[self.areas] = 1.0
        w.edge_pass[self.roads] = 1.0
        self.log("protection_withdrawn", ",".join(w.ids[i] for i in self.areas),
                 {"state": self.spec.target, "sheltered": self.sheltered()})

    def sheltered(self) -> int:
        """IDPs staying in the protected areas at the end of yesterday."""
        return int(self.ctx.population.occupancy[self.areas, Status.IDP].sum())

    def describe(self) -> tuple[str, str]:
        s, n = self.spec, len(self.areas)
        if self.phase == "idle":
            return "protected areas", (f"not yet: {self.displaced():,} of {s.trigger_displaced:,} "
                                       f"of {s.target}'s people displaced")
        if self.phase == "deliberating":
            in_favour, members = self.deliberation.votes()
            return "protected areas", f"deliberating: {in_favour} of {members} members in favour"
        if self.phase == "withdrawn":
            return "protected areas", f"withdrawn on day {self.end_day}"
        until = "" if self.end_day is None else f" until day {self.end_day}"
        k = len(self.roads)
        checks = f", {k} checkpoint{'s' * (k != 1)}" if k else ""
        return "protected areas", (f"{n} areas in {s.target}{until}{checks}; "
                                   f"{self.sheltered():,} IDPs sheltered there")
