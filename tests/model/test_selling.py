import numpy as np

from barrio.model.groups import CriminalGroup
from barrio.model.population import Status
from barrio.model.selling import Outlook, expected_custody_weeks, outlook, start_selling, stop_selling
from tests.builders import quiet_model


def outlook_for(
    model, gain: float, hazard: float = 0.0, pressure: float = 0.0, peers: float = 0.0
) -> Outlook:
    """Every block alike; every resident alone in a one-person household on a block of 100,
    of whom ``peers`` x 100 sell."""
    blocks = model.shape[0] * model.shape[1]
    n = len(model.residents)
    model.residents.household[:] = np.arange(n)
    return Outlook(
        gain=np.full(blocks, gain),
        hazard=np.full(blocks, hazard),
        pressure=np.full(blocks, pressure),
        household_sellers=np.zeros(n),
        block_sellers=np.full(blocks, peers * 100),
        household_size=np.ones(n, dtype=np.int64),
        block_population=np.full(blocks, 101),
        income_per_head=np.full(n, 1e6),  # nobody is in need unless a test says so
        poverty_line=20.0,
    )


def everyone(model, status: Status, income: float = 0.0, age: int = 30):
    r = model.residents
    r.status[:] = status
    r.age[:] = age
    r.income[:] = income
    r.reluctance[:] = 20.0
    r.risk_aversion[:] = 1.0
    r.capacity[:] = 1.0
    r.female[:] = False  # the rules for women have tests of their own
    return r


def test_a_formal_worker_earning_well_above_the_gain_does_not_start():
    model = quiet_model(population=200, selling__decision_rate=1.0)
    everyone(model, Status.FORMAL, income=500.0)
    starts = start_selling(model.residents, outlook_for(model, gain=100.0), 50.0, model.params, model.rng)
    assert len(starts) == 0
    assert (model.residents.status == Status.FORMAL).all()


def test_an_unemployed_resident_facing_a_large_gain_and_no_police_starts():
    model = quiet_model(population=200, selling__decision_rate=1.0)
    r = everyone(model, Status.UNEMPLOYED)
    starts = start_selling(r, outlook_for(model, gain=500.0), 50.0, model.params, model.rng)
    assert len(starts) == 200
    assert (r.status == Status.SELLING).all() and (r.group == -1).all()


def test_the_expected_cost_of_prison_deters_adults():
    model = quiet_model(population=200, selling__decision_rate=1.0)
    r = everyone(model, Status.UNEMPLOYED)
    # Gain 150 beats alternative 50 + reluctance 20, but a 5% weekly arrest risk
    # times ~121 expected weeks in custody times (50 + 100) costs ~900 a week.
    starts = start_selling(r, outlook_for(model, gain=150.0, hazard=0.05), 50.0, model.params, model.rng)
    assert len(starts) == 0


def test_minors_below_the_age_of_responsibility_expect_less_custody():
    model = quiet_model()
    weeks = expected_custody_weeks(np.array([15, 30]), model.params)
    assert weeks[0] < weeks[1]
    assert np.isclose(weeks[0], model.params.justice.juvenile_detention * model.params.justice.juvenile_weeks)


def test_peers_and_group_pressure_lower_the_bar():
    model = quiet_model(population=400, selling__decision_rate=1.0)
    r = everyone(model, Status.UNEMPLOYED, age=20)
    r.reluctance[:] = 100.0
    # Alone: gain 130 < alternative 80 + reluctance 100 x 0.7 (youth) = 150.
    plain = outlook_for(model, gain=130.0)
    assert len(start_selling(r, plain, 80.0, model.params, model.rng)) == 0
    # Half the peers sell (x 0.7) and a group presses hard (x 0.1): the bar falls to ~85.
    pressed = outlook_for(model, gain=130.0, pressure=0.9, peers=0.5)
    assert len(start_selling(r, pressed, 80.0, model.params, model.rng)) == 400


