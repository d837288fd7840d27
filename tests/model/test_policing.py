import numpy as np
import pytest
from scipy import stats

from barrio.model import BarrioModel, Params
from barrio.model.neighbourhood import Blocks
from barrio.model.policing import (
    Police,
    UnitKind,
    arrest_on_routes,
    focus_map,
    reflect,
    unit_targets,
    units_rounded_away,
)
from barrio.model.population import Offence, Status
from tests.builders import make_seller, quiet_model


def sellers_everywhere(model, n):
    for i in range(n):
        make_seller(model, i, block=i % (model.shape[0] * model.shape[1]))


def walk_all(model):
    model.police.visits[:] = 0
    model.police.visits_by_kind[:] = 0
    for unit in model.patrols:
        unit.step()


def test_fold_reflects_a_walk_at_the_edges():
    assert list(reflect(np.array([-2, -1, 0, 1, 2, 3, 4, 5]), 3)) == [2, 1, 0, 1, 2, 1, 0, 1]
    assert list(reflect(np.array([-3, 7]), 1)) == [0, 0]


def test_a_patrol_route_stays_on_the_grid_and_moves_the_unit():
    model = quiet_model(width=4, height=7, population=100, policing__units_per_10k=100)
    walk_all(model)
    assert model.police.visits.sum() == sum(len(u.route) for u in model.patrols)
    for unit in model.patrols:
        assert 1 <= len(unit.route) <= model.params.policing.blocks_per_week
        assert (unit.route >= 0).all() and (unit.route < 28).all()
        x, y = unit.cell.coordinate
        assert x * 7 + y in set(unit.route)


def test_full_intensity_arrests_every_seller_on_a_route_and_zero_arrests_none():
    for intensity in (1.0, 0.0):
        model = quiet_model(
            width=5,
            height=5,
            population=100,
            policing__units_per_10k=100,
            policing__encounter=1.0,
            policing__punitive_intensity=intensity,
            justice__pretrial_detention=1.0,
        )
        sellers_everywhere(model, 100)
        walk_all(model)
        arrest_on_routes(model)
        on_route = model.police.visits[model.residents.block] > 0
        detained = model.residents.status == Status.DETAINED
        arrested, offences = model.police.arrests.all()
        if intensity == 1.0:
            assert on_route.any() and (detained == on_route).all()
            assert sorted(arrested) == list(np.flatnonzero(on_route))
            assert (offences == Offence.SELLING).all()
        else:
            assert len(arrested) == 0 and not detained.any()


def test_more_passes_catch_more_sellers():
    caught = []
    for passes in (1, 4):
        model = quiet_model(
            width=3, height=3, population=2000, policing__encounter=0.2, policing__punitive_intensity=0.5
        )
        sellers_everywhere(model, 2000)
        model.police.visits[:] = passes
        model.police.visits_by_kind[UnitKind.POLICE] = passes
        arrest_on_routes(model)
        caught.append(len(model.police.arrests.all()[0]) / 2000)
    assert abs(caught[0] - 0.1) < 0.03
    assert abs(caught[1] - (1 - 0.9**4)) < 0.04


def test_group_lookouts_protect_affiliated_sellers():
    model = quiet_model(
        width=3,
        height=3,
        population=100,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        groups__protection=1.0,
    )
    sellers_everywhere(model, 100)
    model.residents.group[:] = 0
    model.police.visits[:] = 3
    model.police.visits_by_kind[UnitKind.POLICE] = 3
    arrest_on_routes(model)
    assert len(model.police.arrests.all()[0]) == 0


def search_block_four(kind: UnitKind, **changes):
    """Adults not selling everywhere, one pass by a unit of ``kind`` on block 4; who is arrested.

    Barrio 0.1's search rule (every resident of a passed block alike) unless ``changes`` say otherwise.
    """
    changes = {"mechanisms__searches": "block_residents", **changes}
    model = quiet_model(
        width=3,
        height=3,
        population=4000,
        policing__possession_encounter=1.0,
        policing__punitive_intensity=1.0,
        **changes,
    )
    model.residents.age[:] = 30
    model.residents.status[:] = Status.UNEMPLOYED
    model.market.seller_ids = np.empty(0, dtype=np.int64)
    model.police.visits[:] = 0
    model.police.visits[4] = 1
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[kind, 4] = 1
    arrest_on_routes(model)
    arrested, offences = model.police.arrests.all()
    return model, arrested, offences, len(arrested) / (model.residents.block == 4).sum()


