"""Border gates: who may cross from one state into another today, and how many.

A gate is either a state's entry policy towards one neighbour (``("state", to, from)``), the
entry policy of one location (``("location", i)``), which overrides the state's for crossings
into that location, or an irregular route's own daily capacity (``("route", edge)``), which
replaces both on that route: smugglers and boats do not pass a border post. Policies: open,
managed (a daily capacity shared by everyone crossing that gate) or closed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.routes import Paths
from sim.core.world import World
from sim.scenario import Scenario

OPEN, MANAGED, CLOSED = 0, 1, 2
POLICY_CODES = {"open": OPEN, "managed": MANAGED, "closed": CLOSED}
POLICY_NAMES = {v: k for k, v in POLICY_CODES.items()}

GateKey = tuple[Any, ...]


class Borders:
    """Gate policies, the gate each border-crossing hop of each candidate path passes, capacities."""

    def __init__(self, world: World, scenario: Scenario, paths: Paths):
        self.world = world
        self.paths = paths
        self.keys: list[GateKey] = []
        self.gate_of: dict[GateKey, int] = {}
        self.policy: list[int] = []
        self.capacity: list[int] = []
        # Who set each policy: None (the scenario's initial policy), "scenario", a state or an alliance.
        self.controller: list[str | None] = []
        self._by_state: dict[str, list[int]] | None = None  # gates_of, per state
        spec = {s.id: s for s in scenario.world.states}
        for to_state in world.state_ids:
            for from_state in world.state_ids:
                if to_state != from_state:
                    b = spec[to_state].borders.get(from_state, spec[to_state].border)
                    self._add(("state", to_state, from_state), b.policy, b.capacity)
        for e, route in enumerate(scenario.world.routes):
            if route.irregular:
                self._add(("route", e), "open" if route.capacity is None else "managed", route.capacity)
        self.remaining = np.zeros(0, dtype=np.int64)
        self._dirty = True

    def _add(self, key: GateKey, policy: str, capacity: int | None) -> int:
        self._by_state = None
        self.gate_of[key] = len(self.keys)
        self.keys.append(key)
        self.policy.append(POLICY_CODES[policy])
        self.capacity.append(capacity or 0)
        self.controller.append(None)
        return self.gate_of[key]

    # -- policy changes (events and state decisions) ------------------------------------------

    def state_gates(self, state: str | None, from_state: str | None) -> list[GateKey]:
        """The gates of ``state`` towards ``from_state`` (or towards every other state)."""
        others = [from_state] if from_state else [s for s in self.world.state_ids if s != state]
        return [("state", state, other) for other in others]

    def location_gate(self, loc: int) -> GateKey:
        """The entry gate of one location, created open (deferring to its state) if new."""
        key = ("location", loc)
        if key not in self.gate_of:
            self._add(key, "open", None)
        return key

    def set_policy(self, key: GateKey, policy: str, capacity: int | None,
                   controller: str | None = None) -> dict[GateKey, Any]:
        """Set a gate's policy; returns what it was, so a temporary change can be undone.

        ``controller`` records who set it: a state's own border review leaves alone the gates a
        scenario event or an alliance controls.
        """
        g = self.gate_of[key]
        previous = {key: (POLICY_NAMES[self.policy[g]], self.capacity[g] or None, self.controller[g])}
        self.policy[g] = POLICY_CODES[policy]
        self.capacity[g] = capacity or 0
        self.controller[g] = controller
        self._dirty = True
        return previous

    def restore(self, previous: dict[GateKey, Any], setter: str = "scenario") -> dict[GateKey, Any]:
        """Undo a temporary policy ``setter`` made: gates it still controls get their ``previous``
        policy back; a gate a state or an alliance has taken over since keeps theirs. Returns the
        gates restored, with the policies they got back."""
        restored = {key: was for key, was in previous.items() if self.controller_of(key) == setter}
        for key, (policy, capacity, controller) in restored.items():
            self.set_policy(key, policy, capacity, controller)
        return restored

    def controller_of(self, key: GateKey) -> str | None:
        return self.controller[self.gate_of[key]]

    def gates_of(self, state: str) -> list[int]:
        """The gates a state controls: towards each neighbour, and at its own locations."""
        if self._by_state is None:  # (re)built after a new gate
            w = self.world
            self._by_state = {s: [] for s in w.state_ids}
            for key, g in self.gate_of.items():
                if key[0] == "route":  # an irregular route's capacity is nobody's border policy
                    continue
                self._by_state[key[1] if key[0] == "state" else w.state_ids[w.state_of[key[1]]]].append(g)
        return self._by_state.get(state, [])

    def entry_policy(self, state: str) -> str:
        """The most restrictive policy a state applies at any of its gates."""
        return POLICY_NAMES[max((self.policy[g] for g in self.gates_of(state)), default=OPEN)]

    def restricted_by(self, state: str) -> list[str]:
        """Who set a state's managed or closed gates: states, alliances or 'scenario' (scripted);
        the scenario's starting policies count as nobody's."""
        return sorted({self.controller[g] for g in self.gates_of(state)
                       if self.policy[g] != OPEN and self.controller[g] is not None})

    # -- what movement reads --------------------------------------------------------------------

    def start_day(self) -> None:
        """Refill every managed gate's daily capacity."""
        self.remaining = np.array(self.capacity, dtype=np.int64)

    def hop_gates(self) -> np.ndarray:
        """[P, A] gate index of each border-crossing hop (-1 where the hop crosses no border)."""
        if self._dirty:
            self._resolve()
        return self._hop_gate

    def path_closed(self) -> np.ndarray:
        """[P] the path crosses a closed gate."""
        if self._dirty:
            self._resolve()
        return self._path_closed

    def _gate_for(self, u: int, v: int) -> int:
        """The gate met going from location u into location v of another state (or on an
        irregular route).

        An irregular route's gate is the only one on it; otherwise a location's own gate, when
        managed or closed, takes precedence over its state's gate.
        """
        route = self.gate_of.get(("route", self.world.edge_of.get(frozenset((u, v)))))
        if route is not None:
            return route
        g = self.gate_of.get(("location", v))
        if g is None or self.policy[g] == OPEN:
            w = self.world
            g = self.gate_of[("state", w.state_ids[w.state_of[v]], w.state_ids[w.state_of[u]])]
        return g

    def crossing_policy(self, u: int, v: int) -> str:
        """Policy met on the road from location u into location v ('open' within a state)."""
        edge = self.world.edge_of.get(frozenset((u, v)))
        irregular = edge is not None and self.world.edge_irregular[edge]
        if self.world.state_of[u] == self.world.state_of[v] and not irregular:
            return "open"
        return POLICY_NAMES[self.policy[self._gate_for(u, v)]]

    def policy_codes(self) -> np.ndarray:
        """[G+1] each gate's policy code, and a last entry OPEN that hop gate -1 (no border) reads."""
        return np.array([*self.policy, OPEN], dtype=np.int8)

    def _resolve(self) -> None:
        p = self.paths
        hop_gate = np.full(p.edges.shape, -1, dtype=np.int64)
        irregular = self.world.edge_irregular[np.maximum(p.edges, 0)] & (p.edges >= 0)
        rows, hops = np.nonzero(p.crosses | irregular)
        for r, k in zip(rows.tolist(), hops.tolist(), strict=True):
            hop_gate[r, k] = self._gate_for(int(p.nodes[r, k]), int(p.nodes[r, k + 1]))
        self._hop_gate = hop_gate
        self._path_closed = (self.policy_codes()[hop_gate] == CLOSED).any(axis=1)
        self._dirty = False
