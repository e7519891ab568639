"""DisplacementModel: one Mesa model, one step per simulated day.

A day runs in a fixed order (docs/architecture.md):
1. scripted events due today; 2. conflict bookkeeping; 3-4. state and alliance decisions;
5. movement (sim/movement.py); 6. returns (part of movement); 7. recording (sim/recorder.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.datacollection import DataCollector
from mesa.discrete_space import Network

from sim.agents import Alliance, CivilianPopulation, Location, State
from sim.borders import Borders
from sim.cohorts import N_STATUS, People, Returning, Status, Travellers
from sim.deterrence import ConflictOnsets
from sim.events import RestoreBorders, ScriptedEvent
from sim.movement import Movement
from sim.negotiations import NegotiationTrack
from sim.recorder import Recorder
from sim.scenario import Scenario
from sim.spawning import make_spawner
from sim.world import World

Scheduled = ScriptedEvent | RestoreBorders


class DisplacementModel(mesa.Model):
    """States, locations and civilian populations responding to conflict and policy events."""

    def __init__(self, spec: Scenario, rng: int | str | None = None):
        seed = spec.seed if rng is None or str(rng).strip() == "" else int(rng)
        super().__init__(rng=seed)
        self.spec = spec
        self.seed = seed
        self.day = -1
        self.world = World(spec)
        w = self.world
        graph = nx.Graph()
        graph.add_nodes_from(range(w.n))
        graph.add_edges_from(zip(w.edge_u.tolist(), w.edge_v.tolist(), strict=True))
        layout = {i: (float(w.lon[i]), float(w.lat[i])) for i in range(w.n)}
        self.grid = Network(graph, random=self.random, layout=layout)
        self.states = [State(self, i, s) for i, s in enumerate(spec.world.states)]
        self.state_population = np.array([
            s.population if s.population is not None else int(w.population0[w.state_of == i].sum())
            for i, s in enumerate(spec.world.states)], dtype=np.int64)
        self.state_economy = np.array([s.economy for s in spec.world.states])
        self.state_fulfilment = np.array([s.policy.relocation_fulfilment for s in spec.world.states])
        self.locations = [Location(self, i, self.grid[i]) for i in range(w.n)]
        self.populations = [CivilianPopulation(self, loc) for loc in self.locations]

        self.people = self._initial_people()
        self.travellers = Travellers.empty()
        self.returning = Returning.empty()
        self.occupancy = np.zeros((w.n, N_STATUS), dtype=np.int64)
        self.movement = Movement(self)
        self.spawner = make_spawner(self)  # data_driven displacement (sim/spawning.py), else None
        self.borders = Borders(w, spec, self.movement.paths)
        self.event_log: list[dict[str, Any]] = []
        self._origin = "agent"
        self.alliances = [Alliance(self, a) for a in spec.world.alliances]
        conflicts = {c.id: c for c in spec.world.conflicts}
        self.negotiations = [NegotiationTrack(self, n, conflicts[n.conflict])
                             for n in spec.world.negotiations]
        self.onsets = ConflictOnsets(self)
        self._due: dict[int, list[Scheduled]] = defaultdict(list)
        for event in spec.events:
            self._due[event.day].append(event)
        self.recorder = Recorder(self)
        self.datacollector = DataCollector(model_reporters={
            "Refugees": lambda m: m.recorder.totals["refugees"],
            "IDPs": lambda m: m.recorder.totals["idps"],
            "Returnees": lambda m: m.recorder.totals["returnees"],
            "In transit": lambda m: m.recorder.totals["in_transit"],
        })
        self.recorder.observe()
        self.datacollector.collect(self)

    def _initial_people(self) -> People:
        w, spec = self.world, self.spec
        loc = np.arange(w.n)
        residents = People(loc=loc, origin=loc, status=np.zeros(w.n, dtype=np.int64),
                           count=w.population0.copy())
        rows = [(i, w.index[s.displaced_from], s.displaced)
                for i, s in enumerate(spec.world.locations) if s.displaced > 0]
        at = np.array([r[0] for r in rows], dtype=np.int64)
        home = np.array([r[1] for r in rows], dtype=np.int64)
        status = np.where(w.state_of[at] == w.state_of[home], Status.IDP, Status.REFUGEE)
        displaced = People(loc=at, origin=home, status=status.astype(np.int64),
                           count=np.array([r[2] for r in rows], dtype=np.int64))
        return People.concat([residents, displaced]).merged()

    # -- time ------------------------------------------------------------------------------------

    @property
    def date(self) -> dt.date:
        """Calendar date of the last simulated day (start_date before the first step)."""
        return self.spec.start_date + dt.timedelta(days=max(self.day, 0))

    def step(self) -> None:
        """Simulate one day."""
        self.day = self.steps - 1
        for item in self._due.pop(self.day, []):
            self.apply(item, origin="scenario")
        self.onsets.step(self.day)
        for track in self.negotiations:
            track.step(self.day)
        self.world.note_conflict(self.day)
        self.agents_by_type[State].shuffle_do("decide")
        if self.alliances:
            self.agents_by_type[Alliance].shuffle_do("decide")
        if self.spawner is not None:
            self.spawner.step(self.day)
        self.movement.step(self.day)
        self.recorder.record(self.day)
        self.datacollector.collect(self)
        if self.day + 1 >= self.spec.days:
            self.running = False

    # -- events ----------------------------------------------------------------------------------

    def apply(self, event: Scheduled, origin: str) -> None:
        """Apply an event now and log it (origin: 'scenario' or 'agent').

        A scripted event that makes an agent act (a forced intervention phase, say) is logged by
        the agent, with this origin.
        """
        self._origin = origin
        try:
            for row in event.apply(self):
                self.event_log.append({"day": self.day, "type": event.type, "origin": origin, **row})
        finally:
            self._origin = "agent"

    def log_decision(self, kind: str, actor: str, target: str, detail: dict[str, Any]) -> None:
        """Record a decision taken by an agent (a state, an alliance or a negotiation track)."""
        self.event_log.append({"day": self.day, "type": kind, "origin": self._origin, "actor": actor,
                               "target": target, "detail": detail})

    def schedule_event_at(self, day: int, event: ScriptedEvent) -> None:
        """Queue an event for the start of ``day`` (ignored if the run ends before)."""
        self._due[day].append(event)

    def schedule_restore(self, day: int, previous: dict) -> None:
        """Undo a temporary border policy at the start of ``day``."""
        self._due[day].append(RestoreBorders(previous))

    def total_people(self) -> int:
        """Everyone in the simulation: conserved exactly from day to day."""
        return self.people.total() + self.travellers.total() + self.returning.total()
