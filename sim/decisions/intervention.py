"""Humanitarian intervention: trigger, deliberation, deployment, operations and their outcome.

Claim (001_1ef7c932b405eb7f.txt, "The Role of Military Alliances in Humanitarian Intervention",
"Challenges Faced During Interventions", "Case Studies of Failed Humanitarian Interventions"):
alliances can stop atrocities and let people return (Kosovo 1999), but consensus rules delay
action (Rwanda 1994), operations cause collateral damage, and a withdrawal without a
settlement can leave a relapse and fragmentation (Libya 2011); members act selectively, by
their interests in the target and the costs they already bear ("The Ethical Implications of
Military Alliances").
"""

from __future__ import annotations

import numpy as np

from sim.core.context import Context
from sim.decisions.deliberation import Deliberation
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import InterventionSpec


class Intervention(Instrument[InterventionSpec]):
    """One alliance's intervention in one target state, as a sequence of phases."""

    def __init__(self, bloc: Bloc, spec: InterventionSpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        self.target = ctx.world.state_index[spec.target]
        # The outcome has a stream of its own: drawn on whatever day operations start, it is the
        # same draw in two variants that only change when they start.
        self.outcome = ctx.streams.generator(f"alliance:{bloc.code}:intervention:outcome")
        self.phase = "idle"  # idle -> deliberating -> deploying -> operating -> over
        self.deliberation: Deliberation | None = None
        self.start_day = self.end_day = -1
        self.success = False
        self.areas = np.zeros(0, dtype=np.int64)
        self.ties = ctx.world.ties[bloc.members, self.target]  # each member's interest in the target

    def willingness(self) -> np.ndarray:
        """Members' willingness today: raised by their ties to the target, lowered by the costs
        they already bear (the refugees they host per resident)."""
        s, bloc = self.spec, self.bloc
        if not s.interest_weight and not s.cost_aversion:
            return bloc.willingness
        hosted = np.array([self.ctx.population.hosted_per_resident(int(m)) for m in bloc.members])
        return np.minimum(1.0, bloc.willingness * (1.0 + s.interest_weight * self.ties)
                          / (1.0 + s.cost_aversion * hosted))

    def displaced(self) -> int:
        return self.ctx.population.displaced_from(self.target)

    def triggered(self) -> bool:
        s, w = self.spec, self.ctx.world
        if s.trigger_displaced is not None and self.displaced() >= s.trigger_displaced:
            return True
        in_target = w.state_of == self.target
        return s.trigger_intensity is not None and bool((w.intensity[in_target] >= s.trigger_intensity).any())

    def respond_now(self, day: int) -> None:
        """An attack on a member under collective defence: skip deliberation."""
        if self.phase in ("idle", "deliberating"):
            self._decide(day, reason="collective defence")

    def force(self, phase: str, day: int) -> None:
        """A scripted phase change: triggered, decided, started, ended or failed."""
        if phase == "triggered" and self.phase == "idle":
            self._trigger(day)
        elif phase == "decided" and self.phase in ("idle", "deliberating"):
            self._decide(day, reason="scripted")
        elif phase == "started" and self.phase in ("idle", "deliberating", "deploying"):
            self._start(day)
        elif phase in ("ended", "failed") and self.phase == "operating":
            self.success = self.success and phase == "ended"
            self.end_day = day
            self._operate(day)

    def step(self, day: int) -> None:
        if self.phase == "idle" and day >= self.spec.start_day and self.triggered():
            self._trigger(day)
        if self.phase == "deliberating" and self.deliberation.deliberate(self.ctx.rng, self.willingness()):
            self._decide(day, reason=self.bloc.decision_rule)
        if self.phase == "deploying" and day >= self.start_day:
            self._start(day)
        if self.phase == "operating":
            self._operate(day)

    def _trigger(self, day: int) -> None:
        self.phase = "deliberating"
        self.deliberation = Deliberation(self.bloc.willingness, self.bloc.required_share, day)
        self.log("intervention_triggered", self.spec.target, {"displaced": self.displaced()})

    def _decide(self, day: int, reason: str) -> None:
        votes = self.deliberation.votes() if self.deliberation else (len(self.bloc.members),) * 2
        started = self.deliberation.started if self.deliberation else day
        self.phase = "deploying"
        self.start_day = day + self.spec.deployment_days
        detail = {"rule": reason, "votes_for": votes[0], "members": votes[1],
                  "deliberation_days": day - started, "operations_from": self.start_day}
        if self.spec.interest_weight or self.spec.cost_aversion:  # members' willingness that day
            ids = self.ctx.world.state_ids
            detail["willingness"] = {ids[m]: round(float(w), 4)
                                     for m, w in zip(self.bloc.members, self.willingness(), strict=True)}
        self.log("intervention_decided", self.spec.target, detail)

    def _start(self, day: int) -> None:
        w, s = self.ctx.world, self.spec
        if s.locations:
            self.areas = np.array([w.index[loc] for loc in s.locations], dtype=np.int64)
        else:
            self.areas = np.flatnonzero((w.state_of == self.target) & (w.intensity > 0))
        self.success = bool(self.outcome.random() < s.success_probability)
        w.collateral[self.areas] = s.collateral
        self.phase = "operating"
        self.start_day = day
        self.end_day = day + s.duration_days
        self.log("intervention_started", s.target,
                          {"areas": [w.ids[i] for i in self.areas], "until": self.end_day})

    def _operate(self, day: int) -> None:
        w, s = self.ctx.world, self.spec
        if self.success:
            w.intensity[self.areas] = np.maximum(0.0, w.intensity[self.areas] - s.stabilisation_rate)
        if day < self.end_day:
            return
        w.collateral[self.areas] = 1.0
        self.phase = "over"
        self.log("intervention_ended", s.target, {"success": self.success})
        if not self.success:
            self._relapse()

    def _relapse(self) -> None:
        """A failed operation withdraws: fighting returns and spreads to nearby places."""
        w, s = self.ctx.world, self.spec
        w.intensity[self.areas] = np.maximum(w.intensity[self.areas], s.relapse_intensity)
        spread = self._nearest_untouched(s.fragment_locations)
        w.intensity[spread] = np.maximum(w.intensity[spread], s.relapse_intensity)
        self.log("intervention_failed", s.target,
                          {"relapse_intensity": s.relapse_intensity,
                           "spread_to": [w.ids[i] for i in spread]})

    def _nearest_untouched(self, k: int) -> np.ndarray:
        """The k locations of the target without conflict nearest (by road) to the operation areas."""
        w = self.ctx.world
        if k == 0 or not len(self.areas):
            return np.zeros(0, dtype=np.int64)
        km = np.min([w.distances.km(np.full(w.n, a), np.arange(w.n)) for a in self.areas], axis=0)
        candidates = np.flatnonzero((w.state_of == self.target) & (w.intensity <= 0) & np.isfinite(km)
                                    & ~w.is_camp)
        return candidates[np.argsort(km[candidates], kind="stable")[:k]]

    def describe(self) -> tuple[str, str]:
        return (f"intervention in {self.spec.target} ({self.bloc.decision_rule})", self._status())

    def _status(self) -> str:
        s, phase = self.spec, self.phase
        if phase == "idle":
            if 0 <= self.ctx.day < s.start_day:
                return f"not before day {s.start_day}"
            waits = []
            if s.trigger_displaced is not None:
                waits.append(f"{self.displaced():,} of {s.trigger_displaced:,} displaced")
            if s.trigger_intensity is not None:
                waits.append(f"conflict intensity {s.trigger_intensity:g} somewhere")
            return "not triggered: " + " or ".join(waits)
        if phase == "deliberating" and self.deliberation is not None:
            yes, members = self.deliberation.votes()
            text = f"deliberating since day {self.deliberation.started}: {yes} of {members} members in favour"
            if s.interest_weight or s.cost_aversion:
                ids = self.ctx.world.state_ids
                today = zip(self.bloc.members, self.willingness(), strict=True)
                text += " (willingness today: " + ", ".join(f"{ids[m]} {w:.3f}" for m, w in today) + ")"
            return text
        if phase == "deploying":
            return f"decided; operations from day {self.start_day}"
        if phase == "operating":
            ids = [self.ctx.world.ids[i] for i in self.areas]
            areas = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            outcome = "stabilising" if self.success else "not stabilising"
            return (f"operating since day {self.start_day} until day {self.end_day} "
                    f"({areas or 'no area'}; {outcome})")
        outcome = "succeeded" if self.success else "failed, fighting relapsed"
        return f"over on day {self.end_day}: {outcome}"
