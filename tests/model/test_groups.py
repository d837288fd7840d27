import numpy as np
import pytest
from scipy import stats

from barrio.model.groups import CriminalGroup, seed_territories
from barrio.model.justice import Arrests
from barrio.model.market import trade
from barrio.model.policing import police_week
from barrio.model.population import Offence, Status
from tests.builders import make_seller, quiet_model


def step(model, *groups) -> None:
    """Begin the groups' week (members, revenue, territory, block values), then step ``groups``."""
    model.groups.begin_week(model)
    for group in groups:
        group.step()


def group_model(capital: float = 0.0, **changes):
    model = quiet_model(width=6, height=6, population=30, **changes)
    model.grid.control.data[:] = -1
    model.grid.control.data[2, 2] = 0
    model.grid.demand.data[:] = 1.0
    model.grid.demand.data[3, 3] = 9.0
    return model, CriminalGroup(model, code=0, capital=capital)


def test_with_enough_capital_a_group_takes_the_richest_adjacent_free_block():
    model, group = group_model(capital=5_000, groups__expansion_cost=1_000)
    step(model, group)
    control = model.grid.control.data
    assert control[3, 3] == 0 and group.blocks == 2
    assert group.capital == 4_000


def test_without_capital_a_group_does_not_grow():
    model, group = group_model(capital=100, groups__expansion_cost=1_000)
    step(model, group)
    assert group.blocks == 1


def test_unpaid_upkeep_costs_a_block_and_capital_never_goes_negative():
    model, group = group_model(capital=0, groups__upkeep=50)
    model.grid.control.data[2, 3] = 0
    r = model.residents
    make_seller(model, 0, block=2 * 6 + 2)
    r.group[0] = 0
    step(model, group)
    assert group.blocks == 1 and group.capital == 0.0


@pytest.mark.parametrize("rich", [(2, 2), (2, 3)])
def test_a_group_that_cannot_pay_gives_up_its_least_valuable_block(rich):
    model, group = group_model(capital=0, groups__upkeep=50)
    control = model.grid.control.data
    control[2, 3] = 0
    model.grid.demand.data[rich] = 5.0  # the other of its two blocks has demand 1
    make_seller(model, 0, block=2 * 6 + 2)
    model.residents.group[0] = 0
    step(model, group)
    assert group.blocks == 1 and control[rich] == 0


def test_independents_on_a_groups_blocks_are_made_to_join():
    """Barrio 0.1's rule: only sellers on the group's own blocks."""
    model, group = group_model(groups__affiliation_rate=1.0, mechanisms__affiliation="voluntary")
    make_seller(model, 0, block=2 * 6 + 2)  # on the group's block
    make_seller(model, 1, block=5 * 6 + 5)  # three blocks away
    step(model, group)
    assert model.residents.group[0] == 0 and model.residents.group[1] == -1


def test_independents_on_a_groups_turf_within_buyers_reach_are_made_to_join():
    model = quiet_model(width=9, height=9, population=30, groups__affiliation_rate=1.0, market__reach=3)
    model.grid.control.data[:] = -1
    model.grid.control.data[2, 2] = 0
    group = CriminalGroup(model, code=0, capital=0.0)
    make_seller(model, 0, block=2 * 9 + 2)  # on the group's block
    make_seller(model, 1, block=5 * 9 + 5)  # three blocks away: its buyers' reach
    make_seller(model, 2, block=6 * 9 + 2)  # four blocks away
    step(model, group)
    assert list(model.residents.group[:3]) == [0, 0, -1]


def test_independents_the_group_does_not_absorb_are_expelled_at_the_expulsion_rate():
    n = 400
    model = quiet_model(width=5, height=5, population=n, groups__affiliation_rate=0.0, groups__expulsion=0.25)
    model.grid.control.data[:] = 0
    group = CriminalGroup(model, code=0, capital=0.0)
    for i in range(n):
        make_seller(model, i, block=12)
    step(model, group)
    expelled = int((model.residents.status != Status.SELLING).sum())
    assert stats.binomtest(expelled, n, 0.25).pvalue > 0.001  # about 100
    assert (model.residents.group == -1).all()
    voluntary = quiet_model(
        width=5, height=5, population=50, groups__expulsion=1.0, mechanisms__affiliation="voluntary"
    )
    voluntary.grid.control.data[:] = 0
    for i in range(50):
        make_seller(voluntary, i, block=12)
    step(voluntary, CriminalGroup(voluntary, code=0, capital=0.0))
    assert (voluntary.residents.status == Status.SELLING).all()


