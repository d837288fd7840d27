"""The retail price carries sellers' risk of arrest, and purchases answer the price."""

import numpy as np
import pytest

from barrio.model.market import Sales, trade
from barrio.model.prices import PRICE_MEMORY, arrest_cost_per_unit, price_week
from barrio.model.selling import alternative_income, expected_custody_weeks
from tests.builders import make_seller, quiet_model


def market_model(presence: float, **changes):
    """Ten adult sellers on block 12 of a 5 x 5 grid; patrols seen ``presence`` times a week there."""
    model = quiet_model(width=5, height=5, population=40, **changes)
    for i in range(10):
        make_seller(model, i, block=12)
    model.grid.police_presence.data[:] = 0.0
    model.grid.police_presence.data[2, 2] = presence
    units = np.zeros((5, 5))
    units[2, 2] = 4.0  # each seller sold four purchases last week
    model.market.sales = Sales(units=units, by_block=units * 10, volume=40.0, unmet=0.0)
    return model


def test_the_expected_cost_of_arrest_per_purchase_is_hazard_x_custody_x_a_weeks_cost_over_sales():
    model = market_model(2.0, policing__encounter=0.1, policing__punitive_intensity=0.5)
    r, p = model.residents, model.params
    hazard = 1 - (1 - 0.1 * 0.5) ** 2.0
    sellers = np.arange(10)
    week = alternative_income(r, sellers, model.informal_rate, p) + p.selling.prison_cost
    expected = (
        hazard * expected_custody_weeks(r.age[sellers], p) * week * r.risk_aversion[sellers]
    ).sum() / 40
    assert arrest_cost_per_unit(model) == pytest.approx(expected, rel=1e-6)


def test_the_price_rises_with_the_risk_of_arrest_a_step_at_a_time():
    prices = {}
    for presence in (0.0, 1.0, 4.0):
        model = market_model(presence, market__price=10.0, market__risk_pass_through=0.5)
        cost = arrest_cost_per_unit(model)
        price_week(model)
        assert model.market.price == pytest.approx(10.0 + PRICE_MEMORY * 0.5 * cost)
        prices[presence] = model.market.price
    assert prices[0.0] == 10.0 and prices[0.0] < prices[1.0] < prices[4.0]


def test_purchases_fall_with_the_price_at_the_demand_elasticity():
    model = market_model(4.0, market__elasticity=0.6)
    model.market.price = 20.0  # twice the price without risk
    price_week(model)
    factor = (model.market.price / 10.0) ** -0.6
    assert model.market.demand_factor == pytest.approx(factor)
    model.grid.demand.data[:] = 1.0
    trade(model)
    assert model.market.sales.volume == pytest.approx(25 * factor)  # every block within reach of block 12
    cheap = market_model(4.0, market__elasticity=0.6)
    cheap.grid.demand.data[:] = 1.0
    trade(cheap)
    assert model.market.sales.volume < cheap.market.sales.volume


def test_sellers_keep_the_risk_premium():
    model = market_model(0.0, market__price=10.0, market__margin=0.5)
    model.market.price = 14.0
    assert model.market.unit_margin(model.params) == pytest.approx(5.0 + 4.0)


def test_under_the_old_rule_the_price_stays_fixed():
    model = market_model(4.0, mechanisms__price="fixed")
    price_week(model)
    assert model.market.price == 10.0 and model.market.demand_factor == 1.0