def test_possession_is_arrested_only_when_the_lever_is_on():
    for on in (False, True):
        model, arrested, offences, share = search_block_four(
            UnitKind.POLICE, policing__arrest_possession=on, market__user_share=0.5
        )
        assert (len(arrested) > 0) == on
        assert (offences == Offence.POSSESSION).all()
        assert (model.residents.block[arrested] == 4).all()
        if on:  # half the residents of block 4 are users
            assert 0.35 < share < 0.65


def test_soldiers_search_users_at_their_own_arrest_rate():
    shares = [
        search_block_four(
            UnitKind.SOLDIERS,
            policing__arrest_possession=True,
            policing__soldier_arrest=soldier_arrest,
            market__user_share=0.25,
        )[3]
        for soldier_arrest in (0.0, 2.0)
    ]
    assert shares[0] == 0.0
    assert 0.4 < shares[1] < 0.6  # twice the ordinary 0.25 a pass


def test_hot_spot_units_spend_their_passes_on_the_hot_blocks_in_proportion_to_heat():
    model = quiet_model(
        width=30,
        height=30,
        population=100,
        policing__units_per_10k=1000,
        policing__hot_spots=1.0,
        policing__blocks_per_week=20,
    )
    hot, warm = 15 * 30 + 15, 3 * 30 + 4
    model.police.arrest_heat[:] = 0.0
    model.police.arrest_heat[[hot, warm]] = [3.0, 1.0]
    model.police.heat = model.police.arrest_heat.copy()  # the model builds this map once a week
    walk_all(model)
    assert set(np.flatnonzero(model.police.visits)) == {hot, warm}
    assert 0.65 < model.police.visits[hot] / model.police.visits.sum() < 0.85
    for unit in model.patrols:
        assert unit.cell.coordinate in {(15, 15), (3, 4)}


