"""Weekly outcomes computed by hand: each test builds a small neighbourhood in a known state.

Each test sets the residents' arrays and the week's inputs that ``BarrioModel.collect`` reads
(starts, arrests, killings, releases), calls ``collect`` and reads the recorded row back from
the outcome table. Expected values are worked out from the state built here, not copied from
a run; the meaning of each outcome is the one given in ``model.outcomes.OUTCOMES``.
"""

import numpy as np
import pandas as pd
import pytest

from barrio.model import BarrioModel
from barrio.model.households import Households, household_incomes, transfer_totals
from barrio.model.justice import Arrests
from barrio.model.market import Sales
from barrio.model.outcomes import SEXES, WeekEvents, measure
from barrio.model.population import AGE_BANDS, Custody, Offence, Status
from barrio.model.rivalry import Violence
from tests.builders import quiet_model


def hand_built(n: int, **changes) -> BarrioModel:
    """A quiet model of ``n`` residents: each a 40-year-old native man living alone, inactive, no income.

    Everyone lives and sells on block 0, has no record and is free; tests change what they need.
    """
    model = quiet_model(population=n, **changes)
    r = model.residents
    assert len(r) == n
    r.age[:] = 40
    r.female[:] = False
    r.migrant[:] = False
    r.status[:] = Status.INACTIVE
    r.income[:] = 0.0
    r.record[:] = 0
    r.custody[:] = Custody.FREE
    r.block[:] = 0
    r.sell_block[:] = 0
    r.group[:] = -1
    r.tie[:] = -1
    set_households(model, np.arange(n))
    return model


def set_households(model: BarrioModel, household) -> None:
    """Put residents in the given households, with the model's household index kept in step."""
    r = model.residents
    r.household[:] = household
    model.households = Households.build(r.household)
    model.groups.transfers = np.zeros(len(r))
    model.market.selling_income = np.zeros(len(r), dtype=np.float32)


def collect(
    model: BarrioModel,
    *,
    starts=(),
    arrested=(),
    victims=(),
    kinds=(),
    releases=(),
) -> pd.Series:
    """Record one week with these inputs (no sales, no groups, no incidents) and return its row.

    Household incomes are counted first, as the week's last phase does; ``had_record`` is
    taken from the residents' records, as the step takes it before choices.
    """
    r = model.residents
    width, height = model.shape
    model.market.seller_ids = np.flatnonzero(r.status == Status.SELLING)
    model.market.sales = Sales(
        units=np.zeros(model.shape), by_block=np.zeros(model.shape), volume=0.0, unmet=0.0
    )
    model.police.arrests = Arrests()
    if len(arrested):
        model.police.arrests.add(np.asarray(arrested, dtype=np.int64), Offence.SELLING)
    household_incomes(model)
    model.this_week = WeekEvents(
        starts=np.asarray(starts, dtype=np.int64),
        releases=np.asarray(releases, dtype=np.int64),
        had_record=r.record > 0,
        violence=Violence(
            incidents=np.zeros(width * height),
            victims=np.asarray(victims, dtype=np.int64),
            kind=np.asarray(kinds, dtype=np.int64),
            takeovers=0,
            parties=np.zeros((0, 2), dtype=np.int64),
        ),
    )
    model.outcomes.record(model.week, measure(model))
    return model.outcomes.wide().loc[model.week]


def by_sex_and_age(row: pd.Series, prefix: str) -> dict[str, int]:
    """The non-zero counts of one sex-and-age breakdown, keyed ``sex_band``."""
    counts = {
        f"{sex}_{band}": int(row[f"{prefix}_{sex}_{band}"]) for sex in SEXES for band, _, _ in AGE_BANDS
    }
    return {key: value for key, value in counts.items() if value}


def detain(model: BarrioModel, ids, custody: Custody, record: int = 0) -> None:
    r = model.residents
    r.status[ids] = Status.DETAINED
    r.custody[ids] = custody
    r.record[ids] = record


# --- Sex and age breakdowns -------------------------------------------------------------------


def test_recruits_arrests_and_prisoners_are_counted_under_their_own_sex_and_age_band():
    model = hand_built(10)
    r = model.residents
    r.female[[0, 1, 4, 6]] = True
    r.age[:] = [15, 20, 40, 11, 30, 19, 16, 40, 40, 40]
    detain(model, [5], Custody.SENTENCED)
    detain(model, [6], Custody.JUVENILE)
    row = collect(model, starts=[0, 1, 2, 3], arrested=[2, 4])
    # Resident 3 (11) is below the youngest band: a recruit, in no band.
    assert row["recruits"] == 4
    assert by_sex_and_age(row, "recruits") == {"female_12_17": 1, "female_18_24": 1, "male_35_plus": 1}
    assert by_sex_and_age(row, "arrests") == {"female_25_34": 1, "male_35_plus": 1}
    assert by_sex_and_age(row, "prisoners") == {"male_18_24": 1, "female_12_17": 1}


