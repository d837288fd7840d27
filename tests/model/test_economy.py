import numpy as np

from barrio.model.contexts import CONTEXTS
from barrio.model.economy import BusinessCycle, JobRates, informal_rate, labour_market, set_incomes
from barrio.model.population import Residents, Status
from tests.builders import quiet_model


def workers(n: int, status: Status) -> Residents:
    r = Residents.empty(n)
    r.age[:] = 35
    r.status[:] = status
    return r


def settle(r: Residents, rates: JobRates, params, economy: float, weeks: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(weeks):
        labour_market(r, rates, params, economy, rng)


def shares(r: Residents) -> tuple[float, float]:
    c = np.bincount(r.status, minlength=len(Status))
    employed = c[Status.FORMAL] + c[Status.INFORMAL]
    return c[Status.UNEMPLOYED] / (employed + c[Status.UNEMPLOYED]), c[Status.INFORMAL] / employed


def test_job_flows_settle_at_the_country_context_figures():
    model = quiet_model()
    for key in ("brazil", "bolivia", "chile"):
        ctx = CONTEXTS[key]
        rates = JobRates.from_context(model.params, ctx)
        r = workers(40_000, Status.UNEMPLOYED)
        settle(r, rates, model.params, 1.0, 600)
        unemployment, informality = shares(r)
        assert abs(unemployment - ctx.unemployment.value) < 0.01, key
        assert abs(informality - ctx.informality.value) < 0.02, key


def test_a_downturn_raises_unemployment_and_lowers_informal_income():
    model = quiet_model()
    rates = JobRates.from_context(model.params, model.context)
    normal, slump = workers(20_000, Status.UNEMPLOYED), workers(20_000, Status.UNEMPLOYED)
    settle(normal, rates, model.params, 1.0, 400)
    settle(slump, rates, model.params, 0.8, 400)
    assert shares(slump)[0] > shares(normal)[0] + 0.03
    assert informal_rate(model.params, model.context, 0.8) < informal_rate(model.params, model.context, 1.0)


def test_a_record_halves_the_chance_of_formal_work():
    model = quiet_model(justice__record_job_penalty=0.5)
    rates = JobRates.from_context(model.params, model.context)
    n = 40_000
    r = workers(2 * n, Status.UNEMPLOYED)
    r.record[n:] = 1
    settle(r, rates, model.params, 1.0, 1)  # one week: each finds formal work with its chance
    formal = r.status == Status.FORMAL
    informal = r.status == Status.INFORMAL
    for found, p in ((formal[:n], rates.formal_finding), (formal[n:], 0.5 * rates.formal_finding)):
        assert abs(found.sum() - n * p) < 4 * np.sqrt(n * p * (1 - p))  # 1,504 +- 152; 752 +- 108
    # Informal work does not ask for a clean record.
    p = rates.informal_finding
    assert abs(informal[n:].sum() - n * p) < 4 * np.sqrt(n * p * (1 - p))


def test_a_full_record_penalty_shuts_people_with_a_record_out_of_formal_work():
    model = quiet_model(justice__record_job_penalty=1.0)
    rates = JobRates.from_context(model.params, model.context)
    r = workers(5_000, Status.UNEMPLOYED)
    r.record[:] = 1
    settle(r, rates, model.params, 1.0, 50)
    assert not (r.status == Status.FORMAL).any()
    assert (r.status == Status.INFORMAL).any()


def test_incomes_follow_status():
    model = quiet_model(population=6)
    r = model.residents
    r.age[:] = [30, 30, 30, 70, 15, 30]
    r.status[:] = [
        Status.FORMAL,
        Status.INFORMAL,
        Status.UNEMPLOYED,
        Status.RETIRED,
        Status.STUDENT,
        Status.SELLING,
    ]
    r.capacity[:] = 1.0
    set_incomes(r, model.params, model.context, 1.0)
    w = model.context.min_wage_week
    e = model.params.economy
    np.testing.assert_allclose(
        r.income, [e.formal_wage * w, e.informal_wage * w, 0, e.pension * w, 0, 0], rtol=1e-6
    )


def test_the_business_cycle_is_reproducible_and_mean_reverting():
    a, b = BusinessCycle(0.9, 0.05), BusinessCycle(0.9, 0.05)
    ra, rb = np.random.default_rng(3), np.random.default_rng(3)
    path_a, path_b = [], []
    for _ in range(2000):
        a.step(ra)
        b.step(rb)
        path_a.append(a.index)
        path_b.append(b.index)
    assert path_a == path_b
    assert 0.97 < np.exp(np.mean(np.log(path_a))) < 1.03
    a.shock = 0.5
    assert np.isclose(a.index, path_a[-1] * 0.5)


def test_migrants_and_women_with_care_duties_find_work_less_often():
    model = quiet_model(
        population=40_000,
        households__migrant_formal=0.5,
        households__migrant_network=0.5,
        households__care_burden=0.5,
    )
    r = model.residents
    r.status[:] = Status.UNEMPLOYED
    r.record[:] = 0
    r.migrant[:] = False
    r.carer[:] = False
    r.migrant[10_000:20_000] = True
    r.carer[20_000:30_000] = True
    labour_market(r, model.rates, model.params, 1.0, model.rng)
    found = r.status != Status.UNEMPLOYED
    natives, migrants, carers = (
        found[:10_000].mean(),
        found[10_000:20_000].mean(),
        found[20_000:30_000].mean(),
    )
    assert natives > 0.05
    assert abs(migrants / natives - 0.5) < 0.1 and abs(carers / natives - 0.5) < 0.1


def test_workers_lose_their_jobs_when_their_draw_falls_below_their_sectors_rate_in_float32():
    # Every status, and rates whose float32 rounding decides some draws: the rule is the
    # draw against the rate of the resident's own status, both in float32, as a look-up
    # table by status would give.
    model = quiet_model()
    n = 20_000
    r = Residents.empty(n)
    r.age[:] = 35
    r.status[:] = np.arange(n) % len(Status)
    before = r.status.copy()
    rates = JobRates(formal_separation=0.3, informal_separation=0.6, formal_finding=0.0, informal_finding=0.0)
    economy = 0.8
    labour_market(r, rates, model.params, economy, np.random.default_rng(3))

    draw = np.random.default_rng(3).random(n, dtype=np.float32)
    downturn = economy**model.params.economy.downturn_sensitivity
    separation = np.zeros(len(Status), dtype=np.float32)
    separation[Status.FORMAL] = rates.formal_separation / downturn
    separation[Status.INFORMAL] = rates.informal_separation / downturn
    losing = draw < separation[before]
    assert losing.any() and not losing.all()
    np.testing.assert_array_equal(r.status[losing], Status.UNEMPLOYED)
    np.testing.assert_array_equal(r.status[~losing], before[~losing])
