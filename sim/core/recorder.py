"""What a run records each day, and the tidy tables (one row per observation) it becomes.

Every column is documented in docs/outputs.md. Rows for day d describe the end of day d.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from sim.core.cohorts import N_STATUS, Status
from sim.core.context import Context
from sim.core.flows import FlowKind
from sim.core.routes import Paths
from sim.core.world import Kind


def _labels(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Integer codes as a categorical of names: the CSV text is the same, the memory a fraction."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))


class Recorder:
    """Keeps each day's stocks, states, locations and flows as arrays; builds DataFrames at the end."""

    def __init__(self, ctx: Context, paths: Paths):
        self.world = world = ctx.world
        self.population = ctx.population
        self.flows_today = ctx.flows
        self.borders = ctx.borders
        self.log = ctx.log
        self.paths = paths
        self.start_date = ctx.clock.start_date
        n_states = len(world.state_ids)
        self.days: list[int] = []
        self.stocks: list[tuple[int, np.ndarray, np.ndarray]] = []
        self.state_rows: list[np.ndarray] = []
        self.policies: list[list[str]] = []
        self._gates_seen: tuple[int, tuple[int, ...]] | None = None
        self._policies: list[str] = []
        self.location_rows: list[np.ndarray] = []
        self.intensity: list[np.ndarray] = []
        self.capacity: list[np.ndarray] = []
        self.flows: list[tuple[int, tuple[np.ndarray, ...]]] = []
        self.relocated_in = np.zeros(n_states, dtype=np.int64)
        self.relocated_out = np.zeros(n_states, dtype=np.int64)
        self.resettled_out = np.zeros(n_states, dtype=np.int64)
        self.fled = np.zeros(n_states, dtype=np.int64)
        self.totals: dict[str, int] = {}

    # -- daily -----------------------------------------------------------------------------------

    def observe(self) -> np.ndarray:
        """Refresh the population's occupancy and stock cube and the headline totals; returns the
        cube ([origin state, host state, status] at the end of the day, everyone included)."""
        pop = self.population
        trav = pop.travellers
        pop.observe(self.paths.position(trav.path, trav.profile, trav.progress))
        cube = pop.cube
        self.totals = {
            "refugees": int(cube[:, :, Status.REFUGEE].sum()),
            "idps": int(cube[:, :, Status.IDP].sum()),
            "returnees": int(cube[:, :, Status.RETURNEE].sum()),
            "in_transit": trav.total() + pop.returning.total(),
        }
        return cube

    def people_recorded(self) -> int:
        """Everyone alive in the last day's stocks."""
        return int(self.stocks[-1][2].sum())

    def record(self, day: int) -> None:
        """Keep the end of ``day``: stocks, states, locations and the day's flows."""
        w = self.world
        cube = self.observe()
        nz = np.flatnonzero(cube)
        self.days.append(day)
        self.stocks.append((day, nz, cube.ravel()[nz]))

        frm, to, kind, count = self.flows_today.drain()
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
            self.population.died.copy(),
            cube[:, :, Status.INTEGRATED].sum(axis=0),
        ], axis=1))
        self.policies.append(self._entry_policies())
        occ = self.population.occupancy
        self.location_rows.append(np.stack([
            occ[:, Status.RESIDENT] + occ[:, Status.RETURNEE],
            occ[:, Status.IDP],
            occ[:, Status.REFUGEE],
            occ.sum(axis=1),
        ], axis=1))
        self.intensity.append(w.intensity.copy())
        self.capacity.append(w.capacity.copy())

    def _accumulate(self, frm: np.ndarray, to: np.ndarray, kind: np.ndarray, count: np.ndarray) -> None:
        state = self.world.state_of
        n_states = len(self.world.state_ids)
        size = len(FlowKind) * n_states
        # [kind, state] people moved out of and into each state today
        out = np.bincount(kind * n_states + state[frm], weights=count, minlength=size).reshape(-1, n_states)
        into = np.bincount(kind * n_states + state[to], weights=count, minlength=size).reshape(-1, n_states)
        self.relocated_in += into[FlowKind.RELOCATION].astype(np.int64)
        self.relocated_out += out[FlowKind.RELOCATION].astype(np.int64)
        self.resettled_out += (out[FlowKind.RESETTLEMENT] + out[FlowKind.EVACUATION]).astype(np.int64)
        self.fled += out[FlowKind.FLIGHT].astype(np.int64)

    def _entry_policies(self) -> list[str]:
        """Each state's entry policy, recomputed only when a gate has changed since yesterday."""
        b = self.borders
        gates = (len(b.keys), tuple(b.policy))
        if gates != self._gates_seen:
            self._gates_seen = gates
            self._policies = [b.entry_policy(s) for s in self.world.state_ids]
        return self._policies

    # -- tables ----------------------------------------------------------------------------------

    def _dates(self, days: np.ndarray) -> pd.Categorical:
        """ISO dates; categorical so that millions of rows share a few hundred strings."""
        start = np.datetime64(self.start_date, "D")
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
        states = np.array(self.world.state_ids, dtype=object)
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
        states = self.world.state_ids
        days = np.repeat(np.array(self.days), len(states))
        cols = ["residents", "idps", "refugees_hosted", "refugees_abroad", "returnees",
                "relocated_in_cum", "relocated_out_cum", "resettled_out_cum", "deaths_cum", "integrated"]
        values = (np.concatenate(self.state_rows) if self.state_rows
                  else np.zeros((0, len(cols)), dtype=np.int64))
        df = pd.DataFrame({"day": days, "date": self._dates(days),
                           "state": np.tile(np.array(states, dtype=object), len(self.days))})
        for k, c in enumerate(cols):
            df[c] = values[:, k]
        df["border_policy"] = [p for day in self.policies for p in day]
        return df

    def locations_table(self) -> pd.DataFrame:
        w = self.world
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
        w = self.world
        day = np.concatenate([np.full(len(f[0]), d) for d, f in self.flows] or [np.zeros(0, int)])
        frm, to, kind, count = (np.concatenate([f[i] for _, f in self.flows] or [np.zeros(0, int)])
                                for i in range(4))
        return pd.DataFrame({"day": day, "date": self._dates(day), "from_location": _labels(frm, w.ids),
                             "to_location": _labels(to, w.ids),
                             "from_state": _labels(w.state_of[frm], w.state_ids),
                             "to_state": _labels(w.state_of[to], w.state_ids),
                             "kind": _labels(kind, [k.label for k in FlowKind]), "count": count})

    def events_table(self) -> pd.DataFrame:
        rows = self.log.rows
        days = np.array([r["day"] for r in rows], dtype=np.int64)
        return pd.DataFrame({
            "day": days, "date": self._dates(days),
            "type": [r["type"] for r in rows], "actor": [r["actor"] for r in rows],
            "target": [r["target"] for r in rows], "origin": [r["origin"] for r in rows],
            "detail": [json.dumps(r["detail"], sort_keys=True) for r in rows],
        })

    def summary_table(self) -> pd.DataFrame:
        states = self.world.state_ids
        rows = np.stack(self.state_rows) if self.state_rows else np.zeros((0, len(states), 8), np.int64)
        days = np.array(self.days)
        start = self.start_date

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
            "total_fled": self.fled, "returned": self.population.returned.copy(),
            "relocated": self.relocated_out, "resettled": self.resettled_out,
            "deaths": self.population.died.copy(),
        })
