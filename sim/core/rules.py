"""The movement rule's formulas (Flee's rule set, docs/model.md), each over every location at once.

Pure functions of the world's arrays and the rule parameters: who leaves, how attractive each
candidate journey is, how full places are. sim/core/movement.py applies them to the cohort
tables with random draws.
"""

from __future__ import annotations

import numpy as np

from sim.core.routes import Paths
from sim.core.world import Kind, World
from sim.scenario.parameters import DisplacementParameters, MovementParameters

# Kinds whose calm arrivals are forced on by town_continue_probability, indexed by kind code.
PASSED_THROUGH = np.isin(np.arange(len(Kind)), (Kind.TOWN, Kind.CONFLICT_ZONE, Kind.BORDER_CROSSING))


def leave_probability(world: World, mv: MovementParameters) -> np.ndarray:
    """[N] daily probability that a displaced person at each location moves on.

    By kind (town, camp, IDP camp; hubs are never stayed in), raised linearly towards
    ``conflict_leave_probability`` with conflict intensity, lowered by aid and by protection,
    raised by collateral damage.
    """
    w = world
    base = np.full(w.n, mv.town_leave_probability)
    base[w.kind == Kind.CAMP] = mv.camp_leave_probability
    base[w.kind == Kind.IDP_CAMP] = mv.idp_camp_leave_probability
    base[w.kind == Kind.HUB] = 1.0
    p = base + np.maximum(mv.conflict_leave_probability - base, 0.0) * w.intensity
    return np.minimum(1.0, p * (1.0 - mv.aid_leave_reduction * w.aid) * w.collateral * w.protection)


def continue_probability(world: World, mv: MovementParameters,
                         leave: np.ndarray | None = None) -> np.ndarray:
    """[N] probability that someone arriving with travel time to spare moves on the same day
    (``leave``: today's leave_probability, when already computed)."""
    p = leave_probability(world, mv) if leave is None else leave
    forced = mv.town_continue_probability
    if forced is None:
        return p
    w = world
    calm = PASSED_THROUGH[w.kind] & (w.intensity <= 0)
    return np.where(calm, np.maximum(p, forced), p)


def flee_probability(world: World, d: DisplacementParameters, mv: MovementParameters) -> np.ndarray:
    """[N] daily probability that a resident flees: ``flee_rate * intensity^power``, lowered by
    aid and by protection, raised by collateral damage."""
    w = world
    p = d.flee_rate * w.intensity**d.intensity_power * (1.0 - mv.aid_leave_reduction * w.aid)
    return np.minimum(1.0, p * w.collateral * w.protection)


def conflict_exponent(world: World, day: int, mv: MovementParameters,
                      d: DisplacementParameters) -> np.ndarray:
    """[N] exponent of conflict_weight in each location's score: the intensity, faded by the
    displacement.spawn_decay factor of the conflict's age when conflict_weight_decay is set."""
    w = world
    if not mv.conflict_weight_decay:
        return w.intensity
    decay = np.asarray(d.spawn_decay, dtype=float)
    age = np.maximum(day - w.conflict_since, 0) // d.spawn_decay_interval
    return w.intensity * decay[np.minimum(age, len(decay) - 1)]


def capacity_factor(world: World, sheltered: np.ndarray, mv: MovementParameters) -> np.ndarray:
    """[N] 1 while a location has room, falling linearly to 0 as it fills up (Flee)."""
    cap = world.capacity * mv.capacity_scaling
    with np.errstate(invalid="ignore", divide="ignore"):
        f = 1.0 - (sheltered - mv.capacity_buffer * cap) / (cap * (1.0 - mv.capacity_buffer))
    f = np.where(np.isinf(cap), 1.0, np.clip(f, 0.0, 1.0))
    return np.where(cap <= 0, 0.0, f)


def location_score(world: World, origin_states: np.ndarray, conflict_exp: np.ndarray,
                   mv: MovementParameters) -> np.ndarray:
    """[O, N] how attractive each location is to movers from each origin state: foreign,
    allied, asylum recognition, camp, conflict, aid and protection factors multiplied."""
    w = world
    score = np.ones((len(origin_states), w.n))
    score *= np.where(w.state_of[None, :] != origin_states[:, None], mv.foreign_weight, 1.0)
    score *= np.where(w.allied[origin_states][:, w.state_of], mv.alliance_weight, 1.0)
    score *= w.recognition[w.state_of][:, origin_states].T ** mv.recognition_weight
    score *= np.where(w.is_camp, mv.camp_weight, 1.0)
    score *= mv.conflict_weight**conflict_exp * (1.0 + mv.aid_weight * w.aid) * w.attraction
    return score


def path_weights(world: World, paths: Paths, score: np.ndarray, capacity: np.ndarray,
                 closed: np.ndarray, mv: MovementParameters) -> np.ndarray:
    """[O, P] weight of every candidate path:
    ``((score_softening + score) / (softening + km)^distance_power * capacity_factor)^weight_power``
    at its end,
    0 for paths through a closed border (``closed``), a closed road or to a closed location."""
    w, p = world, paths
    valid = ~closed & w.open[p.end]
    for k in range(p.max_hops):  # hop by hop: cheaper than a reduction along the short hop axis
        edge = p.edges[:, k]
        valid &= (edge < 0) | w.edge_open[edge]
    score = mv.score_softening + score[:, p.end]
    base = score / (mv.softening + p.km) ** mv.distance_power * capacity[p.end]
    return np.where(valid, base, 0.0) ** mv.weight_power
