"""Who bears it: arrests and prisoners by sex and age, with intervals and the report's verdicts."""

import numpy as np
import pandas as pd
import pytest

from barrio.experiments.burden import OUTCOMES, burden, burden_tables
from barrio.experiments.effects import derive, per_replicate
from barrio.experiments.vocabulary import outcome_name

T2 = 4.302653  # t(0.975, 2 degrees of freedom)


def group_table(counts: dict[tuple[str, str], list[float]], weeks: int = 4) -> pd.DataFrame:
    """Three paired replicates a scenario; each named outcome the same every week of a replicate.

    ``counts`` maps (scenario, outcome) to its weekly value in replicates 0, 1 and 2; every other
    group outcome is 0 throughout.
    """
    rows = []
    for scenario in {s for s, _ in counts}:
        for outcome in OUTCOMES:
            per_run = counts.get((scenario, outcome), [0.0, 0.0, 0.0])
            for replicate, value in enumerate(per_run):
                rows += [(scenario, replicate, week, outcome, value) for week in range(-1, weeks)]
    return pd.DataFrame(rows, columns=["scenario", "replicate", "week", "outcome", "value"])


def test_a_group_s_arrests_are_given_a_year_with_their_interval_and_change():
    young_men = "arrests_male_18_24"
    table = group_table(
        {
            ("baseline", young_men): [20.0, 22.0, 24.0],  # a week: 1,040 to 1,248 a year
            ("crackdown", young_men): [40.0, 46.0, 46.0],
        }
    )
    frame = burden(table, derive(per_replicate(table)), population=40_000, base="baseline", language="en")
    row = frame.set_index(["scenario", "outcome"]).loc[("crackdown", young_men)]
    yearly = 52 * np.array([40.0, 46.0, 46.0])
    half = T2 * yearly.std(ddof=1) / np.sqrt(3)
    assert row["mean"] == pytest.approx(yearly.mean())
    assert (row["mean_low"], row["mean_high"]) == pytest.approx((yearly.mean() - half, yearly.mean() + half))
    # Against the baseline: the same paired comparison as every other change in the report.
    assert row["difference"] == pytest.approx(52 * (44.0 - 22.0))
    assert row["relative"] == pytest.approx(44.0 / 22.0 - 1)
    assert row["verdict"] == "higher" and not row["too_few"]
    base = frame.set_index(["scenario", "outcome"]).loc[("baseline", young_men)]
    assert np.isnan(base["difference"])


def test_a_group_with_few_cases_claims_no_change_and_one_with_none_is_named_not_tabled():
    table = group_table(
        {
            ("baseline", "prisoners_female_12_17"): [0.0, 1.0, 0.0],  # a girl held now and then
            ("crackdown", "prisoners_female_12_17"): [1.0, 2.0, 1.0],
            ("baseline", "arrests_male_25_34"): [30.0, 31.0, 29.0],
            ("crackdown", "arrests_male_25_34"): [30.0, 33.0, 30.0],
        }
    )
    frame = burden(table, derive(per_replicate(table)), population=40_000, base="baseline", language="en")
    girls = frame.set_index(["scenario", "outcome"]).loc[("crackdown", "prisoners_female_12_17")]
    assert girls["too_few"] and girls["verdict"] == "unclear"
    tables = {t["heading"]: t for t in burden_tables(frame, ["baseline", "crackdown"], "baseline", "en")}
    prisoners = tables[outcome_name("prisoners", "en")]
    assert [row[0] for row in prisoners["table"][1:]] == ["women 12-17"]
    assert "too few cases to tell" in prisoners["table"][1][2]
    assert prisoners["hidden"].startswith("Not shown, being 0 in every run: women 18-24, women 25-34")
    arrests = tables[outcome_name("arrests", "en")]
    assert arrests["table"][0] == ["group", "Status quo (baseline)", "crackdown"]
    assert [row[0] for row in arrests["table"][1:]] == ["men 25-34"]
    # The baseline's cell is its mean and interval; a policy's adds its change.
    assert ";" not in arrests["table"][1][1] and "; +" in arrests["table"][1][2]


def test_every_group_is_named_with_its_measure_in_every_language():
    assert outcome_name("arrests_female_18_24", "en") == "Arrests (a year): women 18-24"
    assert outcome_name("prisoners_male_35_plus", "es") == "Presos del barrio: hombres 35+"
    assert outcome_name("prisoners_female_12_17", "pt") == "Presos do bairro: mulheres 12-17"


def test_a_group_none_in_a_policy_and_the_baseline_shows_its_mean_alone():
    girls = "arrests_female_12_17"
    table = group_table(
        {
            ("baseline", girls): [0.0, 0.0, 0.0],
            ("cash", girls): [0.0, 0.0, 0.0],
            ("crackdown", girls): [3.0, 4.0, 2.0],
        }
    )
    frame = burden(table, derive(per_replicate(table)), population=40_000, base="baseline", language="en")
    assert (
        frame.too_few.dtype == bool
        and not frame.set_index(["scenario", "outcome"]).loc[("cash", girls)].too_few
    )
    tables = burden_tables(frame, ["baseline", "cash", "crackdown"], "baseline", "en")
    (row,) = [r for r in tables[0]["table"][1:] if r[0] == "women 12-17"]
    assert row[2] == "0 (0 to 0)"  # nothing to compare: no change, and not "too few"
    assert "too few cases to tell" in row[3]


def test_the_report_s_comparison_judges_a_group_as_its_table_does():
    from barrio.experiments.report import comparison

    table = group_table(
        {
            ("baseline", "prisoners_female_12_17"): [0.0, 1.0, 0.0],
            ("crackdown", "prisoners_female_12_17"): [1.0, 2.0, 1.0],
            ("baseline", "arrests_male_25_34"): [30.0, 31.0, 29.0],
            ("crackdown", "arrests_male_25_34"): [40.0, 43.0, 41.0],
        }
    )
    means = derive(per_replicate(table))
    manifest = {
        "scenarios": {"baseline": {"resolved": {"params": {"neighbourhood": {"population": 40_000}}}}}
    }
    versus, rare = comparison(table, means[means.outcome.isin(OUTCOMES)], manifest, ["baseline", "crackdown"],
                              "baseline", "en")  # fmt: skip
    frame = burden(table, means, population=40_000, base="baseline", language="en")
    both = versus.merge(frame, on=["scenario", "outcome"], suffixes=("", "_table"))
    assert len(both) == 2 and (both.too_few == both.too_few_table).all()
    assert both.set_index("outcome").too_few.to_dict() == {
        "prisoners_female_12_17": True,
        "arrests_male_25_34": False,
    }
    assert not set(rare.outcome) & set(OUTCOMES)  # the warnings and the brief keep the headline's
