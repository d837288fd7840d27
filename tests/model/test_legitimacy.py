import numpy as np
import pytest
from scipy import stats

from barrio.model import Params, run
from barrio.model.legitimacy import initial_trust, update_trust
from barrio.model.neighbourhood import Blocks
from barrio.model.policing import UnitKind, use_of_force
from barrio.model.population import Residents, Status
from barrio.model.scenario import Event, Scenario
from barrio.model.selling import start_selling
from tests.builders import make_seller, quiet_model
from tests.model.test_selling import everyone, outlook_for


def residents_everywhere(model, per_block=4):
    r = model.residents
    r.block[:] = np.arange(len(r)) // per_block
    r.trust[:] = 0.6
    return r


def zeros(model):
    return np.zeros(model.shape)


def test_an_abuse_lowers_the_trust_of_those_who_saw_it_and_no_one_else():
    model = quiet_model(width=5, height=5, population=100, legitimacy__drift=0.0)
    r = residents_everywhere(model)
    abuses = zeros(model)
    abuses[2, 2] = 1  # block 12
    update_trust(r, abuses, zeros(model), zeros(model), zeros(model), zeros(model) + 0.6, model.params)
    x, y = np.divmod(r.block, 5)
    saw = (np.abs(x - 2) <= 1) & (np.abs(y - 2) <= 1)
    assert np.allclose(r.trust[saw], 0.6 * (1 - model.params.legitimacy.abuse_loss))
    assert np.allclose(r.trust[~saw], 0.6)


def test_arbitrary_arrests_and_impunity_lower_trust_and_community_policing_raises_it():
    model = quiet_model(width=5, height=5, population=100, legitimacy__drift=0.0)
    g = model.params.legitimacy
    r = residents_everywhere(model)
    arbitrary, violence, community = zeros(model), zeros(model), zeros(model)
    arbitrary[0, 0] = 2
    violence[0, 1] = 1
    community[4, 4] = 3
    update_trust(r, zeros(model), arbitrary, violence, community, zeros(model), model.params)
    assert np.allclose(r.trust[r.block == 0], 0.6 * (1 - g.arbitrary_loss) ** 2)
    assert np.allclose(r.trust[r.block == 1], 0.6 * (1 - g.impunity_loss))
    assert np.allclose(r.trust[r.block == 24], 0.6 + 0.4 * (1 - (1 - g.community_gain) ** 3))
    assert np.allclose(r.trust[(r.block > 1) & (r.block < 24)], 0.6)


def test_trust_drifts_towards_state_presence():
    model = quiet_model(width=5, height=5, population=100, legitimacy__drift=0.5)
    r = residents_everywhere(model)
    update_trust(r, zeros(model), zeros(model), zeros(model), zeros(model), zeros(model) + 1.0, model.params)
    assert np.allclose(r.trust, 0.8)


def test_starting_trust_is_home_presence_give_or_take_a_tenth():
    n = 40_000
    trust = initial_trust(np.full(n, 0.5), np.random.default_rng(1))
    # Normal around presence with sd 0.1 (0.5 is five sd from either bound, so no clipping).
    assert abs(trust.mean() - 0.5) < 4 * 0.1 / np.sqrt(n)  # +- 0.002
    assert abs(trust.std() - 0.1) < 4 * 0.1 / np.sqrt(2 * n)  # +- 0.0014
    # The same draws as presence + N(0, 0.1), clipped to 0-1.
    presence = np.array([0.0, 0.05, 0.5, 0.95, 1.0] * 1_000)
    noise = np.random.default_rng(2).normal(0.0, 0.1, size=len(presence))
    got = initial_trust(presence, np.random.default_rng(2))
    np.testing.assert_allclose(got, np.clip(presence + noise, 0.0, 1.0))


def test_starting_trust_stays_between_zero_and_one():
    n = 20_000
    for presence, bound in ((0.0, 0.0), (1.0, 1.0)):
        trust = initial_trust(np.full(n, presence), np.random.default_rng(3))
        assert trust.min() >= 0.0 and trust.max() <= 1.0
        at_bound = (trust == bound).sum()  # half the draws fall outside and are clipped
        assert abs(at_bound - n / 2) < 4 * np.sqrt(n / 4)  # 10,000 +- 283


def test_block_trust_is_the_mean_trust_of_its_residents_and_a_half_where_none_live():
    r = Residents.empty(5)
    r.block[:] = [0, 0, 2, 2, 2]
    r.trust[:] = [0.2, 0.4, 0.9, 0.6, 0.3]
    blocks = Blocks.build(r.block, np.zeros(4))
    blocks.update_trust(r)
    np.testing.assert_allclose(blocks.population, [2, 0, 3, 0])
    np.testing.assert_allclose(blocks.trust, [0.3, 0.5, 0.6, 0.5], rtol=1e-6)


