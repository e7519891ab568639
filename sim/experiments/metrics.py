"""The metric catalogue: named scalar outcomes of one run, the same for every command and the API.

A metric is written ``name`` or ``name[ARG]`` where ARG is a state id, an alliance id or a date
(``peak_refugees_hosted[ALB]``, ``decision_day[NATO]``, ``idps_on[1999-05-01]``). Every metric
is documented in docs/outputs.md ("Metrics"); ``parse_metric`` turns a name into a ``Metric``
checked against a scenario, or raises ``MetricError`` with a suggestion.

Counts are people at the end of a day; ``..._days`` metrics are person-days; day metrics are
days since start_date, and a decision or ceasefire that never happens counts as the run's
length (the run ended without it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.scenario import Scenario


class MetricError(ValueError):
    """A metric name, or its argument, that the catalogue or the scenario does not know."""


@dataclass
class Outcome:
    """One run's tables (as the recorder builds them) and what metrics need of its scenario."""

    tables: dict[str, pd.DataFrame]
    start_date: dt.date
    days: int

    @cached_property
    def states(self) -> pd.DataFrame:
        return self.tables["states"]

    def by_day(self, column: str) -> pd.DataFrame:
        """[day, state] of one column of states.csv."""
        return self.states.pivot(index="day", columns="state", values=column)

    def flow_total(self, kind: str, to_state: str | None = None, from_state: str | None = None) -> float:
        flows = self.tables["flows"]
        sel = flows["kind"] == kind
        if to_state is not None:
            sel &= flows["to_state"] == to_state
        if from_state is not None:
            sel &= flows["from_state"] == from_state
        return float(flows.loc[sel, "count"].sum())

    def first_day(self, kind: str, actor: str | None = None) -> float:
        """The first day an event of this type was logged (the run's length if never)."""
        events = self.tables["events"]
        sel = events["type"] == kind
        if actor is not None:
            sel &= events["actor"] == actor
        days = events.loc[sel, "day"]
        return float(days.min()) if len(days) else float(self.days)


def _day_of(outcome: Outcome, date: str) -> int:
    return (dt.date.fromisoformat(date) - outcome.start_date).days


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).fillna(0.0)


@dataclass(frozen=True)
class MetricDef:
    """One entry of the catalogue."""

    name: str
    arg: str  # "", "state", "alliance" or "date"
    unit: str
    description: str
    compute: Callable[[Outcome, str], float]


def _m(name: str, arg: str, unit: str, description: str) -> Callable[[Callable], Callable]:
    """Register the decorated function in the catalogue (and keep it importable by name, so a
    Metric can be sent to another process)."""
    def register(compute: Callable[[Outcome, str], float]) -> Callable[[Outcome, str], float]:
        CATALOGUE[name] = MetricDef(name, arg, unit, description, compute)
        return compute
    return register


CATALOGUE: dict[str, MetricDef] = {}


@_m("total_fled", "", "people", "People who fled their homes over the run, all states.")
def _total_fled(o: Outcome, _: str) -> float:
    return float(o.tables["summary"]["total_fled"].sum())


@_m("fled", "state", "people", "People of STATE who fled their homes over the run.")
def _fled(o: Outcome, state: str) -> float:
    summary = o.tables["summary"]
    return float(summary.loc[summary["state"] == state, "total_fled"].sum())


@_m("peak_refugees_hosted", "state", "people", "Most refugees STATE hosted at the end of any day.")
def _peak_hosted(o: Outcome, state: str) -> float:
    return float(o.by_day("refugees_hosted")[state].max())


@_m("peak_day", "state", "day", "The first day on which STATE hosted its most refugees "
    "(NaN if it never hosted any).")
def _peak_day(o: Outcome, state: str) -> float:
    series = o.by_day("refugees_hosted")[state]
    return float(series.idxmax()) if series.max() > 0 else float("nan")


@_m("refugees_hosted_at_end", "state", "people", "Refugees STATE hosts at the end of the run.")
def _hosted_end(o: Outcome, state: str) -> float:
    return float(o.by_day("refugees_hosted")[state].iloc[-1])


@_m("refugee_days", "state", "person-days", "Refugees hosted by STATE summed over the days of the "
    "run: the load a host carries.")
def _refugee_days(o: Outcome, state: str) -> float:
    return float(o.by_day("refugees_hosted")[state].sum())


@_m("refugee_share", "state", "fraction", "STATE's share of all refugees hosted anywhere, at the "
    "end of the run.")
def _refugee_share(o: Outcome, state: str) -> float:
    hosted = o.by_day("refugees_hosted")
    return float(_share(hosted[state], hosted.sum(axis=1)).iloc[-1])


@_m("peak_refugee_share", "state", "fraction", "STATE's largest share of all refugees hosted, on "
    "any day.")
def _peak_share(o: Outcome, state: str) -> float:
    hosted = o.by_day("refugees_hosted")
    return float(_share(hosted[state], hosted.sum(axis=1)).max())


