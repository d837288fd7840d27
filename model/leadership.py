"""Leadership, splits and new groups: how the landscape of criminal groups changes.

A group whose leader is removed (by a leadership-targeting campaign) or whose capital is
seized (by financial investigation) may split into two rival factions: its territory is
cut in two along its longer side, members go with the half they sell in, and capital is
shared by size. Because the two factions now share a
border, the contest rules (``model.rivalry``) make them fight; nothing here adds violence
directly. Where no group governs and independent sellers cluster, a new group may form.

The pattern this lets a user test, not assume: removing leaders was followed by about a
third more drug-related violence in the next six months in Mexico (Calderon, Robles,
Diaz-Cayeros and Magaloni, "The Beheading of Criminal Organizations and the Dynamics of
Violence in Mexico").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from barrio.model.neighbourhood import box_sum
from barrio.model.population import Status

if TYPE_CHECKING:
    from barrio.model.groups import CriminalGroup
    from barrio.model.model import BarrioModel

__all__ = ["form_groups", "remove_leaders", "seize_capital", "split"]


def remove_leaders(model: BarrioModel) -> list[CriminalGroup]:
    """Leadership targeting: each group loses its leader with chance ``policing.kingpin``.

    Returns:
        The groups that lost their leader this week.
    """
    rate = model.params.policing.kingpin
    groups = model.groups.active()
    if rate <= 0 or not groups:
        return []
    hit = model.rng.random(len(groups)) < rate
    return [g for g, h in zip(groups, hit, strict=True) if h]


def seize_capital(model: BarrioModel) -> list[CriminalGroup]:
    """Financial investigation: each group's money is seized with chance ``policing.financial``.

    A share ``policing.seizure`` of the group's capital is taken; the group then pays
    fewer sellers (``CriminalGroup.step``), and, having lost much of its capital, may split.

    Returns:
        The groups whose capital was seized this week.
    """
    p = model.params.policing
    groups = model.groups.active()
    if p.financial <= 0 or not groups:
        return []
    hit = [g for g, h in zip(groups, model.rng.random(len(groups)) < p.financial, strict=True) if h]
    for group in hit:
        group.capital *= 1.0 - p.seizure
    return hit


def split(model: BarrioModel, group: CriminalGroup) -> CriminalGroup | None:
    """Cut a group's territory in two; the far half becomes a new, rival group.

    Returns:
        The new faction, or None if the group holds fewer than two blocks.
    """
    control = model.grid.control.data
    xs, ys = np.nonzero(control == group.code)
    if len(xs) < 2:
        return None
    coords = xs if np.ptp(xs) >= np.ptp(ys) else ys
    far = coords > np.median(coords)
    if not far.any() or far.all():
        far = coords >= np.median(coords)
        if far.all():
            far[: len(far) // 2] = False
    code = model.groups.new_code()
    control[xs[far], ys[far]] = code
    share = far.mean()
    faction = model.groups.found(model, code, group.capital * share)
    group.capital *= 1 - share

    r = model.residents
    sellers = model.market.seller_ids[r.status[model.market.seller_ids] == Status.SELLING]
    members = sellers[r.group[sellers] == group.code]
    moved = members[control.ravel()[r.sell_block[members]] == code]
    r.group[moved] = code
    return faction


def form_groups(model: BarrioModel) -> list[CriminalGroup]:
    """A new group may form where no group governs and independent sellers cluster.

    Each week, with chance ``groups.formation_rate``, the free block with the most
    independent sellers within one block of it (at least ``groups.formation_sellers``)
    becomes the seat of a new group holding that block and its free neighbours.
    """
    g = model.params.groups
    if g.formation_rate <= 0 or model.rng.random() >= g.formation_rate:
        return []
    r = model.residents
    sellers = model.market.seller_ids[r.status[model.market.seller_ids] == Status.SELLING]
    independent = sellers[r.group[sellers] < 0]
    if len(independent) < g.formation_sellers:
        return []
    counts = np.bincount(r.sell_block[independent], minlength=model.shape[0] * model.shape[1]).reshape(
        model.shape
    )
    around = box_sum(counts, 1)
    control = model.grid.control.data
    around[control >= 0] = 0
    # Most sellers around first; among equals, the block most of them are on.
    seat = int(np.argmax(around * (len(independent) + 1) + counts * (control < 0)))
    if around.ravel()[seat] < g.formation_sellers:
        return []
    x, y = divmod(seat, model.shape[1])
    code = model.groups.new_code()
    square = control[max(0, x - 1) : x + 2, max(0, y - 1) : y + 2]
    square[square < 0] = code
    return [model.groups.found(model, code, 0.0)]
