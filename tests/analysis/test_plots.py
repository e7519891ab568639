"""The standard figures of a run draw the run's own numbers, say what was run, and read easily."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from analysis import load_run
from analysis.plots import (
    flows_between_states,
    idps_and_returnees,
    refugees_by_state,
    save_run_plots,
    state_flows,
)
from sim.app.runner import run_to_directory

TOY = Path(__file__).resolve().parents[2] / "scenarios" / "toy.yaml"
CAPTION = "toy · seed 7 · 1 Mar 2024 to 28 Jun 2024"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    d = run_to_directory(TOY, tmp_path_factory.mktemp("r") / "toy", command="t").directory
    return load_run(d)


def tick_texts(ax, axis: str = "y") -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def test_refugees_by_state_draws_each_host_and_says_what_was_run(run) -> None:
    fig = refugees_by_state(run)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"XBM", "XCV"}
    peak = run.summary.set_index("state").peak_refugees_hosted["XBM"]
    assert max(lines["XBM"].get_ydata()) == peak
    assert CAPTION in fig.get_suptitle()
    labels = tick_texts(fig.axes[0])
    assert "20,000" in labels and not any("e" in t for t in labels)
    assert fig.axes[0].yaxis.get_offset_text().get_text() == ""
    plt.close(fig)


def test_small_hosts_are_summed_as_others(run) -> None:
    states = run.states.copy()
    states.loc[states["state"] == "XAR", "refugees_hosted"] = 1  # a third, small host
    fig = refugees_by_state(replace(run, states=states), top=2)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"XBM", "others (2 states)"}
    rest = states[states["state"] != "XBM"].groupby("date")["refugees_hosted"].sum()
    assert list(lines["others (2 states)"].get_ydata()) == list(rest)
    plt.close(fig)


def test_idps_and_returnees_totals(run) -> None:
    fig = idps_and_returnees(run)
    lines = {line.get_label(): line.get_ydata() for line in fig.axes[0].get_lines()}
    assert list(lines) == ["IDPs (displaced inside their state)", "refugees (all hosts)",
                           "returnees (back home)"]  # no relocation or resettlement in toy
    daily = run.states.groupby("date")["returnees"].sum()
    assert list(lines["returnees (back home)"]) == list(daily)
    assert CAPTION in fig.get_suptitle()
    plt.close(fig)


def test_state_flows_are_between_states_only(run) -> None:
    flows = state_flows(run)
    assert not flows.empty
    assert (flows["from_state"] != flows["to_state"]).all()
    assert "onward" not in set(flows["kind"]) and "blocked" not in set(flows["kind"])
    f = run.flows
    crossed = f[(f["kind"] == "crossing") & (f["from_state"] == "XAR") & (f["to_state"] == "XBM")]
    row = flows[(flows["kind"] == "crossing") & (flows["from_state"] == "XAR") & (flows["to_state"] == "XBM")]
    assert row["count"].item() == crossed["count"].sum() > 0
    assert list(flows["count"]) == sorted(flows["count"], reverse=True)


def test_flows_figure_stacks_each_pair_and_notes_what_it_leaves_out(run) -> None:
    fig = flows_between_states(run)
    pairs, points = fig.axes
    labels = [t.get_text() for t in pairs.get_yticklabels()]
    flows = state_flows(run)
    between = flows[flows["kind"] != "flight"].groupby(["from_state", "to_state"])["count"].sum()
    assert sorted(labels) == sorted(f"{a} → {b}" for a, b in between.index)
    # largest pair on top, each labelled with its people moved between the two states
    assert labels[0] == "{} → {}".format(*between.idxmax())
    by_label = {f"{a} → {b}": n for (a, b), n in between.items()}
    assert [t.get_text() for t in pairs.texts] == [f"{by_label[label]:,}" for label in labels]
    onward_inside = run.flows[(run.flows["kind"] == "onward")
                              & (run.flows["from_state"] == run.flows["to_state"])]["count"].sum()
    assert f"{onward_inside:,} onward moves" in fig.get_supxlabel()
    assert all(" → " in t.get_text() for t in points.get_yticklabels())
    assert all("," in t or len(t) <= 3 for t in tick_texts(pairs, "x"))
    assert CAPTION in fig.get_suptitle()
    plt.close(fig)


def test_many_state_pairs_are_summed_as_others(run) -> None:
    fig = flows_between_states(run, top=2)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    n = state_flows(run).query("kind != 'flight'").groupby(["from_state", "to_state"]).ngroups
    assert len(labels) == 2 and labels[1] == f"others ({n - 1} pairs)"
    plt.close(fig)


def test_save_run_plots_writes_every_figure(run, tmp_path: Path) -> None:
    files = save_run_plots(run, tmp_path / "plots")
    assert [f.name for f in files] == ["refugees_by_state.png", "idps_returnees.png",
                                       "flows_between_states.png"]
    assert all(f.read_bytes()[:4] == b"\x89PNG" for f in files)


def test_figures_replace_their_own_files_and_no_one_elses(run, tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    first = save_run_plots(run, folder)
    assert save_run_plots(run, folder) == first  # drawn again over what allysim drew
    mine = folder / "idps_returnees.png"
    mine.write_bytes(b"a figure of my own")
    with pytest.raises(FileExistsError, match=r"idps_returnees\.png exists and was not drawn by allysim"):
        save_run_plots(run, folder)
    assert mine.read_bytes() == b"a figure of my own"
    assert not plt.get_fignums()  # the figures drawn were closed, not left open
