"""Aid in regions of origin and in camps, from a budget shared out at each review.

Claim (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration", "The Need
for a Comprehensive Approach"): alliances fund camps, medical care and development in
regions of origin so that fewer people need to move on or leave home.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status, status_mask
from sim.core.context import Context
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import AidSpec


class AidProgramme(Instrument[AidSpec]):
    """Spends the budget on camps (attractiveness, capacity), medical aid and development."""

    def __init__(self, bloc: Bloc, spec: AidSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        self.target = ctx.world.state_index[spec.target]
        self.active = False
        self.first = 0
        self.capacity0 = ctx.world.capacity.copy()

    def step(self, day: int) -> None:
        s, ctx = self.spec, self.ctx
        if not self.active:
            if ctx.population.displaced_from(self.target) < s.trigger_displaced:
                return
            self.active, self.first = True, day
        if (day - self.first) % s.review_days:
            return
        w = ctx.world
        p = ctx.population.people
        displaced = status_mask(Status.IDP, Status.REFUGEE)[p.status] & (w.state_of[p.origin] == self.target)
        where = np.bincount(p.loc[displaced], weights=p.count[displaced], minlength=w.n)
        camps = np.flatnonzero(w.is_camp & (where > 0))
        sheltering = np.flatnonzero(where > 0)
        origin = np.flatnonzero((w.state_of == self.target) & ~w.is_camp)
        levels = np.zeros(w.n)
        levels[camps] += _spread(s.budget * s.camps, where[camps])
        levels[sheltering] += _spread(s.budget * s.medical, where[sheltering])
        levels[origin] += _spread(s.budget * s.development, w.population0[origin].astype(float))
        given = np.flatnonzero(levels > 0)
        w.aid[given] = np.minimum(1.0, np.maximum(w.aid[given], levels[given]))
        w.capacity[camps] = self.capacity0[camps] * (1.0 + s.capacity_boost * levels[camps])
        self.log("aid", s.target, {"camps": len(camps), "medical": len(sheltering),
                                            "development": len(origin), "budget": s.budget})


    def describe(self) -> tuple[str, str]:
        s = self.spec
        if self.active:
            return f"aid for {s.target}", (f"since day {self.first}: {s.budget:g} units every "
                                           f"{s.review_days} days")
        displaced = self.ctx.population.displaced_from(self.target)
        return f"aid for {s.target}", f"not yet: {displaced:,} of {s.trigger_displaced:,} displaced"


def _spread(units: float, weight: np.ndarray) -> np.ndarray:
    """Share aid-level units in proportion to need."""
    total = weight.sum()
    return units * weight / total if total > 0 else np.zeros(len(weight))