@_m("refugees_abroad_share", "state", "fraction", "Of STATE's people displaced at the end of the "
    "run, the share outside STATE (refugees, as against IDPs).")
def _abroad_share(o: Outcome, state: str) -> float:
    last = o.states[o.states["day"] == o.states["day"].max()].set_index("state")
    abroad, idps = float(last.at[state, "refugees_abroad"]), float(last.at[state, "idps"])
    return abroad / (abroad + idps) if abroad + idps > 0 else 0.0


@_m("refugees_at_end", "", "people", "Refugees hosted anywhere at the end of the run.")
def _refugees_end(o: Outcome, _: str) -> float:
    return float(o.by_day("refugees_hosted").iloc[-1].sum())


@_m("peak_refugees", "", "people", "Most refugees hosted in all at the end of any day.")
def _peak_refugees(o: Outcome, _: str) -> float:
    return float(o.by_day("refugees_hosted").sum(axis=1).max())


@_m("idps_at_end", "", "people", "People displaced inside their own state at the end of the run.")
def _idps_end(o: Outcome, _: str) -> float:
    return float(o.by_day("idps").iloc[-1].sum())


@_m("peak_idps", "", "people", "Most IDPs in all at the end of any day.")
def _peak_idps(o: Outcome, _: str) -> float:
    return float(o.by_day("idps").sum(axis=1).max())


@_m("idps_on", "date", "people", "IDPs in all at the end of DATE (YYYY-MM-DD, inside the run).")
def _idps_on(o: Outcome, date: str) -> float:
    return float(o.by_day("idps").loc[_day_of(o, date)].sum())


@_m("displaced_days", "", "person-days", "IDPs and refugees summed over the days of the run: how "
    "much displacement the run caused, and for how long.")
def _displaced_days(o: Outcome, _: str) -> float:
    return float(o.by_day("idps").to_numpy().sum() + o.by_day("refugees_hosted").to_numpy().sum())


@_m("returnees_at_end", "", "people", "People back home after displacement, at the end of the run.")
def _returnees_end(o: Outcome, _: str) -> float:
    return float(o.by_day("returnees").iloc[-1].sum())


@_m("returned_total", "", "people", "Arrivals home over the run (summary.csv 'returned').")
def _returned(o: Outcome, _: str) -> float:
    return float(o.tables["summary"]["returned"].sum())


@_m("relocated_total", "", "people", "People relocated between alliance members over the run.")
def _relocated(o: Outcome, _: str) -> float:
    return o.flow_total("relocation")


@_m("resettled_total", "", "people", "People resettled to third countries over the run.")
def _resettled(o: Outcome, _: str) -> float:
    return o.flow_total("resettlement")


@_m("evacuated_total", "", "people", "People evacuated by airlift over the run.")
def _evacuated(o: Outcome, _: str) -> float:
    return o.flow_total("evacuation")


@_m("blocked_total", "", "people", "People stopped at a closed border or road, summed over days "
    "(one person stopped on three days counts three times).")
def _blocked(o: Outcome, _: str) -> float:
    return o.flow_total("blocked")


@_m("crossings_total", "", "people", "Border crossings over the run.")
def _crossings(o: Outcome, _: str) -> float:
    return o.flow_total("crossing")


@_m("crossings_into", "state", "people", "Border crossings into STATE over the run.")
def _crossings_into(o: Outcome, state: str) -> float:
    return o.flow_total("crossing", to_state=state)


@_m("deaths", "", "people", "People who died crossing irregular routes over the run.")
def _deaths(o: Outcome, _: str) -> float:
    return o.flow_total("death")


@_m("economic_moves_into", "state", "people", "Residents who moved into STATE under an alliance's "
    "free movement over the run (economic migration).")
def _economic_into(o: Outcome, state: str) -> float:
    return o.flow_total("economic", to_state=state)


@_m("economic_moves_from", "state", "people", "Residents who moved out of STATE under an "
    "alliance's free movement over the run (economic migration).")
def _economic_from(o: Outcome, state: str) -> float:
    return o.flow_total("economic", from_state=state)


@_m("onsets", "state", "conflicts", "Conflicts that broke out by themselves in STATE.")
def _onsets(o: Outcome, state: str) -> float:
    events = o.tables["events"]
    return float(((events["type"] == "conflict_onset") & (events["actor"] == state)).sum())


@_m("ceasefire_day", "", "day", "The first day a ceasefire took effect (the run's length if none).")
def _ceasefire_day(o: Outcome, _: str) -> float:
    return o.first_day("ceasefire")


@_m("ceasefire_breakdowns", "", "ceasefires", "Ceasefires that broke down over the run.")
def _breakdowns(o: Outcome, _: str) -> float:
    return float((o.tables["events"]["type"] == "ceasefire_breakdown").sum())


@_m("prisoner_exchanges", "", "exchanges", "Prisoner exchanges over the run.")
def _exchanges(o: Outcome, _: str) -> float:
    return float((o.tables["events"]["type"] == "prisoner_exchange").sum())


