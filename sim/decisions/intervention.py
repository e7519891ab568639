"""Humanitarian intervention: trigger, deliberation, deployment, operations and their outcome.

Claim (001_1ef7c932b405eb7f.txt, "The Role of Military Alliances in Humanitarian Intervention",
"Challenges Faced During Interventions", "Case Studies of Failed Humanitarian Interventions"):
alliances can stop atrocities and let people return (Kosovo 1999), but consensus rules delay
action (Rwanda 1994), operations cause collateral damage, and a withdrawal without a
settlement can leave a relapse and fragmentation (Libya 2011); members act selectively, by
their interests in the target and the costs they already bear ("The Ethical Implications of
Military Alliances"). "Challenges Faced During
Interventions": countries under intervention may view foreign forces as occupiers, which can
escalate tensions rather than alleviate them; insurgent activity hinders the operation.

With ``outcome: emergent`` success is a result, not a draw: the force the supporting members
commit meets the opposing parties' strength, which grew while the conflict lasted; collateral
damage erodes the operation's legitimacy, and grievance, hardship x (1 - legitimacy), feeds a
revolt by Epstein's civil-violence rule (Epstein 2002, "Modeling civil violence: An
agent-based computational approach", PNAS 99 suppl. 3; Mesa ships it as an example).
"""

from __future__ import annotations

import numpy as np

from sim.core.context import Context
from sim.decisions.conflict_dynamics import Opponents
from sim.decisions.deliberation import Deliberation
from sim.decisions.instrument import Bloc, Instrument
from sim.decisions.mandate import Mandate
from sim.scenario.decisions import InterventionSpec


