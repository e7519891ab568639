"""The standard figures draw the run's own numbers."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from analysis import load_run
from analysis.plots import idps_and_returnees, largest_flows, refugees_by_state
from sim.app.runner import run_to_directory

TOY = Path(__file__).resolve().parents[2] / "scenarios" / "toy.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    d = run_to_directory(TOY, tmp_path_factory.mktemp("r") / "toy", command="t").directory
    return load_run(d)


def test_refugees_by_state_draws_each_host(run) -> None:
    fig = refugees_by_state(run)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"XBM", "XCV"}
    peak = run.summary.set_index("state").peak_refugees_hosted["XBM"]
    assert max(lines["XBM"].get_ydata()) == peak
    plt.close(fig)


def test_idps_and_returnees(run) -> None:
    fig = idps_and_returnees(run)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["IDPs", "refugees (all hosts)", "returnees"]
    plt.close(fig)


def test_largest_flows_sorted(run) -> None:
    fig = largest_flows(run, top=5)
    widths = [bar.get_width() for bar in fig.axes[0].patches]
    assert len(widths) == 5 and widths == sorted(widths)
    plt.close(fig)