@_m("decision_day", "alliance", "day", "The day ALLIANCE decided to intervene (the run's length if "
    "it never did).")
def _decision_day(o: Outcome, alliance: str) -> float:
    return o.first_day("intervention_decided", alliance)


@_m("intervention_failed", "alliance", "operations", "Operations of ALLIANCE that ended in failure "
    "(fighting relapsed); over replicates, the failure rate.")
def _intervention_failed(o: Outcome, alliance: str) -> float:
    events = o.tables["events"]
    return float(((events["type"] == "intervention_failed") & (events["actor"] == alliance)).sum())


@_m("conflict_spread", "", "places", "Times fighting spread to a place at peace over the run "
    "(conflict dynamics).")
def _conflict_spread(o: Outcome, _: str) -> float:
    return float((o.tables["events"]["type"] == "conflict_spread").sum())


def _details(o: Outcome, kind: str, actor: str) -> list[tuple[int, dict]]:
    """(day, detail) of each event of this type by this actor, in order."""
    events = o.tables["events"]
    sel = events.loc[(events["type"] == kind) & (events["actor"] == actor)]
    return [(int(d), json.loads(x)) for d, x in zip(sel["day"], sel["detail"], strict=True)]


@_m("unfulfilled_pledges", "state", "people", "Resettlement places STATE pledged but withheld under "
    "domestic pressure over the run (events pledge_shortfall).")
def _unfulfilled(o: Outcome, state: str) -> float:
    return float(sum(d["people"] for _, d in _details(o, "pledge_shortfall", state)))


@_m("recognition_factor_mean", "state", "fraction", "STATE's asylum recognition as a share of its "
    "own rates, averaged over the days of the run (1: never cut under pressure; events "
    "policy_adjustment).")
def _recognition_mean(o: Outcome, state: str) -> float:
    factor = pd.Series(np.nan, index=range(o.days))
    factor.iloc[0] = 1.0
    for day, detail in _details(o, "policy_adjustment", state):
        factor.iloc[day] = detail["recognition"]
    return float(factor.ffill().mean())


@dataclass(frozen=True)
class Metric:
    """A catalogue entry with its argument: ``peak_refugees_hosted[ALB]``."""

    definition: MetricDef
    arg: str = ""

    @property
    def label(self) -> str:
        return f"{self.definition.name}[{self.arg}]" if self.arg else self.definition.name

    def value(self, outcome: Outcome) -> float:
        return self.definition.compute(outcome, self.arg)


_SYNTAX = re.compile(r"^\s*([a-z_]+)\s*(?:\[\s*([^\]\s]+)\s*\])?\s*$")


def _suggest(word: str, choices: list[str]) -> str:
    hit = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def parse_metric(text: str, scenario: Scenario) -> Metric:
    """``name`` or ``name[ARG]`` as a Metric, its argument checked against ``scenario``."""
    match = _SYNTAX.match(text)
    if not match:
        raise MetricError(f"metric {text!r}: expected NAME or NAME[ARG], e.g. peak_refugees_hosted[ALB]")
    name, arg = match.group(1), match.group(2) or ""
    if name not in CATALOGUE:
        raise MetricError(f"unknown metric {name!r}{_suggest(name, list(CATALOGUE))}; "
                          f"known: {', '.join(CATALOGUE)}")
    d = CATALOGUE[name]
    if bool(arg) != bool(d.arg):
        form = f"{name}[{d.arg.upper()}]" if d.arg else name
        raise MetricError(f"metric {text!r}: write it as {form}")
    if d.arg == "state":
        known = [s.id for s in scenario.world.states]
        if arg not in known:
            raise MetricError(f"metric {text!r}: unknown state {arg!r}{_suggest(arg, known)}")
    elif d.arg == "alliance":
        known = [a.id for a in scenario.world.alliances]
        if arg not in known:
            raise MetricError(f"metric {text!r}: unknown alliance {arg!r}{_suggest(arg, known)}"
                              + ("" if known else "; the scenario has no alliance"))
    elif d.arg == "date":
        try:
            day = (dt.date.fromisoformat(arg) - scenario.start_date).days
        except ValueError:
            raise MetricError(f"metric {text!r}: {arg!r} is not a date YYYY-MM-DD") from None
        if not 0 <= day < scenario.days:
            last = scenario.start_date + dt.timedelta(days=scenario.days - 1)
            raise MetricError(f"metric {text!r}: {arg} is outside the run ({scenario.start_date} to {last})")
    return Metric(d, arg)


DEFAULT_METRICS = ("total_fled", "peak_refugees", "peak_idps", "displaced_days", "returnees_at_end")
"""What a command reports when the user names no metric: headline outcomes any scenario has."""


def values(metrics: list[Metric], outcome: Outcome) -> dict[str, float]:
    """Every metric's value for one run."""
    return {m.label: m.value(outcome) for m in metrics}


