"""Programme transfers: people moved by a state or alliance rather than by their own choice.

Relocation between alliance members, resettlement to third countries and humanitarian
evacuation all take a number of displaced people from one state and place them at a
reception location elsewhere. Who is taken is a fair draw (multivariate hypergeometric) over
everyone eligible, so no group is favoured and the total is conserved.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import People, Status, status_mask
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.world import World

ELIGIBLE = (Status.REFUGEE,)


def transfer(ctx: Context, from_state: int, to_loc: int, n: int, kind: FlowKind,
             new_status: Status, statuses: tuple[Status, ...] = ELIGIBLE) -> int:
    """Move up to ``n`` eligible people staying in ``from_state`` to ``to_loc``; returns how many."""
    return transfer_from(ctx, ctx.world.state_of == from_state, to_loc, n, kind, new_status, statuses)


def transfer_from(ctx: Context, at: np.ndarray, to_loc: int, n: int, kind: FlowKind,
                  new_status: Status | None, statuses: tuple[Status, ...]) -> int:
    """Move up to ``n`` people of ``statuses`` staying where ``at`` (a mask over locations) is true.

    They keep their status unless ``new_status`` is given. Returns how many moved.
    """
    pop = ctx.population
    p = pop.people
    rows = np.flatnonzero(at[p.loc] & status_mask(*statuses)[p.status] & (p.count > 0))
    available = int(p.count[rows].sum())
    n = min(int(n), available)
    if n <= 0:
        return 0
    taken = p.count[rows] if n == available else ctx.rng.multivariate_hypergeometric(p.count[rows], n)
    p.count[rows] -= taken
    status = p.status[rows] if new_status is None else np.full(len(rows), int(new_status), dtype=np.int64)
    moved = People(loc=np.full(len(rows), to_loc, dtype=np.int64), origin=p.origin[rows],
                   status=status, count=taken)
    pop.people = People.concat([p, moved])
    ctx.flows.add(p.loc[rows], moved.loc, kind, taken)
    return n


def reception_location(world: World, state: int, named: str | None = None) -> int:
    """Where a state receives transferred people: the named location, else its largest town."""
    if named is not None:
        return world.index[named]
    candidates = np.flatnonzero(world.state_of == state)
    return int(candidates[np.argmax(world.population0[candidates])])
