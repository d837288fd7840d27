"""The one way to run Barrio: ``run(scenario, seed) -> outcome table``.

The command line, the batch runner and the web page all call :func:`run` (or build a
:class:`~model.model.BarrioModel` the same way through :func:`make_model`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from barrio.model.model import BarrioModel
from barrio.model.params import Params
from barrio.model.provenance import code_version
from barrio.model.scenario import Scenario

__all__ = ["code_version", "make_model", "run"]


def _as_scenario(scenario: Scenario | Params) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else Scenario(name="custom", params=scenario)


def make_model(scenario: Scenario | Params, seed: int | np.random.SeedSequence) -> BarrioModel:
    """Build a model whose generator is spawned from ``SeedSequence(seed)``."""
    s = _as_scenario(scenario)
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return BarrioModel(s.params, timeline=s.timeline, rng=np.random.default_rng(seq))


def run(
    scenario: Scenario | Params,
    seed: int | np.random.SeedSequence = 0,
    *,
    on_week: Callable[[BarrioModel], None] | None = None,
) -> pd.DataFrame:
    """Run one simulation and return its tidy outcome table.

    Args:
        scenario: A scenario (from :func:`model.scenario.load_scenario`) or bare parameters.
        seed: Seed of the run's ``SeedSequence``; the same (scenario, seed, code version)
            gives the same table.
        on_week: Called after every week with the model (for progress bars and pictures).

    Returns:
        Columns ``week, outcome, value, scenario, scenario_hash, seed, country, version``;
        weeks below 0 are the warm-up. ``table.attrs["scenario"]`` holds the resolved values
        (kept in the Parquet file's metadata).
    """
    s = _as_scenario(scenario)
    model = make_model(s, seed)
    for _ in range(s.params.timing.warmup_weeks + s.params.timing.horizon_weeks):
        model.step()
        if on_week is not None:
            on_week(model)
    entropy = seed.entropy if isinstance(seed, np.random.SeedSequence) else seed
    meta = {
        "scenario": s.name,
        "scenario_hash": s.hash,
        "seed": entropy,
        "country": s.params.country,
        "version": code_version(),
    }
    table = model.outcomes.tidy(meta)
    table.attrs["scenario"] = s.resolved()
    return table