def test_a_seller_whose_earnings_fall_below_the_alternative_stops():
    model = quiet_model(population=100, selling__decision_rate=1.0)
    r = everyone(model, Status.SELLING, age=17)
    r.gain[:50] = 10.0
    r.gain[50:] = 500.0
    stops = stop_selling(r, outlook_for(model, gain=0.0), 50.0, model.params, model.rng)
    assert sorted(stops) == list(range(50))
    assert (r.status[:50] == Status.OUT_OF_SCHOOL).all()  # minors go back to being out of school
    assert (r.status[50:] == Status.SELLING).all()


def test_a_seller_moves_off_a_heavily_policed_block_to_a_quiet_one_nearby():
    from barrio.model.selling import relocate

    model = quiet_model(width=5, height=5, population=10, selling__decision_rate=1.0, selling__mobility=1)
    r = everyone(model, Status.SELLING)
    r.block[:] = r.sell_block[:] = 12  # the centre block
    r.gain[:] = 100.0
    out = outlook_for(model, gain=100.0, hazard=0.0)
    out.hazard[12] = 0.2  # only the home block is policed
    moved = relocate(r, out, 50.0, model.params, model.rng, model.shape)
    assert sorted(moved) == list(range(10))
    assert (r.sell_block != 12).all()
    x, y = np.divmod(r.sell_block, 5)
    assert (np.abs(x - 2) <= 1).all() and (np.abs(y - 2) <= 1).all()  # within reach of home


def test_sellers_stay_put_without_mobility_or_without_a_better_block():
    from barrio.model.selling import relocate

    for mobility, hazard in ((0, 0.2), (1, 0.0)):
        model = quiet_model(
            width=5, height=5, population=10, selling__decision_rate=1.0, selling__mobility=mobility
        )
        r = everyone(model, Status.SELLING)
        r.block[:] = r.sell_block[:] = 12
        r.gain[:] = 100.0
        out = outlook_for(model, gain=100.0)
        out.hazard[12] = hazard
        assert len(relocate(r, out, 50.0, model.params, model.rng, model.shape)) == 0
        assert (r.sell_block == 12).all()


def test_a_households_need_lowers_the_bar_to_selling():
    model = quiet_model(population=200, selling__decision_rate=1.0, households__need_effect=0.5)
    r = everyone(model, Status.UNEMPLOYED)
    r.reluctance[:] = 100.0
    # Gain 160 < alternative 80 + reluctance 100; in a household with nothing (shortfall 1)
    # reluctance halves to 50 and 160 > 130.
    outlook = outlook_for(model, gain=160.0)
    assert len(start_selling(r, outlook, 80.0, model.params, model.rng)) == 0
    poor = outlook_for(model, gain=160.0)
    poor.income_per_head[:100] = 0.0  # r.income is 0 too: these have nothing at all
    assert sorted(start_selling(r, poor, 80.0, model.params, model.rng)) == list(range(100))


def test_women_keep_a_smaller_share_of_the_margin_and_a_selling_partner_draws_them_in():
    model = quiet_model(population=200, selling__decision_rate=1.0, households__female_rank=0.5)
    r = everyone(model, Status.UNEMPLOYED)
    r.reluctance[:] = 10.0
    r.female[:100] = True
    # Gain 100 beats 50 + 10 for men; a woman keeps 50 of it and does not start.
    starts = start_selling(r, outlook_for(model, gain=100.0), 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(100, 200))
    assert np.allclose(r.gain[starts], 100.0)

    model = quiet_model(population=200, selling__decision_rate=1.0, households__partner_effect=0.8)
    r = everyone(model, Status.UNEMPLOYED)
    r.reluctance[:] = 100.0
    r.female[:] = True
    outlook = outlook_for(model, gain=150.0)  # the default rank 0.6 leaves her 90
    outlook.household_sellers[:50] = 1  # someone else in her household sells
    # 90 > 50 + 100 x 0.2 = 70 with a selling partner; not > 150 without.
    starts = start_selling(r, outlook, 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(50))


