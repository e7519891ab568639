"""The Mesa agents: states, locations and the civilian population at each location.

Agents carry identity and, through the decision layer, choices; the numbers they expose are
read from (and written to) the world's arrays and the cohort table, so the daily rules stay
vectorised while the dashboard and analysts can still ask an agent about itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from mesa.discrete_space import Cell, FixedAgent

from sim.cohorts import Status
from sim.world import Kind

if TYPE_CHECKING:
    from sim.model import DisplacementModel


class State(mesa.Agent):
    """A sovereign state: controls entry at its borders."""

    model: DisplacementModel

    def __init__(self, model: DisplacementModel, index: int, code: str, name: str):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name or code

    @property
    def entry_policy(self) -> str:
        """The most restrictive entry policy it applies today (open, managed or closed)."""
        return self.model.borders.entry_policy(self.code)

    @property
    def refugees_hosted(self) -> int:
        occ = self.model.occupancy
        return int(occ[self.model.world.state_of == self.index, Status.REFUGEE].sum())


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
