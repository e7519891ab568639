"""Joint border security: members manage or close the alliance's external border together.

Claim (000_feb0467f0db10932.txt, "Security and Humanitarian Efforts in Migration",
"Regional Military Alliances and Migration Issues"): alliances coordinate border control,
which lowers irregular arrivals but leaves people stranded or diverted at the external border.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.cohorts import Status
from sim.decision_spec import BorderSecuritySpec
from sim.instrument import Instrument

if TYPE_CHECKING:
    from sim.agents import Alliance


class BorderSecurity(Instrument[BorderSecuritySpec]):
    """Once members host enough refugees, every member's entry from non-members is restricted."""

    def __init__(self, alliance: Alliance, spec: BorderSecuritySpec):
        super().__init__(alliance, spec)
        self.active = False

    def step(self, day: int) -> None:
        if self.active or day < self.spec.start_day:
            return
        m = self.model
        cube = m.recorder.cube
        members = self.alliance.members
        if int(cube[:, members, Status.REFUGEE].sum()) < self.spec.trigger_refugees:
            return
        self.active = True
        ids = m.world.state_ids
        outsiders = [s for i, s in enumerate(ids) if i not in set(members.tolist())]
        for member in members:
            for other in outsiders:
                m.borders.set_policy(("state", ids[member], other), self.spec.policy, self.spec.capacity,
                                     controller=self.alliance.code)
        self.alliance.log("border_policy", ",".join(ids[s] for s in members),
                          {"policy": self.spec.policy, "capacity": self.spec.capacity,
                           "towards": outsiders})
