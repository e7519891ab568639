"""After arrival: what becomes of the people a host has received.

Claims (000_feb0467f0db10932.txt, "Legal Implications of Military Alliances on Migrants",
"Migration Policies Among Military Allies"; 001_1ef7c932b405eb7f.txt, "Challenges and
Criticisms"): hosts integrate refugees at a pace set by their policies and by programmes allies
fund; people relocated under a scheme do not always stay where they were sent; rejected asylum
seekers may be returned.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status, status_mask
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.transfers import change_status, start_home
from sim.decisions.instrument import Instrument
from sim.scenario.decisions import IntegrationSpec, StatePolicy

RECEIVED = status_mask(Status.REFUGEE, Status.RELOCATED, Status.RESETTLED)
ASSIGNED = status_mask(Status.RELOCATED, Status.RESETTLED)


class AfterArrival:
    """One host's daily integration, secondary movement and deportation (all off at rate 0)."""

    def __init__(self, index: int, policy: StatePolicy, ctx: Context, speed_km_per_day: float):
        self.index = index
        self.policy = policy
        self.ctx = ctx
        self.speed = speed_km_per_day
        self.integrated = 0
        self.deported = 0

    def step(self, day: int) -> None:
        w, s = self.ctx.world, self.policy
        integration = min(1.0, s.integration_rate + w.integration_support[self.index])
        if integration > 0:
            self.integrated += self._convert(RECEIVED, integration, Status.INTEGRATED)
        if s.secondary_movement > 0:
            self._convert(ASSIGNED, s.secondary_movement, Status.REFUGEE)
        if s.deportation_rate > 0:
            self.deported += self._deport()

    def describe(self) -> list[tuple[str, str]]:
        """(what, status today) for each after-arrival policy the state has, in words."""
        s, rows = self.policy, []
        boost = self.ctx.world.integration_support[self.index]
        if s.integration_rate > 0 or boost > 0:
            rows.append(("integration", f"{self.integrated:,} integrated so far "
                         f"({min(1.0, s.integration_rate + boost):.2%} a day)"))
        if s.secondary_movement > 0:
            rows.append(("secondary movement", f"{s.secondary_movement:.2%} a day of those relocated "
                         "or resettled here leave"))
        if s.deportation_rate > 0:
            rows.append(("deportation", f"{self.deported:,} rejected asylum seekers sent home so far"))
        return rows

    def _here(self, mask: np.ndarray) -> np.ndarray:
        p = self.ctx.population.people
        return np.flatnonzero((self.ctx.world.state_of[p.loc] == self.index) & mask[p.status]
                              & (p.count > 0))

    def _convert(self, mask: np.ndarray, rate: float, status: Status) -> int:
        rows = self._here(mask)
        n = self.ctx.rng.binomial(self.ctx.population.people.count[rows], rate)
        change_status(self.ctx, rows, n, status)
        return int(n.sum())

    def _deport(self) -> int:
        """Refugees whose claim is not recognised here, sent home with the deportation rate."""
        w, p = self.ctx.world, self.ctx.population.people
        rows = self._here(status_mask(Status.REFUGEE))
        rows = rows[np.isfinite(w.distances.km(p.origin[rows], p.loc[rows]))]
        rejected = 1.0 - w.recognition[self.index, w.state_of[p.origin[rows]]]
        n = self.ctx.rng.binomial(p.count[rows], self.policy.deportation_rate * rejected)
        keep = n > 0
        return start_home(self.ctx, rows[keep], n[keep], self.speed, FlowKind.DEPORTATION)


class IntegrationProgramme(Instrument[IntegrationSpec]):
    """An alliance funds integration in every member from its start day."""

    def step(self, day: int) -> None:
        if day == self.spec.start_day:
            self.ctx.world.integration_support[self.bloc.members] += self.spec.boost
            members = ",".join(self.ctx.world.state_ids[m] for m in self.bloc.members)
            self.log("integration_programme", members, {"boost": self.spec.boost})

    def describe(self) -> tuple[str, str]:
        started = self.ctx.day >= self.spec.start_day
        return "integration programmes", (f"+{self.spec.boost:g} a day in every member" if started
                                          else f"from day {self.spec.start_day}")