def test_recruits_arrests_and_prisoners_among_migrants_count_only_migrants():
    model = hand_built(8)
    r = model.residents
    r.migrant[[0, 2, 5]] = True
    detain(model, [5, 6, 7], Custody.PRETRIAL)
    row = collect(model, starts=[0, 1, 3], arrested=[1, 2, 3, 4])
    assert (row["recruits_migrants"], row["arrests_migrants"], row["prisoners_migrants"]) == (1, 1, 1)
    assert (row["recruits"], row["arrests"], row["residents_detained"]) == (3, 4, 3)


# --- Violence -----------------------------------------------------------------------------------


def test_homicide_rate_is_the_weeks_killings_as_a_yearly_rate_per_100_000_residents():
    model = hand_built(20)
    row = collect(model, victims=[3, 7, 9], kinds=[1, 1, 2])
    assert row["homicides"] == 3
    assert (row["homicides_members"], row["homicides_sellers"], row["homicides_bystanders"]) == (0, 2, 1)
    # 3 a week over 20 residents is 3 x 52 = 156 a year, or 780,000 per 100,000.
    assert row["homicide_rate"] == pytest.approx(780_000.0)


def test_a_week_without_killings_has_a_zero_homicide_rate():
    assert collect(hand_built(20))["homicide_rate"] == 0.0


# --- Records: rearrests and reoffending ----------------------------------------------------------


def record_model() -> BarrioModel:
    """Residents 0, 1, 2 and 5 have served a sentence; the others have not."""
    model = hand_built(8)
    model.residents.record[[0, 1, 2, 5]] = [1, 3, 1, 2]
    return model


def test_rearrests_count_only_this_weeks_arrests_of_residents_with_a_record():
    # Arrested: 0 (record), 3 and 4 (none). Starters 1, 2 (records) and 6 are not arrested.
    row = collect(record_model(), starts=[1, 2, 6], arrested=[0, 3, 4])
    assert row["arrests"] == 3
    assert row["rearrests"] == 1


def test_reoffending_counts_only_residents_with_a_record_who_started_selling_this_week():
    # Starters: 1 and 2 (records) and 6 (none); resident 5 has a record but did not start.
    row = collect(record_model(), starts=[1, 2, 6], arrested=[0, 3, 4])
    assert row["recruits"] == 3
    assert row["reoffending"] == 2


def test_releases_count_the_residents_released_after_a_sentence():
    row = collect(hand_built(6), releases=[1, 4])
    assert row["releases"] == 2


# --- Poverty and informality, overall and by group ----------------------------------------------


def groups_model() -> BarrioModel:
    """Eleven residents in four households, two of them poor (id: sex, age, status).

    - household 0, natives, poor: 0 F 30 informal, 1 M 35 informal, 2 F 10 child;
    - household 1, natives, not poor: 3 F 40 formal, 4 M 45 formal;
    - household 2, migrants, poor: 5 F 28 informal, 6 F 50 unemployed, 7 M 14 student;
    - household 3, migrants, not poor: 8 M 33 informal, 9 M 38 formal, 10 M 60 inactive.
    """
    model = hand_built(11)
    r = model.residents
    set_households(model, [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3])
    r.female[[0, 2, 3, 5, 6]] = True
    r.migrant[5:] = True
    r.age[:] = [30, 35, 10, 40, 45, 28, 50, 14, 33, 38, 60]
    s = Status
    r.status[:] = [
        s.INFORMAL, s.INFORMAL, s.CHILD, s.FORMAL, s.FORMAL,
        s.INFORMAL, s.UNEMPLOYED, s.STUDENT, s.INFORMAL, s.FORMAL, s.INACTIVE,
    ]  # fmt: skip
    line = model.poverty_line
    # Poor: 0.2 x the line a head at most. Not poor: at least twice the line a head.
    r.income[:] = np.array([0.3, 0.3, 0, 6, 6, 0.5, 0, 0, 3, 3, 0]) * line
    return model


def test_poverty_rate_is_the_share_of_residents_in_households_below_the_line():
    row = collect(groups_model())
    assert row["poverty_rate"] == pytest.approx(6 / 11)  # households 0 and 2: residents 0-2 and 5-7


