import numpy as np

from model.population import Status
from tests.builders import make_seller, quiet_model


def patrolled(model, **_):
    """Place one unit and walk it; return it."""
    unit = model.patrols[0]
    unit.step()
    return unit


def test_a_patrol_route_stays_on_the_grid_and_moves_the_unit():
    model = quiet_model(width=4, height=4, population=100, policing__units_per_10k=100)
    for unit in model.patrols:
        unit.step()
        assert len(unit.route) >= 1
        assert (unit.route >= 0).all() and (unit.route < 16).all()
        x, y = unit.cell.coordinate
        assert x * 4 + y in set(unit.route)


def test_full_intensity_arrests_every_seller_on_the_route_and_zero_arrests_none():
    for intensity, expected in ((1.0, "all"), (0.0, "none")):
        model = quiet_model(
            width=3,
            height=3,
            population=100,
            policing__units_per_10k=100,
            policing__encounter=1.0,
            policing__punitive_intensity=intensity,
            justice__pretrial_detention=1.0,
        )
        for i in range(100):
            make_seller(model, i, block=i % 9)
        unit = model.patrols[0]
        unit.step()
        on_route = np.isin(model.residents.block, unit.route)
        detained = model.residents.status == Status.DETAINED
        if expected == "all":
            assert unit.arrests == on_route.sum() and (detained == on_route).all()
        else:
            assert unit.arrests == 0 and not detained.any()


def test_group_lookouts_protect_affiliated_sellers():
    model = quiet_model(
        width=3,
        height=3,
        population=100,
        policing__units_per_10k=100,
        policing__encounter=1.0,
        policing__punitive_intensity=1.0,
        groups__protection=1.0,
    )
    for i in range(100):
        make_seller(model, i, block=i % 9)
    model.residents.group[:] = 0
    model.patrols[0].step()
    assert model.patrols[0].arrests == 0


def test_possession_is_arrested_only_when_the_lever_is_on():
    for on in (False, True):
        model = quiet_model(
            width=3,
            height=3,
            population=2000,
            policing__units_per_10k=5,
            policing__arrest_possession=on,
            policing__possession_encounter=1.0,
            policing__punitive_intensity=1.0,
            market__user_share=0.5,
        )
        model.residents.age[:] = 30
        model.residents.status[:] = Status.UNEMPLOYED
        model.patrols[0].step()
        arrests = model.patrols[0].arrests
        assert (arrests > 0) == on
