"""The one way to run Barrio: ``run(params, seed) -> outcome table``.

The command line, the batch runner and the web page all call :func:`run` (or build a
:class:`~model.model.BarrioModel` the same way through :func:`make_model`).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata

import numpy as np
import pandas as pd

from model.errors import UnknownScenarioError
from model.model import BarrioModel
from model.params import Params

__all__ = ["BUILTIN_SCENARIOS", "builtin_scenario", "code_version", "make_model", "run"]

#: Scenarios known by name until scenario files arrive: name -> parameter overrides.
BUILTIN_SCENARIOS: dict[str, dict] = {"baseline": {}}


def builtin_scenario(name: str) -> Params:
    """Parameters of a built-in scenario.

    Raises:
        UnknownScenarioError: If no built-in scenario has that name.
    """
    if name not in BUILTIN_SCENARIOS:
        known = ", ".join(sorted(BUILTIN_SCENARIOS))
        raise UnknownScenarioError(f"no built-in scenario named {name!r}; known: {known}")
    return Params.build(BUILTIN_SCENARIOS[name], source=f"built-in scenario {name!r}")


def code_version() -> str:
    """Barrio's package version (the code version that, with scenario and seed, fixes a run)."""
    try:
        return metadata.version("barrio")
    except metadata.PackageNotFoundError:
        return "unknown"


def make_model(params: Params, seed: int | np.random.SeedSequence) -> BarrioModel:
    """Build a model whose generator is spawned from ``SeedSequence(seed)``."""
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return BarrioModel(params, rng=np.random.default_rng(seq))


def run(
    params: Params,
    seed: int | np.random.SeedSequence = 0,
    *,
    scenario: str = "custom",
    on_week: Callable[[BarrioModel], None] | None = None,
) -> pd.DataFrame:
    """Run one simulation and return its tidy outcome table.

    Args:
        params: The run's parameters.
        seed: Seed of the run's ``SeedSequence``; the same (params, seed, code version)
            gives the same table.
        scenario: Name recorded in the table.
        on_week: Called after every week with the model (for progress bars and pictures).

    Returns:
        Columns ``week, outcome, value, scenario, seed, country, version``; weeks before
        0 are the warm-up.
    """
    model = make_model(params, seed)
    for _ in range(params.timing.warmup_weeks + params.timing.horizon_weeks):
        model.step()
        if on_week is not None:
            on_week(model)
    entropy = seed.entropy if isinstance(seed, np.random.SeedSequence) else seed
    meta = {"scenario": scenario, "seed": entropy, "country": params.country, "version": code_version()}
    return model.outcomes.tidy(meta)
