"""Burden sharing lowers the frontline state's share of refugees, by its key and fulfilment."""

from __future__ import annotations

import numpy as np

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
