"""Joint border security: members manage or close the alliance's external border together.

Claim (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Regional Military Alliances and Migration Issues"): alliances coordinate border control,
which lowers irregular arrivals but leaves people stranded or diverted at the external border.
"""

from __future__ import annotations

from sim.core.cohorts import Status
from sim.core.context import Context
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import BorderSecuritySpec


class BorderSecurity(Instrument[BorderSecuritySpec]):
    """Once members host enough refugees, every member's entry from non-members is restricted."""

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

    def members_host(self) -> int:
        """Refugees in members' territory at the end of yesterday."""
        return int(self.ctx.population.cube[:, self.bloc.members, Status.REFUGEE].sum())

    def describe(self) -> tuple[str, str]:
        s = self.spec
        if self.active:
            quota = f", {s.capacity:,} a day" if s.capacity is not None else ""
            return "border security", f"{s.policy} towards non-members{quota}"
        return "border security", (f"not yet: members host {self.members_host():,} of "
                                   f"{s.trigger_refugees:,} refugees")
