"""The Mesa agents: states, locations and the civilian population at each location.

Agents carry identity and, through the decision layer, choices; the numbers they expose are
read from (and written to) the world's arrays and the cohort table, so the daily rules stay
vectorised while the dashboard and analysts can still ask an agent about itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from mesa.discrete_space import Cell, FixedAgent

from sim.aid_programme import AidProgramme
from sim.border_security import BorderSecurity
from sim.burden_sharing import BurdenSharing
from sim.cohorts import Status
from sim.evacuation import Evacuation
from sim.free_movement import FreeMovement
from sim.intervention import Intervention
from sim.state_decisions import StateDecisions
from sim.world import Kind

if TYPE_CHECKING:
    from sim.decision_spec import AllianceSpec
    from sim.model import DisplacementModel
    from sim.scenario import StateSpec


class State(mesa.Agent):
    """A sovereign state: controls entry at its borders, decides on asylum and resettlement."""

    model: DisplacementModel

    def __init__(self, model: DisplacementModel, index: int, spec: StateSpec):
        super().__init__(model)
        self.index = index
        self.code = spec.id
        self.name = spec.name or spec.id
        self.decisions = StateDecisions(self, spec.policy)

    def decide(self) -> None:
        """Today's decisions: border review, resettlement deliveries."""
        self.decisions.step(self.model.day)

    def log(self, kind: str, target: str, detail: dict[str, Any]) -> None:
        self.model.log_decision(kind, self.code, target, detail)

    @property
    def entry_policy(self) -> str:
        """The most restrictive entry policy it applies today (open, managed or closed)."""
        return self.model.borders.entry_policy(self.code)

    @property
    def refugees_hosted(self) -> int:
        occ = self.model.occupancy
        return int(occ[self.model.world.state_of == self.index, Status.REFUGEE].sum())


class Alliance(mesa.Agent):
    """An alliance of states: deliberates by its decision rule and uses its instruments."""

    model: DisplacementModel

    def __init__(self, model: DisplacementModel, spec: AllianceSpec):
        super().__init__(model)
        self.spec = spec
        self.code = spec.id
        self.name = spec.name or spec.id
        index = model.world.state_index
        self.members = np.array([index[m] for m in spec.members], dtype=np.int64)
        self.willingness = np.array([spec.willingness.get(m, spec.default_willingness)
                                     for m in spec.members])
        self.intervention = Intervention(self, spec.intervention) if spec.intervention else None
        builders = ((spec.burden_sharing, BurdenSharing), (spec.border_security, BorderSecurity),
                    (spec.aid, AidProgramme), (spec.evacuation, Evacuation),
                    (spec.free_movement, FreeMovement))
        self.instruments: list[Any] = [cls(self, s) for s, cls in builders if s is not None]
        if self.intervention is not None:
            self.instruments.insert(0, self.intervention)

    def decide(self) -> None:
        """Today's decisions, instrument by instrument."""
        for instrument in self.instruments:
            instrument.step(self.model.day)

    def respond_to_attack(self, member: str, day: int) -> None:
        """Collective defence: an attack on a member starts the response without deliberation."""
        defence = self.spec.collective_defence
        if defence and defence.respond and self.intervention and self.intervention.spec.target == member:
            self.intervention.respond_now(day)

    def log(self, kind: str, target: str, detail: dict[str, Any]) -> None:
        self.model.log_decision(kind, self.code, target, detail)


class Location(FixedAgent):
    """A town, camp, crossing or hub: a node of the road network."""

    model: DisplacementModel

    def __init__(self, model: DisplacementModel, index: int, cell: Cell):
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def location_id(self) -> str:
        return self.model.world.ids[self.index]

    @property
    def name(self) -> str:
        return self.model.world.names[self.index]

    @property
    def kind(self) -> str:
        return Kind(int(self.model.world.kind[self.index])).label

    @property
    def state(self) -> str:
        world = self.model.world
        return world.state_ids[world.state_of[self.index]]

    @property
    def conflict_intensity(self) -> float:
        return float(self.model.world.intensity[self.index])

    @property
    def aid(self) -> float:
        return float(self.model.world.aid[self.index])


class CivilianPopulation(FixedAgent):
    """Everyone staying at one location; the counts live in the model's cohort table."""

    model: DisplacementModel

    def __init__(self, model: DisplacementModel, location: Location):
        super().__init__(model)
        self.location = location
        self.cell = location.cell

    def counts(self) -> dict[str, int]:
        """People here by status at the end of the last day."""
        row = self.model.occupancy[self.location.index]
        return {s.label: int(row[s]) for s in Status}

    @property
    def present(self) -> int:
        return int(np.sum(self.model.occupancy[self.location.index]))
