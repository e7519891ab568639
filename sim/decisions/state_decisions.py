"""A state's own decisions under domestic pressure: its border stance, asylum recognition,
relocation acceptance, and the resettlement pledges it delivers.

Claims (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Migration Policies Among Military Allies", "Legal Implications of Military Alliances on
Migrants"): host states tighten their borders as the number of refugees they host grows, relax
them when allies relieve the pressure (relocation, aid), recognise only part of asylum claims,
and third countries resettle refugees over time; members delivered only part of what they
pledged. One pressure (refugees hosted per resident, weighing more the longer it lasts, against
a tolerance that aid and allies' relief raise) drives all of these.
"""

from __future__ import annotations

from typing import Any

from sim.core.borders import CLOSED, MANAGED, OPEN, POLICY_NAMES
from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.transfers import reception_location, transfer
from sim.scenario.decisions import StatePolicy


class StateDecisions:
    """Reviews the border every ``review_days`` and delivers resettlement pledges daily."""

    def __init__(self, index: int, code: str, policy: StatePolicy, ctx: Context):
        self.index = index
        self.code = code
        self.policy = policy
        self.ctx = ctx
        self.delivered = [0] * len(policy.resettlement)
        self.withheld = [0] * len(policy.resettlement)  # places forfeited under pressure
        w = ctx.world
        self.reception = [reception_location(w, index, pledge.reception) for pledge in policy.resettlement]
        self.base_recognition = w.recognition[index].copy()
        self.base_fulfilment = float(w.state_fulfilment[index])
        self.strained_since: int | None = None  # review day its pressure first reached tolerance
        self.strain = 0.0
        self.factors = {"recognition": 1.0, "relocation": 1.0, "pledges": 1.0}

    def step(self, day: int) -> None:
        if self.policy.tolerance is not None and day % self.policy.review_days == 0:
            self._note_time(day)
            self._review_border()
            self._review_policies()
        for k, pledge in enumerate(self.policy.resettlement):
            left = pledge.people - self.delivered[k] - self.withheld[k]
            if day < pledge.start_day or left <= 0:
                continue
            due = min(pledge.per_day, left)
            give = int(due * self.factors["pledges"])
            if give < due:
                self.withheld[k] += due - give
                self.log("pledge_shortfall", pledge.from_,
                         {"people": due - give, "withheld": self.withheld[k],
                          "delivered": self.delivered[k], "pledged": pledge.people,
                          "fulfilment": self.factors["pledges"]})
            if give <= 0:
                continue
            n = transfer(self.ctx, self.ctx.world.state_index[pledge.from_], self.reception[k], give,
                         FlowKind.RESETTLEMENT, Status.RESETTLED)
            self.delivered[k] += n
            if n:
                self.log("resettlement", pledge.from_,
                               {"people": n, "delivered": self.delivered[k], "pledged": pledge.people})

    def pressure(self) -> float:
        """Refugees hosted per resident, weighing more the longer pressure has lasted."""
        pressure = self.ctx.population.hosted_per_resident(self.index)
        fatigue = self.policy.fatigue_days
        if fatigue is None or self.strained_since is None:
            return pressure
        return pressure * (1.0 + (self.ctx.day - self.strained_since) / fatigue)

    def tolerance(self) -> float:
        """Tolerance raised by the aid reaching the places where it hosts refugees and by the
        share of its refugees allies took off its hands."""
        w = self.ctx.world
        p = self.ctx.population.people
        sel = (w.state_of[p.loc] == self.index) & (p.status == Status.REFUGEE)
        people = p.count[sel].sum()
        aid = float((w.aid[p.loc[sel]] * p.count[sel]).sum() / people) if people else 0.0
        relieved = int(w.relieved[self.index])
        relief = relieved / (relieved + people) if relieved else 0.0
        return self.policy.tolerance * (1.0 + self.policy.aid_relief * aid
                                        + self.policy.solidarity_relief * relief)

    def _note_time(self, day: int) -> None:
        """Pressure begins when refugees per resident reach the tolerance and ends when they fall
        below relax_factor x tolerance."""
        hosted, tolerance = self.ctx.population.hosted_per_resident(self.index), self.tolerance()
        if hosted >= tolerance and self.strained_since is None:
            self.strained_since = day
        elif hosted < self.policy.relax_factor * tolerance:
            self.strained_since = None

    def _review_policies(self) -> None:
        """Strain: 0 at the tolerance, 1 at close_factor x tolerance (where the border closes);
        recognition, relocation acceptance and pledge deliveries fall with it by their cuts."""
        p = self.policy
        self.strain = min(1.0, max(0.0, (self.pressure() / self.tolerance() - 1.0) / (p.close_factor - 1.0)))
        factors = {"recognition": round(1.0 - p.recognition_cut * self.strain, 3),
                   "relocation": round(1.0 - p.acceptance_cut * self.strain, 3),
                   "pledges": round(1.0 - p.pledge_cut * self.strain, 3)}
        if factors == self.factors:
            return
        w = self.ctx.world
        w.recognition[self.index] = self.base_recognition * factors["recognition"]
        w.recognition[self.index, self.index] = 1.0
        w.state_fulfilment[self.index] = self.base_fulfilment * factors["relocation"]
        self.factors = factors
        self.log("policy_adjustment", self.code, {"strain": round(self.strain, 4), **factors})

    def _review_border(self) -> None:
        borders = self.ctx.borders
        gates = [k for k in borders.state_gates(self.code, None)
                 if borders.controller_of(k) in (None, self.code)]
        if not gates:
            return
        current = max(borders.policy[borders.gate_of[k]] for k in gates)
        pressure, tolerance = self.pressure(), self.tolerance()
        if pressure >= self.policy.close_factor * tolerance:
            target = CLOSED
        elif pressure >= tolerance:
            target = max(current, MANAGED)
        elif pressure < self.policy.relax_factor * tolerance:
            target = max(OPEN, current - 1)
        else:
            target = current
        if target == current:
            return
        name = POLICY_NAMES[target]
        capacity = self.policy.managed_capacity if target == MANAGED else None
        for key in gates:
            borders.set_policy(key, name, capacity, controller=self.code)
        self.log("border_policy", f"{self.code}<-*",
                       {"policy": name, "capacity": capacity, "pressure": round(pressure, 5),
                        "tolerance": round(tolerance, 5)})

    def log(self, kind: str, target: str, detail: dict[str, Any]) -> None:
        self.ctx.decision(kind, self.code, target, detail)

    def entry_policy(self) -> str:
        """'managed', 'closed (by FRN)', 'managed (scripted)': the strictest policy at its
        gates and who set it."""
        borders = self.ctx.borders
        who = borders.restricted_by(self.code)
        text = ", ".join("scripted" if w == "scenario" else f"by {w}" for w in who)
        policy = borders.entry_policy(self.code)
        return f"{policy} ({text})" if text else policy

    def describe(self) -> list[tuple[str, str]]:
        """(what, status) of each decision the state takes by itself."""
        rows = []
        if self.policy.tolerance is not None:
            rows.append(("border stance", f"{self.entry_policy()}: {self.pressure():.4f} refugees per "
                         f"resident, tolerance {self.tolerance():.4f}"))
        p = self.policy
        if p.recognition_cut or p.acceptance_cut or p.pledge_cut:
            f = self.factors
            since = ("" if self.strained_since is None
                     else f"; under pressure since day {self.strained_since}")
            rows.append(("policies under pressure",
                         f"strain {self.strain:.2f}{since}: recognition x{f['recognition']:g}, "
                         f"relocation acceptance x{f['relocation']:g}, pledge deliveries x{f['pledges']:g}"))
        for pledge, delivered, withheld in zip(p.resettlement, self.delivered, self.withheld, strict=True):
            rows.append((f"resettlement from {pledge.from_}",
                         f"{delivered:,} of {pledge.people:,} delivered"
                         + (f", {withheld:,} withheld" if withheld else "")))
        return rows
