"""The pattern scoreboard: statistics on hand-built tables, intervals, the written board."""

import numpy as np
import pandas as pd
import pytest

from barrio.experiments.patterns import (
    PATTERNS,
    Pattern,
    change,
    growth,
    measure_patterns,
    patterns_markdown,
    run_patterns,
    share,
)


def table(values: dict[str, dict[int, list[float]]], weeks: int = 104) -> pd.DataFrame:
    """A tidy table: for each scenario and seed, ``outcome`` constant over weeks at the given values."""
    rows = []
    for scenario, by_seed in values.items():
        for seed, (homicides, sellers) in by_seed.items():
            for week in range(weeks):
                rows.append((week, "homicides", homicides, scenario, seed))
                rows.append((week, "sellers", sellers, scenario, seed))
    return pd.DataFrame(rows, columns=["week", "outcome", "value", "scenario", "seed"])


TWO = (
    Pattern(
        "rise",
        "homicides rise",
        "a test",
        ("policy", "base"),
        lambda r: change(r, "policy", "base", "homicides", range(0, 104)),
        0.2,
        0.8,
    ),
    Pattern(
        "share",
        "homicides over homicides and sellers",
        "a test",
        ("base",),
        lambda r: share(r, "base", ["homicides"], ["homicides", "sellers"], range(0, 104)),
        0.0,
        0.1,
        "share",
        limits="sellers are many",
    ),
)


def test_each_pattern_is_measured_on_the_paired_runs_with_an_interval():
    t = table({"base": {1: (1.0, 9.0), 2: (3.0, 7.0)}, "policy": {1: (1.5, 9.0), 2: (3.6, 7.0)}})
    rise, ratio = measure_patterns(t, TWO, draws=200)
    assert rise.value == pytest.approx((1.5 + 3.6) / (1.0 + 3.0) - 1.0)  # pooled over paired seeds
    assert rise.held  # +27.5% in +20%..+80%
    assert 0.2 <= rise.low <= rise.value <= rise.high <= 0.5  # the resampled pairs give +20% to +50%
    assert ratio.value == pytest.approx(4.0 / 20.0) and not ratio.held


def test_the_scoreboard_names_the_range_the_value_and_what_limits_a_pattern_not_held(tmp_path):
    t = table({"base": {1: (1.0, 9.0), 2: (3.0, 7.0)}, "policy": {1: (1.5, 9.0), 2: (3.6, 7.0)}})
    measured = measure_patterns(t, TWO, draws=50)
    (tmp_path / "manifest.json").write_text('{"barrio_version": "0.2.0+gabc", "scenarios": {}, "runs": []}')
    text = patterns_markdown(measured, tmp_path)
    assert "**1 of 2 patterns held.**" in text and "`0.2.0+gabc`" in text
    assert "| +20% to +80% | +28% (" in text and "| yes |" in text
    assert "| 0.0% to 10.0% | 20.0% (" in text and "| **no** |" in text
    assert "- **share**: sellers are many" in text


def test_a_ratio_with_nothing_to_compare_is_not_a_number_and_never_held():
    t = table({"pact": {1: (0.0, 1.0)}})
    runs = {"pact": [t.pivot(index="week", columns="outcome", values="value")]}
    value = growth(runs, "pact", "homicides", range(52, 104), range(0, 52))
    assert np.isnan(value) and not TWO[0].holds(value)


def test_every_pattern_has_a_source_a_range_and_library_scenarios():
    from barrio.model.scenario import scenario_library

    assert len(PATTERNS) >= 12 and len({p.key for p in PATTERNS}) == len(PATTERNS)
    for p in PATTERNS:
        assert p.source and (p.low is not None or p.high is not None), p.key
        assert set(p.scenarios) <= set(scenario_library()), p.key


@pytest.mark.slow
def test_the_scoreboard_runs_through_the_batch_machinery_and_resumes(tmp_path):
    one = (
        Pattern(
            "sellers",
            "there are sellers",
            "a test",
            ("baseline",),
            lambda r: share(r, "baseline", ["sellers"], ["sellers", "residents_child"], range(0, 260)),
            0.0,
            1.0,
            "share",
        ),
    )
    out = tmp_path / "patterns"
    measured, results = run_patterns(out, population=2_000, replicates=2, patterns=one, progress=False)
    assert len(results.table.seed.unique()) == 2 and measured[0].value > 0
    again, second = run_patterns(out, population=2_000, replicates=2, patterns=one, progress=False)
    assert again[0].value == measured[0].value and len(second.batch.skipped) == 2
