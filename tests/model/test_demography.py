import numpy as np

from barrio.model import BarrioModel
from barrio.model.demography import MAX_AGE, age_one_week
from barrio.model.population import Status
from tests.builders import quiet_model, small_params


def test_population_has_households_on_one_block_and_statuses_by_age():
    model = BarrioModel(small_params(), rng=3)
    r = model.residents
    assert len(r) == small_params().neighbourhood.population
    df = r.frame()
    assert (df.groupby("household")["block"].nunique() == 1).all()
    assert abs(df.groupby("household").size().mean() - model.params.neighbourhood.household_size) < 0.3
    assert (df.loc[df.age < 12, "status"] == "child").all()
    assert set(df.loc[(df.age >= 12) & (df.age < 18), "status"]) <= {"student", "out_of_school"}
    assert set(df.loc[df.age >= 65, "status"]) == {"retired"}
    assert df.age.max() < MAX_AGE and df.age.min() >= 0


def test_birthdays_age_people_and_start_school_at_twelve():
    model = quiet_model(population=4)
    r = model.residents
    r.birth_week[:] = 5
    r.age[:] = [11, 17, 64, 40]
    r.status[:] = [Status.CHILD, Status.STUDENT, Status.FORMAL, Status.FORMAL]
    age_one_week(r, 4, model.params, model.rng)
    assert list(r.age) == [11, 17, 64, 40]
    age_one_week(r, 5 + 52, model.params, model.rng)
    assert list(r.age) == [12, 18, 65, 41]
    assert r.status[0] in (Status.STUDENT, Status.OUT_OF_SCHOOL)
    assert r.status[1] in (Status.STUDENT, Status.UNEMPLOYED, Status.INACTIVE)
    assert r.status[2] == Status.RETIRED and r.status[3] == Status.FORMAL


def test_the_oldest_are_replaced_by_newborns_in_the_same_household():
    model = quiet_model(population=3)
    r = model.residents
    r.birth_week[:] = 0
    r.age[:] = MAX_AGE - 1
    r.status[:] = [Status.INACTIVE, Status.DETAINED, Status.INACTIVE]
    r.record[:] = 2
    households = r.household.copy()
    replaced = age_one_week(r, 0, model.params, model.rng)
    assert sorted(replaced) == [0, 2]
    assert list(r.age[[0, 2]]) == [0, 0] and (r.status[[0, 2]] == Status.CHILD).all()
    assert (r.record[[0, 2]] == 0).all() and r.record[1] == 2
    assert r.status[1] == Status.DETAINED  # waits for release
    np.testing.assert_array_equal(r.household, households)


def _students(n: int, **changes):
    model = quiet_model(population=n, **changes)
    r = model.residents
    r.status[:] = Status.STUDENT
    r.age[:] = 14
    r.household[:] = np.arange(n)
    return model, r


def _share_within(share: float, expected: float, n: int) -> bool:
    """Within four binomial standard deviations of ``expected``."""
    return abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


def test_poverty_doubles_dropout_and_state_presence_lowers_it():
    from barrio.model.demography import NO_PRESENCE_DROPOUT, POOR_DROPOUT, leave_school

    n = 8000
    model, r = _students(n, economy__school_dropout=0.05, economy__school_return=0.0)
    poor = np.arange(n) % 2 == 0
    presence = np.zeros(model.shape[0] * model.shape[1])
    r.block[:] = 0
    r.block[n // 4 : n // 2] = r.block[3 * n // 4 :] = 1
    presence[1] = 1.0  # full presence on block 1
    out = leave_school(r, 0, presence, poor, model.params, model.rng)
    dropped = np.zeros(n, dtype=bool)
    dropped[out] = True
    for is_poor in (False, True):
        for block in (0, 1):
            who = (poor == is_poor) & (r.block == block)
            expected = 0.05 * (1 + POOR_DROPOUT * is_poor) * (NO_PRESENCE_DROPOUT - presence[block])
            assert _share_within(dropped[who].mean(), expected, who.sum()), (is_poor, block)
    assert (r.status[out] == Status.OUT_OF_SCHOOL).all()


def test_a_dropout_risk_multiplies_the_hazard_and_zero_keeps_a_student_in_school():
    from barrio.model.demography import leave_school

    n = 4000
    model, r = _students(n, economy__school_dropout=0.1, economy__school_return=0.0)
    risk = np.where(np.arange(n) < n // 2, 0.0, 2.0)
    presence = np.full(model.shape[0] * model.shape[1], 0.5)
    out = leave_school(
        r, 0, presence, np.zeros(n, dtype=bool), model.params, model.rng, lambda ids: risk[ids]
    )
    assert (out >= n // 2).all()
    assert _share_within(len(out) / (n // 2), 0.2, n // 2)
