"""DisplacementModel: one Mesa model, one step per simulated day.

A day runs in a fixed order (docs/architecture.md):
1. scripted events due today (sim/effects.py); 2. endogenous conflict onsets; 3. negotiation
tracks, then conflict dynamics (spread, escalation, decay, the parties' strength); 4. conflict
bookkeeping; 5. state decisions; 6. alliance decisions; 7. data-driven
displacement, when the scenario follows observed counts; 8. movement, returns included
(sim/core/movement.py); 9. recording (sim/core/recorder.py), the check that nobody was created
or lost, and the Mesa DataCollector.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.datacollection import DataCollector
from mesa.discrete_space import Network

from sim import effects
from sim.agents import Alliance, CivilianPopulation, ConflictParty, Location, State
from sim.core.borders import Borders
from sim.core.cohorts import People, Status
from sim.core.context import Clock, Context, EventLog
from sim.core.flows import Flows
from sim.core.movement import Movement
from sim.core.population import Population
from sim.core.recorder import Recorder
from sim.core.routes import candidate_paths
from sim.core.spawning import DataDrivenSpawner
from sim.core.streams import Streams
from sim.core.world import World
from sim.decisions.conflict_dynamics import ConflictDynamics
from sim.decisions.deterrence import ConflictOnsets
from sim.decisions.negotiations import NegotiationTrack
from sim.scenario import Scenario


class ConservationError(RuntimeError):
    """People were created or lost: a defect of the model, never of the scenario."""


class DisplacementModel(mesa.Model):
    """States, alliances, locations and civilian populations responding to conflict and policy.

    ``rng`` overrides the scenario's seed (blank or None: the scenario's).
    """

    def __init__(self, spec: Scenario, rng: int | str | None = None):
        if not isinstance(spec, Scenario):  # a path, most likely: sim.run_scenario takes one
            raise TypeError(f"DisplacementModel takes a loaded scenario, not {type(spec).__name__} "
                            f"{spec!r:.80}: DisplacementModel(sim.load_scenario(path))")
        seed = spec.seed if rng is None or str(rng).strip() == "" else int(rng)
        super().__init__(rng=seed)
        self.spec = spec
        self.seed = seed
        self.clock = Clock(spec.start_date)
        self.world = w = World(spec)
        graph = nx.Graph()
        graph.add_nodes_from(range(w.n))
        graph.add_edges_from(zip(w.edge_u.tolist(), w.edge_v.tolist(), strict=True))
        layout = {i: (float(w.lon[i]), float(w.lat[i])) for i in range(w.n)}
        self.grid = Network(graph, random=self.random, layout=layout)
        mv = spec.parameters.movement
        self.paths = candidate_paths(w, mv.awareness, mv.max_walk_speed, mv.start_on_foot)
        self.population = Population(w, self._initial_people())
        self.borders = Borders(w, spec, self.paths)
        self.flows = Flows()
        self.log = EventLog()
        self.streams = Streams(seed)
        self.context = Context(w, self.borders, self.population, self.flows, self.log, self.clock,
                               self.streams.stream("events"))

        self.states = [State(self, i, s) for i, s in enumerate(spec.world.states)]
        self.locations = [Location(self, i, self.grid[i]) for i in range(w.n)]
        self.populations = [CivilianPopulation(self, loc) for loc in self.locations]
        self.spawner = (DataDrivenSpawner(w, self.population, spec, self.streams.stream("spawning"),
                                          self.log)
                        if spec.parameters.displacement.mode == "data_driven" else None)
        self.movement = Movement(w, self.paths, self.borders, spec.parameters, self.population,
                                 self.flows, self.streams.stream("movement"), self.spawner,
                                 keep_homes=bool(spec.world.populations)
                                 or any(e.type == "return" for e in spec.events), days=spec.days)
        conflicts = {c.id: c for c in spec.world.conflicts}
        self.negotiations = [NegotiationTrack(n, conflicts[n.conflict],
                                              self.context.for_mechanism(f"track:{n.conflict}"))
                             for n in spec.world.negotiations]
        self.conflict = ConflictDynamics(spec.world.conflicts, self.negotiations, self.context)
        self.alliances = [Alliance(self, a) for a in spec.world.alliances]
        risk = np.array([s.conflict_risk for s in spec.world.states])
        defenders = {a.code: d for a in self.alliances if (d := a.defender()) is not None}
        self.onsets = ConflictOnsets(risk, spec.parameters.conflict, list(defenders.values()), self.context,
                                     [a.rivalry for a in self.alliances if a.rivalry])
        self.agenda = effects.Agenda(spec.events)
        self.stage = effects.Stage(self.context, self.agenda, self.negotiations,
                                   {a.code: a.intervention for a in self.alliances if a.intervention},
                                   conflicts, self.movement, self.onsets, defenders)
        self.parties = [ConflictParty(self, n) for n in range(len(self.conflict.parties))]
        self.recorder = Recorder(self.context, self.paths)
        self.datacollector = DataCollector(model_reporters={
            "Refugees": lambda m: m.recorder.totals["refugees"],
            "IDPs": lambda m: m.recorder.totals["idps"],
            "Returnees": lambda m: m.recorder.totals["returnees"],
            "In transit": lambda m: m.recorder.totals["in_transit"],
        })
        self.recorder.observe()
        self.datacollector.collect(self)
        self.people_at_start = self.total_people()

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
        abroad = [(w.index[loc], w.index[c.home], n)
                  for c in spec.world.populations for loc, n in c.at.items()]
        classes = People(loc=np.array([a[0] for a in abroad], dtype=np.int64),
                         origin=np.array([a[1] for a in abroad], dtype=np.int64),
                         status=np.full(len(abroad), Status.RESIDENT, dtype=np.int64),
                         count=np.array([a[2] for a in abroad], dtype=np.int64))
        return People.concat([residents, displaced, classes]).merged()

    # -- time ------------------------------------------------------------------------------------

    @property
    def day(self) -> int:
        """The last simulated day (-1 before the first step)."""
        return self.clock.day

    @property
    def date(self) -> dt.date:
        """Calendar date of the last simulated day (start_date before the first step)."""
        return self.clock.date

    def step(self) -> None:
        """Simulate one day."""
        day = self.clock.day = self.steps - 1
        for item in self.agenda.pop(day):
            self.apply(item)
        self.onsets.step(day)
        for track in self.negotiations:
            track.step(day)
        self.conflict.step(day, self.movement.params.conflict)
        self.world.note_conflict(day)
        self.agents_by_type[State].shuffle_do("decide")
        if self.alliances:
            self.agents_by_type[Alliance].shuffle_do("decide")
        if self.spawner is not None:
            self.spawner.step(day, self.movement.params.movement)
        self.movement.step(day)
        self.recorder.record(day)
        self._check_conserved(day)
        self.datacollector.collect(self)
        if day + 1 >= self.spec.days:
            self.running = False

    def _check_conserved(self, day: int) -> None:
        """Stop the run the first day anyone is created or lost, in the model or in the stocks
        it recorded (with the dead): a wrong total must never reach an output table."""
        alive, recorded = self.population.total(), self.recorder.people_recorded()
        if alive + self.deaths != self.people_at_start or recorded != alive:
            raise ConservationError(
                f"day {day}: {alive:,} people alive (the stocks count {recorded:,}) and "
                f"{self.deaths:,} dead, against {self.people_at_start:,} at the start: people were "
                "created or lost")

    def apply(self, item: effects.Due) -> None:
        """Apply a scripted event (or a scheduled end of one) now, and log it as the scenario's.

        A scripted event that makes an agent act (a forced intervention phase, say) is logged by
        the agent, with origin ``scenario``.
        """
        with self.log.scripted():
            rows = effects.apply(item, self.stage)
            for row in rows:
                self.log.add(self.clock.day, item.type, row["actor"], row["target"], row["detail"])

    # -- what is in the run ----------------------------------------------------------------------

    @property
    def event_log(self) -> list[dict[str, Any]]:
        """Every scripted event and agent decision so far, in order (the rows of events.csv)."""
        return self.log.rows

    @property
    def unplaced(self) -> int:
        """People the observed data count as newly displaced whom no location could give
        (data_driven mode; events.csv has an ``unplaced`` row for each day it happened)."""
        return self.spawner.unplaced if self.spawner is not None else 0

    def total_people(self) -> int:
        """Everyone in the simulation, alive or died on the way: conserved exactly from day to day."""
        return self.population.total() + self.deaths

    @property
    def deaths(self) -> int:
        """People who died crossing irregular routes so far."""
        return int(self.population.died.sum())
