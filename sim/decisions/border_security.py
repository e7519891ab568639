"""Joint border security: members manage or close the alliance's external border together.

Claim (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Regional Military Alliances and Migration Issues"): alliances coordinate border control,
which lowers irregular arrivals but leaves people stranded or diverted at the external border;
joint operations against illegal crossings (patrols, a cap on the irregular routes) and
efforts "to ensure the safety and well-being of migrants" (rescue) act on irregular routes.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import BorderSecuritySpec


class BorderSecurity(Instrument[BorderSecuritySpec]):
    """Once members host enough refugees, every member's entry from non-members is restricted,
    and the irregular routes from non-members into members are capped, patrolled and searched."""

    def __init__(self, bloc: Bloc, spec: BorderSecuritySpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        self.active = False

    def step(self, day: int) -> None:
        if self.active or day < self.spec.start_day:
            return
        if self.members_host() < self.spec.trigger_refugees:
            return
        self.active = True
        members, ids = self.bloc.members, self.ctx.world.state_ids
        outsiders = [s for i, s in enumerate(ids) if i not in set(members.tolist())]
        for member in members:
            for other in outsiders:
                self.ctx.borders.set_policy(("state", ids[member], other), self.spec.policy,
                                            self.spec.capacity, controller=self.bloc.code)
        self.log("border_policy", ",".join(ids[s] for s in members),
                          {"policy": self.spec.policy, "capacity": self.spec.capacity,
                           "towards": outsiders})
        self._control_irregular_routes()

    def irregular_routes(self) -> np.ndarray:
        """Irregular routes from a non-member into a member (they run from 'from' to 'to')."""
        w = self.ctx.world
        member = np.isin(w.state_of, self.bloc.members)
        return np.flatnonzero(w.edge_irregular & ~member[w.edge_u] & member[w.edge_v])

    def _control_irregular_routes(self) -> None:
        """Cap, patrol and search the irregular routes into members, if the spec says so."""
        s, w = self.spec, self.ctx.world
        routes = self.irregular_routes()
        acts = s.irregular_capacity is not None or s.interception > 0 or s.search_and_rescue > 0
        if not (acts and len(routes)):
            return
        if s.irregular_capacity is not None:
            for e in routes.tolist():
                self.ctx.borders.set_policy(("route", e), "managed", s.irregular_capacity,
                                            controller=self.bloc.code)
        w.edge_interception[routes] = s.interception
        w.edge_risk[routes] *= 1.0 - s.search_and_rescue
        self.log("irregular_route_control", ",".join(f"{w.ids[w.edge_u[e]]}-{w.ids[w.edge_v[e]]}"
                                                     for e in routes.tolist()),
                 {"capacity": s.irregular_capacity, "interception": s.interception,
                  "search_and_rescue": s.search_and_rescue,
                  "risk": [float(r) for r in w.edge_risk[routes]]})

    def members_host(self) -> int:
        """Refugees in members' territory at the end of yesterday."""
        return int(self.ctx.population.cube[:, self.bloc.members, Status.REFUGEE].sum())

    def describe(self) -> tuple[str, str]:
        s = self.spec
        if self.active:
            quota = f", {s.capacity:,} a day" if s.capacity is not None else ""
            routes = self._route_words()
            return "border security", f"{s.policy} towards non-members{quota}{routes}"
        return "border security", (f"not yet: members host {self.members_host():,} of "
                                   f"{s.trigger_refugees:,} refugees")

    def _route_words(self) -> str:
        """What it does on the irregular routes into members, in words ('' if nothing)."""
        s = self.spec
        parts = [f"capped at {s.irregular_capacity:,} a day" if s.irregular_capacity is not None else "",
                 f"{s.interception:.0%} intercepted" if s.interception else "",
                 f"crossing risk {s.search_and_rescue:.0%} lower by rescue" if s.search_and_rescue else ""]
        parts = [p for p in parts if p]
        n = len(self.irregular_routes())
        return f"; {n} irregular route{'s' if n != 1 else ''}: {', '.join(parts)}" if parts and n else ""
