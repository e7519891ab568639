"""Endogenous conflict onsets, made rarer by collective defence.

Claim (000_feb0467f0db10932.txt, "Understanding Military Alliances"; 001, "Impacts of Military
Alliances on Global Stability"): collective-defence commitments deter attacks on members, and
an attack on one member brings the others' response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import DisplacementModel


class ConflictOnsets:
    """Daily onset draws for every state with a conflict risk."""

    def __init__(self, model: DisplacementModel):
        self.model = model
        spec = model.spec
        self.risk = np.array([s.conflict_risk for s in spec.world.states])
        self.params = spec.parameters.conflict
        self.deterrence = np.zeros(len(self.risk))
        self.defenders: dict[int, list] = {}
        self.ongoing: list[tuple[int, np.ndarray]] = []  # (day it ends, locations)
        for alliance in model.alliances:
            defence = alliance.spec.collective_defence
            if defence is None:
                continue
            for member in alliance.members:
                self.deterrence[member] = max(self.deterrence[member], defence.deterrence)
                self.defenders.setdefault(int(member), []).append(alliance)

    def hazard(self) -> np.ndarray:
        """Daily onset probability of each state."""
        return self.risk * (1.0 - self.deterrence)

    def step(self, day: int) -> None:
        if not self.risk.any():
            return
        m, w = self.model, self.model.world
        for _, where in [o for o in self.ongoing if o[0] <= day]:
            w.intensity[where] = 0.0
            m.log_decision("ceasefire", w.state_ids[w.state_of[where[0]]], ",".join(w.ids[i] for i in where),
                           {"reason": "conflict ran its course"})
        self.ongoing = [o for o in self.ongoing if o[0] > day]
        for state in np.flatnonzero(m.rng.random(len(self.risk)) < self.hazard()):
            towns = np.flatnonzero((w.state_of == state) & ~w.is_camp & (w.intensity <= 0))
            if not len(towns):
                continue
            weights = w.population0[towns] + 1.0
            k = min(self.params.onset_locations, len(towns))
            hit = m.rng.choice(towns, size=k, replace=False, p=weights / weights.sum())
            w.intensity[hit] = self.params.onset_intensity
            self.ongoing.append((day + self.params.onset_duration, hit))
            code = w.state_ids[state]
            m.log_decision("conflict_onset", code, ",".join(w.ids[i] for i in hit),
                           {"intensity": self.params.onset_intensity,
                            "hazard": round(float(self.hazard()[state]), 6)})
            for alliance in self.defenders.get(int(state), []):
                alliance.respond_to_attack(code, day)
