import numpy as np
from scipy import stats

from barrio.model.justice import CUSTODY_SHAPE, Prison, arrest, custody_week
from barrio.model.population import Custody, Offence, Status
from tests.builders import make_seller, quiet_model


def test_an_arrested_seller_is_in_pretrial_detention_the_next_week():
    model = quiet_model(
        population=200,
        policing__units_per_10k=1000,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        justice__pretrial_detention=1.0,
    )
    r = model.residents
    for i in range(len(r)):
        make_seller(model, i, block=12)
    model.grid.demand.data[:] = 100.0
    model.step()  # twenty units walk 15 blocks each on a 5 x 5 grid: block 12 is passed
    arrested, offences = model.police.arrests.all()
    assert len(arrested) == len(r) and (offences == Offence.SELLING).all()
    for i in arrested:
        person = r.person(i)
        assert person.status == Status.DETAINED
        assert person.custody == Custody.PRETRIAL
        assert person.custody_left >= 1


def test_arrest_sends_adults_to_pretrial_or_trial_and_minors_home():
    model = quiet_model(population=10, justice__pretrial_detention=1.0, justice__juvenile_detention=0.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.age[:5] = 15
    arrest(r, np.arange(10), Offence.SELLING, model.params, model.rng)
    assert (r.status[:5] == Status.OUT_OF_SCHOOL).all()
    assert (r.status[5:] == Status.DETAINED).all() and (r.custody[5:] == Custody.PRETRIAL).all()
    assert (r.custody_left[5:] >= 1).all()


def test_pretrial_ends_in_a_trial_and_a_sentence_ends_in_release_with_a_record():
    model = quiet_model(population=10, justice__pretrial_detention=1.0, justice__conviction=1.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    arrest(r, np.arange(10), Offence.SELLING, model.params, model.rng)
    r.custody_left[:] = 1
    custody_week(r, model.params, model.rng)
    assert (r.custody == Custody.SENTENCED).all() and (r.status == Status.DETAINED).all()
    r.custody_left[:] = 1
    released = custody_week(r, model.params, model.rng)
    assert sorted(released) == list(range(10))
    assert (
        (r.status == Status.UNEMPLOYED).all() and (r.record == 1).all() and (r.custody == Custody.FREE).all()
    )


def test_an_acquittal_releases_without_a_record():
    model = quiet_model(population=10, justice__pretrial_detention=1.0, justice__conviction=0.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    arrest(r, np.arange(10), Offence.SELLING, model.params, model.rng)
    r.custody_left[:] = 1
    custody_week(r, model.params, model.rng)
    assert (r.status == Status.UNEMPLOYED).all() and (r.record == 0).all()


def test_occupancy_counts_exactly_the_inmates():
    prison = Prison(capacity=40.0, others=0.0)
    assert prison.occupancy(0) == 0.0
    assert prison.occupancy(10) == 25.0
    assert prison.occupancy(60) == 150.0
    assert Prison(capacity=40.0, others=20.0).occupancy(10) == 75.0


def test_in_the_model_occupancy_counts_the_detained_adults():
    model = quiet_model(population=40)
    model.prison = Prison(capacity=20.0, others=0.0)
    r = model.residents
    r.age[:] = 30
    arrest(r, np.arange(7), Offence.SELLING, model.params.replace(justice__pretrial_detention=1.0), model.rng)
    r.custody_left[:7] = 100
    model.step()
    row = model.outcomes.wide().iloc[-1]
    assert row["prisoners_pretrial"] + row["prisoners_sentenced"] == 7
    assert row["prison_occupancy_pct"] == 35.0


def test_prison_is_scaled_from_the_country_context():
    model = quiet_model(population=100_000 // 100)
    ctx = model.context
    prison = Prison.from_context(ctx, 100_000)
    assert np.isclose(prison.capacity, ctx.prison_rate.value / ctx.prison_occupancy.value)
    # With the national share of drug prisoners added, occupancy is the national figure.
    drug = ctx.prison_rate.value * ctx.drug_share.value
    assert np.isclose(prison.occupancy(drug), 100 * ctx.prison_occupancy.value)


def test_enforcement_cost_counts_patrols_prisoners_and_detained_minors():
    model = quiet_model(
        population=100,
        policing__units_per_10k=300,
        justice__pretrial_detention=1.0,
        justice__juvenile_detention=1.0,
    )
    r = model.residents
    r.age[:10] = 30
    r.age[10:13] = 15
    arrest(r, np.arange(13), Offence.SELLING, model.params, model.rng)
    r.custody_left[:13] = 50
    model.step()
    row = model.outcomes.wide().iloc[-1]
    c = model.params.costs
    assert len(model.patrols) == 3
    assert row["policing_cost"] == 3 * c.patrol_week
    assert row["prison_cost"] == 10 * c.prisoner_week + 3 * c.juvenile_week
    assert row["enforcement_cost"] == row["policing_cost"] + row["prison_cost"]


def test_people_65_and_over_leave_custody_or_selling_as_retired():
    from barrio.model.selling import leave_market

    model = quiet_model(population=10, justice__pretrial_detention=1.0, justice__conviction=0.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.age[:] = [70, 70, 70, 70, 70, 40, 40, 40, 16, 16]
    leave_market(r, np.arange(5, 10))
    assert list(r.status[5:]) == [Status.UNEMPLOYED] * 3 + [Status.OUT_OF_SCHOOL] * 2
    leave_market(r, np.array([0]))
    assert r.status[0] == Status.RETIRED
    arrest(r, np.arange(1, 5), Offence.SELLING, model.params, model.rng)
    r.custody_left[1:5] = 1
    custody_week(r, model.params, model.rng)  # acquitted
    assert (r.status[1:5] == Status.RETIRED).all()


def test_a_record_stops_counting_at_127_instead_of_wrapping():
    model = quiet_model(population=2, justice__pretrial_detention=1.0, justice__conviction=1.0)
    r = model.residents
    for i in range(2):
        make_seller(model, i, block=0)
    r.record[:] = [126, 127]
    arrest(r, np.arange(2), Offence.SELLING, model.params, model.rng)
    r.custody_left[:] = 1
    custody_week(r, model.params, model.rng)
    r.custody_left[:] = 1
    custody_week(r, model.params, model.rng)
    assert list(r.record) == [127, 127]


def jailed(n, capacity, **changes):
    model = quiet_model(population=n, justice__pretrial_detention=1.0, **changes)
    model.prison = Prison(capacity=capacity, others=0.0)
    r = model.residents
    r.age[:] = 30
    arrest(r, np.arange(n), Offence.SELLING, model.params, model.rng)
    return model, r


def test_overcrowding_strengthens_ties_with_groups_inside():
    from barrio.model.justice import prison_week

    shares = []
    for capacity in (4000.0, 1000.0):  # occupancy 25% and 100%
        model, r = jailed(1000, capacity, justice__tie_rate=0.4, justice__riot_rate=0.0)
        prison_week(r, model.prison, [3, 7], model.params, model.rng)
        shares.append((r.tie >= 0).mean())
        assert set(np.unique(r.tie[r.tie >= 0])) <= {3, 7}
    assert abs(shares[0] - 0.1) < 0.04 and abs(shares[1] - 0.4) < 0.06


def test_a_riot_breaks_out_above_the_threshold_and_its_dead_are_replaced():
    from barrio.model.justice import prison_week

    model, r = jailed(
        100, 25.0, justice__riot_threshold=200.0, justice__riot_rate=1.0, justice__riot_lethality=1.0
    )
    riots, killed = prison_week(r, model.prison, [], model.params, model.rng)  # occupancy 400%
    assert riots == 1 and len(killed) == 100
    model2, r2 = jailed(100, 100.0, justice__riot_threshold=200.0, justice__riot_rate=1.0)
    assert prison_week(r2, model2.prison, [], model2.params, model2.rng)[0] == 0  # 100%: calm
    from barrio.model.demography import replace_with_newborns

    replace_with_newborns(r, killed, model.params, model.rng)
    assert (r.status == Status.CHILD).all() and (r.custody == Custody.FREE).all()


def test_released_with_prison_ties_they_sell_for_that_group_and_sooner():
    from barrio.model.selling import start_selling
    from tests.model.test_selling import everyone, outlook_for

    model = quiet_model(population=200, selling__decision_rate=1.0, justice__tie_reluctance=0.5)
    r = everyone(model, Status.UNEMPLOYED)
    r.reluctance[:] = 100.0
    r.tie[:100] = 4
    # Gain 130 against 50 + reluctance: 100 x 0.5 = 50 passes, 100 does not.
    starts = start_selling(r, outlook_for(model, gain=130.0), 50.0, model.params, model.rng)
    assert sorted(starts) == list(range(100))
    assert (r.group[:100] == 4).all()


def rounded_gamma(mean):
    """Mean and sd of a custody length: gamma (shape 2) rounded to whole weeks, at least one."""
    dist = stats.gamma(CUSTODY_SHAPE, scale=mean / CUSTODY_SHAPE)
    k = np.arange(1, int(20 * mean) + 2)
    p = dist.cdf(k + 0.5) - dist.cdf(k - 0.5)
    p[0] = dist.cdf(1.5)
    mu = (k * p).sum()
    return mu, np.sqrt((k**2 * p).sum() - mu**2)


def assert_mean_length(weeks, mean):
    mu, sd = rounded_gamma(mean)
    assert abs(weeks.mean() - mu) <= 4.0 * sd / np.sqrt(len(weeks)), (weeks.mean(), mu)


def test_pretrial_and_juvenile_stays_have_their_own_mean_lengths():
    n = 4000
    model = quiet_model(
        population=2 * n,
        justice__pretrial_detention=1.0,
        justice__pretrial_weeks=10.0,
        justice__sentence_weeks=150.0,
        justice__juvenile_detention=1.0,
        justice__juvenile_weeks=30.0,
    )
    r = model.residents
    r.age[:n], r.age[n:] = 30, 15
    arrest(r, np.arange(2 * n), Offence.SELLING, model.params, model.rng)
    assert (r.custody[:n] == Custody.PRETRIAL).all() and (r.custody[n:] == Custody.JUVENILE).all()
    assert_mean_length(r.custody_left[:n], 10.0)
    assert_mean_length(r.custody_left[n:], 30.0)


def test_sentences_for_possession_and_for_selling_have_their_own_mean_lengths():
    n = 4000
    model = quiet_model(
        population=2 * n,
        justice__pretrial_detention=0.0,
        justice__conviction=1.0,
        justice__sentence_weeks=100.0,
        justice__possession_sentence_weeks=20.0,
    )
    r = model.residents
    r.age[:] = 30
    arrest(r, np.arange(n), Offence.POSSESSION, model.params, model.rng)
    arrest(r, np.arange(n, 2 * n), Offence.SELLING, model.params, model.rng)
    assert (r.custody == Custody.SENTENCED).all()
    assert (r.offence[:n] == Offence.POSSESSION).all() and (r.offence[n:] == Offence.SELLING).all()
    assert_mean_length(r.custody_left[:n], 20.0)
    assert_mean_length(r.custody_left[n:], 100.0)


def test_a_seller_tried_at_once_and_acquitted_goes_home_and_stops_selling():
    model = quiet_model(population=10, justice__pretrial_detention=0.0, justice__conviction=0.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.group[:5] = 2
    adults = arrest(r, np.arange(10), Offence.SELLING, model.params, model.rng)
    assert sorted(adults) == list(range(10))
    assert (r.status == Status.UNEMPLOYED).all() and (r.group == -1).all()
    assert (r.custody == Custody.FREE).all() and (r.record == 0).all()


def test_minors_released_from_juvenile_detention_get_no_adult_record():
    model = quiet_model(population=10, justice__juvenile_detention=1.0)
    r = model.residents
    for i in range(10):
        make_seller(model, i, block=0)
    r.age[:] = 15
    assert len(arrest(r, np.arange(10), Offence.SELLING, model.params, model.rng)) == 0
    assert (r.custody == Custody.JUVENILE).all()
    r.custody_left[:] = 1
    released = custody_week(r, model.params, model.rng)
    assert len(released) == 0  # only sentenced prisoners count as released from prison
    assert (r.status == Status.OUT_OF_SCHOOL).all() and (r.custody == Custody.FREE).all()
    assert (r.record == 0).all()


def test_a_resident_exactly_at_the_age_of_responsibility_is_tried_as_an_adult():
    model = quiet_model(
        population=2,
        justice__age_of_responsibility=16,
        justice__pretrial_detention=1.0,
        justice__juvenile_detention=0.0,
    )
    r = model.residents
    for i in range(2):
        make_seller(model, i, block=0)
    r.age[:] = [15, 16]
    adults = arrest(r, np.arange(2), Offence.SELLING, model.params, model.rng)
    assert list(adults) == [1]
    assert r.status[0] == Status.OUT_OF_SCHOOL and r.custody[0] == Custody.FREE
    assert r.status[1] == Status.DETAINED and r.custody[1] == Custody.PRETRIAL


def adults_and_minors_held(n, **changes):
    """``n`` adults in pre-trial detention and ``n`` minors in juvenile detention, prison of ``n`` places."""
    model = quiet_model(
        population=2 * n, justice__pretrial_detention=1.0, justice__juvenile_detention=1.0, **changes
    )
    model.prison = Prison(capacity=float(n), others=0.0)
    r = model.residents
    r.age[:n], r.age[n:] = 30, 15
    arrest(r, np.arange(2 * n), Offence.SELLING, model.params, model.rng)
    assert (r.custody[n:] == Custody.JUVENILE).all()
    return model, r


def test_minors_in_juvenile_detention_are_not_in_the_prison_its_ties_or_its_riots():
    from barrio.model.justice import prison_week

    # Counting the adults only, occupancy is 100%: at the riot threshold, and a tie for every
    # adult at tie_rate 1. Counting the minors too it would be 200%, and a riot certain.
    model, r = adults_and_minors_held(
        50, justice__tie_rate=1.0, justice__riot_threshold=100.0, justice__riot_rate=1.0
    )
    riots, killed = prison_week(r, model.prison, [3], model.params, model.rng)
    assert riots == 0 and len(killed) == 0
    assert (r.tie[:50] == 3).all() and (r.tie[50:] == -1).all()
    # With the threshold at 0, 100 points of excess make a riot certain; it kills only inmates.
    model, r = adults_and_minors_held(
        50, justice__riot_threshold=0.0, justice__riot_rate=1.0, justice__riot_lethality=1.0
    )
    riots, killed = prison_week(r, model.prison, [], model.params, model.rng)
    assert riots == 1 and sorted(killed) == list(range(50))


def test_inmates_who_already_have_a_tie_keep_it():
    from barrio.model.justice import prison_week

    model, r = jailed(100, 100.0, justice__tie_rate=1.0, justice__riot_rate=0.0)  # occupancy 100%
    r.tie[:40] = 5
    prison_week(r, model.prison, [3, 7], model.params, model.rng)
    assert (r.tie[:40] == 5).all()
    assert set(np.unique(r.tie[40:])) <= {3, 7} and (r.tie[40:] >= 0).all()


def test_prison_week_among_those_held_matches_a_search_of_everyone():
    # justice_week passes who was held as custody began: every inmate must be among them,
    # and the ties, riots and draws must be the very ones a search of all residents gives.
    import copy

    from barrio.model.justice import prison_week

    model = quiet_model(population=300, justice__pretrial_detention=1.0, justice__tie_rate=0.5)
    r = model.residents
    arrest(r, np.arange(0, 300, 3), Offence.SELLING, model.params, model.rng)
    r.age[:] = 30
    arrest(r, np.arange(1, 300, 3), Offence.SELLING, model.params, model.rng)
    r.custody[1:300:6] = Custody.JUVENILE
    held = np.union1d(np.flatnonzero(r.status == Status.DETAINED), np.arange(2, 300, 9))
    answers = []
    for given in (None, held):
        r2, rng = copy.deepcopy(r), copy.deepcopy(model.rng)
        riots, killed = prison_week(r2, Prison(10.0, 0.0), [3, 5, 8], model.params, rng, given)
        answers.append((riots, killed.tolist(), r2.tie.tolist(), rng.bit_generator.state))
    assert answers[0] == answers[1]
    assert answers[0][2] != r.tie.tolist()  # some ties were formed
