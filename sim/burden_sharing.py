"""Burden sharing: refugees relocated from frontline members to the others by a distribution key.

Claim (000_feb0467f0db10932.txt, "Migration Policies Among Military Allies", "The EU and
Migration Management Strategies"): allies can share responsibility for refugees by
reallocating them among members, relieving frontline states; in practice members delivered
only part of what they pledged.
"""

from __future__ import annotations

import numpy as np

from sim.cohorts import Status
from sim.decision_spec import BurdenSharingSpec
from sim.instrument import Instrument
from sim.movement import FlowKind
from sim.transfers import hosted, reception_location, transfer


class BurdenSharing(Instrument[BurdenSharingSpec]):
    """Each day, relocate the frontline members' excess to the others, each taking its key share."""

    def key(self, receivers: np.ndarray) -> np.ndarray:
        """Each receiving member's share: population and economy weights, normalised."""
        pop = self.model.state_population[receivers].astype(float)
        econ = self.model.state_economy[receivers].astype(float)
        s = self.spec
        share = (s.population_weight * pop / max(pop.sum(), 1.0)
                 + s.economy_weight * econ / max(econ.sum(), 1e-12))
        return share / share.sum()

    def step(self, day: int) -> None:
        if day < self.spec.start_day:
            return
        m = self.model
        members = self.alliance.members
        load = np.array([hosted(m, s) for s in members], dtype=float)
        limit = self.spec.threshold * m.state_population[members]
        frontline = members[load > limit]
        receivers = members[load <= limit]
        if not len(frontline) or not len(receivers):
            return
        excess = (load - limit)[load > limit]
        budget = np.floor(self.spec.daily_capacity * excess / excess.sum()).astype(np.int64)
        budget = np.minimum(budget, np.ceil(excess).astype(np.int64))
        share = self.key(receivers)
        fulfilment = m.state_fulfilment[receivers]
        for f, quota in zip(frontline, budget, strict=True):
            moved = {}
            for r, sh, ful in zip(receivers, share, fulfilment, strict=True):
                n = transfer(m, int(f), reception_location(m, int(r)), int(quota * sh * ful),
                             FlowKind.RELOCATION, Status.RELOCATED)
                if n:
                    moved[m.world.state_ids[r]] = n
            if moved:
                self.alliance.log("relocation", m.world.state_ids[f],
                                  {"to": moved, "quota": int(quota), "delivered": sum(moved.values())})
