"""The page under load: a limit on sessions, warm-ups shared, the page's bounds kept on the server."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from barrio.app.capacity import SessionGate, WarmupCache
from barrio.app.controls import CONTROLS, PageLeverError
from barrio.app.server import server_environment
from barrio.app.session import Simulation
from barrio.experiments.capacity import MEMORY_ENV, PlanTooLargeError
from barrio.model import Scenario
from tests.builders import small_params


def test_the_gate_admits_up_to_its_limit_and_frees_a_place_when_a_session_closes():
    gate = SessionGate(limit=2)
    assert gate.open("a") and gate.open("b") and gate.open("a")
    assert not gate.open("c") and not gate.admitted("c") and gate.live == 2
    gate.close("a")
    assert gate.open("d") and gate.admitted("d")


def test_the_warm_up_is_built_once_and_every_session_gets_its_own_copy():
    scenario = Scenario("small", small_params(timing__warmup_weeks=8, timing__horizon_weeks=20))
    cache, calls = WarmupCache(), []

    def build():
        calls.append(1)
        time.sleep(0.2)  # so that the threads below ask while it builds
        return Simulation.__new__(Simulation)._warm_up.__func__(_Bare(scenario, 3))

    copies: list = []
    threads = [threading.Thread(target=lambda: copies.append(cache.copy(("k", 3), build))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(copies) == 4
    assert copies[0] is not copies[1]
    for model in copies[:2]:
        model.step()
    rows = copies[0].outcomes.rows
    np.testing.assert_array_equal(copies[0].outcomes.values[:rows], copies[1].outcomes.values[:rows])
    assert copies[2].week == copies[0].week - 1  # the others did not move


class _Bare:
    def __init__(self, scenario, seed):
        self.scenario, self.seed = scenario, seed


def test_a_session_from_the_cache_runs_as_one_warmed_up_alone():
    from barrio.app import session
    from barrio.model import make_model

    scenario = Scenario("small", small_params(timing__warmup_weeks=6, timing__horizon_weeks=20))
    first = Simulation("small", scenario, 4)
    second = Simulation("small", scenario, 4)
    assert session.WARMUPS.builds >= 1
    alone = make_model(scenario, 4)
    for _ in range(6 + 3):
        alone.step()
    first.advance(3)
    rows = alone.outcomes.rows
    np.testing.assert_array_equal(first.model.outcomes.values[:rows], alone.outcomes.values[:rows])
    assert second.week == 0


@pytest.mark.parametrize("sent", [1000.0, -1.0, "30", True, None, float("nan")])
def test_a_value_beyond_the_pages_range_is_refused_on_the_server(sent):
    units = next(c for c in CONTROLS if c.path == "policing.units_per_10k")
    with pytest.raises(PageLeverError, match=f"the page offers {units.low:g} to {units.high:g}"):
        units.checked(sent, 5.0)
    assert units.checked(units.high, 5.0) == units.model_value(units.high)
    assert units.checked(40.0, 40.0) == 40.0  # a scenario that starts beyond the slider keeps its value
    switch = next(c for c in CONTROLS if c.switch)
    with pytest.raises(PageLeverError, match="must be yes or no"):
        switch.checked("yes", False)


def test_the_server_frees_closed_sessions_quickly_and_passes_the_limit_on():
    env = server_environment("baseline", 1, "en", {}, max_sessions=7)
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "30s"
    assert env["BARRIO_APP_MAX_SESSIONS"] == "7"


def test_more_sessions_than_the_machine_holds_are_refused_before_the_server_starts(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    with pytest.raises(PlanTooLargeError, match=r"the page for 500 sessions of baseline \(--max-sessions\)"):
        server_environment("baseline", 1, "en", {}, max_sessions=500)
