"""Programme transfers: people moved by a state or alliance rather than by their own choice.

Relocation between alliance members, resettlement to third countries and humanitarian
evacuation all take a number of displaced people from one state and place them at a
reception location elsewhere. Who is taken is a fair draw (multivariate hypergeometric) over
everyone eligible, so no group is favoured and the total is conserved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.cohorts import People, Status, status_mask
from sim.movement import FlowKind

if TYPE_CHECKING:
    from sim.model import DisplacementModel

ELIGIBLE = (Status.REFUGEE,)


def hosted(model: DisplacementModel, state: int, statuses: tuple[Status, ...] = ELIGIBLE) -> int:
    """People of these statuses staying in a state today."""
    p = model.people
    sel = (model.world.state_of[p.loc] == state) & status_mask(*statuses)[p.status]
    return int(p.count[sel].sum())


def transfer(model: DisplacementModel, from_state: int, to_loc: int, n: int, kind: FlowKind,
             new_status: Status, statuses: tuple[Status, ...] = ELIGIBLE) -> int:
    """Move up to ``n`` eligible people staying in ``from_state`` to ``to_loc``; returns how many."""
    return transfer_from(model, model.world.state_of == from_state, to_loc, n, kind, new_status, statuses)


def transfer_from(model: DisplacementModel, at: np.ndarray, to_loc: int, n: int, kind: FlowKind,
                  new_status: Status | None, statuses: tuple[Status, ...]) -> int:
    """Move up to ``n`` people of ``statuses`` staying where ``at`` (a mask over locations) is true.

    They keep their status unless ``new_status`` is given. Returns how many moved.
    """
    p = model.people
    rows = np.flatnonzero(at[p.loc] & status_mask(*statuses)[p.status] & (p.count > 0))
    available = int(p.count[rows].sum())
    n = min(int(n), available)
    if n <= 0:
        return 0
    taken = p.count[rows] if n == available else model.rng.multivariate_hypergeometric(p.count[rows], n)
    p.count[rows] -= taken
    status = p.status[rows] if new_status is None else np.full(len(rows), int(new_status), dtype=np.int64)
    moved = People(loc=np.full(len(rows), to_loc, dtype=np.int64), origin=p.origin[rows],
                   status=status, count=taken)
    model.people = People.concat([p, moved])
    model.movement.flows.add(p.loc[rows], moved.loc, kind, taken)
    return n


def reception_location(model: DisplacementModel, state: int, named: str | None = None) -> int:
    """Where a state receives transferred people: the named location, else its largest town."""
    w = model.world
    if named is not None:
        return w.index[named]
    candidates = np.flatnonzero(w.state_of == state)
    return int(candidates[np.argmax(w.population0[candidates])])
