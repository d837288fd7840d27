"""Shared fixtures."""

import pytest

from model import Scenario, run
from tests.builders import small_params


@pytest.fixture(scope="session")
def small_run():
    """One small run's outcome table (shared by the invariant tests)."""
    return run(Scenario("small", small_params()), seed=11)
