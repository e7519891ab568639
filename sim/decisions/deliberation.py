"""How an alliance turns its members' support into a decision.

Each day, every member not yet in favour comes to support the action with its own
willingness (a daily probability); support, once given, holds. The decision is taken on the
first day the supporters reach the rule's share: all members (unanimity), more than half
(majority) or a qualified share. The delay therefore emerges from the rule: waiting for the
least willing member takes longer than waiting for most of them. A member's willingness may
change from day to day (sim/decisions/intervention.py: ties to the target, costs borne).
"""

from __future__ import annotations

import numpy as np


class Deliberation:
    """Support for one proposed action among an alliance's members."""

    def __init__(self, willingness: np.ndarray, required_share: float, started: int):
        self.willingness = willingness
        self.required_share = required_share
        self.started = started
        self.support = np.zeros(len(willingness), dtype=bool)

    def deliberate(self, rng: np.random.Generator, willingness: np.ndarray | None = None) -> bool:
        """One day of deliberation, with today's ``willingness`` if it has changed; True once the
        decision is taken."""
        if willingness is not None:
            self.willingness = willingness
        self.support |= rng.random(len(self.willingness)) < self.willingness
        return self.decided

    @property
    def decided(self) -> bool:
        return bool(self.support.mean() >= self.required_share - 1e-12)

    def votes(self) -> tuple[int, int]:
        """(in favour, members)."""
        return int(self.support.sum()), len(self.support)
