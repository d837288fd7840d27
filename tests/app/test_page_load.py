"""The page under load, in a real browser: a limit on sessions with a polite page past it, and
diagnostic routes kept from the network."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.app.test_page import LOAD_TIMEOUT_MS, _free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def one_seat(tmp_path_factory) -> Iterator[str]:
    """``barrio app --max-sessions 1`` on 127.0.0.1."""
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    command = [sys.executable, "-m", "barrio.cli", "app", "--port", str(port), "--language", "en"]
    with log.open("w") as out:
        proc = subprocess.Popen([*command, "--max-sessions", "1"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"barrio app did not start:\n{log.read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_session_past_the_limit_sees_a_polite_page_and_gets_in_once_a_place_is_free(browser, one_seat):
    first = browser.new_context()
    page = first.new_page()
    page.goto(one_seat)
    page.wait_for_selector(".barrio-week", timeout=LOAD_TIMEOUT_MS)
    # A second visitor (no cookie: a new session) finds the room full, without a model being built.
    second = browser.new_context().new_page()
    started = time.monotonic()
    second.goto(one_seat)
    second.wait_for_selector(".barrio-full", timeout=30_000)
    assert time.monotonic() - started < 10
    assert "The page is full: 1 people are using it at once" in second.inner_text(".barrio-full")
    assert second.locator(".barrio-week").count() == 0
    # The first closes their page: its place is freed within a minute (Solara culls it after 30 s).
    first.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        second.reload()
        second.wait_for_selector(".barrio-full, .barrio-week", timeout=LOAD_TIMEOUT_MS)
        if second.locator(".barrio-week").count():
            break
        time.sleep(3)
    assert second.locator(".barrio-week").count() == 1


def test_diagnostic_routes_answer_this_machine_only(one_seat):
    host, port = "127.0.0.1", int(one_seat.rsplit(":", 1)[1].strip("/"))
    local = http.client.HTTPConnection(host, port, timeout=10)
    local.request("GET", "/resourcez?verbose")
    mine = local.getresponse()
    mine.read()
    local.close()
    assert mine.status == 200
    # Another address (as a machine on the network would be): the route is not there for it.
    remote = http.client.HTTPConnection(host, port, timeout=10, source_address=("127.0.0.2", 0))
    remote.request("GET", "/resourcez?verbose")
    answer = remote.getresponse()
    body = answer.read()
    remote.close()
    assert answer.status == 404 and b"cpu" not in body.lower()
