"""Economic migration within an alliance: residents move towards richer members' towns.

Claim (000_feb0467f0db10932.txt, "Economic Migration Within Alliance Nations"): freedom of
movement among allies channels labour migration from poorer to richer members, falling with
distance; it is driven by better job opportunities and by improved security environments, so
people also move from less secure members to more secure ones.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.transfers import transfer_many
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import FreeMovementSpec


class FreeMovement(Instrument[FreeMovementSpec]):
    """Daily flows between the largest towns of different members, by economic gap and distance."""

    def __init__(self, bloc: Bloc, spec: FreeMovementSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        w = ctx.world
        towns = []
        for s in bloc.members:
            mine = np.flatnonzero((w.state_of == s) & ~w.is_camp)
            towns += mine[np.argsort(-w.population0[mine], kind="stable")[: spec.towns_per_state]].tolist()
        self.towns = np.array(towns, dtype=np.int64)
        econ = w.state_economy[w.state_of[self.towns]]
        self.gap = np.maximum(0.0, econ[None, :] - econ[:, None]) / np.maximum(econ[:, None], 1e-12)
        km = np.stack([w.distances.km(np.full(len(self.towns), t), self.towns) for t in self.towns])
        same_state = w.state_of[self.towns][:, None] == w.state_of[self.towns][None, :]
        self.decay = np.exp(-km.T / spec.distance_scale)  # [from town, to town]
        self.closed = same_state | ~np.isfinite(km.T)  # no move within a state or without a road
        self.rate = self._rate(self.gap)

    def _rate(self, pull: np.ndarray) -> np.ndarray:
        """[from town, to town] daily probability of a move, for the pull of each destination."""
        return np.where(self.closed, 0.0, np.minimum(self.spec.rate * pull * self.decay, 1.0))

    def insecurity_gap(self) -> np.ndarray:
        """[from town, to town] how much less secure the origin's state is today: the highest
        conflict intensity in each member state, origin minus destination, at least 0."""
        w = self.ctx.world
        worst = np.zeros(len(w.state_ids))
        np.maximum.at(worst, w.state_of, w.intensity)
        insecure = worst[w.state_of[self.towns]]
        return np.maximum(0.0, insecure[:, None] - insecure[None, :])

    def step(self, day: int) -> None:
        ctx = self.ctx
        if self.spec.security_weight > 0:  # the pull of security changes with the fighting
            self.rate = self._rate(self.gap + self.spec.security_weight * self.insecurity_gap())
        for a, i in enumerate(self.towns):
            if not self.rate[a].any():
                continue
            at_home = np.zeros(ctx.world.n, dtype=bool)
            at_home[i] = True
            residents = int(ctx.population.occupancy[i, Status.RESIDENT])
            moves = [(int(self.towns[b]), int(ctx.rng.binomial(residents, self.rate[a, b])))
                     for b in np.flatnonzero(self.rate[a])]
            transfer_many(ctx, at_home, moves, FlowKind.ECONOMIC, None, (Status.RESIDENT,))

    def describe(self) -> tuple[str, str]:
        return "free movement", "economic migration between members' towns"