def test_care_duties_cut_what_legal_work_would_pay_a_woman():
    from barrio.model.selling import alternative_income

    model = quiet_model(population=4, households__care_burden=0.5)
    r = everyone(model, Status.UNEMPLOYED)
    r.female[:] = True
    r.carer[:2] = True
    assert list(alternative_income(r, np.arange(4), 80.0, model.params)) == [40.0, 40.0, 80.0, 80.0]


def _bar(model, alternative: float, reluctance: float, hazard: float, risk_aversion: float, age: int = 30):
    """Gain - arrest cost - alternative - reluctance for one resident, by hand (trust and
    peers neutral)."""
    weeks = expected_custody_weeks(np.array([age]), model.params)[0]
    cost = hazard * weeks * (alternative + model.params.selling.prison_cost) * risk_aversion
    return cost + alternative + reluctance


def test_risk_aversion_scales_the_expected_cost_of_arrest():
    model = quiet_model(population=200, selling__decision_rate=1.0)
    r = everyone(model, Status.UNEMPLOYED)
    r.risk_aversion[:100] = 0.5
    r.risk_aversion[100:] = 2.0
    # A gain between the two bars: the cautious half stays out, the bold half starts.
    low, high = (_bar(model, 50.0, 20.0, 0.01, a) for a in (0.5, 2.0))
    starts = start_selling(
        r, outlook_for(model, gain=(low + high) / 2, hazard=0.01), 50.0, model.params, model.rng
    )
    assert sorted(starts) == list(range(100))


def test_a_seller_stops_when_the_expected_cost_of_arrest_eats_the_margin():
    model = quiet_model(population=100, selling__decision_rate=1.0, groups__protection=1.0)
    r = everyone(model, Status.SELLING)
    r.gain[:] = 100.0  # beats the alternative of 50 by 50
    out = outlook_for(model, gain=0.0)
    out.hazard[0] = 0.05  # an expected cost well above 50 a week
    r.sell_block[:50] = 0
    r.sell_block[50:] = 1
    r.group[:] = -1
    r.group[25:50] = 3  # affiliated: the group's lookouts take the risk away
    assert _bar(model, 50.0, 0.0, 0.05, 1.0) - 50.0 > 50.0
    stops = stop_selling(r, out, 50.0, model.params, model.rng)
    assert sorted(stops) == list(range(25))


def test_nobody_below_the_minimum_age_starts():
    model = quiet_model(population=100, selling__decision_rate=1.0, selling__min_age=14)
    r = everyone(model, Status.OUT_OF_SCHOOL, age=13)
    r.age[50:] = 14
    starts = start_selling(r, outlook_for(model, gain=1_000.0), 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(50, 100))


def test_a_groups_pressure_reaches_children_and_the_young_but_not_older_adults():
    model = quiet_model(population=300, selling__decision_rate=1.0, selling__min_age=12)
    r = everyone(model, Status.UNEMPLOYED)
    r.age[:100], r.age[100:200], r.age[200:] = 13, 20, 40
    r.status[:100] = Status.OUT_OF_SCHOOL
    r.reluctance[:] = 100.0
    r.reluctance[100:200] = 100.0 / model.params.selling.youth_reluctance  # the same bar for all
    # Without pressure the bar is 50 + 100 (plus a small cost for adults' custody: no police
    # here, so none); pressure 0.5 halves reluctance for the under-30s only.
    starts = start_selling(r, outlook_for(model, gain=120.0, pressure=0.5), 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(200))


def test_a_record_lowers_reluctance():
    model = quiet_model(population=100, selling__decision_rate=1.0, justice__record_reluctance=0.5)
    # Formal workers: their alternative is their wage, which a record does not change.
    r = everyone(model, Status.FORMAL, income=50.0)
    r.record[:50] = 1
    starts = start_selling(r, outlook_for(model, gain=50.0 + 15.0), 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(50))  # 50 + 20 x 0.5 < 65 < 50 + 20


