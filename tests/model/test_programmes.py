import numpy as np
import pytest
from scipy import stats

from barrio.model import BarrioModel, Params, run
from barrio.model.demography import dropout_risk
from barrio.model.economy import household_income
from barrio.model.households import Households
from barrio.model.justice import process_arrests
from barrio.model.population import Custody, Offence, Status
from barrio.model.programmes import PROGRAMMES, CashTransfer, Programmes, _first_by_key, programme_week
from barrio.model.scenario import Event, Scenario, Shock
from tests.builders import make_seller, quiet_model

EVERYONE = {"coverage": 1.0, "take_up": 1.0, "budget_week": 1e6}


def households_of_two(model, income: float = 0.0):
    """Residents paired into households of two adults on block 0, each earning ``income``."""
    r = model.residents
    n = len(r)
    r.household[:] = np.arange(n) // 2
    r.block[:] = 0
    r.age[:] = 40
    r.status[:] = Status.FORMAL if income else Status.UNEMPLOYED
    r.income[:] = income
    r.female[:] = False
    model.households = Households.build(r.household)
    model.households.earnings_per_head = np.full(n // 2, income)
    # Programmes draw outreach per household when they start: start them again for these.
    for programme in model.programmes:
        programme.remove()
    model.programmes = Programmes(model.programmes.entropy, n, model.shape)
    model.programmes.sync(model)
    return r


def programme_model(name: str, population: int = 20, **changes):
    settings = {f"programmes__{name}__{k}": v for k, v in EVERYONE.items()}
    return quiet_model(population=population, **(settings | changes))


def income_of(model):
    r = model.residents
    return household_income(r, np.zeros(len(r)), len(model.households)) + model.households.benefits


def test_one_agent_per_programme_with_a_budget_and_none_without():
    model = quiet_model(programmes__cash__budget_week=100.0, programmes__penal__budget_week=50.0)
    assert [p.name for p in model.programmes] == ["cash", "penal"]
    assert isinstance(model.programmes.get("cash"), CashTransfer) and model.programmes.get("jobs") is None
    model.change_levers({"programmes.cash.budget_week": 0.0, "programmes.school.budget_week": 10.0})
    assert [p.name for p in model.programmes] == ["school", "penal"]  # always in PROGRAMMES order
    assert set(PROGRAMMES) == {"cash", "jobs", "school", "penal", "reentry", "women", "presence"}


def test_a_transfer_raises_the_households_income_by_its_amount():
    model = programme_model("cash", programmes__cash__targeting="universal", programmes__cash__amount=30.0)
    households_of_two(model, income=100.0)
    before = income_of(model).copy()
    model.programmes.get("cash").step()
    assert np.allclose(income_of(model) - before, 30.0)
    assert model.programmes.get("cash").spending == 30.0 * 10
    assert model.programmes.get("cash").reached == 20


def test_a_means_tested_transfer_goes_to_the_poorest_first_within_its_budget():
    model = programme_model("cash", programmes__cash__amount=30.0, programmes__cash__budget_week=90.0)
    households_of_two(model)
    # The first five are poor.
    model.households.earnings_per_head = np.linspace(0.0, 2 * model.poverty_line, 10)
    model.programmes.get("cash").step()
    assert list(np.flatnonzero(model.households.benefits)) == [0, 1, 2]  # budget for three
    assert model.programmes.get("cash").spending == 90.0


def test_outreach_and_take_up_leave_some_eligible_households_out():
    model = programme_model(
        "cash", population=4000, programmes__cash__targeting="universal", programmes__cash__coverage=0.5
    )
    households_of_two(model)
    model.programmes.get("cash").step()
    paid = (model.households.benefits > 0).mean()
    assert 0.44 < paid < 0.56  # coverage 0.5 x take-up 1.0


def test_a_school_conditional_transfer_stops_when_attendance_stops():
    model = programme_model("cash", programmes__cash__targeting="conditional")
    r = households_of_two(model)
    r.age[1] = 14
    r.status[1] = Status.STUDENT  # household 0 has a student; the others no school-age child
    cash = model.programmes.get("cash")
    cash.step()
    assert list(np.flatnonzero(model.households.benefits)) == [0]
    model.households.benefits[:] = 0.0
    r.status[1] = Status.OUT_OF_SCHOOL
    cash.step()
    assert not model.households.benefits.any() and cash.spending == 0.0


def test_a_diverted_first_offender_never_enters_prison():
    model = programme_model(
        "penal", population=10, justice__pretrial_detention=1.0, timing__horizon_weeks=100
    )
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.record[5:] = 1  # five have served a sentence before
    process_arrests(model, np.arange(10), Offence.SELLING)
    first, repeat = np.arange(5), np.arange(5, 10)
    assert not (r.status[first] == Status.DETAINED).any()
    assert (r.status[first] == Status.UNEMPLOYED).all() and (r.record[first] == 0).all()
    assert (r.status[repeat] == Status.DETAINED).all()
    assert model.this_week.diverted == 5 and len(model.police.arrests.all()[0]) == 10
    for _ in range(60):  # a whole community sentence and more: still never detained
        model.step()
        assert (r.custody[first] == Custody.FREE).all()
    assert model.programmes.get("penal").reached == 0  # their sentences are over
    process_arrests(model, first, Offence.SELLING)
    assert (r.status[first] == Status.DETAINED).all()  # diversion is for a first offence only


def test_penal_alternatives_are_limited_by_places():
    model = programme_model(
        "penal", population=10, programmes__penal__capacity=2, justice__pretrial_detention=1.0
    )
    for i in range(10):
        make_seller(model, i, block=0)
    process_arrests(model, np.arange(10), Offence.SELLING)
    assert model.this_week.diverted == 2
    assert (model.residents.status == Status.DETAINED).sum() == 8


def test_an_imprisoned_parents_household_loses_their_income():
    model = quiet_model(population=20, justice__pretrial_detention=1.0)
    households_of_two(model, income=100.0)
    before = income_of(model).copy()
    process_arrests(model, np.array([0]), Offence.SELLING)
    after = income_of(model)
    assert after[0] == before[0] - 100.0 and (after[1:] == before[1:]).all()


def test_a_child_whose_parent_is_in_prison_is_counted_and_more_likely_to_drop_out():
    model = quiet_model(population=20, justice__pretrial_detention=1.0, households__parent_prison_dropout=3.0)
    r = households_of_two(model, income=100.0)
    r.age[1] = 14
    r.status[1] = Status.STUDENT
    assert dropout_risk(model)[1] == 1.0
    process_arrests(model, np.array([0]), Offence.SELLING)
    assert dropout_risk(model)[1] == 3.0 and dropout_risk(model)[3] == 1.0
    held = model.households.with_prisoner(model.residents)
    assert held[0] and not held[1:].any()


def test_school_support_halves_dropout_and_brings_some_back():
    model = programme_model(
        "school", population=2000, programmes__school__effect=0.5, programmes__school__return_rate=1.0
    )
    r = households_of_two(model)
    r.age[::2] = 15
    r.status[::2] = Status.STUDENT
    r.status[1::4] = Status.OUT_OF_SCHOOL
    r.age[1::4] = 16
    model.households.poor = np.ones(len(model.households), bool)
    school = model.programmes.get("school")
    school.step()
    assert set(np.arange(len(r))[::2]) <= set(school.supported)
    assert (r.status[1::4] == Status.STUDENT).all()  # return rate 1: all back
    assert np.allclose(dropout_risk(model)[::2], 0.5)


def test_a_job_placement_is_subsidised_then_lasts_or_ends():
    for retention, still_working in ((1.0, True), (0.0, False)):
        model = programme_model("jobs", programmes__jobs__weeks=3, programmes__jobs__retention=retention)
        r = households_of_two(model)
        r.age[:] = 22
        jobs = model.programmes.get("jobs")
        jobs.step()
        assert (r.status == Status.FORMAL).all() and jobs.reached == 20
        assert jobs.spending == 20 * model.params.programmes.jobs.subsidy
        for _ in range(3):
            jobs.step()
        assert jobs.reached == 0
        assert (r.status == Status.FORMAL).all() == still_working


def test_reentry_places_released_prisoners_in_work_whatever_their_record():
    model = programme_model("reentry", programmes__reentry__job_rate=1.0)
    r = households_of_two(model)
    r.record[:4] = 1
    reentry = model.programmes.get("reentry")
    model.programmes.on_release(np.arange(8))
    assert sorted(reentry.ids) == [0, 1, 2, 3]  # only those with a record
    reentry.step()
    assert (r.status[:4] == Status.FORMAL).all() and (r.status[4:] == Status.UNEMPLOYED).all()


def test_the_womens_programme_pays_lifts_care_duties_and_helps_into_work():
    model = programme_model("women", programmes__women__amount=15.0, programmes__women__job_rate=1.0)
    r = households_of_two(model)
    r.female[::2] = True
    r.age[1::2] = 3  # each woman has a small child at home
    programme_week(model)
    assert np.allclose(model.households.benefits, 15.0)
    assert model.programmes.childcare[::2].all() and not r.carer.any()
    assert (r.status[::2] == Status.FORMAL).all()
    model.change_levers({"programmes.women.budget_week": 0.0})
    programme_week(model)
    assert r.carer[::2].all()  # without childcare, care duties are back


def test_institutional_presence_raises_presence_where_it_is_lowest_and_only_while_it_runs():
    model = programme_model(
        "presence",
        population=100,
        programmes__presence__capacity=3,
        programmes__presence__boost=0.3,
    )
    model.blocks.base_presence[:] = np.linspace(0.0, 0.9, 25).reshape(5, 5)
    model.blocks.population = np.ones(25, dtype=np.int64)
    programme_week(model)
    raised = model.grid.state_presence.data.ravel() - model.blocks.base_presence.ravel()
    assert list(np.flatnonzero(raised > 0)) == [0, 1, 2]
    assert np.allclose(raised[:3], 0.3)
    model.change_levers({"programmes.presence.budget_week": 0.0})
    programme_week(model)
    assert np.allclose(model.grid.state_presence.data, model.blocks.base_presence)


def test_programme_spending_and_reach_are_outcomes(small_run):
    assert {"cash_spending", "penal_reached", "programme_spending"} <= set(small_run.outcome.unique())
    baseline = small_run[small_run.outcome.str.endswith(("_spending", "_reached"))]
    assert (baseline.value == 0).all()  # no programme runs in the baseline


def someone_to_serve(model, n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Free adults without a record: ``n`` released next week, ``n`` arrested now as first offenders.

    Whatever the seed, re-entry then has released prisoners to enrol next week and penal
    alternatives (when it runs) first offenders to divert now: a run's own releases and
    first arrests are too few to count on. The prisoners are held as the justice rules
    hold a sentenced seller, with one week left, so the next week's custody clock frees
    them. Returns ``(prisoners, arrested)``.
    """
    r = model.residents
    free = np.isin(r.status, [Status.UNEMPLOYED, Status.INACTIVE, Status.FORMAL, Status.INFORMAL])
    candidates = free & (r.age >= 25) & (r.age <= 50) & (r.record == 0)
    penal = model.programmes.get("penal")
    if penal is not None:
        candidates &= ~penal.served
    chosen = np.flatnonzero(candidates)[: 2 * n]
    prisoners, arrested = chosen[:n], chosen[n:]
    r.status[prisoners] = Status.DETAINED
    r.income[prisoners] = 0.0
    r.group[prisoners] = -1
    r.custody[prisoners] = Custody.SENTENCED
    r.custody_left[prisoners] = 1
    r.offence[prisoners] = Offence.SELLING
    process_arrests(model, arrested, Offence.SELLING)
    return prisoners, arrested


@pytest.mark.parametrize("name", list(PROGRAMMES))
def test_every_programme_runs_in_a_whole_model_and_spends_within_its_budget(name):
    from barrio.model import BarrioModel
    from tests.builders import small_params

    # Short sentences and certain arrests, so that the small run has releases and arrests of its own.
    params = small_params(
        **{f"programmes__{name}__budget_week": 2_000.0},
        justice__sentence_weeks=10,
        policing__punitive_intensity=1.0,
    )
    model = BarrioModel(params, rng=3)
    weeks = params.timing.warmup_weeks + params.timing.horizon_weeks
    for week in range(weeks):
        if week == weeks - 10:
            # Re-entry's spending hangs on someone leaving prison late in the run, penal
            # alternatives' on a first arrest: make sure there are some whatever the seed.
            prisoners, arrested = someone_to_serve(model)
            assert len(prisoners) == len(arrested) == 3
        model.step()
    spending = model.outcomes.wide()[f"{name}_spending"]
    assert (spending <= 2_000.0 + 1e-9).all()
    assert spending.iloc[-20:].sum() > 0


# Eligibility and targeting rule by rule. Each case mixes people the rule lets in with
# people it keeps out, so that deleting the rule changes who is served; incomes are in no
# order of id, so that only sorting by poverty picks the poorest.

#: Earnings per person of ten households, in poverty lines: six are poor (1, 3, 4, 6, 8, 9),
#: and the poorest are 3, 8, 1, 6, 4, 9 in that order.
POVERTY_LINES = np.array([1.5, 0.4, 2.0, 0.1, 0.9, 3.0, 0.7, 1.2, 0.3, 0.95])


def set_earnings(model, poverty_lines) -> None:
    """Households' earnings per person last week, as multiples of the poverty line."""
    model.households.earnings_per_head = model.poverty_line * np.asarray(poverty_lines, dtype=float)


@pytest.mark.parametrize(
    ("budget", "paid"),
    [(1e6, [1, 3, 4, 6, 8, 9]), (90.0, [1, 3, 8])],
    ids=["every poor household", "the three poorest"],
)
def test_a_means_tested_transfer_pays_only_the_poor_and_the_poorest_first(budget, paid):
    model = programme_model("cash", programmes__cash__amount=30.0, programmes__cash__budget_week=budget)
    households_of_two(model)
    set_earnings(model, POVERTY_LINES)
    model.programmes.get("cash").step()
    assert list(np.flatnonzero(model.households.benefits)) == paid
    assert model.programmes.get("cash").spending == 30.0 * len(paid)


def test_a_school_conditional_transfer_pays_only_poor_households_whose_teenagers_all_attend():
    model = programme_model("cash", population=20, programmes__cash__targeting="conditional")
    r = households_of_two(model)  # an adult (even id) and a second member (odd id) in each
    teen = {1: (14, Status.STUDENT), 3: (14, Status.STUDENT), 5: (15, Status.OUT_OF_SCHOOL)}
    teen |= {7: (8, Status.CHILD), 9: (17, Status.STUDENT), 17: (13, Status.STUDENT)}
    teen |= {18: (16, Status.OUT_OF_SCHOOL)}
    for i, (age, status) in teen.items():
        r.age[i], r.status[i] = age, status
    r.household[18] = 8  # household 8: one teenager in school, one out; household 9 is an adult alone
    model.households.size = np.bincount(r.household, minlength=len(model.households))
    earnings = np.full(len(model.households), 0.5)
    earnings[1] = 1.5  # household 1 has a student but is not poor
    set_earnings(model, earnings)
    model.programmes.get("cash").step()
    assert list(np.flatnonzero(model.households.benefits)) == [0, 4]


@pytest.mark.parametrize(
    ("coverage", "take_up"), [(1.0, 0.6), (0.5, 0.6)], ids=["full outreach", "half outreach"]
)
def test_a_share_coverage_times_take_up_of_the_eligible_enrol_and_the_same_ones_stay(coverage, take_up):
    model = programme_model(
        "cash",
        population=4000,
        programmes__cash__targeting="universal",
        programmes__cash__coverage=coverage,
        programmes__cash__take_up=take_up,
    )
    households_of_two(model)
    cash = model.programmes.get("cash")
    cash.step()
    paid = model.households.benefits > 0
    # Each household's draw is independent: the share enrolled is binomial (2,000 households)
    # around coverage x take-up. Four standard deviations (0.044 and 0.041 here) leave a chance
    # of about 1 in 16,000 of a false alarm, and are far from what dropping a factor would give
    # (0.2 or more away: take-up dropped gives 1.0 and 0.5).
    share = coverage * take_up
    sd = np.sqrt(share * (1 - share) / len(model.households))
    assert abs(paid.mean() - share) < 4 * sd
    model.households.benefits[:] = 0.0
    cash.step()
    np.testing.assert_array_equal(model.households.benefits > 0, paid)  # a fixed draw, not a new one


def test_job_placements_go_to_the_unemployed_within_the_age_limits():
    model = programme_model("jobs", programmes__jobs__min_age=20, programmes__jobs__max_age=25)
    r = households_of_two(model)  # everyone unemployed
    r.age[:10] = [19, 20, 23, 25, 26, 40, 17, 22, 22, 64]
    r.age[10:] = 45
    r.status[7] = Status.FORMAL  # in the age range but already working
    r.status[8] = Status.INACTIVE  # in the age range but not looking for work
    model.programmes.get("jobs").step()
    assert sorted(model.programmes.get("jobs").ids) == [1, 2, 3]


def test_job_placements_go_to_the_poorest_households_first_when_places_run_short():
    model = programme_model("jobs", programmes__jobs__capacity=4)
    r = households_of_two(model)
    r.age[:] = 22
    set_earnings(model, POVERTY_LINES)
    model.programmes.get("jobs").step()
    assert sorted(model.programmes.get("jobs").ids) == [6, 7, 16, 17]  # households 3 and 8


def test_school_support_goes_to_12_to_17_year_olds_of_poor_households_in_or_out_of_school():
    model = programme_model("school")
    r = households_of_two(model)  # an adult (even id) and a second member (odd id) in each
    second = [
        (14, Status.STUDENT),  # household 0, poor
        (14, Status.STUDENT),  # household 1, not poor
        (16, Status.OUT_OF_SCHOOL),  # household 2, poor
        (16, Status.OUT_OF_SCHOOL),  # household 3, not poor
        (11, Status.CHILD),  # household 4, poor
        (17, Status.STUDENT),  # household 5, poor
        (12, Status.STUDENT),  # household 6, poor
    ]
    for h, (age, status) in enumerate(second):
        r.age[2 * h + 1], r.status[2 * h + 1] = age, status
    earnings = np.full(len(model.households), 0.5)
    earnings[[1, 3]] = 1.5
    set_earnings(model, earnings)
    school = model.programmes.get("school")
    school.step()
    assert sorted(school.supported) == [1, 5, 11, 13]


def test_the_womens_programme_enrols_only_women_of_working_age_of_poor_households_with_a_small_child():
    model = programme_model("women", programmes__women__amount=15.0)
    r = households_of_two(model)  # men of 40, unemployed
    # (her age, female, the other member's age) for households 0 to 9.
    cases = [
        (30, True, 3),  # 0: enrolled
        (30, False, 3),  # 1: a father
        (30, True, 40),  # 2: no child at home
        (30, True, 3),  # 3: not poor
        (17, True, 1),  # 4: too young
        (65, True, 3),  # 5: past working age
        (64, True, 3),  # 6: enrolled
        (18, True, 0),  # 7: enrolled
        (30, True, 3),  # 8: in prison
        (30, True, 6),  # 9: the child is old enough not to need care at home
    ]
    for h, (age, female, other) in enumerate(cases):
        r.age[2 * h], r.female[2 * h], r.age[2 * h + 1] = age, female, other
    r.status[16] = Status.DETAINED
    r.custody[16] = Custody.SENTENCED
    earnings = np.full(len(model.households), 0.5)
    earnings[3] = 1.5
    set_earnings(model, earnings)
    programme_week(model)
    assert list(np.flatnonzero(model.programmes.childcare)) == [0, 12, 14]
    assert list(np.flatnonzero(model.households.benefits)) == [0, 6, 7]


@pytest.mark.parametrize(
    ("age_of_responsibility", "diverted"), [(18, [5, 6, 7, 8, 9]), (16, [2, 3, 4, 5, 6, 7, 8, 9])]
)
def test_penal_alternatives_divert_only_those_old_enough_to_be_tried_as_adults(
    age_of_responsibility, diverted
):
    model = programme_model(
        "penal",
        population=10,
        justice__pretrial_detention=1.0,
        justice__juvenile_detention=1.0,
        justice__age_of_responsibility=age_of_responsibility,
    )
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.age[:] = [14, 15, 16, 17, 17, 18, 19, 25, 30, 40]
    process_arrests(model, np.arange(10), Offence.SELLING)
    assert sorted(model.programmes.get("penal").ids) == diverted
    minors = np.setdiff1d(np.arange(10), diverted)
    assert (r.custody[minors] == Custody.JUVENILE).all()


def test_reentry_support_pays_for_the_released_and_drops_those_back_in_custody_or_selling():
    model = programme_model("reentry", programmes__reentry__job_rate=0.0, programmes__reentry__cost=20.0)
    r = households_of_two(model)
    r.record[:6] = 1
    reentry = model.programmes.get("reentry")
    model.programmes.on_release(np.arange(6))
    assert reentry.spending == 6 * 20.0 and reentry.reached == 6
    r.status[0], r.custody[0] = Status.DETAINED, Custody.PRETRIAL
    make_seller(model, 1, block=0)
    reentry.step()
    assert sorted(reentry.ids) == [2, 3, 4, 5]
    assert reentry.spending == 4 * 20.0 and reentry.reached == 4


def test_a_newborn_in_a_dead_persons_place_leaves_the_programme_that_person_was_in():
    from barrio.model.demography import replace_with_newborns

    model = programme_model("reentry", programmes__reentry__job_rate=0.0)
    r = households_of_two(model)
    r.record[:4] = 1
    reentry = model.programmes.get("reentry")
    model.programmes.on_release(np.arange(4))
    replace_with_newborns(r, np.array([2]), model.params, model.rng)
    reentry.step()
    assert sorted(reentry.ids) == [0, 1, 3] and reentry.reached == 3


def test_institutional_presence_serves_only_inhabited_blocks():
    model = programme_model("presence", population=100, programmes__presence__capacity=3)
    model.blocks.base_presence[:] = np.linspace(0.0, 0.9, 25).reshape(5, 5)
    model.blocks.population = np.ones(25, dtype=np.int64)
    model.blocks.population[[0, 1, 3]] = 0  # three of the four weakest blocks have nobody living there
    programme_week(model)
    raised = model.grid.state_presence.data.ravel() - model.blocks.base_presence.ravel()
    assert list(np.flatnonzero(raised > 0)) == [2, 4, 5]
    # The weakest blocks change with the state's own presence and with where people live,
    # though the programme keeps its ranking from one week to the next.
    model.blocks.base_presence.ravel()[20] = 0.01
    model.blocks.population[0] = 5
    programme_week(model)
    raised = model.grid.state_presence.data.ravel() - model.blocks.base_presence.ravel()
    assert list(np.flatnonzero(raised > 0)) == [0, 2, 20]


# Direction tests: paired seeds (a run and its counterfactual share the warm-up year and,
# through the programmes' own generators, most random draws after it), one-sided paired
# t-tests at the 5% level. Nothing in a programme touches recruitment or the prison
# directly; the effects have to come through household income, school and records.

DIRECTION = Params.build(
    {
        "neighbourhood": {"width": 30, "height": 30, "population": 10_000},
        "timing": {"warmup_weeks": 52, "horizon_weeks": 104},
    }
)
SEEDS = range(12)


def policy_period(table, outcomes):
    return table[table.outcome.isin(outcomes) & (table.week >= 0)]


@pytest.fixture(scope="module")
def without_policy():
    return [run(Scenario("baseline", DIRECTION), seed) for seed in SEEDS]


def with_policy(event, seeds=SEEDS):
    return [run(Scenario("policy", DIRECTION, (event,)), seed) for seed in seeds]


@pytest.mark.slow
def test_a_transfer_to_poor_households_with_young_people_lowers_their_recruitment():
    """Recruits aged 12-24 from the households the transfer reached, with and without it.

    The transfer is school-conditional (twice Bolsa Familia's minimum); it can only act
    through household need and the dropout rule. Counting in the households it reached,
    the same households in both runs, is what it is aimed at; recruitment elsewhere is noise
    here. So are the groups' territorial fights, which make paired runs drift apart for
    reasons that have nothing to do with the transfer: this neighbourhood has none.
    """
    params = Params.build(
        {
            "neighbourhood": {"width": 40, "height": 40, "population": 20_000},
            "groups": {"count": 0, "formation_rate": 0.0},
            "timing": {"warmup_weeks": 52, "horizon_weeks": 104},
        }
    )
    transfer = {
        "programmes.cash.budget_week": 1e6,
        "programmes.cash.targeting": "conditional",
        "programmes.cash.amount": 60.0,
    }
    treated, control = [], []
    for seed in range(8):
        reached = None
        for with_transfer in (True, False):
            model = BarrioModel(params, rng=np.random.default_rng(seed))
            for _ in range(params.timing.warmup_weeks):
                model.step()
            if with_transfer:
                model.change_levers(transfer)
                reached = np.zeros(len(model.households), dtype=bool)
            young_recruits = []
            for _ in range(params.timing.horizon_weeks):
                model.step()
                if with_transfer:
                    reached |= model.households.benefits > 0
                starts = model.this_week.starts
                young_recruits.append(
                    starts[(model.residents.age[starts] >= 12) & (model.residents.age[starts] <= 24)]
                )
            recruits = np.concatenate(young_recruits)
            (treated if with_transfer else control).append(
                int(reached[model.residents.household[recruits]].sum())
            )
    assert np.mean(treated) < np.mean(control)
    assert stats.ttest_rel(treated, control, alternative="less").pvalue < 0.05


@pytest.mark.slow
def test_penal_alternatives_lower_prison_occupancy(without_policy):
    seeds = SEEDS[:8]
    alternatives = Event(week=0, set={"programmes.penal.budget_week": 1e6})
    treated = [
        policy_period(t, ["prison_occupancy_pct"]).value.mean() for t in with_policy(alternatives, seeds)
    ]
    control = [policy_period(t, ["prison_occupancy_pct"]).value.mean() for t in without_policy[:8]]
    assert stats.ttest_rel(treated, control, alternative="less").pvalue < 0.05


@pytest.mark.slow
def test_an_income_shock_raises_recruitment(without_policy):
    """Recruits during the shock's year, when it can act."""
    shock = Event(week=0, shock=Shock(weeks=52, economy=0.8))

    def during(table):
        return policy_period(table, ["recruits"]).query("week < 52").value.sum()

    treated = [during(t) for t in with_policy(shock)]
    control = [during(t) for t in without_policy]
    assert stats.ttest_rel(treated, control, alternative="greater").pvalue < 0.05


def test_self_employment_support_starts_informal_work_with_more_earning_power():
    model = programme_model("jobs", programmes__jobs__self_employment=1.0, programmes__jobs__start_up=0.5)
    r = households_of_two(model)
    r.age[:] = 22
    r.capacity[:] = 1.0
    model.programmes.get("jobs").step()
    assert (r.status == Status.INFORMAL).all() and np.allclose(r.capacity, 1.5)
    model.programmes.get("jobs").step()
    assert model.programmes.get("jobs").reached == 20  # informal work counts as keeping the place


def test_a_members_means_mix_the_households_income_and_their_own():
    from barrio.model.selling import Outlook

    model = quiet_model(population=4)
    r = model.residents
    r.household[:] = 0
    r.income[:] = [0.0, 0.0, 40.0, 40.0]
    outlook = Outlook(
        gain=np.zeros(25),
        hazard=np.zeros(25),
        pressure=np.zeros(25),
        household_sellers=np.zeros(1),
        block_sellers=np.zeros(25),
        household_size=np.array([4]),
        block_population=np.full(25, 4),
        income_per_head=np.array([20.0]),
        poverty_line=20.0,
    )
    # Sharing 0.8: no own income means 16 (shortfall 0.2); 40 of one's own, 24 (none).
    assert np.allclose(outlook.shortfall(r, np.arange(4), 0.8), [0.2, 0.2, 0.0, 0.0])
    assert np.allclose(outlook.shortfall(r, np.arange(4), 1.0), 0.0)


def test_a_school_conditional_transfer_keeps_teenagers_in_school_as_far_as_it_pays_for_their_time():
    model = programme_model("cash", programmes__cash__targeting="conditional", programmes__cash__amount=30.0)
    r = households_of_two(model)
    r.age[1::2] = 14
    r.status[1::2] = Status.STUDENT
    model.programmes.get("cash").step()
    earnings = model.informal_rate * r.capacity[1]
    assert dropout_risk(model)[1] == pytest.approx(max(0.0, 1.0 - 30.0 / earnings), rel=1e-5)
    model.change_levers({"programmes.cash.targeting": "means_tested"})
    assert dropout_risk(model)[1] == 1.0  # without the condition there is nothing to lose


@pytest.mark.parametrize(
    "ids",
    [[], [3], [1, 4, 7, 9], [9, 1, 4], [4, 4, 2, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ids=["none", "one", "sorted", "unsorted", "repeated", "everyone"],
)
def test_the_not_yet_enrolled_are_those_setdiff1d_gives(ids):
    from barrio.model.programmes import _not_in

    enrolled = np.array([4, 9, 0])
    for dtype in (np.int64, np.int32):
        given = np.array(ids, dtype=dtype)
        expected = np.setdiff1d(given, enrolled)
        found = _not_in(given, enrolled, 10)
        assert found.tolist() == expected.tolist() and found.dtype == expected.dtype


def test_a_full_programme_enrols_nobody_and_keeps_its_people():
    model = programme_model("jobs", population=40, programmes__jobs__capacity=2)
    jobs = model.programmes.get("jobs")
    first = jobs.enrol(np.arange(10), 1.0)
    assert len(first) == 2
    again = jobs.enrol(np.arange(10, 20), 1.0)
    assert len(again) == 0 and again.dtype == first.dtype
    assert jobs.ids.tolist() == first.tolist() and len(jobs.weeks_left) == 2


def test_the_dropout_risk_of_some_residents_is_theirs_in_the_risk_of_everyone():
    """Asked for the students only (as the week asks), each gets what the whole array gives them."""
    model = programme_model(
        "cash",
        population=40,
        programmes__cash__targeting="conditional",
        programmes__cash__amount=30.0,
        programmes__school__budget_week=1000.0,
        programmes__school__effect=0.5,
        justice__pretrial_detention=1.0,
        households__parent_prison_dropout=3.0,
    )
    r = households_of_two(model)
    r.age[1::2] = 14
    r.status[1::2] = Status.STUDENT
    model.households.poor = np.ones(len(model.households), bool)
    process_arrests(model, np.array([0, 4]), Offence.SELLING)
    for programme in model.programmes:
        programme.step()
    everyone = dropout_risk(model)
    assert len({round(x, 6) for x in everyone[1::2]}) >= 3  # prison, support and the transfer all act
    for ids in (np.arange(1, 40, 2), np.array([5, 1, 33]), np.array([], dtype=np.int64)):
        assert np.array_equal(dropout_risk(model, ids), everyone[ids])


@pytest.mark.parametrize("n", [0, 1, 3, 5, 8, 12, 40])
def test_the_poorest_first_are_those_a_stable_sort_puts_first(n):
    """Ties at the lowest key (no earnings), other ties, -0.0 and values: as a stable sort orders them."""
    rng = np.random.default_rng(5)
    key = rng.choice([0.0, -0.0, 1.5, 2.0, 0.25, 7.0], size=30)
    key[::4] = rng.random(8)
    for k in (key, key + 1.0, np.full(30, 3.0), key[::-1].copy(), np.empty(0)):
        assert np.array_equal(_first_by_key(k, n), np.argsort(k, kind="stable")[:n])


def test_carers_are_working_age_women_of_households_with_a_young_child_not_looked_after():
    model = programme_model("women", population=300, programmes__women__budget_week=200.0)
    r = model.residents
    rng = np.random.default_rng(3)
    r.age[:] = rng.integers(0, 80, len(r))
    r.female[:] = rng.random(len(r)) < 0.5
    model.households.earnings_per_head[:] = rng.choice([0.0, 10.0, 1e4], len(model.households))
    programme_week(model)
    h = model.households
    young = r.age < model.params.households.care_age
    assert np.array_equal(h.care_needed, np.bincount(r.household, weights=young, minlength=len(h)) > 0)
    childcare = model.programmes.childcare
    assert 0 < np.count_nonzero(childcare) < np.count_nonzero(r.carer)
    working_age_women = r.female & (r.age >= 18) & (r.age < 65)
    assert np.array_equal(r.carer, working_age_women & h.care_needed[r.household] & ~childcare)
