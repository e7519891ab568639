"""Endogenous conflict onsets, made rarer by collective defence.

Claim (000_feb0467f0db10932.txt, "Understanding Military Alliances"; 001, "Impacts of Military
Alliances on Global Stability"): collective-defence commitments deter attacks on members, and
an attack on one member brings the others' response.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.core.context import Context
from sim.scenario.parameters import ConflictParameters


@dataclass(frozen=True)
class Defender:
    """An alliance under collective defence: its members, how much it deters, and its response
    to an attack on a member (``respond(member id, day)``)."""

    members: np.ndarray
    deterrence: float
    respond: Callable[[str, int], None]


class Tension(Protocol):
    """A rival's pressure on some states (sim/decisions/rivalry.py): a multiplier of each
    state's onset hazard, 1 where it does not press."""

    onset_multiplier: np.ndarray


class ConflictOnsets:
    """Daily onset draws for every state with a conflict risk."""

    def __init__(self, risk: np.ndarray, params: ConflictParameters, defenders: list[Defender],
                 ctx: Context, tensions: Sequence[Tension] = ()):
        self.ctx = ctx
        # One stream per state, so that one state's onsets never depend on another's hazard.
        self.streams = [ctx.streams.stream(f"onsets:{code}") for code in ctx.world.state_ids]
        self.risk = risk
        self.params = params
        self.deterrence = np.zeros(len(self.risk))
        self.defenders: dict[int, list[Defender]] = {}
        self.tensions = tensions
        self.ongoing: list[tuple[int, np.ndarray]] = []  # (day it ends, locations)
        for defender in defenders:
            for member in defender.members:
                self.cover(int(member), defender)

    def cover(self, member: int, defender: Defender) -> None:
        """``member`` is under ``defender``'s collective defence (from the start, or since it joined)."""
        self.deterrence[member] = max(self.deterrence[member], defender.deterrence)
        self.defenders.setdefault(member, []).append(defender)

    def hazard(self) -> np.ndarray:
        """Daily onset probability of each state."""
        hazard = self.risk * (1.0 - self.deterrence)
        for tension in self.tensions:
            hazard = hazard * tension.onset_multiplier
        return np.minimum(hazard, 1.0)

    def step(self, day: int) -> None:
        if not self.risk.any():
            return
        ctx, w = self.ctx, self.ctx.world
        for _, where in [o for o in self.ongoing if o[0] <= day]:
            w.intensity[where] = 0.0
            ctx.decision("ceasefire", w.state_ids[w.state_of[where[0]]], ",".join(w.ids[i] for i in where),
                         {"reason": "conflict ran its course"})
        self.ongoing = [o for o in self.ongoing if o[0] > day]
        hazard = self.hazard()
        for state in np.flatnonzero(self.risk > 0):
            rng = self.streams[state].on(day)
            if rng.random() >= hazard[state]:
                continue
            towns = np.flatnonzero((w.state_of == state) & ~w.is_camp & (w.intensity <= 0))
            if not len(towns):
                continue
            weights = w.population0[towns] + 1.0
            k = min(self.params.onset_locations, len(towns))
            hit = rng.choice(towns, size=k, replace=False, p=weights / weights.sum())
            w.intensity[hit] = self.params.onset_intensity
            self.ongoing.append((day + self.params.onset_duration, hit))
            code = w.state_ids[state]
            ctx.decision("conflict_onset", code, ",".join(w.ids[i] for i in hit),
                         {"intensity": self.params.onset_intensity, "hazard": round(float(hazard[state]), 6)})
            for defender in self.defenders.get(int(state), []):
                defender.respond(code, day)
