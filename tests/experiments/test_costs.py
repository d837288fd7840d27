import numpy as np
import pandas as pd
import pytest

from barrio.experiments.costs import cost_effectiveness, cost_per_recruit_averted, costs, currency, fieller
from barrio.experiments.effects import against_baseline


def table(seed: int, recruits: list[float], spending: list[float]) -> pd.DataFrame:
    """A hand-built tidy table: one warm-up week (-1), then the policy period."""
    rows = []
    for k, (r, s) in enumerate(zip(recruits, spending, strict=True)):
        week = k - 1
        rows += [
            {"week": week, "outcome": "recruits", "value": r, "seed": seed},
            {"week": week, "outcome": "enforcement_cost", "value": s, "seed": seed},
            {
                "week": week,
                "outcome": "programme_spending",
                "value": 0.0 if week < 0 else 100.0,
                "seed": seed,
            },
        ]
    return pd.DataFrame(rows)


def test_cost_per_recruit_averted_by_hand():
    # Two seeds; the warm-up week is ignored. Recruits without: 5 + 5; with: 3 + 4; averted 3.
    # The programme adds 100 a week and enforcement falls by 5 a week, over 2 weeks x 2 seeds:
    # extra spending (100 - 5) x 4 = 380.
    without = pd.concat([table(0, [9, 2, 3], [50, 10, 10]), table(1, [9, 3, 2], [50, 10, 10])])
    with_ = pd.concat([table(0, [9, 1, 2], [50, 5, 5]), table(1, [9, 2, 2], [50, 5, 5])])
    without.loc[without.outcome == "programme_spending", "value"] = 0.0
    assert cost_per_recruit_averted(with_, without) == pytest.approx(380 / 3)


def test_no_recruit_averted_gives_nan_and_unpaired_tables_are_refused():
    same = table(0, [1, 1], [0, 0])
    assert np.isnan(cost_per_recruit_averted(same, same))
    with pytest.raises(ValueError, match="same seeds"):
        cost_per_recruit_averted(table(0, [1, 1], [0, 0]), table(1, [1, 1], [0, 0]))


def test_fiellers_interval_by_hand():
    cost, averted = np.array([10.0, 12.0, 14.0]), np.array([2.0, 2.0, 2.0])
    # averted is known exactly (no spread): the interval is the cost's t interval over 2.
    ratio, low, high = fieller(cost, averted)
    half = 4.302653 * 2 / np.sqrt(3)  # cost: mean 12, sd 2
    assert ratio == pytest.approx(6)
    assert low == pytest.approx((12 - half) / 2, rel=1e-5) and high == pytest.approx(
        (12 + half) / 2, rel=1e-5
    )
    # Averted not distinguishable from zero: no bounded interval.
    assert np.isnan(fieller(cost, np.array([-1.0, 1.0, 0.5]))[1])


def means(baseline: dict[str, list[float]], policy: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"scenario": name, "replicate": r, "outcome": outcome, "value": v}
        for name, values in (("baseline", baseline), ("policy", policy))
        for outcome, series in values.items()
        for r, v in enumerate(series)
    ]
    return pd.DataFrame(rows)


def test_cost_effectiveness_says_plainly_when_a_policy_raises_the_outcome():
    table = means(
        # homicides a week, young recruits a year, prisoners held; total cost a year
        {
            "homicides": [1.0, 1.2, 1.1],
            "young_recruits": [10, 11, 12],
            "prisoners": [5, 5, 5],
            "total_cost": [100] * 3,
        },
        {
            "homicides": [0.5, 0.6, 0.5],
            "young_recruits": [14, 15, 17],
            "prisoners": [0, 0, 0],
            "total_cost": [160] * 3,
        },
    )
    rows = cost_effectiveness(table, "baseline", years=2).set_index("averted_outcome")
    homicides = rows.loc["homicides"]
    # Averted over 2 years: (1.1 - 0.5333) x 104 weeks = 58.9; extra cost 60 x 2 = 120.
    assert homicides.status == "averts" and homicides.averted == pytest.approx((1.1 - 1.6 / 3) * 104)
    assert homicides.per_averted == pytest.approx(120 / homicides.averted)
    assert homicides.low < homicides.per_averted < homicides.high
    young = rows.loc["young_recruits"]
    assert young.status == "raises" and young.averted < 0 and np.isnan(young.per_averted)
    assert rows.loc["prisoner_years"].averted == pytest.approx(10)  # 5 prisoners for 2 years
    same = {"prisoners": [1, 1], "total_cost": [1, 1]}
    nothing = means(
        {"homicides": [0.0] * 2, "young_recruits": [1, 2], **same},
        {"homicides": [0.0] * 2, "young_recruits": [2, 1], **same},
    )
    statuses = cost_effectiveness(nothing, "baseline", years=1).set_index("averted_outcome").status
    assert statuses["homicides"] == "none" and statuses["young_recruits"] == "unclear"


def test_costs_a_year_and_over_the_period_in_both_currencies():
    table = means({"total_cost": [100.0, 120.0]}, {"total_cost": [200.0, 200.0]})
    brl = currency("brazil")
    assert brl.code == "BRL" and brl.year == 2024 and "Statista" in brl.source
    rows = costs(table, years=3, money=brl).set_index("scenario")
    assert rows.loc["baseline", "per_year"] == 110 and rows.loc["baseline", "period"] == 330
    assert rows.loc["baseline", "period_local"] == pytest.approx(330 * brl.rate)
    assert rows.loc["baseline", "low"] >= 0  # spending cannot be negative
    for context in (
        "brazil",
        "colombia",
        "mexico",
        "ecuador",
        "bolivia",
        "peru",
        "chile",
        "uruguay",
        "haiti",
    ):
        assert currency(context).rate > 0
    with pytest.raises(KeyError, match=r"currencies.yaml: no currency for the context 'atlantis'"):
        currency("atlantis")


def test_whether_a_policy_averts_an_outcome_is_the_effects_verdict_on_it():
    # Young recruits 10% up in every pair of runs, at levels from 10 to 1,000 a year: the
    # difference's interval (1 to 100 more) crosses zero, the relative change's does not.
    baseline = {"homicides": [0.0] * 3, "young_recruits": [10.0, 100.0, 1000.0], "prisoners": [1.0, 1.2, 1.5]}
    policy = {"homicides": [0.0] * 3, "young_recruits": [11.0, 110.5, 1099.0], "prisoners": [2.0, 2.4, 2.5]}
    table = means({**baseline, "total_cost": [100.0] * 3}, {**policy, "total_cost": [160.0] * 3})
    effect = against_baseline(table, "baseline").set_index("outcome").loc["young_recruits"]
    assert effect.verdict == "higher" and effect.ci_low < 0 < effect.ci_high
    rows = cost_effectiveness(table, "baseline", years=2).set_index("averted_outcome")
    assert rows.loc["young_recruits"].status == "raises"
    assert rows.loc["young_recruits"].relative == pytest.approx(effect.relative)
    assert rows.loc["homicides"].status == "none"
    # A count too small to tell (rare_events flags it, in the policy or the baseline) is said to
    # be so: neither raised nor averted, with no interval.
    rare = pd.DataFrame({"scenario": ["baseline"], "outcome": ["prisoners"]})
    rows = cost_effectiveness(table, "baseline", years=2, rare=rare).set_index("averted_outcome")
    assert rows.loc["prisoner_years"].status == "too_few" and rows.loc["prisoner_years"].too_few
    assert rows.loc["young_recruits"].status == "raises" and not rows.loc["young_recruits"].too_few