def test_independents_taken_by_another_group_this_week_are_not_recruited_again():
    model, group = group_model(groups__affiliation_rate=1.0)
    make_seller(model, 0, block=2 * 6 + 2)  # on the group's block
    model.groups.begin_week(model)
    # The week's list, taken when the first group recruits.
    assert list(model.groups.independents_on(model, 0)) == [0]
    model.residents.group[0] = 1  # another group took the seller since
    group.step()
    assert model.residents.group[0] == 1


def test_a_group_with_no_blocks_and_no_members_dissolves():
    model, group = group_model(capital=0)
    model.grid.control.data[:] = -1
    step(model, group)
    assert group not in model.groups.active()


def test_revenue_is_the_cut_of_sales_on_the_groups_blocks():
    model, _ = group_model()
    model.grid.demand.data[:] = 0.0
    model.grid.demand.data[2, 2] = 10.0
    make_seller(model, 0, block=2 * 6 + 2)
    trade(model)
    m, g = model.params.market, model.params.groups
    expected = 10.0 * m.price * m.margin * g.cut
    assert np.isclose(model.groups.revenue_by_code[0], expected)
    assert np.isclose(model.market.selling_income[0], 10.0 * m.price * m.margin * (1 - g.cut))


def test_seeded_territories_do_not_overlap_and_sit_on_demand():
    control = np.full((30, 30), -1)
    demand = np.zeros((30, 30))
    demand[5, 5] = demand[20, 20] = 10.0
    seed_territories(control, demand, count=2, radius=2, rng=np.random.default_rng(0))
    assert {control[5, 5], control[20, 20]} == {0, 1}
    assert (control == 0).sum() == 25 and (control == 1).sum() == 25


def test_seized_capital_lowers_a_groups_ability_to_pay_its_sellers():
    from barrio.model.leadership import seize_capital

    kept = {}
    for financial in (0.0, 1.0):
        model, group = group_model(
            capital=1_000.0,
            groups__upkeep=50,
            groups__affiliation_rate=0.0,
            policing__financial=financial,
            policing__seizure=0.8,
        )
        r = model.residents
        for i in range(20):
            make_seller(model, i, block=2 * 6 + 2)
        r.group[:20] = 0
        seized = seize_capital(model)
        assert (group in seized) == (financial == 1.0)
        step(model, group)
        kept[financial] = int((r.group[:20] == 0).sum())
    assert kept[0.0] == 20  # 1,000 pays 20 x 50
    assert kept[1.0] == 4  # 200 left pays 4


def test_a_group_gives_up_its_most_policed_block_for_a_safer_free_one():
    model, group = group_model(capital=0)
    model.grid.demand.data[:] = 1.0
    model.grid.control.data[2, 3] = 0
    model.grid.police_presence.data[2, 3] = 10.0  # patrols pass several times a week
    step(model, group)
    control = model.grid.control.data
    assert control[2, 3] == -1 and group.blocks == 2
    assert control[2, 2] == 0


def test_a_group_does_not_move_to_a_richer_block_that_is_more_policed_than_its_worst():
    model, group = group_model(capital=0)
    control = model.grid.control.data
    control[2, 3] = 0
    model.grid.police_presence.data[2, 3] = 1.0  # its most policed block
    model.grid.police_presence.data[3, 3] = 2.0  # the free block worth most (demand 9) is more policed
    model.groups.begin_week(model)
    value, hazard = model.groups.block_value
    worst, best = 2 * 6 + 3, 3 * 6 + 3
    # Worth moving for (value alone), but not safer: the group stays.
    assert hazard[best] > hazard[worst] > 0
    assert value[best] > value[worst] * (1 + model.params.groups.move_margin)
    before = control.copy()
    step(model, group)
    assert (control == before).all()


def test_without_police_a_group_stays_put():
    model, group = group_model(capital=0)
    model.grid.demand.data[:] = 1.0
    model.grid.control.data[2, 3] = 0
    before = model.grid.control.data.copy()
    step(model, group)
    assert (model.grid.control.data == before).all()


def test_a_group_expands_into_a_safe_block_rather_than_a_richer_heavily_policed_one():
    model, group = group_model(capital=5_000, groups__expansion_cost=1_000)
    model.grid.demand.data[2, 1] = 5.0
    model.grid.police_presence.data[3, 3] = 20.0  # the richest block (demand 9) is swarming with police
    step(model, group)
    control = model.grid.control.data
    assert control[2, 1] == 0 and control[3, 3] == -1


