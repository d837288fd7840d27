"""Shared fixtures."""

import pytest

from model import run
from tests.builders import small_params


@pytest.fixture(scope="session")
def small_run():
    """One small run's outcome table (shared by the invariant tests)."""
    return run(small_params(), seed=11, scenario="small")
