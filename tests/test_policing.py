import numpy as np

from model.policing import UnitKind, _fold, arrest_on_routes
from model.population import Offence, Status
from tests.builders import make_seller, quiet_model


def sellers_everywhere(model, n):
    for i in range(n):
        make_seller(model, i, block=i % (model.shape[0] * model.shape[1]))


def walk_all(model):
    model.patrol_visits[:] = 0
    model.visits_by_kind[:] = 0
    for unit in model.patrols:
        unit.step()


def test_fold_reflects_a_walk_at_the_edges():
    assert list(_fold(np.array([-2, -1, 0, 1, 2, 3, 4, 5]), 3)) == [2, 1, 0, 1, 2, 1, 0, 1]
    assert list(_fold(np.array([-3, 7]), 1)) == [0, 0]


def test_a_patrol_route_stays_on_the_grid_and_moves_the_unit():
    model = quiet_model(width=4, height=7, population=100, policing__units_per_10k=100)
    walk_all(model)
    assert model.patrol_visits.sum() == sum(len(u.route) for u in model.patrols)
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
        on_route = model.patrol_visits[model.residents.block] > 0
        detained = model.residents.status == Status.DETAINED
        arrested, offences = model.arrests.all()
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
        model.patrol_visits[:] = passes
        model.visits_by_kind[UnitKind.POLICE] = passes
        arrest_on_routes(model)
        caught.append(len(model.arrests.all()[0]) / 2000)
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
    model.patrol_visits[:] = 3
    model.visits_by_kind[UnitKind.POLICE] = 3
    arrest_on_routes(model)
    assert len(model.arrests.all()[0]) == 0


def test_possession_is_arrested_only_when_the_lever_is_on():
    for on in (False, True):
        model = quiet_model(
            width=3,
            height=3,
            population=2000,
            policing__arrest_possession=on,
            policing__possession_encounter=1.0,
            policing__punitive_intensity=1.0,
            market__user_share=0.5,
        )
        model.residents.age[:] = 30
        model.residents.status[:] = Status.UNEMPLOYED
        model.seller_ids = np.empty(0, dtype=np.int64)
        model.patrol_visits[:] = 0
        model.patrol_visits[4] = 1
        model.visits_by_kind[UnitKind.POLICE, 4] = 1
        arrest_on_routes(model)
        arrested, offences = model.arrests.all()
        assert (len(arrested) > 0) == on
        assert (offences == Offence.POSSESSION).all()
        assert (model.residents.block[arrested] == 4).all()
        if on:  # half the residents of block 4 are users
            on_block = (model.residents.block == 4).sum()
            assert 0.35 < len(arrested) / on_block < 0.65


def test_hot_spot_units_start_where_arrests_were():
    model = quiet_model(
        width=30,
        height=30,
        population=100,
        policing__units_per_10k=1000,
        policing__hot_spots=1.0,
        policing__blocks_per_week=1,
    )
    model.arrest_heat[:] = 0.0
    model.arrest_heat[15 * 30 + 15] = 1.0
    model.heat = model.arrest_heat.copy()  # the model builds this map once a week
    walk_all(model)
    for unit in model.patrols:
        x, y = divmod(int(unit.route[0]), 30)
        assert abs(x - 15) <= 1 and abs(y - 15) <= 1


def test_spatial_spread_of_the_market():
    from model.market import clear

    demand = np.zeros((10, 10))
    demand[0, 0] = 90.0
    demand[9, 9] = 10.0
    sellers = np.zeros((10, 10))
    sellers[0, 0] = sellers[9, 9] = 1
    sales = clear(demand, sellers, reach=0)
    assert (sales.by_block > 0).sum() == 2
    assert np.isclose(sales.top_share(0.01), 0.9)  # the busiest 1 block of 100
    assert np.isclose(sales.top_share(0.1), 1.0)


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
    model.patrol_visits[:] = 1
    model.visits_by_kind[UnitKind.POLICE] = 1
    arrest_on_routes(model)
    arrested, _ = model.arrests.all()
    assert len(arrested) == 50 and len(set(arrested.tolist())) == 50
