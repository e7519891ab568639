"""A state's own decisions: its border stance under refugee pressure, and resettlement pledges.

Claims (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Migration Policies Among Military Allies", "Legal Implications of Military Alliances on
Migrants"): host states tighten their borders as the number of refugees they host grows, relax
them when allies relieve the pressure (relocation, aid), recognise only part of asylum claims,
and third countries resettle refugees over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.borders import CLOSED, MANAGED, OPEN, POLICY_NAMES
from sim.cohorts import Status
from sim.decision_spec import StatePolicy
from sim.movement import FlowKind
from sim.transfers import hosted, reception_location, transfer

if TYPE_CHECKING:
    from sim.agents import State


class StateDecisions:
    """Reviews the border every ``review_days`` and delivers resettlement pledges daily."""

    def __init__(self, state: State, policy: StatePolicy):
        self.state = state
        self.policy = policy
        self.model = state.model
        self.delivered = [0] * len(policy.resettlement)

    def step(self, day: int) -> None:
        if self.policy.tolerance is not None and day % self.policy.review_days == 0:
            self._review_border()
        for k, pledge in enumerate(self.policy.resettlement):
            left = pledge.people - self.delivered[k]
            if day < pledge.start_day or left <= 0:
                continue
            m = self.model
            to = reception_location(m, self.state.index, pledge.reception)
            n = transfer(m, m.world.state_index[pledge.from_], to, min(pledge.per_day, left),
                         FlowKind.RESETTLEMENT, Status.RESETTLED)
            self.delivered[k] += n
            if n:
                self.state.log("resettlement", pledge.from_,
                               {"people": n, "delivered": self.delivered[k], "pledged": pledge.people})

    def pressure(self) -> float:
        """Refugees hosted per resident."""
        return hosted(self.model, self.state.index) / max(self.model.state_population[self.state.index], 1)

    def tolerance(self) -> float:
        """Tolerance raised by the aid reaching the places where it hosts refugees."""
        m, w = self.model, self.model.world
        p = m.people
        sel = (w.state_of[p.loc] == self.state.index) & (p.status == Status.REFUGEE)
        people = p.count[sel].sum()
        aid = float((w.aid[p.loc[sel]] * p.count[sel]).sum() / people) if people else 0.0
        return self.policy.tolerance * (1.0 + self.policy.aid_relief * aid)

    def _review_border(self) -> None:
        borders = self.model.borders
        gates = [k for k in borders.state_gates(self.state.code, None)
                 if borders.controller_of(k) in (None, self.state.code)]
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
            borders.set_policy(key, name, capacity, controller=self.state.code)
        self.state.log("border_policy", f"{self.state.code}<-*",
                       {"policy": name, "capacity": capacity, "pressure": round(pressure, 5),
                        "tolerance": round(tolerance, 5)})


