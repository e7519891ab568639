"""What each scripted event does to a run (the event types and their fields: sim/scenario/events.py).

One function per event type, named after it; each returns the rows it adds to events.csv
(``actor``, ``target``, ``detail``). Effects see a ``Context`` plus the few agents an event can
drive (negotiation tracks, interventions) and the agenda, to schedule the end of a temporary
measure; never the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.core.borders import GateKey
from sim.core.cohorts import Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.movement import Movement
from sim.core.transfers import origins_mask, reception_location, send_home, statuses, transfer
from sim.decisions.deterrence import ConflictOnsets, Defender
from sim.decisions.intervention import Intervention
from sim.decisions.negotiations import NegotiationTrack
from sim.scenario.decisions import ConflictSpec
from sim.scenario.events import (
    AidEvent,
    BorderEvent,
    CampEvent,
    CeasefireEvent,
    ConflictEvent,
    EnlargementEvent,
    InterventionEvent,
    NegotiationEvent,
    ParametersEvent,
    ReturnEvent,
    RouteEvent,
    ScriptedEvent,
    TransferEvent,
)
from sim.scenario.parameters import with_changes

Row = dict[str, Any]


@dataclass(frozen=True)
class RestoreBorders:
    """The end of a temporary border policy (a border event's ``until``): earlier policies return."""

    previous: dict[GateKey, Any]
    type: str = "border"


Due = ScriptedEvent | RestoreBorders


class Agenda:
    """What is due on each day: the scenario's events, and what earlier events scheduled."""

    def __init__(self, events: list[ScriptedEvent]):
        self._due: dict[int, list[Due]] = defaultdict(list)
        for event in events:
            self._due[event.day].append(event)

    def add(self, day: int, item: Due) -> None:
        """Queue ``item`` for the start of ``day`` (never reached if the run ends before)."""
        self._due[day].append(item)

    def pop(self, day: int) -> list[Due]:
        """Everything due on ``day``, in the order it was queued."""
        return self._due.pop(day, [])


@dataclass
class Stage:
    """What scripted events act on."""

    ctx: Context
    agenda: Agenda
    tracks: list[NegotiationTrack]
    interventions: dict[str, Intervention]  # by alliance id
    conflicts: dict[str, ConflictSpec]  # by conflict id
    movement: Movement  # holds the rule parameters in force
    onsets: ConflictOnsets  # collective defence covers a new member
    defenders: dict[str, Defender]  # by alliance id


def conflict(e: ConflictEvent, stage: Stage) -> list[Row]:
    world = stage.ctx.world
    for loc in e.locations:
        world.set_intensity(world.index[loc], e.intensity)
    return [{"actor": "", "target": ",".join(e.locations), "detail": {"intensity": e.intensity}}]


def ceasefire(e: CeasefireEvent, stage: Stage) -> list[Row]:
    world = stage.ctx.world
    if e.conflict is not None:
        idx = [world.index[loc] for loc in stage.conflicts[e.conflict].locations]
        for track in stage.tracks:
            track.over = track.over or track.conflict.id == e.conflict
    else:
        idx = world.select(e.locations, e.state)
    for i in idx:
        world.set_intensity(i, 0.0)
    target = e.conflict or ",".join(e.locations or []) or e.state or "all"
    return [{"actor": "", "target": target, "detail": {"locations": len(idx)}}]


def border(e: BorderEvent, stage: Stage) -> list[Row]:
    borders = stage.ctx.borders
    if e.location is not None:
        key = borders.location_gate(stage.ctx.world.index[e.location])
        previous = borders.set_policy(key, e.policy, e.capacity, controller="scenario")
        target = e.location
    else:
        previous = {}
        for key in borders.state_gates(e.state, e.from_):
            previous.update(borders.set_policy(key, e.policy, e.capacity, controller="scenario"))
        target = f"{e.state}<-{e.from_ or '*'}"
    if e.until is not None:
        stage.agenda.add(e.until, RestoreBorders(previous))
    return [{"actor": e.state or "", "target": target,
             "detail": {"policy": e.policy, "capacity": e.capacity, "until": e.until}}]


def restore_borders(e: RestoreBorders, stage: Stage) -> list[Row]:
    restored = stage.ctx.borders.restore(e.previous)
    ids = stage.ctx.world.ids
    return [{"actor": key[1] if key[0] == "state" else "",
             "target": f"{key[1]}<-{key[2]}" if key[0] == "state" else ids[key[1]],
             "detail": {"policy": policy, "capacity": capacity, "restored": True}}
            for key, (policy, capacity, _) in restored.items()]


def camp(e: CampEvent, stage: Stage) -> list[Row]:
    world = stage.ctx.world
    i = world.index[e.location]
    if e.action == "close":
        world.open[i] = False
    else:
        world.open[i] = True
        if e.capacity is not None:
            world.capacity[i] = e.capacity
    return [{"actor": "", "target": e.location, "detail": {"action": e.action, "capacity": e.capacity}}]


def aid(e: AidEvent, stage: Stage) -> list[Row]:
    world = stage.ctx.world
    world.aid[[world.index[loc] for loc in e.locations]] = e.level
    if e.until is not None:
        stage.agenda.add(e.until, AidEvent(day=e.until, type="aid", locations=e.locations, level=0.0))
    return [{"actor": "", "target": ",".join(e.locations), "detail": {"level": e.level, "until": e.until}}]


def route(e: RouteEvent, stage: Stage) -> list[Row]:
    world = stage.ctx.world
    edge = world.edge_of[frozenset((world.index[e.from_], world.index[e.to]))]
    detail: dict[str, Any] = {"action": e.action}
    if e.action != "set":
        world.edge_open[edge] = e.action == "open"
    if e.risk is not None:
        world.edge_risk[edge] = detail["risk"] = e.risk
    if e.capacity is not None:
        stage.ctx.borders.set_policy(("route", edge), "managed", e.capacity, controller="scenario")
        detail["capacity"] = e.capacity
    return [{"actor": "", "target": f"{e.from_}-{e.to}", "detail": detail}]


TRANSFERS = {"relocation": (FlowKind.RELOCATION, Status.RELOCATED),
             "resettlement": (FlowKind.RESETTLEMENT, Status.RESETTLED),
             "evacuation": (FlowKind.EVACUATION, Status.RESETTLED)}
# Who a programme takes when the event does not say: an airlift also takes the state's own
# displaced people, so that evacuating a state in conflict is not a silent zero.
DEFAULT_ELIGIBLE = {"relocation": ["refugee"], "resettlement": ["refugee"],
                    "evacuation": ["refugee", "idp"]}


def programme_transfer(e: TransferEvent, stage: Stage) -> list[Row]:
    ctx = stage.ctx
    kind, status = TRANSFERS[e.type]
    index = ctx.world.state_index
    to = reception_location(ctx.world, index[e.to], e.reception)
    eligible = e.eligible or DEFAULT_ELIGIBLE[e.type]
    moved = transfer(ctx, index[e.from_], to, e.people, kind, status, statuses(eligible),
                     origins_mask(ctx.world, e.origins))
    return [{"actor": e.to, "target": e.from_, "detail": {"people": moved, "asked": e.people}}]


def forced_return(e: ReturnEvent, stage: Stage) -> list[Row]:
    ctx = stage.ctx
    speed = stage.movement.params.movement.max_move_speed
    sent = send_home(ctx, ctx.world.state_index[e.from_], e.people, statuses(e.eligible),
                     origins_mask(ctx.world, e.origins), speed, e.share)
    asked = {"people": e.people} if e.people is not None else {"share": e.share}
    return [{"actor": e.from_, "target": ",".join(e.origins or []) or "all",
             "detail": {"people": sent, **{f"asked_{k}": v for k, v in asked.items()}}}]


def parameters(e: ParametersEvent, stage: Stage) -> list[Row]:
    """New rule parameters from today (checked when the scenario was loaded)."""
    movement = stage.movement
    movement.params = with_changes(movement.params, e.set)
    return [{"actor": "", "target": "", "detail": dict(e.set)}]


def negotiation(e: NegotiationEvent, stage: Stage) -> list[Row]:
    track = next(t for t in stage.tracks if t.conflict.id == e.conflict)
    if e.type == "prisoner_exchange":
        track.exchange()
    else:
        track.round(stage.ctx.day)
    return []  # the track logs what happened, as scripted


def intervention(e: InterventionEvent, stage: Stage) -> list[Row]:
    stage.interventions[e.alliance].force(e.type.removeprefix("intervention_"), stage.ctx.day)
    return []  # the intervention logs its phase change, as scripted


def enlargement(e: EnlargementEvent, stage: Stage) -> list[Row]:
    """The state joins: the alliance's affinity and collective defence extend to it."""
    world = stage.ctx.world
    member = world.state_index[e.state]
    world.admit(e.alliance, member)
    if (defender := stage.defenders.get(e.alliance)) is not None:
        stage.onsets.cover(member, defender)
    return [{"actor": e.alliance, "target": e.state, "detail": {"members": len(world.members[e.alliance])}}]


# Subclasses (conflict_onset, border_policy: the scripted forms of agents' decisions) share
# their parent's effect.
EFFECTS: dict[type, Callable[[Any, Stage], list[Row]]] = {
    ConflictEvent: conflict, CeasefireEvent: ceasefire, BorderEvent: border, CampEvent: camp,
    AidEvent: aid, RouteEvent: route, TransferEvent: programme_transfer, ReturnEvent: forced_return,
    ParametersEvent: parameters, NegotiationEvent: negotiation, InterventionEvent: intervention,
    RestoreBorders: restore_borders, EnlargementEvent: enlargement,
}


def apply(item: Due, stage: Stage) -> list[Row]:
    """Apply a due item now; returns its events.csv rows."""
    effect = next(EFFECTS[cls] for cls in type(item).__mro__ if cls in EFFECTS)
    return effect(item, stage)