class Intervention(Instrument[InterventionSpec]):
    """One alliance's intervention in one target state, as a sequence of phases."""

    def __init__(self, bloc: Bloc, spec: InterventionSpec, ctx: Context, opponents: Opponents):
        super().__init__(bloc, spec, ctx)
        self.opponents = opponents
        self.target = ctx.world.state_index[spec.target]
        # The outcome has a stream of its own: drawn on whatever day operations start, it is the
        # same draw in two variants that only change when they start.
        self.outcome = ctx.streams.generator(f"alliance:{bloc.code}:intervention:outcome")
        self.phase = "idle"  # idle -> deliberating -> deploying -> operating -> over
        self.deliberation: Deliberation | None = None
        self.mandate: Mandate | None = None  # sought from the trigger, if the scenario asks for one
        self.start_day = self.end_day = -1
        self.success = False
        self.areas = np.zeros(0, dtype=np.int64)
        # emergent outcome: what the members commit, what it faces, how it is seen locally
        self.committed = 0.0
        self.faced = 0.0  # the opposing parties' strength when operations start
        self.legitimacy = spec.legitimacy
        self.revolt = ctx.streams.stream(f"alliance:{bloc.code}:intervention:backlash")
        self.in_revolt = 0
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
        if self.phase == "deliberating":
            authorised = self.mandate is None or self.mandate.step(day)
            if self.deliberation.deliberate(self.ctx.rng, self.willingness()) and authorised:
                self._decide(day, reason=self.bloc.decision_rule)
        if self.phase == "deploying" and day >= self.start_day:
            self._start(day)
        if self.phase == "operating":
            self._operate(day)

    def _trigger(self, day: int) -> None:
        self.phase = "deliberating"
        self.deliberation = Deliberation(self.bloc.willingness, self.bloc.required_share, day)
        if self.spec.mandate is not None:
            self.mandate = Mandate(self.spec.mandate, self.bloc.code, self.target, day, self.ctx)
        self.log("intervention_triggered", self.spec.target, {"displaced": self.displaced()})

    def _decide(self, day: int, reason: str) -> None:
        votes = self.deliberation.votes() if self.deliberation else (len(self.bloc.members),) * 2
        started = self.deliberation.started if self.deliberation else day
        self.phase = "deploying"
        self.start_day = day + self.spec.deployment_days
        supporters = self.deliberation.support if self.deliberation else np.ones(len(self.bloc.members), bool)
        codes = [self.ctx.world.state_ids[m] for m in self.bloc.members[supporters]]
        self.committed = float(sum(self.spec.contribution.get(code, 1.0) for code in codes))
        detail = {"rule": reason, "votes_for": votes[0], "members": votes[1],
                  "deliberation_days": day - started, "operations_from": self.start_day}
        if self.mandate is not None:
            detail |= self.mandate.paths()  # how it was authorised
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
        if s.outcome == "drawn":
            self.success = bool(self.outcome.random() < s.success_probability)
        else:
            self.faced = self.opponents.strength()
            self.success = self.faced < self.committed
        w.collateral[self.areas] = s.collateral
        self.phase = "operating"
        self.start_day = day
        self.end_day = day + s.duration_days
        self.log("intervention_started", s.target,
                          {"areas": [w.ids[i] for i in self.areas], "until": self.end_day})

    def _operate(self, day: int) -> None:
        w, s = self.ctx.world, self.spec
        if s.outcome == "emergent":
            self._fight(day)
        elif self.success:
            w.intensity[self.areas] = np.maximum(0.0, w.intensity[self.areas] - s.stabilisation_rate)
            self.opponents.weaken(s.suppression)
        if day < self.end_day:
            return
        if s.outcome == "emergent":
            self.log("intervention_outcome", s.target,
                     {"success": self.success, "force": self.committed, "opponents": self.opponents.names(),
                      "opposing_strength_at_start": round(self.faced, 4),
                      "opposing_strength": round(self.opponents.strength(), 4),
                      "legitimacy": round(self.legitimacy, 4), "in_revolt": self.in_revolt})
        w.collateral[self.areas] = 1.0
        self.phase = "over"
        self.log("intervention_ended", s.target, {"success": self.success})
        if not self.success:
            self._relapse()

    def ratio(self) -> float:
        """The force's share of the fighting strength (Epstein's arrest probability, here)."""
        total = self.committed + self.opponents.strength()
        return self.committed / total if total > 0 else 0.0

    def _fight(self, day: int) -> None:
        """One day of an emergent operation: stabilise and weaken the opposing parties as far as
        the force allows; collateral damage costs legitimacy; grievance may turn into revolt."""
        w, s = self.ctx.world, self.spec
        r = self.ratio()
        w.intensity[self.areas] = np.maximum(0.0, w.intensity[self.areas] - s.stabilisation_rate * r)
        self.opponents.weaken(s.suppression * r)
        self.legitimacy = max(0.0, self.legitimacy - s.legitimacy_loss * (s.collateral - 1.0))
        if s.backlash > 0:
            self._backlash(r)
        self.success = self.opponents.strength() < self.committed

    def _backlash(self, arrest: float) -> None:
        """Epstein's rule over the people in the operation areas: each revolts when hardship x
        (1 - legitimacy) - risk aversion x arrest probability exceeds the threshold, hardship
        and risk aversion uniform on (0, 1) as in Epstein (2002); the revolt raises intensity."""
        w, s = self.ctx.world, self.spec
        people = self.ctx.population.occupancy[self.areas].sum(axis=1)
        share = revolt_share(self.legitimacy, arrest, s.backlash_threshold)
        active = self.revolt.on(self.ctx.day).binomial(people, share)
        w.intensity[self.areas] = np.minimum(
            1.0, w.intensity[self.areas] + s.backlash * active / np.maximum(people, 1))
        if active.sum() > 0 and self.in_revolt == 0:
            self.log("intervention_backlash", s.target,
                     {"areas": [w.ids[i] for i in self.areas[active > 0]], "in_revolt": int(active.sum()),
                      "legitimacy": round(self.legitimacy, 4), "arrest_probability": round(arrest, 4)})
        self.in_revolt = int(active.sum())

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
        status = self._status() + (f"; {self.mandate.describe()}" if self.mandate else "")
        return (f"intervention in {self.spec.target} ({self.bloc.decision_rule})", status)

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
            if s.outcome == "emergent":
                outcome = (f"force {self.committed:g} against strength {self.opponents.strength():.3g} "
                           f"of {', '.join(self.opponents.names())}; legitimacy {self.legitimacy:.2f}; "
                           f"{self.in_revolt:,} in revolt; "
                           + ("prevailing" if self.success else "not prevailing"))
            return (f"operating since day {self.start_day} until day {self.end_day} "
                    f"({areas or 'no area'}; {outcome})")
        outcome = "succeeded" if self.success else "failed, fighting relapsed"
        return f"over on day {self.end_day}: {outcome}"


def revolt_share(legitimacy: float, arrest: float, threshold: float) -> float:
    """Share of people who revolt under Epstein's rule, G - R x P > T with G = H x (1 - L) and
    H, R independent and uniform on (0, 1): the integral over R of P(H > (T + R x P) / (1 - L))."""
    grievance = 1.0 - legitimacy
    if grievance <= threshold:
        return 0.0
    if arrest <= 0:
        return 1.0 - threshold / grievance
    upper = min(1.0, (grievance - threshold) / arrest)  # risk aversion above this never revolts
    return upper * (1.0 - threshold / grievance) - arrest * upper**2 / (2.0 * grievance)