def test_crackdown_losses_make_a_group_hold_back_and_the_memory_fades():
    _, group = group_model(groups__deterrence_response=10.0)
    assert group.restraint == 0.0
    for _ in range(10):
        group.remember_crackdown(2.0, members=20)  # a tenth of its members every week
    assert 0.6 < group.restraint < 0.7  # 1 - 0.9^10 of the way to full restraint
    for _ in range(30):
        group.remember_crackdown(0.0, members=20)
    assert group.restraint < 0.05


def test_each_groups_territory_stays_right_while_groups_step_in_turn():
    model, first = group_model(capital=5_000, groups__expansion_cost=1_000)
    second = CriminalGroup(model, code=1, capital=5_000)
    control = model.grid.control.data
    control[0, 0] = control[0, 1] = 1
    model.groups.begin_week(model)
    assert list(model.groups.territory(1)) == [0, 1] and list(model.groups.territory(0)) == [2 * 6 + 2]
    for group in (first, second):  # the week's index was taken before either grew
        before = group.blocks
        group.step()
        assert group.blocks == before + 1
    assert control[3, 3] == 0  # the richest block next to the first group
    assert (control == 0).sum() == 2 and (control == 1).sum() == 3
    assert control[0, 2] == 1  # next to the second group's own blocks (all equal: the first found)


def test_the_focused_deterrence_map_weights_each_groups_blocks_by_its_notoriety():
    """End to end: the police week builds the map and the focused units' passes follow it."""
    model = quiet_model(
        width=6,
        height=6,
        population=100,
        policing__units_per_10k=1_000,  # ten units
        policing__focused_deterrence=1.0,
        policing__blocks_per_week=50,
    )
    control = model.grid.control.data
    control[:] = -1
    control[0:2, :] = 0  # 12 blocks
    control[4:6, :] = 1  # 12 blocks; rows 2-3 are free
    violent, milder = CriminalGroup(model, 0, 0.0), CriminalGroup(model, 1, 0.0)
    model.groups.n_codes = 2
    violent.notoriety, milder.notoriety = 3.0, 1.0
    police_week(model)
    expected = np.where(control == 0, 3.0, np.where(control == 1, 1.0, 0.0)).ravel()
    assert np.array_equal(model.police.focus, expected)
    visits = model.police.visits
    n = visits.sum()
    assert n == 10 * 50 and np.array_equal(model.police.focus_visits, visits)
    assert visits[control.ravel() < 0].sum() == 0
    # Each pass lands on the violent group's blocks with chance 36 / (36 + 12) = 0.75.
    share = visits[control.ravel() == 0].sum() / n
    assert abs(share - 0.75) < 4 * np.sqrt(0.75 * 0.25 / n)  # +- 0.077


def test_arrest_heat_is_a_moving_average_of_arrests_where_they_happened():
    model = quiet_model(width=4, height=4, population=10)
    r = model.residents
    make_seller(model, 0, block=5)
    r.block[0] = 0  # lives on block 0, sells on block 5: the heat goes where they sold
    r.block[1], r.sell_block[1] = 9, 3  # a user arrested where they live (block 9)
    model.police.arrest_heat[:] = 0.0
    model.police.arrest_heat[5] = 2.0
    model.police.arrest_heat[15] = 1.0
    model.police.arrests = Arrests()
    model.police.arrests.add(np.array([0]), Offence.SELLING)
    model.police.arrests.add(np.array([1]), Offence.POSSESSION)
    model.police.update_heat(model.residents.block, model.residents.sell_block)
    a = 0.1  # this week's weight (ODD: Policing)
    expected = np.zeros(16)
    expected[5] = 2.0 * (1 - a) + a
    expected[9] = a
    expected[15] = 1.0 * (1 - a)
    assert np.allclose(model.police.arrest_heat, expected)
    model.police.arrests = Arrests()
    for _ in range(10):  # ten weeks without arrests: the memory fades by (1 - a) a week
        model.police.update_heat(model.residents.block, model.residents.sell_block)
    assert np.allclose(model.police.arrest_heat, expected * (1 - a) ** 10)


def test_each_groups_territory_is_its_blocks_in_order_whatever_the_codes_on_the_grid():
    model, _ = group_model()
    for code in (1, 4):
        CriminalGroup(model, code=code, capital=0.0)
    model.groups.n_codes = 5
    control = model.grid.control.data
    rng = np.random.default_rng(5)
    layers = (rng.choice([-1, 0, 1, 4], size=(6, 6)), np.full((6, 6), -1), rng.choice([4, 1], size=(6, 6)))
    for layer in layers:
        control[:] = layer
        model.groups.begin_week(model)
        for code in range(6):  # 2 and 3 have no blocks, 5 is not handed out
            assert np.array_equal(model.groups.territory(code), np.flatnonzero(control.ravel() == code))
