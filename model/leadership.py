"""Leadership, splits, mergers and new groups: how the landscape of criminal groups changes.

Leadership targeting follows ``mechanisms.leadership``. Under ``campaign`` the state
removes ``policing.leaders_per_year`` leaders a year, the most notorious groups' first. A
removed leader is usually succeeded: the group falls into disarray (it loses
``groups.disarray`` of its armed strength, recovered week by week), which invites rivals
(``model.rivalry``); it splits with a chance that grows with its size. Under
``weekly_rate`` (Barrio 0.1) every group loses its leader with weekly chance
``policing.kingpin`` and splits with ``groups.split_chance``.

A group whose capital is seized (financial investigation) may split too. A split cuts the
territory in two along its longer side; members go with the half they sell in, and
capital is shared by size. Because the two factions now share a border, the contest
rules make them fight; nothing here adds violence directly.

Under ``mechanisms.consolidation: mergers`` a group much weaker than a neighbour may be
absorbed by it, and a new group forms only while the market can feed one more. Where no
group governs and independent sellers cluster, a new group may form.

The pattern this lets a user test, not assume: removing leaders was followed by about a
third more drug-related violence in the next six months in Mexico (Calderon, Robles,
Diaz-Cayeros and Magaloni, "The Beheading of Criminal Organizations and the Dynamics of
Violence in Mexico").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from barrio.model.mechanisms import ConsolidationRule, LeadershipRule
from barrio.model.neighbourhood import box_sum, rival_neighbours
from barrio.model.population import Status

if TYPE_CHECKING:
    from barrio.model.groups import CriminalGroup
    from barrio.model.model import BarrioModel

__all__ = ["form_groups", "merge_groups", "remove_leaders", "seize_capital", "split", "split_chance"]


def remove_leaders(model: BarrioModel) -> list[CriminalGroup]:
    """Leadership targeting this week.

    Under ``campaign``: as many removals as a Poisson draw with mean
    ``policing.leaders_per_year / 52`` gives, of the most notorious groups' leaders (then the
    largest), each group at most once; each falls into disarray. Under ``weekly_rate``:
    each group loses its leader with chance ``policing.kingpin``.

    Returns:
        The groups that lost their leader this week.
    """
    p = model.params
    groups = model.groups.active()
    if p.mechanisms.leadership == LeadershipRule.WEEKLY_RATE:
        rate = p.policing.kingpin
        if rate <= 0 or not groups:
            return []
        hit = model.rng.random(len(groups)) < rate
        return [g for g, h in zip(groups, hit, strict=True) if h]
    yearly = p.policing.leaders_per_year
    if yearly <= 0 or not groups:
        return []
    n = min(int(model.rng.poisson(yearly / 52.0)), len(groups))
    hit = sorted(groups, key=lambda g: (-g.notoriety, -g.member_count, g.code))[:n]
    for group in hit:
        group.disarray = 1.0 - (1.0 - group.disarray) * (1.0 - p.groups.disarray)
    return hit


def split_chance(model: BarrioModel, group: CriminalGroup, blow: float) -> float:
    """Chance that a group splits after a blow (1 for a leader's removal, the share of capital seized).

    Under ``campaign``: ``groups.split_chance`` x the blow x size / (size +
    ``groups.split_members``), so a large group, with factions ready to part, splits more
    often. Under ``weekly_rate``: ``groups.split_chance``.
    """
    g = model.params.groups
    if model.params.mechanisms.leadership == LeadershipRule.WEEKLY_RATE:
        return g.split_chance
    size = group.member_count
    return g.split_chance * min(blow, 1.0) * size / (size + g.split_members)


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
    sellers = model.market.seller_ids[r.status[model.market.seller_ids] == Status.SELLING.value]
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
    if model.params.mechanisms.consolidation == ConsolidationRule.MERGERS and not _room_for_one_more(model):
        return []
    r = model.residents
    sellers = model.market.seller_ids[r.status[model.market.seller_ids] == Status.SELLING.value]
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


def _room_for_one_more(model: BarrioModel) -> bool:
    """Whether this week's retail margin, shared by one more group, still feeds each."""
    sales = model.market.sales
    if sales is None:
        return True
    margin = sales.volume * model.market.unit_margin(model.params)
    return margin / (len(model.groups.active()) + 1) >= model.params.groups.viable_revenue


def merge_groups(model: BarrioModel) -> list[CriminalGroup]:
    """Much weaker groups are absorbed by a neighbour (``mechanisms.consolidation: mergers``).

    A group whose armed strength is below ``groups.absorb_ratio`` of that of a group it
    borders is absorbed by the strongest such neighbour with weekly chance
    ``groups.merger_rate``: its blocks, members and capital pass to it. Each group is
    absorbed, or absorbs, at most once a week.

    Returns:
        The groups absorbed this week.
    """
    g = model.params.groups
    if model.params.mechanisms.consolidation != ConsolidationRule.MERGERS or g.merger_rate <= 0:
        return []
    control = model.grid.control.data
    pairs = _bordering(control)
    if not pairs:
        return []
    strength = model.groups.strength(model)
    by_code = {group.code: group for group in model.groups.active()}
    absorbed: list[CriminalGroup] = []
    busy: set[int] = set()
    for weak in sorted(by_code):
        strong = [
            c for c in pairs.get(weak, ()) if c in by_code and strength[weak] < g.absorb_ratio * strength[c]
        ]
        if weak in busy or not strong:
            continue
        if model.rng.random() >= g.merger_rate:
            continue
        winner = max(strong, key=lambda c: (strength[c], -c))
        if winner in busy:
            continue
        loser, taker = by_code[weak], by_code[winner]
        control[control == weak] = winner
        r = model.residents
        r.group[r.group == weak] = winner
        taker.capital += loser.capital
        loser.capital = 0.0
        loser.remove()
        absorbed.append(loser)
        busy.update((weak, winner))
    return absorbed


def _bordering(control: np.ndarray) -> dict[int, set[int]]:
    """For each group, the groups holding a block next to one of its own (8 neighbours)."""
    n = int(control.max(initial=-1)) + 1
    found = []  # pair (a, b) as a * n + b, both ways round
    for _, meet, a, b in rival_neighbours(control):
        a, b = a[meet].astype(np.int64), b[meet].astype(np.int64)
        found += [a * n + b, b * n + a]
    keys = np.concatenate(found) if found else np.empty(0, np.int64)
    # Borders run to thousands of blocks but name few pairs: each pair once (marked in a
    # table of all pairs, when it is small), in order, then the sets.
    if n * n <= _PAIR_TABLE:
        seen = np.zeros(n * n, dtype=bool)
        seen[keys] = True
        keys = np.flatnonzero(seen)
    else:
        keys = np.unique(keys)
    pairs: dict[int, set[int]] = {}
    for key in keys.tolist():
        pairs.setdefault(key // n, set()).add(key % n)
    return pairs


#: Most pairs of group codes :func:`_bordering` marks in a table rather than sorts.
_PAIR_TABLE = 1 << 20
