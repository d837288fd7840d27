"""The one way to run Barrio: ``run(scenario, seed) -> outcome table``.

The command line, the batch runner and the web page all call :func:`run` (or build a
:class:`~model.model.BarrioModel` the same way through :func:`make_model`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from barrio.model.errors import BarrioError
from barrio.model.model import BarrioModel
from barrio.model.params import Params, dotted
from barrio.model.provenance import code_version
from barrio.model.scenario import Scenario

__all__ = ["BuildError", "code_version", "make_model", "run"]


class BuildError(BarrioError, ValueError):
    """A scenario's values are each allowed, but together they give no world that can start.

    Attributes:
        scenario: The scenario's name.
        causes: ``(path, value, default)`` of each changed parameter that, put back to its
            default alone, lets the world be built.
    """

    def __init__(self, scenario: str, error: BaseException, causes: list[tuple[str, Any, Any]]) -> None:
        self.scenario, self.causes = scenario, causes
        why = f"{type(error).__name__}: {error}"
        text = f"{scenario}: the neighbourhood cannot be built with these values ({why})"
        if causes:
            named = "; ".join(f"{path}: {value!r} (default {default!r})" for path, value, default in causes)
            text += f". It can be built with any one of these at its default: {named}"
        else:
            text += ". No single changed parameter explains it: compare the file with `barrio parameters`"
        super().__init__(text)


def _as_scenario(scenario: Scenario | Params) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else Scenario(name="custom", params=scenario)


def make_model(scenario: Scenario | Params, seed: int | np.random.SeedSequence) -> BarrioModel:
    """Build a model (at the start of its warm-up) whose generator is spawned from ``SeedSequence(seed)``.

    Raises:
        BuildError: If the values cannot make a world (each allowed alone, not together: more
            groups than blocks with any demand), naming the parameters that cause it.
    """
    s = _as_scenario(scenario)
    try:
        return _build(s.params, s, seed)
    except Exception as err:
        raise BuildError(s.name, err, _causes(s, seed)) from err


def _build(params: Params, s: Scenario, seed: int | np.random.SeedSequence) -> BarrioModel:
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    with warnings.catch_warnings():
        # A division by zero while building (no block with any demand) gives a world of NaN
        # that would run on silently: it is a world that cannot be built.
        warnings.simplefilter("error", RuntimeWarning)
        return BarrioModel(params, timeline=s.timeline, rng=np.random.default_rng(seq))


def _causes(s: Scenario, seed: int | np.random.SeedSequence) -> list[tuple[str, Any, Any]]:
    """The changed parameters that, each put back to its default alone, let the world be built."""
    now, default = dotted(s.params.model_dump(mode="json")), dotted(Params().model_dump(mode="json"))
    causes = []
    for path, value in now.items():
        if value == default.get(path):
            continue
        try:
            _build(s.params.with_levers({path: default[path]}), s, seed)
        except Exception:  # noqa: S112 - any failure: this parameter alone does not explain it
            continue
        causes.append((path, value, default[path]))
    return causes


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