def test_peers_alone_lower_the_bar():
    model = quiet_model(population=100, selling__decision_rate=1.0, selling__peer_effect=0.6)
    r = everyone(model, Status.UNEMPLOYED)
    assert len(start_selling(r, outlook_for(model, gain=65.0), 50.0, model.params, model.rng)) == 0
    # Half the block sells: reluctance x (1 - 0.6 x 0.5) = 14, under the 15 to spare.
    peers = outlook_for(model, gain=65.0, peers=0.5)
    assert len(start_selling(r, peers, 50.0, model.params, model.rng)) == 100


def test_what_selling_costs_in_legal_income_depends_on_status_and_record():
    from barrio.model.selling import alternative_income

    model = quiet_model(
        population=4,
        economy__schooling_value=1.5,
        justice__record_job_penalty=0.4,
        households__care_burden=0.0,
    )
    r = everyone(model, Status.UNEMPLOYED)
    r.status[:] = [Status.FORMAL, Status.STUDENT, Status.UNEMPLOYED, Status.UNEMPLOYED]
    r.income[0] = 300.0
    r.capacity[:] = 2.0
    r.record[3] = 1
    r.carer[:] = False
    alternative = alternative_income(r, np.arange(4), 50.0, model.params)
    assert list(alternative) == [300.0, 1.5 * 100.0, 100.0, 0.6 * 100.0]


def test_a_seller_moves_only_for_a_clear_gain():
    from barrio.model.selling import MOVE_FACTOR, MOVE_MINIMUM, relocate

    moved = []
    for better in (0.99, 1.01):
        model = quiet_model(width=5, height=5, population=10, selling__decision_rate=1.0, selling__mobility=1)
        r = everyone(model, Status.SELLING)
        r.block[:] = r.sell_block[:] = 12
        r.gain[:] = 100.0
        out = outlook_for(model, gain=0.0)
        out.gain[13] = better * (100.0 * MOVE_FACTOR + MOVE_MINIMUM)  # just under, then just over
        moved.append(len(relocate(r, out, 50.0, model.params, model.rng, model.shape)))
    assert moved == [0, 10]


def test_a_group_losing_members_to_arrest_presses_the_young_harder_to_replace_them():
    """Pressure on a group's block: recruitment_pressure x (1 - presence) x (1 + replacement x losses)."""
    pressures = {}
    for rule in ("replacement", "constant"):
        model = quiet_model(
            width=5,
            height=5,
            population=50,
            groups__recruitment_pressure=0.2,
            groups__replacement=20.0,
            mechanisms__recruitment=rule,
        )
        model.grid.control.data[:] = -1
        model.grid.control.data[0, :] = 0
        model.grid.state_presence.data[:] = 0.0
        group = CriminalGroup(model, code=0, capital=0.0)
        model.groups.n_codes = 1
        for _ in range(30):
            group.remember_losses(lost=1.0, members=20)  # 5% of its members a week
        pressures[rule] = outlook(model).pressure.reshape(5, 5)
    losses = 1 - 0.9**30  # the moving average, weight 0.1 a week, on its way to 0.05
    assert np.allclose(pressures["replacement"][0], 0.2 * (1 + 20 * 0.05 * losses))
    assert np.allclose(pressures["constant"][0], 0.2)
    assert (pressures["replacement"][1:] == 0).all()  # no group holds the other blocks


