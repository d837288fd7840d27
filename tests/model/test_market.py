import numpy as np

from barrio.model.market import clear, cuts, entrant_units, net_gain, seller_counts, trade
from tests.builders import make_seller, quiet_model


def test_a_seller_with_no_demand_in_reach_sells_nothing():
    demand = np.zeros((9, 9))
    demand[8, 8] = 50.0
    sellers = np.zeros((9, 9))
    sellers[0, 0] = 1
    sales = clear(demand, sellers, reach=2)
    assert sales.units[0, 0] == 0
    assert sales.volume == 0 and sales.unmet == 50.0


def test_demand_is_shared_equally_between_sellers_in_reach():
    demand = np.zeros((5, 5))
    demand[2, 2] = 12.0
    sellers = np.zeros((5, 5))
    sellers[1, 1] = 2
    sellers[3, 3] = 1
    sales = clear(demand, sellers, reach=1)
    assert np.isclose(sales.units[1, 1], 4.0) and np.isclose(sales.units[3, 3], 4.0)
    assert np.isclose((sales.units * sellers).sum(), sales.volume)


def test_volume_sold_equals_demand_served():
    rng = np.random.default_rng(0)
    demand = rng.random((15, 15)) * 10
    sellers = (rng.random((15, 15)) < 0.1).astype(float)
    sales = clear(demand, sellers, reach=2)
    assert np.isclose((sales.units * sellers).sum(), sales.volume)
    assert np.isclose(sales.volume + sales.unmet, demand.sum())


def test_entrant_estimate_equals_the_sales_of_an_actual_newcomer():
    rng = np.random.default_rng(2)
    demand = rng.random((8, 8)) * 5
    sellers = (rng.random((8, 8)) < 0.2).astype(float)
    estimate = entrant_units(demand, sellers, reach=1)
    sellers_after = sellers.copy()
    sellers_after[4, 5] += 1
    assert np.isclose(estimate[4, 5], clear(demand, sellers_after, reach=1).units[4, 5])


def test_a_group_cut_lowers_net_gain_in_proportion():
    model = quiet_model()
    units = np.array([10.0, 10.0])
    gain = net_gain(units, np.array([0.0, 0.3]), model.params)
    m = model.params.market
    assert np.isclose(gain[0], 10 * m.price * m.margin)
    assert np.isclose(gain[1], gain[0] * 0.7)


def test_in_the_model_a_seller_without_demand_earns_nothing():
    model = quiet_model()
    model.grid.demand.data[:] = 0.0
    make_seller(model, 0, block=12)
    trade(model)
    assert model.market.selling_income[0] == 0.0
    assert model.residents.gain[0] == 0.0


def test_members_hand_their_group_its_cut_and_independents_pay_the_turfs_holder():
    """Territorial: a member pays groups.member_cut to its own group wherever it sells; an
    independent on a group's turf pays groups.cut to that group; elsewhere nobody pays."""
    model = quiet_model(population=4, groups__cut=0.3, groups__member_cut=0.5)
    r = model.residents
    r.group[:] = [2, 2, -1, -1]
    sellers = np.arange(4)
    holder = np.array([-1, 1, 1, -1])  # whose turf each seller's block is
    share, taker = cuts(r, sellers, holder, model.params)
    assert share.tolist() == [0.5, 0.5, 0.3, 0.0]
    assert taker.tolist() == [2, 2, 1, -1]
    legacy = quiet_model(population=4, groups__cut=0.3, mechanisms__affiliation="voluntary")
    legacy.residents.group[:] = [2, 2, -1, -1]
    share, taker = cuts(legacy.residents, sellers, holder, legacy.params)
    assert share.tolist() == [0.0, 0.3, 0.3, 0.0] and taker.tolist() == [-1, 1, 1, -1]


def test_a_groups_revenue_is_its_members_cut_and_the_independents_tax_on_its_turf():
    model = quiet_model(width=5, height=5, population=40, groups__cut=0.2, groups__member_cut=0.5)
    model.grid.control.data[:] = -1
    model.grid.control.data[0, 0] = 0
    model.grid.demand.data[:] = 0.0
    model.grid.demand.data[0, 0] = 10.0
    make_seller(model, 0, block=0)
    make_seller(model, 1, block=0)
    model.residents.group[0] = 0
    model.residents.female[:2] = False
    trade(model)
    margin = 5.0 * model.market.unit_margin(model.params)  # each of the two sells five purchases
    assert np.isclose(model.groups.revenue_by_code[0], margin * 0.5 + margin * 0.2)
    assert np.isclose(model.market.selling_income[0], margin * 0.5)
    assert np.isclose(model.market.selling_income[1], margin * 0.8)


def test_seller_counts_as_integers_give_the_same_sales_and_entrant_units_to_the_bit():
    """The model passes integer counts (a faster sum over the reach); the answers must not change."""
    rng = np.random.default_rng(5)
    shape = (23, 17)
    demand = rng.uniform(0, 40, shape) * (rng.random(shape) < 0.7)
    blocks = rng.integers(0, shape[0] * shape[1], 300) // 3  # crowded in the upper rows
    as_int = seller_counts(blocks, shape)
    as_float = as_int.astype(np.float64)
    assert as_float.dtype == np.float64 and as_int.dtype == np.int64
    assert np.array_equal(as_float, as_int)
    for reach in (0, 1, 3):
        a, b = clear(demand, as_float, reach), clear(demand, as_int, reach)
        for x, y in ((a.units, b.units), (a.by_block, b.by_block)):
            assert x.dtype == y.dtype == np.float64
            assert x.tobytes() == y.tobytes()
        assert (a.volume, a.unmet) == (b.volume, b.unmet)
        units = entrant_units(demand, as_float, reach)
        assert units.tobytes() == entrant_units(demand, as_int, reach).tobytes()
