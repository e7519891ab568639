"""Mandates and sovereignty: what an intervention needs besides the alliance's own decision.

Claim (001_1ef7c932b405eb7f.txt, "International Law and Sovereignty", "The Responsibility to
Protect Doctrine"): the United Nations retains the authority to mandate interventions but must
navigate state consent; under the Responsibility to Protect, sovereignty is a responsibility:
when a state fails to protect its population, the international community may intervene.

Two requirements, each met by one path, both logged: the authority to act (the alliance's own
decision, the wider body's mandate, or R2P when it may override a veto) and the target's consent
(given, not asked, or set aside under R2P). A veto holder in the body blocks the mandate for as
long as it opposes it, however many members are in favour.
"""

from __future__ import annotations

import numpy as np

from sim.core.context import Context
from sim.decisions.deliberation import Deliberation
from sim.scenario.decisions import MandateSpec


class Mandate:
    """The wider body's vote and the target government's consent for one intervention, sought
    from the day the intervention is triggered."""

    def __init__(self, spec: MandateSpec, alliance: str, target: int, day: int, ctx: Context):
        w = ctx.world
        self.spec, self.alliance, self.target, self.ctx = spec, alliance, target, ctx
        self.target_code = w.state_ids[target]
        # Vote and consent draw from streams of their own: a bigger body never shifts the consent
        # draws, and neither shifts the alliance's deliberation.
        self.votes = ctx.streams.stream(f"alliance:{alliance}:intervention:mandate:vote")
        self.consents = ctx.streams.stream(f"alliance:{alliance}:intervention:mandate:consent")
        self.body = np.array([w.state_index[s] for s in spec.body or []], dtype=np.int64)
        holders = [w.members[v] if v in w.members else [w.state_index[v]] for v in spec.vetoes]
        self.veto = np.isin(self.body, np.concatenate([[], *holders]).astype(np.int64))
        self.vote = (Deliberation(np.where(self.veto, spec.veto_willingness, spec.willingness),
                                  spec.required_share, day) if len(self.body) else None)
        self.authority = None if self.vote else "alliance"  # then mandate, or r2p
        self.consent = None if spec.consent is not None else "not asked"  # then given, or r2p
        self.vetoed = False  # a veto is blocking a resolution that has the votes
        self.failing = False  # the target has failed to protect its people (R2P)
        self.started = day
        self.authorised_day = -1

    def step(self, day: int) -> bool:
        """One day of seeking the mandate and consent; True once both are there."""
        if self.authorised_day >= 0:
            return True
        self._check_protection()
        if self.authority is None:
            self._vote(day)
        if self.consent is None and self.consents.on(day).random() < self.spec.consent:
            self.consent = "given"
            self.ctx.decision("consent_given", self.target_code, self.alliance,
                              {"days_asked": day - self.started})
        if self.authority is not None and self.consent is not None:
            self.authorised_day = day
            return True
        return False

    def paths(self) -> dict[str, str]:
        """How the intervention was authorised (for the decision's log entry); 'bypassed' when it
        went ahead without it (collective defence, a scripted decision)."""
        return {"authority": self.authority or "bypassed", "consent": self.consent or "bypassed"}

    def _vote(self, day: int) -> None:
        spec, vote = self.spec, self.vote
        has_votes = vote.deliberate(self.votes.on(day))
        blockers = self._blockers()
        if has_votes and not len(blockers):
            self.authority = "mandate"
            yes, members = vote.votes()
            self.ctx.decision("mandate_granted", self.alliance, self.target_code,
                              {"in_favour": yes, "body": members, "days": day - vote.started})
        elif has_votes and not self.vetoed:
            self.vetoed = True
            self.ctx.decision("mandate_vetoed", self.alliance, self.target_code,
                              {"vetoed_by": [self.ctx.world.state_ids[b] for b in blockers],
                               "in_favour": vote.votes()[0], "body": len(self.body)})
        if self.authority is None and self.failing and spec.r2p_overrides_veto:
            self.authority = "r2p"

    def _blockers(self) -> np.ndarray:
        """The veto holders in the body not (yet) in favour."""
        return self.body[self.veto & ~self.vote.support]

    def _check_protection(self) -> None:
        """Failure to protect, once established, sets consent aside (and the mandate, if the
        scenario lets R2P override it)."""
        if self.failing:
            return
        spec, pop = self.spec, self.ctx.population
        displaced = pop.displaced_from(self.target)
        deaths = int(pop.died[self.target])
        population = int(self.ctx.world.state_population[self.target])
        share = displaced / population if population else 0.0
        self.failing = ((spec.r2p_displaced_share is not None and share >= spec.r2p_displaced_share)
                        or (spec.r2p_deaths is not None and deaths >= spec.r2p_deaths))
        if not self.failing:
            return
        sets_aside = [need for need, pending in (
            ("consent", self.consent is None),
            ("mandate", self.authority is None and spec.r2p_overrides_veto)) if pending]
        if self.consent is None:
            self.consent = "r2p"
        self.ctx.decision("r2p_invoked", self.alliance, self.target_code,
                          {"displaced_share": round(share, 6), "deaths": deaths, "sets_aside": sets_aside})

    def describe(self) -> str:
        """Where the mandate and the consent stand, in words."""
        if self.authority == "alliance":
            authority = "no wider mandate needed"
        elif self.authority == "mandate":
            authority = "mandate granted"
        elif self.authority == "r2p":
            authority = "acting without mandate under R2P"
        else:
            yes, members = self.vote.votes()
            blockers = [self.ctx.world.state_ids[b] for b in self._blockers()]
            authority = f"mandate: {yes} of {members} in the body in favour" + (
                f", blocked by the veto of {', '.join(blockers)}" if self.vetoed and blockers else "")
        consent = {"given": f"{self.target_code} consents", "not asked": "consent not asked",
                   "r2p": f"{self.target_code}'s consent set aside under R2P (failure to protect)",
                   None: f"awaiting {self.target_code}'s consent"}[self.consent]
        return f"{authority}; {consent}"
