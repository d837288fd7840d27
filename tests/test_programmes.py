import numpy as np
import pytest
from scipy import stats

from model import BarrioModel, Params, run
from model.economy import household_income
from model.population import Custody, Offence, Status
from model.programmes import PROGRAMMES, CashTransfer
from model.scenario import Event, Scenario, Shock
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
    model.n_households = n // 2
    model.household_size = np.bincount(r.household)
    model.household_benefits = np.zeros(n // 2)
    model.care_needed = np.zeros(n // 2, bool)
    model.earnings_per_head = np.full(n // 2, income)
    # Programmes draw outreach per household when they start: start them again for these.
    for programme in model.programmes:
        programme.remove()
    model._programmes = {}
    model._sync_programmes()
    return r


def programme_model(name: str, population: int = 20, **changes):
    settings = {f"programmes__{name}__{k}": v for k, v in EVERYONE.items()}
    return quiet_model(population=population, **(settings | changes))


def income_of(model):
    r = model.residents
    return household_income(r, np.zeros(len(r)), model.n_households) + model.household_benefits


def test_one_agent_per_programme_with_a_budget_and_none_without():
    model = quiet_model(programmes__cash__budget_week=100.0, programmes__penal__budget_week=50.0)
    assert [p.name for p in model.programmes] == ["cash", "penal"]
    assert isinstance(model.programme("cash"), CashTransfer) and model.programme("jobs") is None
    model.change_levers({"programmes.cash.budget_week": 0.0, "programmes.school.budget_week": 10.0})
    assert [p.name for p in model.programmes] == ["school", "penal"]  # always in PROGRAMMES order
    assert set(PROGRAMMES) == {"cash", "jobs", "school", "penal", "reentry", "women", "presence"}


def test_a_transfer_raises_the_households_income_by_its_amount():
    model = programme_model("cash", programmes__cash__targeting="universal", programmes__cash__amount=30.0)
    households_of_two(model, income=100.0)
    before = income_of(model).copy()
    model.programme("cash").step()
    assert np.allclose(income_of(model) - before, 30.0)
    assert model.programme("cash").spending == 30.0 * 10
    assert model.programme("cash").reached == 20


def test_a_means_tested_transfer_goes_to_the_poorest_first_within_its_budget():
    model = programme_model("cash", programmes__cash__amount=30.0, programmes__cash__budget_week=90.0)
    households_of_two(model)
    model.earnings_per_head = np.linspace(0.0, 2 * model.poverty_line, 10)  # the first five are poor
    model.programme("cash").step()
    assert list(np.flatnonzero(model.household_benefits)) == [0, 1, 2]  # budget for three
    assert model.programme("cash").spending == 90.0


def test_outreach_and_take_up_leave_some_eligible_households_out():
    model = programme_model(
        "cash", population=4000, programmes__cash__targeting="universal", programmes__cash__coverage=0.5
    )
    households_of_two(model)
    model.programme("cash").step()
    paid = (model.household_benefits > 0).mean()
    assert 0.44 < paid < 0.56  # coverage 0.5 x take-up 1.0


def test_a_school_conditional_transfer_stops_when_attendance_stops():
    model = programme_model("cash", programmes__cash__targeting="conditional")
    r = households_of_two(model)
    r.age[1] = 14
    r.status[1] = Status.STUDENT  # household 0 has a student; the others no school-age child
    cash = model.programme("cash")
    cash.step()
    assert list(np.flatnonzero(model.household_benefits)) == [0]
    model.household_benefits[:] = 0.0
    r.status[1] = Status.OUT_OF_SCHOOL
    cash.step()
    assert not model.household_benefits.any() and cash.spending == 0.0


def test_a_diverted_first_offender_never_enters_prison():
    model = programme_model(
        "penal", population=10, justice__pretrial_detention=1.0, timing__horizon_weeks=100
    )
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.record[5:] = 1  # five have served a sentence before
    model.arrest(np.arange(10), Offence.SELLING)
    first, repeat = np.arange(5), np.arange(5, 10)
    assert not (r.status[first] == Status.DETAINED).any()
    assert (r.status[first] == Status.UNEMPLOYED).all() and (r.record[first] == 0).all()
    assert (r.status[repeat] == Status.DETAINED).all()
    assert model.diverted == 5 and len(model.arrests.all()[0]) == 10
    for _ in range(60):  # a whole community sentence and more: still never detained
        model.step()
        assert (r.custody[first] == Custody.FREE).all()
    assert model.programme("penal").reached == 0  # their sentences are over
    model.arrest(first, Offence.SELLING)
    assert (r.status[first] == Status.DETAINED).all()  # diversion is for a first offence only


def test_penal_alternatives_are_limited_by_places():
    model = programme_model(
        "penal", population=10, programmes__penal__capacity=2, justice__pretrial_detention=1.0
    )
    for i in range(10):
        make_seller(model, i, block=0)
    model.arrest(np.arange(10), Offence.SELLING)
    assert model.diverted == 2
    assert (model.residents.status == Status.DETAINED).sum() == 8


def test_an_imprisoned_parents_household_loses_their_income():
    model = quiet_model(population=20, justice__pretrial_detention=1.0)
    households_of_two(model, income=100.0)
    before = income_of(model).copy()
    model.arrest(np.array([0]), Offence.SELLING)
    after = income_of(model)
    assert after[0] == before[0] - 100.0 and (after[1:] == before[1:]).all()


def test_a_child_whose_parent_is_in_prison_is_counted_and_more_likely_to_drop_out():
    model = quiet_model(population=20, justice__pretrial_detention=1.0, households__parent_prison_dropout=3.0)
    r = households_of_two(model, income=100.0)
    r.age[1] = 14
    r.status[1] = Status.STUDENT
    assert model._dropout_risk()[1] == 1.0
    model.arrest(np.array([0]), Offence.SELLING)
    assert model._dropout_risk()[1] == 3.0 and model._dropout_risk()[3] == 1.0
    assert model._prisoner_households()[0] and not model._prisoner_households()[1:].any()


def test_school_support_halves_dropout_and_brings_some_back():
    model = programme_model(
        "school", population=2000, programmes__school__effect=0.5, programmes__school__return_rate=1.0
    )
    r = households_of_two(model)
    r.age[::2] = 15
    r.status[::2] = Status.STUDENT
    r.status[1::4] = Status.OUT_OF_SCHOOL
    r.age[1::4] = 16
    model.poor = np.ones(model.n_households, bool)
    model.programme("school").step()
    assert model.school_support[::2].all()
    assert (r.status[1::4] == Status.STUDENT).all()  # return rate 1: all back
    assert np.allclose(model._dropout_risk()[::2], 0.5)


def test_a_job_placement_is_subsidised_then_lasts_or_ends():
    for retention, still_working in ((1.0, True), (0.0, False)):
        model = programme_model("jobs", programmes__jobs__weeks=3, programmes__jobs__retention=retention)
        r = households_of_two(model)
        r.age[:] = 22
        jobs = model.programme("jobs")
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
    reentry = model.programme("reentry")
    enrolled = reentry.enrol_released(np.arange(8))
    assert sorted(enrolled) == [0, 1, 2, 3]  # only those with a record
    reentry.step()
    assert (r.status[:4] == Status.FORMAL).all() and (r.status[4:] == Status.UNEMPLOYED).all()


def test_the_womens_programme_pays_lifts_care_duties_and_helps_into_work():
    model = programme_model("women", programmes__women__amount=15.0, programmes__women__job_rate=1.0)
    r = households_of_two(model)
    r.female[::2] = True
    r.age[1::2] = 3  # each woman has a small child at home
    model._programmes_week()
    assert np.allclose(model.household_benefits, 15.0)
    assert model.childcare[::2].all() and not r.carer.any()
    assert (r.status[::2] == Status.FORMAL).all()
    model.change_levers({"programmes.women.budget_week": 0.0})
    model._programmes_week()
    assert r.carer[::2].all()  # without childcare, care duties are back


def test_institutional_presence_raises_presence_where_it_is_lowest_and_only_while_it_runs():
    model = programme_model(
        "presence",
        population=100,
        programmes__presence__capacity=3,
        programmes__presence__boost=0.3,
    )
    model.base_presence[:] = np.linspace(0.0, 0.9, 25).reshape(5, 5)
    model.block_population = np.ones(25, dtype=np.int64)
    model._programmes_week()
    raised = model.grid.state_presence.data.ravel() - model.base_presence.ravel()
    assert list(np.flatnonzero(raised > 0)) == [0, 1, 2]
    assert np.allclose(raised[:3], 0.3)
    model.change_levers({"programmes.presence.budget_week": 0.0})
    model._programmes_week()
    assert np.allclose(model.grid.state_presence.data, model.base_presence)


def test_programme_spending_and_reach_are_outcomes(small_run):
    assert {"cash_spending", "penal_reached", "programme_spending"} <= set(small_run.outcome.unique())
    baseline = small_run[small_run.outcome.str.endswith(("_spending", "_reached"))]
    assert (baseline.value == 0).all()  # no programme runs in the baseline


@pytest.mark.parametrize("name", list(PROGRAMMES))
def test_every_programme_runs_in_a_whole_model_and_spends_within_its_budget(name):
    from model import BarrioModel
    from tests.builders import small_params

    # Short sentences and certain arrests, so that the small run has releases and arrests to serve.
    params = small_params(
        **{f"programmes__{name}__budget_week": 2_000.0},
        justice__sentence_weeks=10,
        policing__punitive_intensity=1.0,
    )
    model = BarrioModel(params, rng=3)
    for _ in range(params.timing.warmup_weeks + params.timing.horizon_weeks):
        model.step()
    spending = model.outcomes.wide()[f"{name}_spending"]
    assert (spending <= 2_000.0 + 1e-9).all()
    assert spending.iloc[-20:].sum() > 0


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
                reached = np.zeros(model.n_households, dtype=bool)
            young_recruits = []
            for _ in range(params.timing.horizon_weeks):
                model.step()
                if with_transfer:
                    reached |= model.household_benefits > 0
                starts = model._week.starts
                young_recruits.append(
                    starts[(model.residents.age[starts] >= 12) & (model.residents.age[starts] <= 24)]
                )
            recruits = np.concatenate(young_recruits)
            (treated if with_transfer else control).append(
                int(reached[model.residents.household[recruits]].sum())
            )
    assert np.mean(treated) < np.mean(control)
    assert stats.ttest_rel(treated, control, alternative="less").pvalue < 0.05


def test_penal_alternatives_lower_prison_occupancy(without_policy):
    seeds = SEEDS[:8]
    alternatives = Event(week=0, set={"programmes.penal.budget_week": 1e6})
    treated = [
        policy_period(t, ["prison_occupancy_pct"]).value.mean() for t in with_policy(alternatives, seeds)
    ]
    control = [policy_period(t, ["prison_occupancy_pct"]).value.mean() for t in without_policy[:8]]
    assert stats.ttest_rel(treated, control, alternative="less").pvalue < 0.05


def test_an_income_shock_raises_recruitment(without_policy):
    shock = Event(week=0, shock=Shock(weeks=52, economy=0.8))
    treated = [policy_period(t, ["recruits"]).value.sum() for t in with_policy(shock)]
    control = [policy_period(t, ["recruits"]).value.sum() for t in without_policy]
    assert stats.ttest_rel(treated, control, alternative="greater").pvalue < 0.05


def test_self_employment_support_starts_informal_work_with_more_earning_power():
    model = programme_model("jobs", programmes__jobs__self_employment=1.0, programmes__jobs__start_up=0.5)
    r = households_of_two(model)
    r.age[:] = 22
    r.capacity[:] = 1.0
    model.programme("jobs").step()
    assert (r.status == Status.INFORMAL).all() and np.allclose(r.capacity, 1.5)
    model.programme("jobs").step()
    assert model.programme("jobs").reached == 20  # informal work counts as keeping the place


def test_a_members_means_mix_the_households_income_and_their_own():
    from model.selling import Outlook

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
    model.programme("cash").step()
    earnings = model.informal_rate * r.capacity[1]
    assert model._dropout_risk()[1] == pytest.approx(max(0.0, 1.0 - 30.0 / earnings), rel=1e-5)
    model.change_levers({"programmes.cash.targeting": "means_tested"})
    assert model._dropout_risk()[1] == 1.0  # without the condition there is nothing to lose