def test_poverty_rates_of_women_men_migrants_and_natives_count_each_group_apart():
    row = collect(groups_model())
    assert row["poverty_rate_women"] == pytest.approx(4 / 5)  # 0, 2, 5, 6 poor; 3 not
    assert row["poverty_rate_men"] == pytest.approx(2 / 6)  # 1, 7 poor; 4, 8, 9, 10 not
    assert row["poverty_rate_migrants"] == pytest.approx(3 / 6)  # 5, 6, 7 poor; 8, 9, 10 not
    assert row["poverty_rate_natives"] == pytest.approx(3 / 5)  # 0, 1, 2 poor; 3, 4 not


def test_informality_rates_count_informal_over_formal_and_informal_workers_in_each_group():
    row = collect(groups_model())
    assert row["informality_rate"] == pytest.approx(4 / 7)
    assert row["unemployment_rate"] == pytest.approx(1 / 8)
    assert row["informality_rate_women"] == pytest.approx(2 / 3)  # 0, 5 informal; 3 formal
    assert row["informality_rate_men"] == pytest.approx(2 / 4)  # 1, 8 informal; 4, 9 formal
    assert row["informality_rate_migrants"] == pytest.approx(2 / 3)  # 5, 8 informal; 9 formal
    assert row["informality_rate_natives"] == pytest.approx(2 / 4)  # 0, 1 informal; 3, 4 formal


def test_school_enrolment_is_the_share_of_12_to_17_year_olds_in_school():
    model = hand_built(6)
    r = model.residents
    r.age[:] = [12, 15, 17, 16, 18, 11]
    r.status[:4] = [Status.STUDENT, Status.STUDENT, Status.OUT_OF_SCHOOL, Status.SELLING]
    r.status[4:] = Status.STUDENT  # 18 and 11: not of school age
    assert collect(model)["school_enrolment"] == pytest.approx(2 / 4)


def test_transfers_and_benefits_lift_a_household_out_of_poverty():
    model = hand_built(4)
    set_households(model, [0, 0, 1, 1])
    model.groups.transfers[0] = 3 * model.poverty_line  # household 0: 1.5 x the line a head
    assert collect(model)["poverty_rate"] == pytest.approx(2 / 4)
    model.households.benefits[1] = 2 * model.poverty_line  # household 1: the line a head, not below
    assert collect(model)["poverty_rate"] == 0.0


# --- Income -----------------------------------------------------------------------------------


def test_mean_income_is_all_households_income_over_all_residents():
    model = hand_built(6)
    r = model.residents
    set_households(model, [0, 0, 0, 1, 1, 2])
    r.income[:] = [300.0, 0.0, 0.0, 100.0, 50.0, 0.0]
    model.market.selling_income[5] = 70.0
    model.groups.transfers[1] = 20.0
    model.households.benefits[1] = 30.0
    # Wages 450 + selling 70 + transfers 20 + benefits 30 = 570, over 6 residents.
    assert collect(model)["mean_income"] == pytest.approx(95.0)


# --- Families of prisoners, women in prison --------------------------------------------------


def test_children_parent_in_prison_counts_free_minors_in_households_with_an_adult_in_prison():
    model = hand_built(11)
    r = model.residents
    set_households(model, [0, 0, 0, 0, 1, 1, 2, 2, 2, 3, 3])
    r.age[:] = [40, 10, 16, 38, 16, 12, 45, 17, 5, 40, 8]
    r.status[[1, 5, 8, 10]] = Status.CHILD
    r.status[2] = Status.STUDENT
    # Household 0: both parents held, before trial and sentenced; children 1 and 2 count once.
    detain(model, [0], Custody.PRETRIAL)
    detain(model, [3], Custody.SENTENCED)
    # Household 1: only a minor held, in juvenile detention; the sibling does not count.
    detain(model, [4], Custody.JUVENILE)
    # Household 2: the father in prison; 8 counts, 7 (in juvenile detention himself) does not.
    detain(model, [6], Custody.SENTENCED)
    detain(model, [7], Custody.JUVENILE)
    # Household 3: nobody held.
    assert collect(model)["children_parent_in_prison"] == 3


def test_women_prisoners_first_time_is_the_share_of_women_in_prison_never_sentenced_before():
    model = hand_built(8)
    model.residents.female[[0, 1, 2, 3, 4]] = True
    model.residents.age[4] = 16
    detain(model, [0], Custody.PRETRIAL)
    detain(model, [1], Custody.SENTENCED)
    detain(model, [2], Custody.SENTENCED, record=2)
    detain(model, [4], Custody.JUVENILE)  # not in prison
    detain(model, [5, 6], Custody.PRETRIAL)  # men
    assert collect(model)["women_prisoners_first_time"] == pytest.approx(2 / 3)


