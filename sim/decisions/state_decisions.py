"""A state's own decisions: its border stance under refugee pressure, and resettlement pledges.

Claims (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Migration Policies Among Military Allies", "Legal Implications of Military Alliances on
Migrants"): host states tighten their borders as the number of refugees they host grows, relax
them when allies relieve the pressure (relocation, aid), recognise only part of asylum claims,
and third countries resettle refugees over time.
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

    def step(self, day: int) -> None:
        if self.policy.tolerance is not None and day % self.policy.review_days == 0:
            self._review_border()
        for k, pledge in enumerate(self.policy.resettlement):
            left = pledge.people - self.delivered[k]
            if day < pledge.start_day or left <= 0:
                continue
            w = self.ctx.world
            to = reception_location(w, self.index, pledge.reception)
            n = transfer(self.ctx, w.state_index[pledge.from_], to, min(pledge.per_day, left),
                         FlowKind.RESETTLEMENT, Status.RESETTLED)
            self.delivered[k] += n
            if n:
                self.log("resettlement", pledge.from_,
                               {"people": n, "delivered": self.delivered[k], "pledged": pledge.people})

    def pressure(self) -> float:
        """Refugees hosted per resident."""
        ctx = self.ctx
        return ctx.population.hosted(self.index) / max(ctx.world.state_population[self.index], 1)

    def tolerance(self) -> float:
        """Tolerance raised by the aid reaching the places where it hosts refugees."""
        w = self.ctx.world
        p = self.ctx.population.people
        sel = (w.state_of[p.loc] == self.index) & (p.status == Status.REFUGEE)
        people = p.count[sel].sum()
        aid = float((w.aid[p.loc[sel]] * p.count[sel]).sum() / people) if people else 0.0
        return self.policy.tolerance * (1.0 + self.policy.aid_relief * aid)

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
        for pledge, delivered in zip(self.policy.resettlement, self.delivered, strict=True):
            rows.append((f"resettlement from {pledge.from_}",
                         f"{delivered:,} of {pledge.people:,} delivered"))
        return rows
