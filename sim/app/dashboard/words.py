"""The dashboard's text: the day, the latest events, and the decision layer in words."""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.app.dashboard import markup
from sim.model import DisplacementModel

EVENTS_SHOWN = 12


def day_label(model: DisplacementModel) -> str:
    """'day 12 of 120 (2024-03-13)' for the last simulated day, or the start date before it."""
    if model.day < 0:
        return f"not started, day 0 is {model.spec.start_date.isoformat()}"
    return f"day {model.day} of {model.spec.days} ({model.date.isoformat()})"


def latest_events(model: DisplacementModel, n: int = EVENTS_SHOWN) -> list[dict[str, Any]]:
    """The last ``n`` entries of the run's event log, newest first (see ``merged_events``)."""
    return merged_events(model.event_log, model.spec.start_date, n)


def merged_events(rows: Sequence[Mapping[str, Any]], start: dt.date,
                  n: int | None = None) -> list[dict[str, Any]]:
    """The last ``n`` (default: all) entries of an event log, newest first, each with its date.

    A decision an agent repeats with only its numbers changing (daily relocations, weekly aid,
    ...) and nothing else from that agent in between is one entry: ``count`` times from
    ``first_day`` to ``day``, with the latest details. Scripted events are never merged.
    """
    entries: list[dict[str, Any]] = []
    last_by_actor: dict[str, dict[str, Any]] = {}
    for seq, row in enumerate(rows):
        key = (row["type"], str(row.get("target", "")), _shape(row.get("detail")))
        entry = last_by_actor.get(row.get("actor", "")) if row.get("origin") == "agent" else None
        if entry is not None and entry["key"] == key:
            entry.update(row=row, count=entry["count"] + 1, seq=seq)
            continue
        entry = {"row": row, "first_day": row["day"], "count": 1, "key": key, "seq": seq}
        entries.append(entry)
        if row.get("origin") == "agent":
            last_by_actor[row.get("actor", "")] = entry
    out = []
    for entry in sorted(entries, key=lambda e: e["seq"])[-(n or len(entries)):][::-1]:
        row = entry["row"]
        date = start + dt.timedelta(days=max(int(row["day"]), 0))
        out.append({**row, "date": date.isoformat(), "detail_text": _detail_text(row.get("detail") or {}),
                    "first_day": entry["first_day"], "count": entry["count"]})
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool | np.bool_)


def _shape(value: Any) -> Any:
    """An event detail with its numbers blanked out: what stays the same when an event repeats."""
    if isinstance(value, Mapping):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_shape(v) for v in value)
    return "#" if _is_number(value) else value


def _detail_text(value: Any) -> str:
    """'to (MEM 300, MEB 120), quota 2,000' for ``{"to": {"MEM": 300, "MEB": 120}, "quota": 2000}``."""
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if v is None:
                continue
            text = _detail_text(v)
            parts.append(f"{k} ({text})" if isinstance(v, Mapping) else f"{k} {text}")
        return ", ".join(parts)
    if isinstance(value, list | tuple):
        return ", ".join(_detail_text(v) for v in value) or "none"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if _is_number(value):
        return f"{value:,}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def decision_rows(model: DisplacementModel) -> list[tuple[str, str, str]]:
    """(who, what, status today) for every instrument of every alliance, every state that
    decides its own border or delivers resettlement, every negotiation track and every conflict
    party; each mechanism describes itself."""
    rows = []
    for alliance in model.alliances:
        rows += [(alliance.code, *instrument.describe()) for instrument in alliance.instruments]
        if (defence := alliance.spec.collective_defence) is not None:
            respond = "; an attack on a member starts its intervention" if (
                defence.respond and alliance.intervention) else ""
            rows.append((alliance.code, "collective defence",
                         f"onset hazard of members {defence.deterrence:.0%} lower{respond}"))
    for state in model.states:
        rows += [(state.code, what, status) for what, status in state.decisions.describe()]
        rows += [(state.code, what, status) for what, status in state.after_arrival.describe()]
    rows += [(track.actor, *track.describe()) for track in model.negotiations]
    rows += [(party.code, *party.describe()) for party in model.parties]
    return rows


def target_text(target: str, shown: int = 3) -> str:
    """An event's target for a table cell: 'XBM←XAR' for a gate, 'a, b, c and 5 more' for a list
    of locations."""
    names = [name for name in target.replace("<-", "←").split(",") if name]
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def event_table(events: list[dict[str, Any]]) -> str:
    """Merged event-log entries (``merged_events``) as a table, agents' decisions shaded."""
    rows, classes = [], []
    for e in events:
        days = f"{e['first_day']}–{e['day']}" if e["count"] > 1 else e["day"]
        kind = f"{e['type']} ×{e['count']}" if e["count"] > 1 else e["type"]
        rows.append([days, e.get("origin", ""), (kind, e["detail_text"]), e.get("actor", ""),
                     target_text(str(e.get("target", "")))])
        classes.append("agent-decision blue lighten-5" if e.get("origin") == "agent" else "scripted-event")
    return markup.table(["Day", "Origin", "Event (details)", "Actor", "Target"], rows, nowrap=(0,),
                        row_classes=classes, css_class="allysim-events")