def test_trusting_residents_are_more_reluctant_to_sell():
    started = []
    for trust in (0.0, 1.0):
        model = quiet_model(population=400, selling__decision_rate=1.0, legitimacy__effect=0.5)
        r = everyone(model, Status.UNEMPLOYED)
        r.reluctance[:] = 100.0
        r.trust[:] = trust
        # Gain 180 against alternative 50: reluctance 100 x 0.5 (no trust) passes, x 1.5 does not.
        started.append(len(start_selling(r, outlook_for(model, gain=180.0), 50.0, model.params, model.rng)))
    assert started == [400, 0]


def test_soldiers_arrest_more_per_pass_and_use_more_force_than_police():
    results = {}
    for kind in (UnitKind.POLICE, UnitKind.SOLDIERS):
        model = quiet_model(
            width=3,
            height=3,
            population=3000,
            policing__encounter=0.2,
            policing__punitive_intensity=0.5,
            policing__police_force=0.002,
            justice__pretrial_detention=1.0,
        )
        for i in range(3000):
            make_seller(model, i, block=i % 9)
        model.police.visits[:] = 2
        model.police.visits_by_kind[kind] = 2
        from barrio.model.policing import arrest_on_routes

        arrest_on_routes(model)
        force, _, _ = use_of_force(model)
        results[kind] = (len(model.police.arrests.all()[0]), force.sum())
    assert results[UnitKind.SOLDIERS][0] > results[UnitKind.POLICE][0]
    model = quiet_model(width=30, height=30, population=100, policing__police_force=0.002)
    model.police.visits_by_kind[UnitKind.POLICE] = 100
    police_force = use_of_force(model)[0].sum()
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[UnitKind.SOLDIERS] = 100
    assert use_of_force(model)[0].sum() > 2 * police_force


@pytest.mark.slow
def test_militarised_patrols_raise_police_violence_and_lower_trust():
    """Direction test: six paired seeds, one-sided paired t-tests at the 5% level."""
    base = Params.build(
        {
            "neighbourhood": {"width": 30, "height": 30, "population": 10_000},
            "timing": {"warmup_weeks": 52, "horizon_weeks": 52},
        }
    )
    soldiers = (Event(week=0, set={"policing.soldiers_per_10k": 5}),)

    def mean(table, outcome):
        return table[(table.outcome == outcome) & (table.week >= 0)].value.mean()

    calm = [run(Scenario("b", base), seed) for seed in range(6)]
    army = [run(Scenario("m", base, soldiers), seed) for seed in range(6)]
    force = [mean(t, "police_violence") for t in calm], [mean(t, "police_violence") for t in army]
    trust = [mean(t, "mean_trust") for t in calm], [mean(t, "mean_trust") for t in army]
    assert stats.ttest_rel(force[1], force[0], alternative="greater").pvalue < 0.05
    assert stats.ttest_rel(trust[1], trust[0], alternative="less").pvalue < 0.05


def test_army_patrols_cost_more_than_police_patrols():
    model = quiet_model(population=1000, policing__units_per_10k=20, policing__soldiers_per_10k=10)
    kinds = [u.kind for u in model.patrols]
    assert kinds.count(UnitKind.POLICE) == 2 and kinds.count(UnitKind.SOLDIERS) == 1
    model.step()
    c = model.params.costs
    assert model.outcomes.wide().iloc[-1]["policing_cost"] == 2 * c.patrol_week + c.soldier_week


def test_counts_around_a_block_and_sparse_powers_are_box_sum_and_powers_to_the_bit():
    from barrio.model.legitimacy import _power
    from barrio.model.neighbourhood import box_sum

    rng = np.random.default_rng(3)
    for shape in [(1, 1), (1, 5), (4, 3), (30, 20)]:
        counts = np.where(rng.random(shape) < 0.2, rng.integers(1, 4, shape), 0)
        framed = np.pad(counts, 1)
        nine = sum(
            framed[1 + dx : 1 + dx + shape[0], 1 + dy : 1 + dy + shape[1]]
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        )
        assert np.array_equal(box_sum(counts, 1), nine)
        assert box_sum(counts, 1).dtype == box_sum(counts, 2).dtype == np.int64
        violence = np.where(rng.random(shape) < 0.3, rng.random(shape) * 5, 0.0)
        for exponent in (counts, violence, np.zeros(shape)):
            assert np.array_equal(_power(0.93, exponent).view(np.uint64), (0.93**exponent).view(np.uint64))
