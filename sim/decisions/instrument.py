"""What every alliance instrument shares: the alliance as its instruments see it, and the
two things each instrument does: act once a day (``step``) and say where it stands (``describe``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.context import Context


@dataclass(frozen=True)
class Bloc:
    """An alliance as its instruments need it: id, member state indices, each member's daily
    willingness to support an action, and the share of members a decision needs."""

    code: str
    members: np.ndarray
    willingness: np.ndarray
    decision_rule: str
    required_share: float


class Instrument[S](ABC):
    """Something an alliance does each day, configured by its scenario block ``S``."""

    def __init__(self, bloc: Bloc, spec: S, ctx: Context):
        self.bloc = bloc
        self.spec = spec
        self.ctx = ctx

    @abstractmethod
    def step(self, day: int) -> None:
        """Act on day ``day``."""

    @abstractmethod
    def describe(self) -> tuple[str, str]:
        """(what the instrument is, where it stands today), in words for the dashboard."""

    def log(self, kind: str, target: str, detail: dict[str, Any]) -> None:
        """Log a decision of the alliance."""
        self.ctx.decision(kind, self.bloc.code, target, detail)
