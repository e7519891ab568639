"""Programme transfers: people moved by a state or alliance rather than by their own choice.

Relocation between alliance members, resettlement to third countries and humanitarian
evacuation all take a number of displaced people from one state and place them at a
reception location elsewhere. Who is taken is a fair draw (multivariate hypergeometric) over
everyone eligible, so no group is favoured and the total is conserved.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import People, Returning, Status, status_mask
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.routes import EPS
from sim.core.world import World

ELIGIBLE = (Status.REFUGEE,)


def transfer(ctx: Context, from_state: int, to_loc: int, n: int, kind: FlowKind,
             new_status: Status, statuses: tuple[Status, ...] = ELIGIBLE,
             origins: np.ndarray | None = None) -> int:
    """Move up to ``n`` eligible people staying in ``from_state`` to ``to_loc``; returns how many.

    ``origins`` (a mask over states), when given, limits them to people from those home states.
    """
    return transfer_many(ctx, ctx.world.state_of == from_state, [(to_loc, n)], kind, new_status,
                         statuses, origins)[0]


def transfer_many(ctx: Context, at: np.ndarray, moves: list[tuple[int, int]], kind: FlowKind,
                  new_status: Status | None, statuses: tuple[Status, ...],
                  origins: np.ndarray | None = None) -> list[int]:
    """For each ``(to_loc, n)`` of ``moves`` in turn, move up to ``n`` people of ``statuses``
    staying where ``at`` (a mask over locations) is true to ``to_loc``; returns how many each.

    One programme's day (every member's offer, every receiver's share) is one call: the people
    eligible are found once and the table grows once, while each move still draws fairly from
    whoever the moves before it left. People keep their status unless ``new_status`` is given
    (people a programme takes to their own state become returnees).
    """
    pop = ctx.population
    p = pop.people
    rows = _eligible(ctx, at[p.loc], statuses, origins)
    left = p.count[rows]  # a copy: the table changes once, at the end
    drawn_rows, drawn, dest, moved = [], [], [], []
    for to_loc, n in moves:
        live = np.flatnonzero(left > 0)
        taken = _take(ctx, left[live], n)
        moved.append(int(taken.sum()))
        if not moved[-1]:
            continue
        left[live] -= taken
        drawn_rows.append(rows[live])
        drawn.append(taken)
        dest.append(np.full(len(live), to_loc, dtype=np.int64))
    if not drawn:
        return moved
    rows, taken, to = np.concatenate(drawn_rows), np.concatenate(drawn), np.concatenate(dest)
    np.subtract.at(p.count, rows, taken)  # a row may give people to several moves
    if new_status is None:
        status = p.status[rows]
    else:
        back_home = ctx.world.state_of[p.origin[rows]] == ctx.world.state_of[to]
        status = np.where(back_home, Status.RETURNEE, new_status).astype(np.int64)
        pop.note_returned(p.origin[rows][back_home], taken[back_home])
    pop.people = People.concat([p, People(loc=to, origin=p.origin[rows], status=status, count=taken)])
    ctx.flows.add(p.loc[rows], to, kind, taken)
    return moved


def send_home(ctx: Context, from_state: int, n: int | None, statuses: tuple[Status, ...],
              origins: np.ndarray | None, speed_km_per_day: float, share: float | None = None,
              kind: FlowKind = FlowKind.RETURN) -> int:
    """Send up to ``n`` (or ``share`` of all) people of ``statuses`` staying in ``from_state``
    home (a forced or host-ordered return); returns how many set off.

    They join the returning table and travel home by road at ``speed_km_per_day``, counted as
    returns when they arrive; people with no road home stay where they are.
    """
    w = ctx.world
    p = ctx.population.people
    there = np.flatnonzero((w.state_of[p.loc] == from_state) & status_mask(*statuses)[p.status])
    road_home = np.zeros(len(p), dtype=bool)  # distances only for the rows that could go
    road_home[there] = np.isfinite(w.distances.km(p.origin[there], p.loc[there]))
    rows = _eligible(ctx, road_home, statuses, origins)
    taken = _take(ctx, p.count[rows], n, share)
    drawn = taken > 0
    return start_home(ctx, rows[drawn], taken[drawn], speed_km_per_day, kind)


def start_home(ctx: Context, rows: np.ndarray, taken: np.ndarray, speed_km_per_day: float,
               kind: FlowKind) -> int:
    """``taken`` people of each of the people table's ``rows`` (who have a road home) set off
    home: they leave the table for the returning one; returns how many."""
    p = ctx.population.people
    if not len(rows):
        return 0
    p.count[rows] -= taken
    km = ctx.world.distances.km(p.origin[rows], p.loc[rows])
    days = np.maximum(1, np.ceil(km / speed_km_per_day - EPS)).astype(np.int64)
    leaving = Returning(origin=p.origin[rows], status=p.status[rows], last_loc=p.loc[rows],
                        days_left=days, count=taken)
    ctx.population.returning = Returning.concat([ctx.population.returning, leaving]).merged()
    ctx.flows.add(p.loc[rows], p.origin[rows], kind, taken)
    return int(taken.sum())


def _eligible(ctx: Context, candidates: np.ndarray, statuses: tuple[Status, ...],
              origins: np.ndarray | None) -> np.ndarray:
    """The rows of the people table among the ``candidates`` (a mask over it), of ``statuses``
    and home states in ``origins`` (a mask over states; None: any), with anyone in them."""
    p = ctx.population.people
    mask = candidates & status_mask(*statuses)[p.status] & (p.count > 0)
    if origins is not None:
        mask &= origins[ctx.world.state_of[p.origin]]
    return np.flatnonzero(mask)


def _take(ctx: Context, counts: np.ndarray, n: int | None, share: float | None = None) -> np.ndarray:
    """A fair draw (multivariate hypergeometric) of up to ``n`` people (or ``share`` of them,
    rounded) from rows holding ``counts`` people: how many of each row."""
    available = int(counts.sum())
    n = min(int(n) if n is not None else round((share or 0.0) * available), available)
    if n <= 0:
        return np.zeros(len(counts), dtype=np.int64)
    return counts.copy() if n == available else ctx.rng.multivariate_hypergeometric(counts, n)


def change_status(ctx: Context, rows: np.ndarray, counts: np.ndarray, status: Status) -> None:
    """``counts`` people of each of the people table's ``rows`` take ``status`` where they are."""
    p = ctx.population.people
    keep = counts > 0
    rows, counts = rows[keep], counts[keep]
    if not len(rows):
        return
    p.count[rows] -= counts
    ctx.population.people = People.concat([p, People(
        loc=p.loc[rows], origin=p.origin[rows], status=np.full(len(rows), int(status), dtype=np.int64),
        count=counts)])


def statuses(names: list[str]) -> tuple[Status, ...]:
    """Statuses by their labels (the scenario's ``eligible`` lists)."""
    return tuple(Status[name.upper()] for name in names)


def origins_mask(world: World, ids: list[str] | None) -> np.ndarray | None:
    """A mask over states for an ``origins`` list (None: any home state)."""
    if ids is None:
        return None
    mask = np.zeros(len(world.state_ids), dtype=bool)
    mask[[world.state_index[i] for i in ids]] = True
    return mask


def reception_location(world: World, state: int, named: str | None = None) -> int:
    """Where a state receives transferred people: the named location, else its largest town."""
    if named is not None:
        return world.index[named]
    candidates = np.flatnonzero(world.state_of == state)
    return int(candidates[np.argmax(world.population0[candidates])])
