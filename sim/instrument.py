"""What every alliance instrument shares: its alliance, its part of the scenario, the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.agents import Alliance
    from sim.model import DisplacementModel


class Instrument[S]:
    """Something an alliance does each day (``step``), configured by its scenario block ``S``."""

    def __init__(self, alliance: Alliance, spec: S):
        self.alliance = alliance
        self.spec = spec
        self.model: DisplacementModel = alliance.model
