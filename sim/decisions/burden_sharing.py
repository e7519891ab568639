"""Burden sharing: refugees relocated from frontline members to the others by a distribution key.

Claim (000_feb0467f0db10932.txt, "Migration Policies Among Military Allies", "The EU and
Migration Management Strategies"): allies can share responsibility for refugees by
reallocating them among members, relieving frontline states; in practice members delivered
only part of what they pledged.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.transfers import ELIGIBLE, origins_mask, reception_location, transfer_many
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import BurdenSharingSpec


class BurdenSharing(Instrument[BurdenSharingSpec]):
    """Each day, relocate the frontline members' excess to the others, each taking its key share."""

    def __init__(self, bloc: Bloc, spec: BurdenSharingSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        self.relocated_to = np.zeros(len(bloc.members), dtype=np.int64)  # by member, so far
        w = ctx.world
        self.quota = (None if spec.quotas is None else  # by member; members without one take nobody
                      np.array([spec.quotas.get(w.state_ids[m], 0) for m in bloc.members], dtype=np.int64))
        self.origins = origins_mask(w, spec.origins)

    def key(self, receivers: np.ndarray) -> np.ndarray:
        """Each receiving member's share: population and economy weights, normalised."""
        w = self.ctx.world
        pop = w.state_population[receivers].astype(float)
        econ = w.state_economy[receivers].astype(float)
        s = self.spec
        share = (s.population_weight * pop / max(pop.sum(), 1.0)
                 + s.economy_weight * econ / max(econ.sum(), 1e-12))
        return share / share.sum()

    def step(self, day: int) -> None:
        s = self.spec
        if day < s.start_day or (s.until is not None and day > s.until):
            return
        ctx, w = self.ctx, self.ctx.world
        members = self.bloc.members
        load = np.array([ctx.population.hosted(m) for m in members], dtype=float)
        limit = s.threshold * w.state_population[members]
        left = self.quota - self.relocated_to if self.quota is not None else None
        receiving = (load <= limit) & (left > 0 if left is not None else True)
        frontline = members[load > limit]
        receivers = members[receiving]
        capacity = s.capacity_on(day)
        if s.total is not None:
            capacity = min(capacity, s.total - int(self.relocated_to.sum()))
        if not len(frontline) or not len(receivers) or capacity <= 0:
            return
        excess = (load - limit)[load > limit]
        budget = np.floor(capacity * excess / excess.sum()).astype(np.int64)
        budget = np.minimum(budget, np.ceil(excess).astype(np.int64))
        share = self.key(receivers) if left is None else left[receiving] / left[receiving].sum()
        fulfilment = w.state_fulfilment[receivers]
        to = [reception_location(w, int(r)) for r in receivers]
        for f, quota in zip(frontline, budget, strict=True):
            asked = [int(quota * sh * ful) for sh, ful in zip(share, fulfilment, strict=True)]
            if left is not None:
                asked = [min(a, int(self.quota[members == r][0] - self.relocated_to[members == r][0]))
                         for a, r in zip(asked, receivers, strict=True)]
            delivered = transfer_many(ctx, w.state_of == f, list(zip(to, asked, strict=True)),
                                      FlowKind.RELOCATION, Status.RELOCATED, ELIGIBLE, self.origins)
            moved = {}
            for r, n in zip(receivers, delivered, strict=True):
                if n:
                    moved[w.state_ids[r]] = n
                    self.relocated_to[members == r] += n
            if moved:
                w.relieved[f] += sum(moved.values())
                self.log("relocation", w.state_ids[f],
                         {"to": moved, "quota": int(quota), "delivered": sum(moved.values())})

    def describe(self) -> tuple[str, str]:
        s, ids = self.spec, self.ctx.world.state_ids
        if s.daily_capacity == 0:
            return "burden sharing", "off (daily capacity 0)"
        total = int(self.relocated_to.sum())
        if not total:
            return "burden sharing", (f"no relocation yet (members hosting more than {s.threshold:g} "
                                      "refugees per resident)")
        by = " · ".join(f"{ids[m]} {int(n):,}" for m, n in zip(self.bloc.members, self.relocated_to,
                                                               strict=True) if n)
        return "burden sharing", f"{total:,} relocated so far ({by})"