def test_those_set_aside_before_the_full_reckoning_could_not_have_started():
    """start_selling weighs cost only where the gain beats the alternative, and reluctance
    only where the gain less the cost does.

    Against every reconsidering resident reckoned in full (gain - cost > alternative +
    reluctance), with each effect that lowers reluctance at its upper bound: the same starts.
    """
    from barrio.model import selling

    for seed, changes in enumerate(
        [
            {},
            {
                "selling__peer_effect": 1.0,
                "households__need_effect": 1.0,
                "households__partner_effect": 1.0,
                "legitimacy__effect": 1.0,
                "groups__recruitment_pressure": 1.0,
                "selling__reluctance": 5.0,
            },
        ]
    ):
        model = quiet_model(population=3000, selling__decision_rate=1.0, **changes)
        r = model.residents
        rng = np.random.default_rng(seed)
        r.status[:] = rng.choice([Status.STUDENT, Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED], len(r))
        r.age[:] = rng.integers(12, 60, len(r))
        r.income[:] = rng.uniform(0, 200, len(r))
        r.trust[:] = rng.uniform(0, 1, len(r))
        r.female[:] = rng.random(len(r)) < 0.5
        seen = outlook_for(model, gain=0.0, peers=0.3)
        blocks = len(seen.gain)
        seen = Outlook(
            **{
                **seen.__dict__,
                "gain": rng.uniform(0, 300, blocks),
                "hazard": rng.uniform(0, 0.05, blocks),
                "pressure": rng.uniform(0, 1, blocks),
                "household_sellers": rng.integers(0, 2, len(r)),
                "income_per_head": rng.uniform(0, 60, len(r)),
            }
        )
        maybe = np.flatnonzero(selling.CAN_START[r.status] & (r.age >= model.params.selling.min_age))
        alternative = selling.alternative_income(r, maybe, 50.0, model.params)
        cost = selling._arrest_cost(r, maybe, seen.hazard[r.block[maybe]], alternative, model.params)
        reluctance = selling._effective_reluctance(r, maybe, seen, model.params)
        gain = seen.gain[r.block[maybe]] * selling.rank_share(r, maybe, model.params)
        expected = maybe[gain - cost > alternative + reluctance]
        assert 0 < len(expected) < len(maybe) // 2  # a real test: some start, most do not
        assert np.array_equal(start_selling(r, seen, 50.0, model.params, model.rng), expected)


def test_the_sellers_known_without_a_count_are_those_a_count_finds():
    """choices passes the sellers on from step to step instead of counting them again.

    Against the counts: the same sellers after the week, and stop_selling and relocate
    draw and decide the same with the sellers given as without.
    """
    import copy

    from barrio.model import selling
    from barrio.model.model import BarrioModel
    from tests.builders import small_params

    model = BarrioModel(small_params(selling__decision_rate=0.5), rng=np.random.default_rng(3))
    for _ in range(8):
        model.step()
        r = model.residents
        assert np.array_equal(model.market.seller_ids, np.flatnonzero(r.status == Status.SELLING.value))
    r, p = model.residents, model.params
    sellers = np.flatnonzero(r.status == Status.SELLING.value)
    assert len(sellers) > 5  # a real test
    seen = outlook(model)
    started = sellers[::3]  # as if these had just started
    rest = np.setdiff1d(sellers, started)
    results = []
    for given in (None, rest):
        r2, rng = copy.deepcopy(r), copy.deepcopy(model.rng)
        stops = stop_selling(r2, seen, 50.0, p, rng, started=started, sellers=given)
        staying = None if given is None else selling._without(given, stops)
        moved = selling.relocate(r2, seen, 50.0, p, rng, model.shape, started=started, sellers=staying)
        results.append((stops, moved, r2.status.copy(), r2.sell_block.copy(), rng.random()))
    for a, b in zip(*results, strict=True):
        assert np.array_equal(a, b)


def test_sorted_ids_less_some_and_merged_with_others():
    from barrio.model import selling

    ids = np.array([2, 5, 9, 11, 40])
    assert selling._without(ids, np.array([2, 11])).tolist() == [5, 9, 40]
    assert selling._without(ids, np.array([], dtype=np.int64)).tolist() == ids.tolist()
    assert selling._merged(np.array([5, 9, 40]), np.array([1, 7, 41])).tolist() == [1, 5, 7, 9, 40, 41]
    assert selling._merged(np.array([], dtype=np.int64), np.array([3])).tolist() == [3]
