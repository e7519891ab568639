"""The model one browser session runs, built from the sidebar values."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sim.app.dashboard import picker, session
from sim.app.dashboard.page import RunViews
from sim.app.dashboard.session import DashboardModel, model_params
from tests.app.dashboard import ALLIANCE_LEVERS, PARAMETER_LEVERS, TOY


def test_dashboard_model_reads_sidebar_values() -> None:
    model = DashboardModel("toy", rng=" 11 ")  # InputText gives strings
    assert model.error is None and model.seed == 11
    params = model_params(model, ["toy", "twin"])
    assert params["scenario_name"]["values"] == ["toy", "twin"]
    started = DashboardModel("mechanisms/intervention")  # not listed (as if started with it)
    assert model_params(started, ["toy"])["scenario_name"]["values"] == ["toy", "mechanisms/intervention"]
    assert params["baseline"]["flee_rate"] == model.spec.parameters.displacement.flee_rate
    assert {lever.name for lever in model.levers} == PARAMETER_LEVERS  # toy has no alliance
    assert set(params) >= PARAMETER_LEVERS and not ALLIANCE_LEVERS & set(params)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scenario_name": "no-such-world"}, "is not one of the scenarios this dashboard offers"),
    ({"rng": "seven"}, "seed must be a whole number"),
    ({"flee_rate": 3.0}, "less than or equal to 1"),
])
def test_rejected_input_becomes_an_error_not_an_exception(kwargs: dict[str, Any], message: str) -> None:
    model = DashboardModel(**{"scenario_name": "toy", **kwargs})
    assert model.error is not None and message in model.error
    assert not model.running
    model.step()  # does nothing, raises nothing
    assert model.day == -1


@pytest.mark.parametrize(("env", "expected"), [("7", 7), ("0", 1), ("often", 1), ("", 1)])
def test_render_interval_from_the_environment(monkeypatch: pytest.MonkeyPatch, env: str,
                                              expected: int) -> None:
    monkeypatch.setenv(session.RENDER_INTERVAL_ENV, env)
    assert session.default_render_interval(DashboardModel("toy")) == expected


def test_the_started_scenario_is_accepted_and_its_problems_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(picker.SCENARIO_ENV, str(TOY))
    assert DashboardModel(str(TOY)).error is None  # the file the server was started with
    gone = str(TOY.with_name("gone.yaml"))
    monkeypatch.setenv(picker.SCENARIO_ENV, gone)
    model = DashboardModel(gone)
    assert not model.refused and model.error is not None and "cannot read file" in model.error


def test_a_step_waits_for_a_reader_holding_the_lock() -> None:
    model = DashboardModel("toy")
    stepped = threading.Event()

    def step() -> None:
        model.step()
        stepped.set()

    worker = threading.Thread(target=step)
    with model.lock:  # as the page holds it while it reads the model
        worker.start()
        assert not stepped.wait(0.3)
        assert (model.day, model.time) == (-1, 0)  # not even Mesa's clock has moved
    assert stepped.wait(30)
    worker.join(30)
    assert (model.day, model.time) == (0, 1)
    model.running = False  # the run is over: a late Step click changes nothing
    model.step()
    assert (model.day, model.time, model.steps) == (0, 1, 1)


def test_a_step_waits_for_the_page_to_be_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    model = DashboardModel("toy")
    model.drawing_lock = threading.Lock()  # the page sets Solara's: held while it draws
    stepped = threading.Event()

    def step() -> None:
        model.step()
        stepped.set()

    with model.drawing_lock:
        worker = threading.Thread(target=step)
        worker.start()
        assert not stepped.wait(0.3)  # no day simulated while the page is being drawn
    assert stepped.wait(30)
    worker.join(30)
    monkeypatch.setattr(session, "DRAW_WAIT", 0.2)
    with model.drawing_lock:  # a drawing that never ends delays a step, never blocks it
        model.step()
    assert model.day == 1


def test_steps_from_two_threads_and_a_drawing_thread_keep_the_run_whole() -> None:
    """What SolaraViz can do at once: its play loop steps in one thread, a Step click in another,
    and the page is drawn in a third. Every day runs once and in order, Mesa's clock agrees with
    the days run, and every drawing is of a whole day."""
    model = DashboardModel("mechanisms/intervention")
    views = RunViews(model)
    problems: list[str] = []
    stop = threading.Event()

    def draw() -> None:
        shown = -1
        while not stop.is_set():
            try:
                panels = views.read(model)
                days = {row["day"] for row in panels.totals.datasets["totals"]}
                assert days == set(range(panels.day + 1)) and panels.day >= shown  # whole days, in order
                assert f"day {panels.day} of 200" in panels.summary or panels.day == -1
                shown = panels.day
            except Exception as exc:  # a torn read raises
                problems.append(repr(exc))
            stop.wait(0.005)  # a page redraws after a step, not in a busy loop that starves the steps

    def play(days: int) -> None:
        for _ in range(days):
            model.step()

    threads = [threading.Thread(target=draw), *(threading.Thread(target=play, args=(40,)) for _ in range(2))]
    for thread in threads:
        thread.start()
    for thread in threads[1:]:
        thread.join(120)
    stop.set()
    threads[0].join(120)
    assert problems == []
    assert (model.time, model.steps, model.day) == (80, 80, 79)
    assert model.recorder.days == list(range(80))
    assert len(model.datacollector.get_model_vars_dataframe()) == 81  # day -1 (the start) and 80 days
