"""Builders for small parameter sets and hand-built models."""

from __future__ import annotations

import numpy as np

from barrio.model import BarrioModel, Params
from barrio.model.population import Status

SMALL = {
    "neighbourhood": {"width": 20, "height": 20, "population": 4_000},
    "timing": {"warmup_weeks": 26, "horizon_weeks": 52},
}


def small_params(**changes) -> Params:
    """A small neighbourhood at about the default density; ``changes`` as in Params.replace."""
    return Params.build(SMALL).replace(**changes) if changes else Params.build(SMALL)


def quiet_model(width: int = 5, height: int = 5, population: int = 20, **changes) -> BarrioModel:
    """A tiny model with no groups and no police, for hand-built cases."""
    params = Params.build(
        {
            "neighbourhood": {"width": width, "height": height, "population": population},
            "groups": {"count": 0},
            # Trust, tips and use of force are off so that each hand-built case isolates
            # one rule; the tests of those rules switch them on.
            "policing": {"units_per_10k": 0, "reporting": 0.0, "police_force": 0.0},
            "legitimacy": {"effect": 0.0},
            "timing": {"warmup_weeks": 0, "horizon_weeks": 10},
        }
    )
    if changes:
        params = params.replace(**changes)
    return BarrioModel(params, rng=np.random.default_rng(7))


def make_seller(model: BarrioModel, i: int, block: int) -> None:
    """Turn resident ``i`` into an independent adult seller on ``block``."""
    r = model.residents
    r.block[i] = block
    r.sell_block[i] = block
    r.age[i] = 30
    r.status[i] = Status.SELLING
    r.group[i] = -1
    model.market.seller_ids = np.flatnonzero(r.status == Status.SELLING)
