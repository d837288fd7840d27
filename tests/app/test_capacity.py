"""The page under load: a limit on sessions, warm-ups shared, the page's bounds kept on the server,
closed sessions' memory given back."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
import weakref

import numpy as np
import pytest

from barrio.app.capacity import ClosedSessions, SessionGate, WarmupCache, default_per_address
from barrio.app.controls import CONTROLS, PageLeverError
from barrio.app.server import SessionLimitError, server_environment
from barrio.app.session import Simulation
from barrio.experiments.capacity import MEMORY_ENV, PlanTooLargeError
from barrio.model import Scenario
from tests.builders import small_params


def test_the_gate_admits_up_to_its_limit_and_frees_a_place_when_a_session_closes():
    gate = SessionGate(limit=2)
    assert gate.open("a", "10.0.0.1") and gate.open("b", "10.0.0.2") and gate.open("a", "10.0.0.1")
    assert not gate.open("c", "10.0.0.3") and not gate.admitted("c") and gate.live == 2
    gate.close("a")
    assert gate.open("d", "10.0.0.4") and gate.admitted("d")


def test_one_address_takes_at_most_its_share_and_the_refused_are_told_why():
    gate = SessionGate(limit=4, per_address=2)
    assert gate.open("a1", "10.0.0.5") and gate.open("a2", "10.0.0.5")
    assert not gate.open("a3", "10.0.0.5") and gate.refusal("a3") == "address"
    assert gate.open("b1", "10.0.0.6") and gate.open("b2", "10.0.0.7") and gate.live == 4
    assert not gate.open("c1", "10.0.0.8") and gate.refusal("c1") == "full"
    assert gate.refusal("a1") is None
    gate.close("a1")
    assert gate.open("a3", "10.0.0.5") and gate.refusal("a3") is None
    # By default an address may hold all but a fifth of the places: a room behind one router
    # still fits in 40 of 50, and 10 stay for everyone else.
    assert [default_per_address(n) for n in (1, 2, 5, 10, 50)] == [1, 1, 4, 8, 40]
    assert SessionGate(limit=50).per_address == 40 and SessionGate(limit=3, per_address=9).per_address == 3


def test_the_page_notes_each_sessions_client_address_while_its_connection_is_open():
    from barrio.app.routes import _CLIENTS, _noting_client, client_address

    reached = []

    async def solara_app(scope, receive, send):
        reached.append(client_address(scope["path_params"]["kernel_id"]))

    async def failing_app(scope, receive, send):
        raise KeyError("session_id")  # Solara refusing a connection before any session exists

    scope = {"type": "websocket", "client": ("192.0.2.7", 5000), "path_params": {"kernel_id": "k1"}}
    asyncio.run(_noting_client(solara_app)(scope, None, None))
    # Solara creates the session inside the connection: its address is known by then, and
    # forgotten with the connection (the session keeps its own copy).
    assert reached == ["192.0.2.7"] and client_address("k1") == ""
    # A connection that fails (a made-up kernel id, no session) leaves nothing behind either.
    with pytest.raises(KeyError):
        asyncio.run(
            _noting_client(failing_app)({**scope, "path_params": {"kernel_id": "x" * 10_000}}, None, None)
        )
    assert "k1" not in _CLIENTS and "x" * 10_000 not in _CLIENTS


def test_an_ipv6_client_counts_as_its_whole_64_and_the_refused_keep_their_reason():
    from barrio.app.capacity import client_of

    assert client_of("2001:db8:1:2::5") == client_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_of("2001:db8:1:3::5") != client_of("2001:db8:1:2::5")
    assert client_of("::ffff:192.0.2.7") == client_of("192.0.2.7") == "192.0.2.7"
    gate = SessionGate(limit=3, per_address=1)
    assert gate.open("a", "2001:db8:1:2::5") and not gate.open("b", "2001:db8:1:2::6")
    assert gate.refusal("b") == "address"
    assert gate.open("c", "192.0.2.7") and gate.open("d", "192.0.2.8") and not gate.open("e", "192.0.2.9")
    gate.close("a")
    # Told what was true when it was refused, not what is true now.
    assert gate.refusal("e") == "full" and gate.refusal("b") == "address"


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


def test_a_copy_has_one_class_for_the_cells_of_its_grid_as_the_grid_made_them():
    from barrio.model import make_model

    scenario = Scenario("small", small_params(timing__warmup_weeks=2, timing__horizon_weeks=10))
    built = make_model(scenario, 5)
    copy = WarmupCache().copy(("k", 5), lambda: built)
    cells = list(copy.grid.all_cells)
    assert {type(cell) for cell in cells} == {copy.grid.cell_klass}
    assert copy.grid.cell_klass.__bases__ == built.grid.cell_klass.__bases__
    originals = list(built.grid.all_cells)
    assert [c.coordinate for c in cells] == [c.coordinate for c in originals]
    assert [len(c.connections) for c in cells] == [len(c.connections) for c in originals]


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
    assert env["BARRIO_APP_MAX_PER_ADDRESS"] == "6"  # all but a fifth (at least one), by default
    assert server_environment("baseline", 1, "en", {}, 7, 7)["BARRIO_APP_MAX_PER_ADDRESS"] == "7"
    with pytest.raises(
        SessionLimitError, match=r"--max-sessions-per-address must be 1 to --max-sessions \(7\), got 8"
    ):
        server_environment("baseline", 1, "en", {}, 7, 8)
    # glibc's malloc for Python's objects, so that a closed session's freed pages can go back.
    assert env["PYTHONMALLOC"] == "malloc" and env["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    assert server_environment("baseline", 1, "en", {"PYTHONMALLOC": "pymalloc"})["PYTHONMALLOC"] == "pymalloc"


def test_more_sessions_than_the_machine_holds_are_refused_before_the_server_starts(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    with pytest.raises(PlanTooLargeError, match=r"the page for 500 sessions of baseline \(--max-sessions\)"):
        server_environment("baseline", 1, "en", {}, max_sessions=500)


class _Session:
    """Stands for a closed session's objects: they refer to one another, so only the collector frees them."""

    def __init__(self) -> None:
        self.me = self


