"""Whole runs: invariants, determinism, outcome table shape."""

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from model import BarrioModel, Status, run
from model.outcomes import OUTCOMES
from tests.builders import small_params


def wide(table: pd.DataFrame) -> pd.DataFrame:
    return table.pivot(index="week", columns="outcome", values="value")


def test_the_table_is_tidy_with_every_outcome_every_week(small_run):
    p = small_params()
    weeks = p.timing.warmup_weeks + p.timing.horizon_weeks
    assert list(small_run.columns[:3]) == ["week", "outcome", "value"]
    assert {"scenario", "scenario_hash", "seed", "country", "version"} <= set(small_run.columns)
    assert len(small_run) == weeks * len(OUTCOMES)
    assert (
        small_run.week.min() == -p.timing.warmup_weeks and small_run.week.max() == p.timing.horizon_weeks - 1
    )
    assert not small_run.value.isna().any()


def test_every_resident_has_exactly_one_status_every_week(small_run):
    w = wide(small_run)
    by_status = w[[f"residents_{s.name.lower()}" for s in Status]].sum(axis=1)
    assert (by_status == small_params().neighbourhood.population).all()


def test_nothing_that_cannot_be_negative_is_negative(small_run):
    w = wide(small_run)
    assert (w.drop(columns=["economy_index"]) >= 0).all().all()
    assert (w.economy_index > 0).all()
    for share in ("informality_rate", "unemployment_rate", "poverty_rate"):
        assert w[share].between(0, 1).all()


def test_stocks_agree_with_each_other(small_run):
    w = wide(small_run)
    assert (w.sellers == w.sellers_independent + w.sellers_affiliated).all()
    assert (w.sellers == w.residents_selling).all()
    assert (w.residents_detained == w.prisoners_pretrial + w.prisoners_sentenced + w.juveniles_detained).all()
    assert (w.arrests == w.arrests_selling + w.arrests_possession).all()
    by_group = w[
        [
            c
            for c in w.columns
            if c.startswith("arrests_") and c.count("_") >= 2 and "selling" not in c and "possession" not in c
        ]
    ].sum(axis=1)
    assert (by_group == w.arrests).all()  # everyone arrested is 12 or older
    recruits = w[[c for c in w.columns if c.startswith("recruits_")]].sum(axis=1)
    assert (recruits == w.recruits).all()


def test_the_market_is_active_and_the_justice_system_is_used(small_run):
    """Not a calibration check: guards against a default run where nothing happens."""
    w = wide(small_run).loc[0:]
    assert w.sellers.mean() > 0
    assert w.arrests.sum() > 0
    assert w.market_volume.sum() > 0


def test_people_are_conserved_in_the_model_arrays():
    model = BarrioModel(small_params(), rng=5)
    n = len(model.residents)
    households = model.residents.household.copy()
    for _ in range(60):
        model.step()
        assert len(model.residents) == n
        assert np.isin(model.residents.status, [s.value for s in Status]).all()
    np.testing.assert_array_equal(model.residents.household, households)


def test_same_seed_same_table_other_seed_other_table():
    p = small_params(timing__warmup_weeks=10, timing__horizon_weeks=20)
    a, b, c = run(p, seed=3), run(p, seed=3), run(p, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.value.equals(c.value)


def test_unknown_country_stops_before_running():
    from model import ParameterError, Params

    with pytest.raises(ParameterError, match="country"):
        Params.build({"country": "narnia"})


def test_every_country_context_runs():
    from model.contexts import CONTEXTS

    for key in CONTEXTS:
        table = run(small_params(country=key, timing__warmup_weeks=4, timing__horizon_weeks=4), seed=1)
        assert (table.country == key).all()


def test_the_model_can_be_garbage_collected():
    model = BarrioModel(small_params(), rng=1)
    model.step()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None
