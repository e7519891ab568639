"""The dashboard's time series, drawn by Vega-Lite in the browser: refugees hosted by each state
(with relocations, once there are any) and the headline totals.

``ChartsView`` keeps the series of one run and extends them by the days simulated since it was
last asked (it never rebuilds a table of the whole run), and sends only rows; the chart itself
is built once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import numpy as np

from sim.app.dashboard import markup
from sim.app.dashboard.live_vega import vega_spec
from sim.app.dashboard.network_map import state_name
from sim.model import DisplacementModel

HOSTED, RELOCATED_IN = 2, 5  # columns of the recorder's daily state rows (states.csv order)
TOTALS = {"Refugees": "#1f77b4", "IDPs": "#ff7f0e", "Returnees": "#2ca02c", "In transit": "#7f7f7f"}
"""The model's DataCollector series, and their colours."""
STATES_SHOWN = 8
HOSTED_SERIES, RELOCATED = "refugees hosted", "relocated in (cum.)"
HEIGHT = 170  # pixels; the width is the panel's


class ChartsView:
    """The charts of one run: ``hosted_spec`` and ``totals_spec`` (drawn once), ``data()`` (each
    day's rows of both), ``legend()`` (the top chart's states).

    ``colours`` are the states' colours on the map. Call ``data`` holding the model's lock.
    """

    def __init__(self, model: DisplacementModel, colours: tuple[str, ...]):
        self.model = model
        self.colours = colours
        self.hosted_spec, self.totals_spec = hosted_spec(), totals_spec()
        self.days = 0  # days the series hold
        n_states = len(model.states)
        self._peak = np.zeros(n_states, dtype=np.int64)
        self._relocated = np.zeros(n_states, dtype=np.int64)
        self._hosted_rows: list[list[dict[str, Any]]] = [[] for _ in range(n_states)]
        self._relocated_rows: list[list[dict[str, Any]]] = [[] for _ in range(n_states)]
        self._totals: list[dict[str, Any]] = []
        self._shown: list[int] = []

    def _extend(self) -> None:
        """Add the rows of the days recorded since the last call (the recorder's rows of a
        recorded day never change)."""
        m = self.model
        codes = [s.code for s in m.states]
        collected = m.datacollector.model_vars  # row 0: the start, row d + 1: day d
        for day, row in enumerate(m.recorder.state_rows[self.days:], start=self.days):
            date = (m.spec.start_date + dt.timedelta(days=day)).isoformat()
            for s, code in enumerate(codes):
                base = {"day": day, "date": date, "state": code, "colour": self.colours[s]}
                self._hosted_rows[s].append({**base, "series": HOSTED_SERIES, "people": int(row[s, HOSTED])})
                self._relocated_rows[s].append({**base, "series": RELOCATED,
                                                "people": int(row[s, RELOCATED_IN])})
            self._peak = np.maximum(self._peak, row[:, HOSTED])
            self._relocated = row[:, RELOCATED_IN]
            self._totals += [{"day": day, "date": date, "series": name,
                              "people": int(collected[name][day + 1])} for name in TOTALS]
            self.days = day + 1

    def data(self) -> dict[str, list[dict[str, Any]]]:
        """The rows of both charts up to the last simulated day: the states that hosted the most
        refugees (at most ``STATES_SHOWN``), relocations into each state that has had any, and
        the totals."""
        self._extend()
        order = np.argsort(-self._peak, kind="stable")[:STATES_SHOWN]
        self._shown = [int(s) for s in order if self._peak[s] > 0] or order.tolist()
        hosted = [row for s in self._shown for row in self._hosted_rows[s]]
        relocated_into = np.flatnonzero(self._relocated > 0).tolist()
        hosted += [row for s in relocated_into for row in self._relocated_rows[s]]
        return {"hosted": hosted, "totals": list(self._totals)}

    def legend(self) -> str:
        """The states the top chart shows (as of the last ``data`` call), as HTML."""
        states = self.model.states
        items = [markup.legend_item(markup.stroke(self.colours[s], 2.5),
                                    f"{states[s].code} {state_name(states[s].name)}") for s in self._shown]
        if (self._relocated > 0).any():
            items.append(markup.legend_item(markup.stroke("#555555", 2, "5 3"), RELOCATED))
        return f'<div class="allysim-legend">{"".join(items)}</div>'


def _axes() -> tuple[alt.X, alt.Y, list[alt.Tooltip]]:
    day = alt.X("day:Q", title="day", axis=alt.Axis(format="d", tickMinStep=1))
    people = alt.Y("people:Q", title="people", axis=alt.Axis(format=",.0f", tickCount=5, minExtent=52))
    tip = [alt.Tooltip("day:Q"), alt.Tooltip("date:N"), alt.Tooltip("series:N"),
           alt.Tooltip("people:Q", format=",")]
    return day, people, tip


def hosted_spec(validate: bool = False) -> dict[str, Any]:
    """Refugees hosted by each state shown (colours as on the map) and relocations in (dashed),
    by day; hover for the numbers."""
    day, people, tip = _axes()
    hosted = alt.Chart(alt.Data(name="hosted"), title="Refugees hosted, by state")
    chart = alt.layer(
        hosted.mark_line(strokeWidth=2).encode(
            x=day, y=people, color=alt.Color("colour:N", scale=None), detail=["state:N", "series:N"],
            strokeDash=alt.condition(f"datum.series == '{RELOCATED}'", alt.value([5, 3]), alt.value([1, 0]))),
        hosted.mark_point(size=40, opacity=0).encode(x=day, y=people, tooltip=[alt.Tooltip("state:N"), *tip]),
    ).properties(width="container", height=HEIGHT)
    return vega_spec(_styled(chart), validate)


def totals_spec(validate: bool = False) -> dict[str, Any]:
    """The model's DataCollector series by day; hover for the numbers."""
    day, people, tip = _axes()
    totals = alt.Chart(alt.Data(name="totals"), title="Totals")
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="top", columns=2),
                       scale=alt.Scale(domain=list(TOTALS), range=list(TOTALS.values())))
    chart = alt.layer(
        totals.mark_line(strokeWidth=2).encode(x=day, y=people, color=colour),
        totals.mark_point(size=40, opacity=0).encode(x=day, y=people, tooltip=tip),
    ).properties(width="container", height=HEIGHT)
    return vega_spec(_styled(chart), validate)


def _styled(chart: alt.LayerChart) -> alt.LayerChart:
    return chart.configure_view(stroke="#dddddd").configure_title(fontSize=13, anchor="start")
