"""What a run records each day, and the tidy tables (one row per observation) it becomes.

Every column is documented in docs/outputs.md. Rows for day d describe the end of day d.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.cohorts import N_STATUS, Status
from sim.movement import FlowKind
from sim.world import Kind

if TYPE_CHECKING:
    from sim.model import DisplacementModel


def _labels(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Integer codes as a categorical of names: the CSV text is the same, the memory a fraction."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))


class Recorder:
    """Keeps each day's stocks, states, locations and flows as arrays; builds DataFrames at the end."""

    def __init__(self, model: DisplacementModel):
        self.model = model
        n_states = len(model.world.state_ids)
        self.days: list[int] = []
        self.stocks: list[tuple[int, np.ndarray, np.ndarray]] = []
        self.state_rows: list[np.ndarray] = []
        self.policies: list[list[str]] = []
        self.location_rows: list[np.ndarray] = []
        self.intensity: list[np.ndarray] = []
        self.capacity: list[np.ndarray] = []
        self.flows: list[tuple[int, tuple[np.ndarray, ...]]] = []
        self.relocated_in = np.zeros(n_states, dtype=np.int64)
        self.relocated_out = np.zeros(n_states, dtype=np.int64)
        self.resettled_out = np.zeros(n_states, dtype=np.int64)
        self.fled = np.zeros(n_states, dtype=np.int64)
        self.returned = np.zeros(n_states, dtype=np.int64)
        self.totals: dict[str, int] = {}
        # The last observed stock cube: what decisions taken today know (yesterday's figures).
        self.cube = np.zeros((n_states, n_states, N_STATUS), dtype=np.int64)

    # -- daily -----------------------------------------------------------------------------------

    def stock_cube(self) -> np.ndarray:
        """[origin state, host state, status] people at the end of the day, everyone included."""
        m = self.model
        w = m.world
        n_states = len(w.state_ids)
        pos = m.movement.position(m.travellers)
        parts = [(m.people.origin, m.people.loc, m.people.status, m.people.count),
                 (m.travellers.origin, pos, m.travellers.status, m.travellers.count),
                 (m.returning.origin, m.returning.last_loc, m.returning.status, m.returning.count)]
        origin = np.concatenate([w.state_of[p[0]] for p in parts])
        host = np.concatenate([w.state_of[p[1]] for p in parts])
        status = np.concatenate([p[2] for p in parts])
        count = np.concatenate([p[3] for p in parts])
        key = (origin * n_states + host) * N_STATUS + status
        cube = np.bincount(key, weights=count, minlength=n_states * n_states * N_STATUS)
        return np.rint(cube).astype(np.int64).reshape(n_states, n_states, N_STATUS)

    def observe(self) -> np.ndarray:
        """Update the model's occupancy and headline totals; returns the stock cube."""
        m = self.model
        n = m.world.n
        key = m.people.loc * N_STATUS + m.people.status
        occ = np.bincount(key, weights=m.people.count, minlength=n * N_STATUS)
        m.occupancy = np.rint(occ).astype(np.int64).reshape(n, N_STATUS)
        cube = self.cube = self.stock_cube()
        self.totals = {
            "refugees": int(cube[:, :, Status.REFUGEE].sum()),
            "idps": int(cube[:, :, Status.IDP].sum()),
            "returnees": int(cube[:, :, Status.RETURNEE].sum()),
            "in_transit": m.travellers.total() + m.returning.total(),
        }
        return cube

    def record(self, day: int) -> None:
        m = self.model
        w = m.world
        cube = self.observe()
        nz = np.flatnonzero(cube)
        self.days.append(day)
        self.stocks.append((day, nz, cube.ravel()[nz]))

        frm, to, kind, count = m.movement.flows.drain()
        self.flows.append((day, (frm, to, kind, count)))
        self._accumulate(frm, to, kind, count)
        self.state_rows.append(np.stack([
            cube[:, :, Status.RESIDENT].sum(axis=0),
            np.diagonal(cube[:, :, Status.IDP]),
            cube[:, :, Status.REFUGEE].sum(axis=0),
            cube[:, :, Status.REFUGEE].sum(axis=1),
            cube[:, :, Status.RETURNEE].sum(axis=0),
            self.relocated_in.copy(),
            self.relocated_out.copy(),
            self.resettled_out.copy(),
        ], axis=1))
        self.policies.append([m.borders.entry_policy(s) for s in w.state_ids])
        occ = m.occupancy
        self.location_rows.append(np.stack([
            occ[:, Status.RESIDENT] + occ[:, Status.RETURNEE],
            occ[:, Status.IDP],
            occ[:, Status.REFUGEE],
            occ.sum(axis=1),
        ], axis=1))
        self.intensity.append(w.intensity.copy())
        self.capacity.append(w.capacity.copy())

    def _accumulate(self, frm: np.ndarray, to: np.ndarray, kind: np.ndarray, count: np.ndarray) -> None:
        state = self.model.world.state_of
        n_states = len(self.model.world.state_ids)

        def add(into: np.ndarray, kinds: tuple[FlowKind, ...], at: np.ndarray) -> None:
            sel = np.isin(kind, kinds)
            into += np.bincount(state[at[sel]], weights=count[sel], minlength=n_states).astype(np.int64)

        add(self.relocated_in, (FlowKind.RELOCATION,), to)
        add(self.relocated_out, (FlowKind.RELOCATION,), frm)
        add(self.resettled_out, (FlowKind.RESETTLEMENT, FlowKind.EVACUATION), frm)
        add(self.fled, (FlowKind.FLIGHT,), frm)

    def note_returned(self, home: np.ndarray, count: np.ndarray) -> None:
        """People who reached home today (for summary.csv)."""
        state = self.model.world.state_of
        self.returned += np.bincount(state[home], weights=count,
                                     minlength=len(self.returned)).astype(np.int64)

    # -- tables ----------------------------------------------------------------------------------

    def _dates(self, days: np.ndarray) -> pd.Categorical:
        """ISO dates; categorical so that millions of rows share a few hundred strings."""
        start = np.datetime64(self.model.spec.start_date, "D")
        first = int(days.min()) if len(days) else 0
        span = int(days.max()) - first + 1 if len(days) else 0
        labels = (start + np.arange(first, first + span).astype("timedelta64[D]")).astype(str)
        return pd.Categorical.from_codes(days - first, categories=labels)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every output table, in the column order of docs/outputs.md."""
        return {
            "stocks": self.stocks_table(),
            "states": self.states_table(),
            "locations": self.locations_table(),
            "flows": self.flows_table(),
            "events": self.events_table(),
            "summary": self.summary_table(),
        }

    def stocks_table(self) -> pd.DataFrame:
        states = np.array(self.model.world.state_ids, dtype=object)
        statuses = np.array([s.label for s in Status], dtype=object)
        n_states = len(states)
        day = np.concatenate([np.full(len(nz), d) for d, nz, _ in self.stocks] or [np.zeros(0, int)])
        flat = np.concatenate([nz for _, nz, _ in self.stocks] or [np.zeros(0, int)])
        count = np.concatenate([c for _, _, c in self.stocks] or [np.zeros(0, int)])
        origin, rest = np.divmod(flat, n_states * N_STATUS)
        host, status = np.divmod(rest, N_STATUS)
        return pd.DataFrame({"day": day, "date": self._dates(day), "origin_state": states[origin],
                             "host_state": states[host], "status": statuses[status], "count": count})

    def states_table(self) -> pd.DataFrame:
        states = self.model.world.state_ids
        days = np.repeat(np.array(self.days), len(states))
        values = np.concatenate(self.state_rows) if self.state_rows else np.zeros((0, 8), dtype=np.int64)
        cols = ["residents", "idps", "refugees_hosted", "refugees_abroad", "returnees",
                "relocated_in_cum", "relocated_out_cum", "resettled_out_cum"]
        df = pd.DataFrame({"day": days, "date": self._dates(days),
                           "state": np.tile(np.array(states, dtype=object), len(self.days))})
        for k, c in enumerate(cols):
            df[c] = values[:, k]
        df["border_policy"] = [p for day in self.policies for p in day]
        return df

    def locations_table(self) -> pd.DataFrame:
        w = self.model.world
        n_days = len(self.days)
        days = np.repeat(np.array(self.days, dtype=np.int64), w.n)
        values = np.concatenate(self.location_rows) if self.location_rows else np.zeros((0, 4), np.int64)
        capacity = np.concatenate(self.capacity) if self.capacity else np.zeros(0)
        where = np.tile(np.arange(w.n), n_days)
        df = pd.DataFrame({
            "day": days, "date": self._dates(days),
            "location": _labels(where, w.ids),
            "state": _labels(w.state_of[where], w.state_ids),
            "kind": _labels(w.kind[where].astype(np.int64), [k.label for k in Kind]),
            "residents": values[:, 0], "idps": values[:, 1], "refugees": values[:, 2],
            "total": values[:, 3],
        })
        finite = np.isfinite(capacity)
        df["capacity"] = pd.arrays.IntegerArray(np.where(finite, capacity, 0).astype(np.int64), ~finite)
        df["conflict_intensity"] = np.concatenate(self.intensity) if self.intensity else np.zeros(0)
        return df

    def flows_table(self) -> pd.DataFrame:
        w = self.model.world
        day = np.concatenate([np.full(len(f[0]), d) for d, f in self.flows] or [np.zeros(0, int)])
        frm, to, kind, count = (np.concatenate([f[i] for _, f in self.flows] or [np.zeros(0, int)])
                                for i in range(4))
        return pd.DataFrame({"day": day, "date": self._dates(day), "from_location": _labels(frm, w.ids),
                             "to_location": _labels(to, w.ids),
                             "from_state": _labels(w.state_of[frm], w.state_ids),
                             "to_state": _labels(w.state_of[to], w.state_ids),
                             "kind": _labels(kind, [k.label for k in FlowKind]), "count": count})

    def events_table(self) -> pd.DataFrame:
        rows = self.model.event_log
        days = np.array([r["day"] for r in rows], dtype=np.int64)
        return pd.DataFrame({
            "day": days, "date": self._dates(days),
            "type": [r["type"] for r in rows], "actor": [r["actor"] for r in rows],
            "target": [r["target"] for r in rows], "origin": [r["origin"] for r in rows],
            "detail": [json.dumps(r["detail"], sort_keys=True) for r in rows],
        })

    def summary_table(self) -> pd.DataFrame:
        states = self.model.world.state_ids
        rows = np.stack(self.state_rows) if self.state_rows else np.zeros((0, len(states), 8), np.int64)
        days = np.array(self.days)
        start = self.model.spec.start_date

        def peak(col: int) -> tuple[np.ndarray, list[str]]:
            if not len(days):
                return np.zeros(len(states), np.int64), [""] * len(states)
            series = rows[:, :, col]
            at = series.argmax(axis=0)
            dates = [(start + dt.timedelta(days=int(days[a]))).isoformat() if series[a, s] > 0 else ""
                     for s, a in enumerate(at)]
            return series.max(axis=0), dates

        peak_refugees, peak_refugees_date = peak(2)
        peak_idps, peak_idps_date = peak(1)
        return pd.DataFrame({
            "state": states,
            "peak_refugees_hosted": peak_refugees, "peak_refugees_date": peak_refugees_date,
            "peak_idps": peak_idps, "peak_idps_date": peak_idps_date,
            "total_fled": self.fled, "returned": self.returned,
            "relocated": self.relocated_out, "resettled": self.resettled_out,
        })
