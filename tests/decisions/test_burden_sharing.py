"""Burden sharing lowers the frontline state's share of refugees, by its key and fulfilment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import mechanism


def frontline_share(*overrides: str, seed: int) -> float:
    model = mechanism("burden-sharing", *overrides, seed=seed)
    states = model.recorder.states_table()
    last = states[states.day == model.day].set_index("state")
    everyone = last.refugees_hosted.sum() + last.relocated_in_cum.sum()
    return last.refugees_hosted["FRN"] / everyone


def test_burden_sharing_lowers_the_frontline_share() -> None:
    shared = np.mean([frontline_share(seed=s) for s in range(3)])
    alone = np.mean([frontline_share("world.alliances.0.burden_sharing.daily_capacity=0", seed=s)
                     for s in range(3)])
    assert shared < alone - 0.2


def test_members_take_their_key_share_times_fulfilment() -> None:
    model = mechanism("burden-sharing", seed=0, days=80)
    flows = model.recorder.flows_table()
    moved = flows[flows.kind == "relocation"].groupby("to_state")["count"].sum()
    # key: 0.5 x population share + 0.5 x economy share = MEM 0.6, MEB 0.4; fulfilment 0.6 and 0.3
    expected_ratio = (0.6 * 0.6) / (0.4 * 0.3)
    assert abs(moved["MEM"] / moved["MEB"] - expected_ratio) < 0.15 * expected_ratio
    assert set(flows[flows.kind == "relocation"].from_state) == {"FRN"}


def relocated(*overrides: str, days: int = 200) -> pd.DataFrame:
    flows = mechanism("burden-sharing", *overrides, seed=0, days=days).recorder.flows_table()
    return flows[flows.kind == "relocation"]


SCHEME = "world.alliances.0.burden_sharing"


def test_a_scheme_with_quotas_a_cap_and_an_end_date() -> None:
    by_member = relocated(f"{SCHEME}.quotas={{MEM: 3000, MEB: 1000}}").groupby("to_state")["count"].sum()
    assert 2700 <= by_member["MEM"] <= 3000 and 900 <= by_member["MEB"] <= 1000
    only_mem = relocated(f"{SCHEME}.quotas={{MEM: 3000}}")
    assert set(only_mem.to_state) == {"MEM"}
    capped = relocated(f"{SCHEME}.total=2500")
    assert 2450 <= capped["count"].sum() <= 2500  # never beyond the cap; shares are rounded down
    ended = relocated(f"{SCHEME}.until=50")
    assert ended.day.max() <= 50 and len(ended)


def test_a_scheme_for_some_nationalities_only() -> None:
    assert relocated(f"{SCHEME}.origins=[NBR]", days=100).empty  # FRN hosts only people from ORI
    assert relocated(f"{SCHEME}.origins=[ORI]", days=100)["count"].sum() \
        == relocated(days=100)["count"].sum()


def test_a_ramp_sets_the_daily_capacity_over_time() -> None:
    per_day = relocated(f"{SCHEME}.ramp=[[0, 0], [100, 100], [101, 2000]]").groupby("day")["count"].sum()
    early, late = per_day[per_day.index <= 100], per_day[per_day.index > 100]
    assert (early <= early.index).all()  # capacity day x 1 person/day up to day 100
    assert late.max() > 5 * early.max()
