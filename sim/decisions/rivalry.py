"""Counter-alliances: a rival's intervention or enlargement answered by raising tension.

Claim (001_1ef7c932b405eb7f.txt, "Impacts of Military Alliances on Global Stability"):
alliances can provoke counter-alliances, leading to an escalation of tensions and instability
in certain regions; ("Challenges Faced During Interventions") an intervention can escalate
tensions rather than alleviate them.

The alliance reads the event log: the day after its rival's operations start
(``intervention_started``) or the rival admits a member (``enlargement``), tension rises in the
states where it has influence for ``duration_days`` (renewed by every new move): their
conflict-onset hazard is multiplied (read by sim/decisions/deterrence.py) and the fighting
already going on there escalates by a step, withdrawn when tension ends unless something else
(a ceasefire, a new onset, an operation) has changed the fighting there meanwhile.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.context import Context
from sim.decisions.instrument import Bloc, Instrument
from sim.scenario.decisions import RivalrySpec

# The rival's moves it can answer, by the event type that records them.
MOVES = {"intervention": "intervention_started", "enlargement": "enlargement"}


class Rivalry(Instrument[RivalrySpec]):
    """One alliance's answer to a rival alliance's moves."""

    def __init__(self, bloc: Bloc, spec: RivalrySpec, ctx: Context):
        super().__init__(bloc, spec, ctx)
        w = ctx.world
        self.influence = np.array([w.state_index[s] for s in spec.influence], dtype=np.int64)
        self.watched = {MOVES[m] for m in spec.reacts_to}
        self.onset_multiplier = np.ones(len(w.state_ids))  # [state], read by the onset process
        self.seen = 0  # event-log rows already read
        self.until = -1  # the day tension ends (-1: no tension)
        self.escalated = np.zeros(0, dtype=np.int64)  # locations whose fighting it escalated
        self.raised = np.zeros(0)  # ... by how much
        self.level = np.zeros(0)  # ... and to what intensity

    def step(self, day: int) -> None:
        moves = self._rival_moves(day)
        if moves:
            self._raise(day, moves[-1])
        elif 0 <= self.until <= day:
            self._ease()

    def _rival_moves(self, day: int) -> list[dict[str, Any]]:
        """The rival's moves logged since the last look, up to yesterday."""
        rows = self.ctx.log.rows
        start = self.seen
        while self.seen < len(rows) and rows[self.seen]["day"] < day:
            self.seen += 1
        return [r for r in rows[start:self.seen]
                if r["type"] in self.watched and r["actor"] == self.spec.rival]

    def _raise(self, day: int, move: dict[str, Any]) -> None:
        w, s = self.ctx.world, self.spec
        escalated: list[str] = []
        if self.until < 0 and s.intensity_step > 0:
            self.escalated = np.flatnonzero(np.isin(w.state_of, self.influence) & (w.intensity > 0))
            before = w.intensity[self.escalated].copy()
            self.level = w.intensity[self.escalated] = np.minimum(1.0, before + s.intensity_step)
            self.raised = self.level - before
            escalated = [w.ids[i] for i in self.escalated]
        self.until = day + s.duration_days
        self.onset_multiplier[self.influence] = s.onset_multiplier
        self.log("tension_raised", ",".join(s.influence),
                 {"answering": move["type"], "rival": s.rival, "move_target": move["target"],
                  "until": self.until, "onset_multiplier": s.onset_multiplier,
                  "escalated": escalated})

    def _ease(self) -> None:
        """Tension ends: the hazard returns to normal, and the escalation is withdrawn where the
        fighting is still at the level it left (nothing else has changed it since)."""
        w = self.ctx.world
        held = w.intensity[self.escalated] == self.level
        places = self.escalated[held]
        w.intensity[places] = np.maximum(0.0, self.level[held] - self.raised[held])
        self.onset_multiplier[:] = 1.0
        self.log("tension_eased", ",".join(self.spec.influence),
                 {"de_escalated": [w.ids[i] for i in places]})
        self.until = -1
        self.escalated, self.raised, self.level = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)

    def describe(self) -> tuple[str, str]:
        s = self.spec
        what = f"counter-alliance to {s.rival} in {', '.join(s.influence)}"
        if self.until < 0:
            answers = " and ".join(f"{m}s" for m in s.reacts_to)
            return what, f"calm; answers {s.rival}'s {answers}"
        n = len(self.escalated)
        fighting = f"fighting escalated at {n} place{'s' * (n != 1)}" if n else "no fighting to escalate"
        return what, f"tension until day {self.until}: onset hazard x{s.onset_multiplier:g}, {fighting}"
