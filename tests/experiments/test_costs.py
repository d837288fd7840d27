import numpy as np
import pandas as pd
import pytest

from barrio.experiments.costs import cost_per_recruit_averted


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