def _until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_closed_session_is_collected_once_let_go_of_and_the_memory_handed_back():
    trims: list[int] = []
    closed = ClosedSessions(every=0.02, longest=0.05, trim=lambda: trims.append(1))
    session, kept = _Session(), []
    kept.append(session)  # Solara still holds it for a while after the close
    gc.disable()  # only the releaser's collections count
    try:
        closed.closed(session)
        del session
        assert _until(lambda: closed.passes >= 3)
        assert closed.held == 1  # collecting does not free what is still held...
        kept.clear()
        assert _until(lambda: closed.held == 0)  # ...and goes on until it is let go of
    finally:
        gc.enable()
    assert trims and closed.given_up == 0
    time.sleep(0.2)
    passes = closed.passes
    time.sleep(0.2)
    assert closed.passes == passes  # nothing left to wait for: no more collections


def test_a_session_still_held_long_after_its_close_is_said_and_given_up(caplog):
    closed = ClosedSessions(every=0.01, longest=0.02, patience=0.1, trim=lambda: None)
    session = _Session()
    with caplog.at_level(logging.WARNING, logger="barrio.app.capacity"):
        closed.closed(session)
        assert _until(lambda: closed.given_up == 1)
    assert "1 closed sessions are still held after 0.1s" in caplog.text
    assert closed.held == 0


def test_collecting_after_a_close_does_not_keep_the_closing_session():
    # Solara's server hands a thread the session it was started from; a close runs inside
    # the closing session, so a thread started there would keep that session alive.
    import solara.server.app  # noqa: F401 - patches threading.Thread as the page's server does
    from solara.server import kernel, kernel_context

    loop = asyncio.new_event_loop()
    context = kernel_context.VirtualKernelContext(
        id="closing", kernel=kernel.Kernel(), session_id="s", event_loop=loop
    )
    gone = weakref.ref(context)
    still_held = _Session()  # keeps the releaser running while the session is let go of
    closed = ClosedSessions(every=0.05, longest=0.1, patience=5, trim=lambda: None)
    with context:
        closed.closed(still_held)
    context.close()
    del context
    gc.collect()
    loop.close()
    assert gone() is None
    assert closed.held == 1
