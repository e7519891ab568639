"""Endogenous conflict: fighting spreads along roads, escalates where armed parties are present
and burns out; the parties of named conflicts have a strength that fighting, interventions and
prisoner exchanges change.

Claim (000_feb0467f0db10932.txt, "Joint Operations and Their Effects on Civilians"; 001,
"Impacts of Military Alliances on Global Stability"): instability does not stay where it starts
but exacerbates displacement within and beyond the affected regions; failed interventions
contribute to prolonged conflict; armed groups entrench as a conflict lasts, and interventions
and ceasefires change its course.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from sim.core.context import Context
from sim.decisions.negotiations import NegotiationTrack
from sim.scenario.decisions import ConflictSpec
from sim.scenario.fields import MAX_WEIGHT
from sim.scenario.parameters import ConflictParameters


class ConflictDynamics:
    """Every named conflict's parties (one strength per conflict and party) and the daily update
    of conflict intensity over all locations."""

    def __init__(self, conflicts: list[ConflictSpec], tracks: list[NegotiationTrack], ctx: Context):
        w = ctx.world
        self.ctx = ctx
        self.conflicts = conflicts
        self.parties = [(c.id, p) for c in conflicts for p in c.parties]
        self.conflict_of = np.array([k for k, c in enumerate(conflicts) for _ in c.parties], dtype=np.int64)
        self.strength = np.array([c.strengths.get(p, 1.0) for c in conflicts for p in c.parties])
        self.fought_at = np.zeros((len(conflicts), w.n), dtype=bool)  # [conflict, location]
        for k, c in enumerate(conflicts):
            self.fought_at[k, [w.index[loc] for loc in c.locations]] = True
        ones = np.ones(2 * len(w.edge_u))
        self.roads = csr_matrix((ones, (np.concatenate([w.edge_u, w.edge_v]),
                                        np.concatenate([w.edge_v, w.edge_u]))), shape=(w.n, w.n))
        self.roads.data[:] = 1.0  # two roads between the same places count once
        self.neighbours = np.asarray(self.roads.sum(axis=1)).ravel()
        number = {c.id: k for k, c in enumerate(conflicts)}
        self.tracks = [(number[t.conflict.id], t) for t in tracks]
        self.exchanges_seen = [0] * len(tracks)
        self.tension = np.zeros(w.n)  # spill-over building up at places at peace

    def step(self, day: int, p: ConflictParameters) -> None:
        """One day: the parties' strength, then intensity at every location."""
        if not (p.spread_rate or p.escalation or p.decay or p.entrenchment or p.attrition
                or p.exchange_strength):
            return
        w = self.ctx.world
        fought = self.fought_at @ w.intensity / np.maximum(self.fought_at.sum(axis=1), 1)
        self._strengths(p, fought[self.conflict_of])
        if p.spread_rate or p.escalation or p.decay:
            self._intensity(p)

    def _strengths(self, p: ConflictParameters, fought: np.ndarray) -> None:
        """Entrenchment while fought, attrition by fighting, released prisoners rejoining."""
        growth = (1.0 + p.entrenchment * (fought > 0)) * (1.0 - p.attrition * fought)
        for n, (k, track) in enumerate(self.tracks):
            new = track.exchanges - self.exchanges_seen[n]
            self.exchanges_seen[n] = track.exchanges
            growth[self.conflict_of == k] *= (1.0 + p.exchange_strength) ** new
        self.strength = np.minimum(self.strength * growth, MAX_WEIGHT)

    def presence(self) -> np.ndarray:
        """Armed presence at each location: the strength of the weakest party of the strongest
        conflict fought there (0 where no named conflict is)."""
        weakest = np.full(len(self.conflicts), np.inf)
        np.minimum.at(weakest, self.conflict_of, self.strength)
        return np.max(self.fought_at * weakest[:, None], axis=0, initial=0.0)

    def ceasefire_holds(self) -> np.ndarray:
        """Locations of conflicts whose ceasefire holds today."""
        held = [k for k, track in self.tracks if track.over]
        return self.fought_at[held].any(axis=0)

    def _intensity(self, p: ConflictParameters) -> None:
        w = self.ctx.world
        now = w.intensity
        around = self.roads @ now / np.maximum(self.neighbours, 1)
        takes_up = ~w.is_camp & ~self.ceasefire_holds()
        spread = p.spread_rate * np.maximum(around - now, 0.0) * takes_up
        escalate = p.escalation * self.presence() * (1.0 - now) * (now > 0)
        new = np.clip(now + spread + escalate - p.decay * now, 0.0, 1.0)
        new[(now > 0) & (new < p.peace_below)] = 0.0
        # At a place at peace the spill-over builds up as tension until fighting starts there.
        at_peace = now <= 0
        self.tension = np.where(at_peace, np.minimum(self.tension * (1.0 - p.decay) + spread, 1.0), 0.0)
        started = np.flatnonzero(at_peace & (self.tension >= max(p.peace_below, 1e-12)))
        new[at_peace] = 0.0
        new[started] = self.tension[started]
        self.tension[started] = 0.0
        for i in started:
            self._log_spread(int(i), float(new[i]))
        w.intensity[:] = new

    def _log_spread(self, i: int, intensity: float) -> None:
        """Fighting reached a place at peace: say from where, and whose fighting it is."""
        w = self.ctx.world
        row = self.roads.indices[self.roads.indptr[i]:self.roads.indptr[i + 1]]
        source = int(row[np.argmax(w.intensity[row])])
        named = [c for k, c in enumerate(self.conflicts) if self.fought_at[k, source]]
        actor = "+".join(named[0].parties) if named else w.state_ids[w.state_of[source]]
        self.ctx.decision("conflict_spread", actor, w.ids[i],
                          {"from": w.ids[source], "intensity": round(intensity, 4)})

    def opponents(self, target: str, allies: set[str]) -> Opponents:
        """The parties an intervention in ``target`` faces: those of conflicts fought in the
        target that are neither the target's government nor ``allies``."""
        w = self.ctx.world
        in_target = (w.state_of == w.state_index[target])
        rows = [n for n, (_, party) in enumerate(self.parties)
                if self.fought_at[self.conflict_of[n], in_target].any() and party not in allies | {target}]
        return Opponents(self, np.array(rows, dtype=np.int64))

    def describe(self, n: int) -> str:
        """Where one party stands, in words."""
        k = self.conflict_of[n]
        fought = float(self.ctx.world.intensity[self.fought_at[k]].mean())
        return f"strength {self.strength[n]:.3g} (mean intensity {fought:.2f} where it is fought)"


class Opponents:
    """The conflict parties one intervention faces: their joint strength, and its blows."""

    def __init__(self, dynamics: ConflictDynamics, rows: np.ndarray):
        self.dynamics = dynamics
        self.rows = rows

    def strength(self) -> float:
        return float(self.dynamics.strength[self.rows].sum())

    def weaken(self, share: float) -> None:
        self.dynamics.strength[self.rows] *= 1.0 - share

    def names(self) -> list[str]:
        return sorted({self.dynamics.parties[n][1] for n in self.rows})