@pytest.mark.slow
def test_hot_spot_patrol_moves_selling_off_the_hot_spots():
    """Direction test: twelve paired seeds, one-sided paired t-test at the 5% level.

    Each pair shares its first year; then one run switches to hot-spot patrol. The hot
    spots are the 10% of blocks with most arrests and violence when it does. Nothing moves
    sellers but their own weighing of gain against arrest risk (``model.selling.relocate``).
    """
    base = Params.build(
        {
            "neighbourhood": {"width": 30, "height": 30, "population": 10_000},
            "timing": {"warmup_weeks": 52, "horizon_weeks": 52},
        }
    )
    shares = {False: [], True: []}
    for seed in range(12):
        for hot_spots in (False, True):
            model = BarrioModel(base, rng=np.random.default_rng(seed))
            for _ in range(52):
                model.step()
            heat = model.police.arrest_heat + model.grid.violence.data.ravel()
            spots = np.argsort(heat)[-len(heat) // 10 :]
            if hot_spots:
                model.change_levers({"policing.hot_spots": 0.8})
            on_spots = []
            for week in range(39):
                model.step()
                if week >= 13:
                    by_block = model.market.sales.by_block.ravel()
                    on_spots.append(by_block[spots].sum() / by_block.sum())
            shares[hot_spots].append(np.mean(on_spots))
    assert np.mean(shares[True]) < np.mean(shares[False])
    assert stats.ttest_rel(shares[True], shares[False], alternative="less").pvalue < 0.05


def test_spatial_spread_of_the_market():
    from barrio.model.market import clear

    demand = np.zeros((10, 10))
    demand[0, 0] = 90.0
    demand[9, 9] = 10.0
    sellers = np.zeros((10, 10))
    sellers[0, 0] = sellers[9, 9] = 1
    sales = clear(demand, sellers, reach=0)
    assert (sales.by_block > 0).sum() == 2
    assert np.isclose(sales.top_share(0.1), 0.9)  # the busiest of the 2 blocks that sell
    assert np.isclose(sales.top_share(1.0), 1.0)
    # Twenty selling blocks, one of them selling as much as the other nineteen together.
    demand = np.zeros((10, 10))
    demand.ravel()[:20] = 1.0
    demand.ravel()[0] = 19.0
    sellers = (demand > 0).astype(float)
    sales = clear(demand, sellers, reach=0)
    assert np.isclose(sales.top_share(0.1), (19 + 1) / 38)  # the top 2 of 20 selling blocks


def test_a_seller_freed_at_once_is_not_arrested_again_for_possession_the_same_week():
    model = quiet_model(
        width=3,
        height=3,
        population=50,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        policing__arrest_possession=True,
        policing__possession_encounter=1.0,
        market__user_share=1.0,
        justice__pretrial_detention=0.0,
        justice__conviction=0.0,
    )
    sellers_everywhere(model, 50)
    model.police.visits[:] = 1
    model.police.visits_by_kind[UnitKind.POLICE] = 1
    arrest_on_routes(model)
    arrested, _ = model.police.arrests.all()
    assert len(arrested) == 50 and len(set(arrested.tolist())) == 50


def test_focused_deterrence_units_work_the_territory_of_the_most_violent_group():
    from barrio.model.groups import CriminalGroup

    model = quiet_model(
        width=10,
        height=10,
        population=100,
        policing__units_per_10k=1000,
        policing__focused_deterrence=1.0,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        groups__protection=0.0,
        justice__pretrial_detention=1.0,
    )
    control = model.grid.control.data
    control[:] = -1
    control[:5, :] = 0
    control[5:, :5] = 1
    violent, quiet = CriminalGroup(model, 0, 0.0), CriminalGroup(model, 1, 0.0)
    model.groups.n_codes = 2
    violent.notoriety, quiet.notoriety = 3.0, 0.0
    for i in range(20):
        make_seller(model, i, block=(i % 10) * 10 + i // 10)  # rows 0-9, columns 0-1
        model.residents.group[i] = 0 if i % 10 < 5 else 1
    model.police.focus = focus_map(model)
    walk_all(model)
    assert model.police.visits.sum() > 0
    assert (control.ravel()[np.flatnonzero(model.police.visits)] == 0).all()
    assert (model.police.focus_visits == model.police.visits).all()
    arrest_on_routes(model)
    caught = len(model.police.arrests.all()[0])
    assert caught > 0
    assert model.police.crackdown_losses[0] == caught and model.police.crackdown_losses[1] == 0


def test_force_against_someone_not_selling_is_an_abuse():
    from barrio.model.policing import use_of_force

    for selling in (False, True):
        model = quiet_model(width=3, height=3, population=40, policing__police_force=0.5)
        r = model.residents
        r.block[:] = 0
        model.blocks.population = np.bincount(r.block, minlength=9)
        if selling:
            for i in range(40):
                make_seller(model, i, block=0)
        model.police.visits_by_kind[UnitKind.POLICE, 0] = 100
        incidents, abuses, _ = use_of_force(model)
        assert incidents.sum() > 20
        assert abuses.sum() == (0 if selling else incidents.sum())


def passes_everywhere(model, kind, passes=1):
    """Every block passed ``passes`` times this week by units of ``kind`` only."""
    model.police.visits[:] = passes
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[kind] = passes


def arrested_share(model, ids):
    return np.isin(ids, model.police.arrests.all()[0]).mean()


def test_tips_scale_the_arrest_chance_with_the_trust_of_the_block():
    model = quiet_model(
        width=3,
        height=3,
        population=900,
        policing__reporting=1.0,
        policing__encounter=0.25,
        policing__punitive_intensity=1.0,
    )
    sellers_everywhere(model, 900)  # 100 on each block
    passes_everywhere(model, UnitKind.POLICE)
    model.blocks.trust[:] = 0.5
    model.blocks.trust[:3] = [0.0, 1.0, 0.5]
    arrest_on_routes(model)
    block = model.residents.sell_block[:900]
    # Full reporting: a pass's chance is 0.25 x 2 x trust, so 0, 0.5 and 0.25.
    assert arrested_share(model, np.flatnonzero(block == 0)) == 0.0
    for b, p in ((1, 0.5), (2, 0.25)):
        assert abs(arrested_share(model, np.flatnonzero(block == b)) - p) <= 4 * np.sqrt(p * (1 - p) / 100)


def test_community_police_arrest_at_their_own_rate():
    for community_arrest in (0.0, 0.5):
        model = quiet_model(
            width=3,
            height=3,
            population=1800,
            policing__encounter=0.5,
            policing__punitive_intensity=1.0,
            policing__community_arrest=community_arrest,
        )
        sellers_everywhere(model, 1800)
        passes_everywhere(model, UnitKind.COMMUNITY)
        arrest_on_routes(model)
        p = 0.5 * community_arrest
        share = arrested_share(model, np.arange(1800))
        assert abs(share - p) <= 4 * np.sqrt(p * (1 - p) / 1800)


def test_searches_fall_on_people_out_in_public_where_selling_happens():
    """Young men met most, women 0.4 times men of their age, men of 30-49 0.6 times young men."""
    r_share = {}
    for selling_there in (False, True):
        model = quiet_model(
            width=3,
            height=3,
            population=6000,
            policing__arrest_possession=True,
            policing__possession_encounter=1.0,
            policing__punitive_intensity=1.0,
            market__user_share=0.5,
            households__public_time_women=0.4,
        )
        r = model.residents
        r.block[:] = 4
        r.status[:] = Status.UNEMPLOYED
        r.age[:] = np.where(np.arange(6000) % 3 == 2, 40, 20)
        r.female[:] = np.arange(6000) % 3 == 1
        model.blocks = Blocks.build(r.block, np.zeros(9))
        model.market.seller_ids = np.empty(0, dtype=np.int64)
        if selling_there:
            make_seller(model, 0, block=4)
        model.police.visits[:] = 0
        model.police.visits[4] = 1
        model.police.visits_by_kind[:] = 0
        model.police.visits_by_kind[UnitKind.POLICE, 4] = 1
        arrest_on_routes(model)
        arrested, _ = model.police.arrests.all()
        kind = np.arange(6000)[arrested] % 3  # 0: young men, 1: young women, 2: men of 40
        r_share[selling_there] = np.bincount(kind, minlength=3) / 2000
    assert (r_share[False] == 0).all()  # no selling on the block: no searches there
    young_men, young_women, older_men = r_share[True]
    sd = np.sqrt(0.5 * 0.5 / 2000)
    assert abs(young_men - 0.5) < 4 * sd
    assert abs(young_women - 0.5 * 0.4) < 4 * sd
    assert abs(older_men - 0.5 * 0.6) < 4 * sd


def test_residents_below_the_selling_age_are_not_arrested_for_possession():
    model = quiet_model(
        width=3,
        height=3,
        population=40,
        mechanisms__searches="block_residents",
        selling__min_age=14,
        policing__arrest_possession=True,
        policing__possession_encounter=1.0,
        policing__punitive_intensity=1.0,
        market__user_share=1.0,
    )
    r = model.residents
    r.block[:] = 4
    r.status[:] = Status.STUDENT
    r.age[:] = np.where(np.arange(40) < 20, 13, 14)
    model.blocks.order = np.argsort(r.block, kind="stable")
    model.blocks.starts = np.searchsorted(r.block[model.blocks.order], np.arange(10))
    model.market.seller_ids = np.empty(0, dtype=np.int64)
    model.police.visits[:] = 0
    model.police.visits[4] = 1
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[UnitKind.POLICE, 4] = 1
    arrest_on_routes(model)  # a certain search of everyone on block 4 of age
    arrested, offences = model.police.arrests.all()
    assert sorted(arrested) == list(range(20, 40)) and (offences == Offence.POSSESSION).all()


def test_a_crackdown_loss_counts_the_share_of_the_blocks_passes_that_were_focused():
    model = quiet_model(
        width=3,
        height=3,
        population=20,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        groups__protection=0.0,
    )
    model.groups.n_codes = 2
    r = model.residents
    # Block 0: 1 focused pass of 4, six members of group 0. Block 1: 2 of 2, three members of
    # group 1. Block 2: none of 1, two members of group 1 and an independent seller.
    blocks = [0] * 6 + [1] * 3 + [2] * 3
    for i, b in enumerate(blocks):
        make_seller(model, i, block=b)
    r.group[:11] = [0] * 6 + [1] * 5
    model.police.visits[:] = 0
    model.police.visits[:3] = [4, 2, 1]
    model.police.focus_visits[:] = 0
    model.police.focus_visits[:3] = [1, 2, 0]
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[UnitKind.POLICE] = model.police.visits
    arrest_on_routes(model)
    assert len(model.police.arrests.all()[0]) == 12
    assert list(model.police.crackdown_losses) == [6 * 0.25, 3 * 1.0 + 2 * 0.0]


def test_soldiers_use_force_at_the_soldier_rate_and_police_at_the_police_rate():
    from barrio.model.policing import use_of_force

    model = quiet_model(
        width=3,
        height=3,
        population=40,
        policing__police_force=0.01,
        policing__soldier_force=0.2,
        policing__force_lethality=0.0,
    )
    model.police.visits_by_kind[:] = 0
    model.police.visits_by_kind[UnitKind.SOLDIERS, :4] = 200
    model.police.visits_by_kind[UnitKind.POLICE, 5:] = 200
    incidents, _, killed = use_of_force(model)
    # Poisson: 4 blocks x 200 passes x 0.2 = 160 by soldiers, 4 x 200 x 0.01 = 8 by police.
    assert abs(incidents[:4].sum() - 160) <= 4 * np.sqrt(160)
    assert abs(incidents[5:].sum() - 8) <= 4 * np.sqrt(8)
    assert incidents[4] == 0 and len(killed) == 0


def block_zero_cast(model):
    """Who is on block 0, by id (the rest of the 30 live on block 8, not selling).

    0-5 at home; 6-9 live there but are detained; 10-11 live and sell there; 12-14 live
    there but sell on block 1; 15-18 live on block 2 and sell on block 0.
    """
    r = model.residents
    r.status[:] = Status.UNEMPLOYED
    r.age[:] = 30
    r.block[:] = 8
    for i in range(10, 19):
        make_seller(model, i, block=0 if i < 12 or i >= 15 else 1)
    r.block[:15] = 0
    r.block[15:19] = 2
    r.status[6:10] = Status.DETAINED
    model.blocks.order = np.argsort(r.block, kind="stable")
    model.blocks.starts = np.searchsorted(r.block[model.blocks.order], np.arange(10))
    model.blocks.population = np.bincount(r.block, minlength=9)
    model.police.visits_by_kind[:] = 0


def test_abuses_are_the_share_of_incidents_aimed_at_residents_at_home():
    from barrio.model.policing import use_of_force

    model = quiet_model(
        width=3, height=3, population=30, policing__police_force=1.0, policing__force_lethality=0.0
    )
    block_zero_cast(model)
    model.police.visits_by_kind[UnitKind.POLICE, 0] = 4000
    incidents, abuses, _ = use_of_force(model)
    # On block 0: 6 residents at home and 2 + 4 sellers selling there, so half the
    # incidents are abuses (the detained and those selling elsewhere are not there).
    n = incidents[0]
    assert n > 3000 and incidents.sum() == n
    assert abs(abuses[0] - 0.5 * n) <= 4 * np.sqrt(0.25 * n) and abuses.sum() == abuses[0]


def test_force_kills_residents_and_sellers_on_the_block_but_not_the_detained():
    from barrio.model.policing import use_of_force

    model = quiet_model(
        width=3, height=3, population=30, policing__police_force=0.5, policing__force_lethality=1.0
    )
    block_zero_cast(model)
    model.police.visits_by_kind[UnitKind.POLICE, 0] = 1000
    incidents, _, killed = use_of_force(model)
    # Hundreds of deaths and fifteen who can die: those at home on block 0, and the sellers
    # living or selling there; not the four detained.
    assert incidents[0] > 100
    assert sorted(killed) == [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18]


def test_passes_are_counted_as_focused_only_where_focused_units_went():
    """Hot-spot and focused units in one week, their maps on separate halves of the grid."""
    from barrio.model.policing import patrol_week

    model = quiet_model(
        width=10,
        height=10,
        population=100,
        policing__units_per_10k=1000,
        policing__hot_spots=0.5,
        policing__focused_deterrence=0.5,
    )
    police = model.police
    police.begin_week()
    heat, focus = np.zeros(100), np.zeros(100)
    heat[:50], focus[50:] = 1.0, 1.0
    police.heat, police.focus = heat, focus
    patrol_week(model)
    units, passes = list(model.patrols), model.params.policing.blocks_per_week
    focused = [u for u in units if u.focused]
    assert 0 < len(focused) < len(units)
    assert police.visits.sum() == len(units) * passes
    assert (police.visits_by_kind.sum(axis=0) == police.visits).all()
    assert (police.focus_visits[:50] == 0).all() and (police.focus_visits[50:] == police.visits[50:]).all()
    assert police.focus_visits.sum() == len(focused) * passes
    assert police.visits[:50].sum() == (len(units) - len(focused)) * passes


@pytest.mark.parametrize("hot_spots, focused", [(0.0, 0.0), (0.3, 0.3), (0.5, 0.0), (0.0, 1.0)])
def test_a_patrol_week_draws_and_walks_as_stepping_the_units_one_by_one(hot_spots, focused):
    """patrol_week works routes out for all units at once: the same routes, cells and draws."""
    from barrio.model.policing import PatrolUnit, patrol_week

    def week():
        model = quiet_model(
            width=9,
            height=6,  # not square: the coordinates and the flat index must not be mixed up
            population=100,
            policing__units_per_10k=1000,
            policing__community=0.3,
            policing__hot_spots=hot_spots,
            policing__focused_deterrence=focused,
        )
        police = model.police
        police.begin_week()
        heat, focus = np.zeros(54), np.zeros(54)
        heat[[3, 20, 40]], focus[30:] = [1.0, 2.0, 0.5], 1.0
        police.heat, police.focus = heat, focus
        return model

    batched, stepped = week(), week()
    patrol_week(batched)
    units = stepped.agents_by_type.get(PatrolUnit)
    order = list(units)
    units.random.shuffle(order)
    for unit in order:
        unit.step()
    for a, b in zip(batched.patrols, stepped.patrols, strict=True):
        assert a.unique_id == b.unique_id and a.focused == b.focused
        assert np.array_equal(a.route, b.route) and a.cell.coordinate == b.cell.coordinate
        assert [u.unique_id for u in a.cell.agents] == [u.unique_id for u in b.cell.agents]
    for name in ("visits", "visits_by_kind", "focus_visits"):
        assert np.array_equal(getattr(batched.police, name), getattr(stepped.police, name))
    assert batched.rng.bit_generator.state == stepped.rng.bit_generator.state
    assert batched.random.getstate() == stepped.random.getstate()


def test_the_hazard_is_worked_out_again_for_a_new_layer_or_rate_and_each_answer_is_the_callers():
    police, params = Police(6), Params()
    presence = np.array([[0.0, 1.0, 2.0], [0.5, 0.0, 3.0]])
    per_visit = params.policing.encounter * params.policing.punitive_intensity
    first = police.hazard(params, presence)
    assert np.array_equal(first, (1.0 - (1.0 - per_visit) ** presence).ravel())
    first[:] = -1.0  # a caller's changes stay its own
    assert np.array_equal(police.hazard(params, presence), (1.0 - (1.0 - per_visit) ** presence).ravel())
    presence[0, 0] = 4.0  # the same array, changed in place
    assert police.hazard(params, presence)[0] == 1.0 - (1.0 - per_visit) ** 4.0
    harsher = params.with_levers({"policing.punitive_intensity": 1.0})
    rate = harsher.policing.encounter
    assert police.hazard(harsher, presence)[0] == 1.0 - (1.0 - rate) ** 4.0
    single = presence.astype(np.float32)  # equal values, another type: worked out in float32
    assert police.hazard(harsher, single).dtype == np.float32


def test_whole_units_are_the_levers_rounded_and_a_large_rounding_is_said():
    at = Params().at_population  # the default: 5 units per 10,000 residents
    assert unit_targets(at(40_000)) == {UnitKind.POLICE: 20, UnitKind.COMMUNITY: 0, UnitKind.SOLDIERS: 0}
    assert units_rounded_away(at(40_000)) == []
    # 2.5 units become 2 (-20%), within a quarter; 1.5 become 2 (+33%) and 0.5 none, beyond it.
    assert units_rounded_away(at(5_000)) == []
    assert units_rounded_away(at(3_000)) == [
        "police units: policing.units_per_10k asks for 1.5 at 3,000 residents, the run has 2 (+33%)"
    ]
    assert "the run has 0 (-100%)" in units_rounded_away(at(1_000))[0]
    community = at(3_000).with_levers({"policing.community": 0.3})
    assert any(
        line.startswith("community units:") and "has 0" in line for line in units_rounded_away(community)
    )


def test_the_model_patrols_with_the_whole_units():
    params = (
        Params()
        .at_population(3_000)
        .with_levers({"policing.community": 0.5, "policing.soldiers_per_10k": 10})
    )
    m = BarrioModel(params, rng=4)
    counts = {kind: sum(u.kind == kind for u in m.patrols) for kind in UnitKind}
    assert counts == unit_targets(params) == {UnitKind.POLICE: 1, UnitKind.COMMUNITY: 1, UnitKind.SOLDIERS: 3}