def test_women_prisoners_first_time_is_zero_with_no_woman_in_prison():
    model = hand_built(4)
    detain(model, [0], Custody.SENTENCED)
    assert collect(model)["women_prisoners_first_time"] == 0.0


# --- Sellers --------------------------------------------------------------------------------


def test_sellers_away_from_home_count_sellers_working_a_block_other_than_their_own():
    model = hand_built(6)
    r = model.residents
    r.block[:] = [1, 2, 3, 4, 5, 6]
    r.sell_block[:] = [1, 7, 3, 8, 9, 6]
    r.status[:3] = Status.SELLING  # 1 sells away from home; 0 and 2 at home
    # 3 and 4 are not selling: where they would sell does not count.
    row = collect(model)
    assert row["sellers"] == 3
    assert row["sellers_away_from_home"] == 1


# --- Costs ----------------------------------------------------------------------------------


INVESTIGATIONS = {
    "none": ({}, 0),
    "leadership": ({"policing__kingpin": 0.5}, 1),
    "financial": ({"policing__financial": 0.2}, 1),
    "focused_deterrence": ({"policing__focused_deterrence": 0.3}, 1),
    "leadership_and_financial": ({"policing__kingpin": 0.5, "policing__financial": 0.2}, 2),
    "all_three": (
        {"policing__kingpin": 0.5, "policing__financial": 0.2, "policing__focused_deterrence": 0.3},
        3,
    ),
}


@pytest.mark.parametrize(("levers", "investigations"), INVESTIGATIONS.values(), ids=INVESTIGATIONS.keys())
def test_each_kind_of_investigation_running_adds_a_weeks_investigation_cost(levers, investigations):
    model = hand_built(20, **levers)
    assert model.patrols == []
    row = collect(model)
    c = model.params.costs
    assert row["policing_cost"] == investigations * c.investigation_week
    assert row["enforcement_cost"] == investigations * c.investigation_week


def test_investigation_cost_comes_on_top_of_patrols_and_prisoners():
    model = hand_built(20, policing__units_per_10k=1_000, policing__kingpin=0.5)
    detain(model, [0, 1, 2], Custody.SENTENCED)
    detain(model, [3], Custody.JUVENILE)
    row = collect(model)
    c = model.params.costs
    assert len(model.patrols) == 2
    assert row["policing_cost"] == 2 * c.patrol_week + c.investigation_week
    assert row["prison_cost"] == 3 * c.prisoner_week + c.juvenile_week
    assert row["enforcement_cost"] == row["policing_cost"] + row["prison_cost"]


@pytest.mark.parametrize("paying", [0.1, 0.9])
def test_transfer_totals_are_the_sums_over_every_resident_to_the_bit(paying):
    # Few or most residents paid or paying: the sums must be the full bincount's, bit for
    # bit, with -0.0 transfers and sums whose rounding depends on the order of addition.
    rng = np.random.default_rng(5)
    n, households = 5_000, 400
    household = rng.integers(0, households, n).astype(np.int32)
    transfers = np.where(rng.random(n) < paying, rng.choice([1e16, 1.0, -1e16, 0.1, -3.7], n), 0.0)
    transfers[rng.random(n) < 0.1] = -0.0
    expected = np.bincount(household, weights=transfers, minlength=households + 3)
    got = transfer_totals(household, transfers, households + 3)
    np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))


def test_rates_by_group_are_the_sums_of_their_cells_divided_bit_for_bit():
    from barrio.model.outcomes import _PEOPLE, _rates_by_group

    rng = np.random.default_rng(5)
    for _ in range(50):
        count = rng.integers(0, 1_000, 4)
        poor, working = rng.integers(0, count + 1), rng.integers(0, count + 1)
        informal = rng.integers(0, working + 1)
        if rng.random() < 0.3:
            count[rng.integers(0, 4, 2)] = 0  # a group may be empty: its rates are then 0
        expected = {}
        for group, k in _PEOPLE.items():
            expected[f"poverty_rate_{group}"] = float(poor[k].sum() / max(count[k].sum(), 1))
            expected[f"informality_rate_{group}"] = float(informal[k].sum() / max(working[k].sum(), 1))
        rates = _rates_by_group(count, poor, informal, working)
        assert list(rates) == list(expected)
        assert {k: v.hex() for k, v in rates.items()} == {k: v.hex() for k, v in expected.items()}
