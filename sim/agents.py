"""The Mesa agents: states, alliances, conflict parties, locations and the civilian population
at each location.

Agents carry identity and, through the decision layer (sim/decisions/), choices; the numbers
they expose are read from the world's arrays and the cohort tables, so the daily rules stay
vectorised while the dashboard and analysts can still ask an agent about itself.
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

import mesa
import numpy as np
from mesa.discrete_space import Cell, FixedAgent

from sim.core.borders import Borders
from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.population import Population
from sim.core.world import Kind, World
from sim.decisions.after_arrival import AfterArrival, IntegrationProgramme
from sim.decisions.aid import AidProgramme
from sim.decisions.border_security import BorderSecurity
from sim.decisions.burden_sharing import BurdenSharing
from sim.decisions.conflict_dynamics import ConflictDynamics
from sim.decisions.deterrence import Defender
from sim.decisions.evacuation import Evacuation
from sim.decisions.free_movement import FreeMovement
from sim.decisions.instrument import Bloc, Instrument
from sim.decisions.intervention import Intervention
from sim.decisions.protection import Protection
from sim.decisions.rivalry import Rivalry
from sim.decisions.state_decisions import StateDecisions
from sim.scenario import Scenario
from sim.scenario.decisions import AllianceSpec
from sim.scenario.schema import StateSpec


class Host(Protocol):
    """What agents read of the model that holds them (sim/model.py's DisplacementModel)."""

    spec: Scenario
    world: World
    population: Population
    borders: Borders
    context: Context
    conflict: ConflictDynamics

    @property
    def day(self) -> int: ...


class State(mesa.Agent):
    """A sovereign state: controls entry at its borders, decides on asylum and resettlement."""

    model: Host

    def __init__(self, model: Host, index: int, spec: StateSpec):
        super().__init__(model)
        self.index = index
        self.code = spec.id
        self.name = spec.name or spec.id
        self.decisions = StateDecisions(index, spec.id, spec.policy,
                                        model.context.for_mechanism(f"state:{spec.id}"))
        self.after_arrival = AfterArrival(index, spec.policy,
                                          model.context.for_mechanism(f"state:{spec.id}:after_arrival"),
                                          model.spec.parameters.movement.max_move_speed)

    def decide(self) -> None:
        """Today's decisions: border review, resettlement deliveries; integration, secondary
        movement and deportation of the people it received."""
        self.decisions.step(self.model.day)
        self.after_arrival.step(self.model.day)

    @property
    def entry_policy(self) -> str:
        """The most restrictive entry policy it applies today (open, managed or closed)."""
        return self.model.borders.entry_policy(self.code)

    @property
    def refugees_hosted(self) -> int:
        occupancy = self.model.population.occupancy
        return int(occupancy[self.model.world.state_of == self.index, Status.REFUGEE].sum())


class Alliance(mesa.Agent):
    """An alliance of states: deliberates by its decision rule and uses its instruments."""

    model: Host

    def __init__(self, model: Host, spec: AllianceSpec):
        super().__init__(model)
        self.spec = spec
        self.code = spec.id
        self.name = spec.name or spec.id
        index = model.world.state_index
        self.bloc = Bloc(code=spec.id,
                         members=np.array([index[m] for m in spec.members], dtype=np.int64),
                         willingness=np.array([spec.willingness.get(m, spec.default_willingness)
                                               for m in spec.members]),
                         decision_rule=spec.decision_rule, required_share=spec.required_share())
        intervention = spec.intervention and partial(
            Intervention, opponents=model.conflict.opponents(spec.intervention.target, set(spec.members)))
        builders = (("intervention", intervention), ("burden_sharing", BurdenSharing),
                    ("border_security", BorderSecurity), ("aid", AidProgramme),
                    ("evacuation", Evacuation), ("free_movement", FreeMovement),
                    ("integration", IntegrationProgramme), ("protection", Protection),
                    ("rivalry", Rivalry))
        self.instruments: list[Instrument] = [
            cls(self.bloc, getattr(spec, name), model.context.for_mechanism(f"alliance:{spec.id}:{name}"))
            for name, cls in builders if getattr(spec, name) is not None]
        self.intervention = next((i for i in self.instruments if isinstance(i, Intervention)), None)
        self.rivalry = next((i for i in self.instruments if isinstance(i, Rivalry)), None)

    @property
    def members(self) -> np.ndarray:
        return self.bloc.members

    def decide(self) -> None:
        """Today's decisions, instrument by instrument."""
        for instrument in self.instruments:
            instrument.step(self.model.day)

    def defender(self) -> Defender | None:
        """Its collective-defence commitment, if it has one."""
        defence = self.spec.collective_defence
        return Defender(self.members, defence.deterrence, self.respond_to_attack) if defence else None

    def respond_to_attack(self, member: str, day: int) -> None:
        """Collective defence: an attack on a member starts the response without deliberation."""
        defence = self.spec.collective_defence
        if defence and defence.respond and self.intervention and self.intervention.spec.target == member:
            self.intervention.respond_now(day)


class ConflictParty(mesa.Agent):
    """A government (a state id) or an armed group in one named conflict, with a strength that
    entrenchment, fighting, interventions and prisoner exchanges change
    (sim/decisions/conflict_dynamics.py holds the strengths as one array)."""

    model: Host

    def __init__(self, model: Host, row: int):
        super().__init__(model)
        self.row = row
        self.conflict_id, self.code = model.conflict.parties[row]
        self.is_government = self.code in model.world.state_index

    @property
    def strength(self) -> float:
        return float(self.model.conflict.strength[self.row])

    def describe(self) -> tuple[str, str]:
        kind = "government" if self.is_government else "armed group"
        return f"{kind} in {self.conflict_id}", self.model.conflict.describe(self.row)


class Location(FixedAgent):
    """A town, camp, crossing or hub: a node of the road network."""

    model: Host

    def __init__(self, model: Host, index: int, cell: Cell):
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
    """Everyone staying at one location; the counts live in the population's cohort tables."""

    model: Host

    def __init__(self, model: Host, location: Location):
        super().__init__(model)
        self.location = location
        self.cell = location.cell

    def counts(self) -> dict[str, int]:
        """People here by status at the end of the last day."""
        row = self.model.population.occupancy[self.location.index]
        return {s.label: int(row[s]) for s in Status}

    @property
    def present(self) -> int:
        return int(np.sum(self.model.population.occupancy[self.location.index]))
