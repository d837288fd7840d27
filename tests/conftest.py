"""Shared fixtures."""

import os
import shutil

import pytest

from barrio.model import Scenario, run
from tests.builders import small_params


@pytest.fixture(scope="session")
def small_run():
    """One small run's outcome table (shared by the invariant tests)."""
    return run(Scenario("small", small_params()), seed=11)


# Browser tests of the workshop page (tests/test_page.py) drive Debian's chromium through
# Playwright; Playwright's own browser download is not used.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's chromium on PATH; fails under CI when missing, else skips with the reason."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = (
            "no 'chromium' on PATH (Debian: apt-get install chromium); "
            "the workshop page's browser tests need it"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at Debian's chromium, headless."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }
