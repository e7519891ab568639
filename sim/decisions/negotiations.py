"""Negotiation tracks: rounds that may produce prisoner exchanges, which de-escalate and open a
ceasefire.

Claim (004_6bdd4abdcfc19a56.txt, "The Influence of Military Alliances on Negotiation
Strategies", "Diplomatic Leverage through Military Alliances", "Bilateral vs. Multilateral
Approaches"; "Psychological Factors in Military Alliance Negotiations"): alliance backing adds
leverage to prisoner-exchange talks but multilateral tracks move more slowly; successful
exchanges build the trust that ceasefires need, and make the next exchange likelier; a history
of cooperation speeds talks; an alliance's guarantee helps an agreement hold, while violations
(fighting at the conflict's places during the ceasefire) make it likelier to break.
"""

from __future__ import annotations

import numpy as np

from sim.core.context import Context
from sim.scenario.decisions import ConflictSpec, NegotiationSpec


class NegotiationTrack:
    """One track between the parties of one conflict."""

    def __init__(self, spec: NegotiationSpec, conflict: ConflictSpec, ctx: Context):
        self.ctx = ctx
        self.spec = spec
        self.conflict = conflict
        self.locations = np.array([ctx.world.index[loc] for loc in conflict.locations], dtype=np.int64)
        multilateral = spec.track == "multilateral"
        slowdown = spec.multilateral_slowdown if multilateral else 1.0
        self.interval = max(1, round(spec.round_days * slowdown * (1.0 - spec.cooperation / 2)))
        self.leverage = spec.leverage + (spec.alliance_leverage if multilateral else 0.0)
        self.breakdown = spec.breakdown * (1.0 - (spec.guarantee if multilateral else 0.0))
        self.ceasefire_hazard = spec.base_ceasefire
        self.exchanges = 0
        self.rounds = 0
        self.over = False
        self.ceasefire_day: int | None = None  # while a ceasefire holds
        self.breakdowns = 0
        self.violation_days = 0  # days of fighting during the current ceasefire
        self.actor = spec.backing or "+".join(conflict.parties)

    @property
    def exchange_probability(self) -> float:
        s = self.spec
        trust = (1.0 + s.trust_step) ** self.exchanges
        return min(1.0, s.exchange_probability * (1.0 + self.leverage) * (1.0 + s.cooperation) * trust)

    def step(self, day: int) -> None:
        s = self.spec
        if self.ceasefire_day is not None:
            self._hold_or_break(day)
            return
        if self.over or day < s.start_day:
            return
        if (day - s.start_day) % self.interval == 0:
            self.round(day)
        if self.ceasefire_hazard > 0 and self.ctx.rng.random() < self.ceasefire_hazard:
            self.ceasefire()

    def _hold_or_break(self, day: int) -> None:
        """A ceasefire that may still break down: the hazard halves every hold_days it holds and
        is raised by each day of fighting at the conflict's places since it began (violations)."""
        held = day - self.ceasefire_day
        if (self.ctx.world.intensity[self.locations] > 0).any():
            self.violation_days += 1
            if self.violation_days == 1 or self.violation_days % self.spec.hold_days == 0:
                self.ctx.decision("ceasefire_violation", self.actor, self.conflict.id,
                                  {"held_days": held, "violation_days": self.violation_days})
        hazard = (self.breakdown * 0.5 ** (held / self.spec.hold_days)
                  * (1.0 + self.spec.violation_step * self.violation_days))
        if hazard <= 0 or self.ctx.rng.random() >= min(hazard, 1.0):
            return
        self.ctx.world.intensity[self.locations] = self.spec.relapse_intensity
        self.ceasefire_day, self.over, self.violation_days = None, False, 0
        self.ceasefire_hazard = self.spec.base_ceasefire  # the trust the exchanges built is lost
        self.breakdowns += 1
        self.ctx.decision("ceasefire_breakdown", self.actor, self.conflict.id,
                          {"held_days": held, "breakdowns": self.breakdowns,
                           "intensity": self.spec.relapse_intensity})

    def round(self, day: int) -> None:
        """One round of talks: an exchange happens with the track's probability."""
        s, ctx = self.spec, self.ctx
        self.rounds += 1
        exchanged = bool(ctx.rng.random() < self.exchange_probability)
        ctx.decision("negotiation_round", self.actor, self.conflict.id,
                       {"track": s.track, "round": self.rounds, "exchange": exchanged,
                        "probability": round(self.exchange_probability, 4)})
        if exchanged:
            self.exchange()

    def exchange(self) -> None:
        """Prisoners are exchanged: the fighting de-escalates and a ceasefire becomes likelier."""
        w = self.ctx.world
        self.exchanges += 1
        w.intensity[self.locations] *= 1.0 - self.spec.deescalation
        self.ceasefire_hazard = min(1.0, self.ceasefire_hazard + self.spec.ceasefire_step)
        self.ctx.decision("prisoner_exchange", self.actor, self.conflict.id,
                          {"prisoners": self.spec.prisoners, "exchanges": self.exchanges,
                           "mean_intensity": round(float(w.intensity[self.locations].mean()), 4),
                           "ceasefire_hazard": round(self.ceasefire_hazard, 4)})

    def ceasefire(self) -> None:
        """The ceasefire holds: fighting stops at the conflict's locations."""
        self.ctx.world.intensity[self.locations] = 0.0
        self.over = True
        if self.breakdown > 0:  # it may still break down
            self.ceasefire_day = self.ctx.day
        self.ctx.decision("ceasefire", self.actor, self.conflict.id,
                          {"exchanges": self.exchanges, "locations": len(self.locations)})

    def describe(self) -> tuple[str, str]:
        status = f"{self.rounds} rounds, {self.exchanges} prisoner exchanges"
        if self.breakdowns:
            status += f", {self.breakdowns} ceasefire breakdowns"
        return (f"talks on {self.conflict.id} ({self.spec.track})",
                status + ("; ceasefire" if self.over else ""))
