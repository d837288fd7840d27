"""Rivalry between criminal groups: contests at territory borders, incidents and homicides.

A block a group controls is *contested* when blocks of other groups lie within one block of
it. Each week a contested block produces violent incidents at random (Poisson), at a rate
that grows with the weekly margin at stake around the block and with the number of rival
groups around it, and falls as the two sides hold back (a group's ``restraint`` after
focused-deterrence crackdowns); a block with no rival nearby produces none. An incident may kill
someone: a member of one of the two groups fighting (with chance
``groups.combatant_share``) or else anyone who lives on the block, seller or bystander; and it may
hand the block to the rival. The dead are replaced by newborns in their households (the
population is kept closed; see ``model.demography``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from barrio.model.demography import public_time, replace_with_newborns
from barrio.model.draws import WeightedDraw, poisson_where_nonzero
from barrio.model.mechanisms import VictimRule, ViolenceRule
from barrio.model.neighbourhood import box_sum, rival_neighbours, within_reach
from barrio.model.params import Params
from barrio.model.population import Residents, Status
from barrio.model.selling import leave_market

__all__ = [
    "VIOLENCE_MEMORY",
    "VictimKind",
    "Violence",
    "armed_pressure",
    "contest_week",
    "contested",
    "victim_kinds",
]

#: Weight of this week's incidents in the ``violence`` layer residents and police see.
#: Source: assumption: a moving average whose weights halve in about seven weeks, so that
#: violence on a street is remembered for a few months.
VIOLENCE_MEMORY = 0.1


class VictimKind(IntEnum):
    """Who a homicide victim was when killed."""

    MEMBER = 0  # a seller working for a group
    SELLER = 1  # an independent seller
    BYSTANDER = 2  # anyone else


@dataclass(frozen=True)
class Violence:
    """One week's violence.

    Attributes:
        incidents: Violent incidents on each block (flat array).
        victims: Ids of residents killed.
        kind: For each victim, a :class:`VictimKind`.
        victim_female: For each victim, whether a woman or girl (taken before the newborn
            replaces them).
        victim_age: For each victim, the age at death.
        takeovers: Blocks that changed hands.
        parties: For each block with incidents, the holder and the challenger (``(n, 2)``).
    """

    incidents: np.ndarray
    victims: np.ndarray
    kind: np.ndarray
    takeovers: int
    parties: np.ndarray
    victim_female: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    victim_age: np.ndarray = field(default_factory=lambda: np.empty(0, np.int16))

    def by_group(self, n_codes: int) -> np.ndarray:
        """Incidents each group took part in, by group code."""
        weights = np.repeat(self.incidents[self.incidents > 0], 2)
        return np.bincount(self.parties.ravel(), weights=weights, minlength=n_codes)


def contested(control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rival groups around each block, and the rival with most blocks around it.

    One pass over the pairs of neighbouring blocks to find the border, whatever the number
    of groups; then the 3 x 3 neighbourhood of the border blocks only.

    Returns:
        ``(rivals, challenger)``: for each controlled block, the number of other groups with
        a block within one block of it, and the code of the one with the most such blocks
        (-1 where there is none; ties go to the lower code).
    """
    rivals = np.zeros(control.shape, dtype=np.int64)
    challenger = np.full(control.shape, -1, dtype=np.int64)
    flat = control.ravel()
    at = np.flatnonzero(_border(control))
    if len(at) == 0:
        return rivals, challenger
    blocks, inside = within_reach(control.shape, 1)
    around = np.where(inside[at], flat[blocks[at]], -1)  # (border blocks, 9)
    rival = (around >= 0) & (around != flat[at, None])
    # A table of the blocks each rival holds around each border block (border block x
    # rival), the rivals numbered in the order of their codes.
    where = np.flatnonzero(rival)  # row by row, as rival's own order
    row, code = where // around.shape[1], around.ravel()[where]
    present = np.flatnonzero(np.bincount(code))
    number = np.zeros(present[-1] + 1, dtype=np.int64)
    number[present] = np.arange(len(present))
    table = np.bincount(row * len(present) + number[code], minlength=len(at) * len(present))
    table = table.reshape(len(at), len(present))
    rivals.ravel()[at] = (table > 0).sum(axis=1)
    challenger.ravel()[at] = present[np.argmax(table, axis=1)]  # the first of the most: the lower code
    return rivals, challenger


def _border(control: np.ndarray) -> np.ndarray:
    """Controlled blocks (flat mask) with another group's block next to them (8 neighbours)."""
    border = np.zeros(control.size, dtype=bool)
    for step, meet, _, _ in rival_neighbours(control):  # a meeting marks both blocks
        border[:-step] |= meet
        border[step:] |= meet
    return border


def contest_week(
    r: Residents,
    control: np.ndarray,
    demand: np.ndarray,
    seller_ids: np.ndarray,
    block_order: np.ndarray,
    block_starts: np.ndarray,
    params: Params,
    rng: np.random.Generator,
    restraint: np.ndarray | None = None,
    *,
    strength: np.ndarray | None = None,
    calm: float = 0.0,
    unit_margin: float | None = None,
) -> Violence:
    """Incidents, deaths and takeovers on contested blocks this week (``control`` is updated).

    Args:
        r: Residents (the dead are replaced by newborns).
        control: Group holding each block (-1 for none); takeovers change it.
        demand: Purchases wanted on each block this week.
        seller_ids: Ids of the sellers (those no longer selling are passed over).
        block_order: Resident ids sorted by home block.
        block_starts: Where each block's residents start in ``block_order``, plus the end.
        params: Run parameters (``groups``, ``market`` and ``mechanisms``).
        rng: The model's generator.
        restraint: How far each group holds back from fighting (by group code, 0-1); a
            contest's rate is cut by the mean restraint of its two sides.
        strength: Each group's armed strength (by group code), under
            ``mechanisms.violence: armed_strength`` (see :func:`armed_pressure`).
        calm: Share by which a pact between the groups cuts every contest's rate.
        unit_margin: What a seller keeps of a purchase; by default the margin at the
            price without risk.
    """
    g, m = params.groups, params.market
    rivals, challenger = contested(control)
    # What a block is worth to whoever holds it: the margin on the demand within buyers'
    # reach of it, which is what sellers working from the block can serve.
    margin = m.price * m.margin if unit_margin is None else unit_margin
    at_stake = box_sum(demand, m.reach) * margin
    rate = g.contest_rate * at_stake / 1_000.0 * rivals
    sides = challenger >= 0
    takeover = np.full(control.shape, g.takeover)
    if params.mechanisms.violence == ViolenceRule.ARMED_STRENGTH and strength is not None:
        pressure, odds = armed_pressure(strength, control[sides], challenger[sides], g.strength_half)
        rate[sides] *= pressure
        takeover[sides] = np.minimum(1.0, g.takeover * odds)
    if restraint is not None and restraint.any():
        held_back = (restraint[control[sides]] + restraint[challenger[sides]]) / 2.0
        rate[sides] *= 1.0 - held_back
    if calm > 0:
        rate *= 1.0 - calm
    incidents = poisson_where_nonzero(rate.ravel(), rng)
    hit = np.flatnonzero(incidents)

    flat_control, flat_challenger = control.ravel(), challenger.ravel()
    holder = flat_control.copy()  # who held each block when the fighting started
    turned = hit[rng.random(len(hit)) < 1.0 - (1.0 - takeover.ravel()[hit]) ** incidents[hit]]
    flat_control[turned] = flat_challenger[turned]

    deaths = rng.binomial(incidents[hit], g.lethality)
    members = seller_ids[(r.status[seller_ids] == Status.SELLING.value) & (r.group[seller_ids] >= 0)]
    choose = (
        _victims_by_involvement
        if params.mechanisms.victims == VictimRule.INVOLVEMENT
        else _victims_among_block_residents
    )
    ids = choose(
        r, hit[deaths > 0], deaths[deaths > 0], holder, flat_challenger, members, seller_ids,
        block_order, block_starts, control.shape, params, rng,
    )  # fmt: skip
    kind = victim_kinds(r, ids)
    female, age = r.female[ids].copy(), r.age[ids].copy()
    leave_market(r, ids[r.status[ids] == Status.SELLING.value])
    replace_with_newborns(r, ids, params, rng)
    parties = np.stack([holder[hit], flat_challenger[hit]], axis=1)
    return Violence(
        incidents=incidents,
        victims=ids,
        kind=kind,
        takeovers=len(turned),
        parties=parties,
        victim_female=female,
        victim_age=age,
    )


def armed_pressure(
    strength: np.ndarray, holder: np.ndarray, challenger: np.ndarray, half: float
) -> tuple[np.ndarray, np.ndarray]:
    """How hard each challenger presses its attack, and its odds against the holder.

    The odds are ``2 S_c / (S_h + S_c)``: 1 between equals, up to 2 against a holder with
    no strength, 0 for a challenger with none. The pressure is the odds times the
    challenger's capacity to fight, ``S_c / (S_c + half)``: a weakened holder invites
    attack (Dell 2015), and thinning every group's ranks lowers the fighting.

    Returns:
        ``(pressure, odds)``, one per contested block.
    """
    s_h, s_c = strength[holder], strength[challenger]
    total = s_h + s_c
    odds = np.divide(2.0 * s_c, total, out=np.zeros(len(s_c)), where=total > 0)
    return odds * s_c / (s_c + half), odds


def victim_kinds(r: Residents, ids: np.ndarray) -> np.ndarray:
    """Who each victim was when killed (:class:`VictimKind`)."""
    selling = r.status[ids] == Status.SELLING.value
    member = selling & (r.group[ids] >= 0)
    return np.where(member, VictimKind.MEMBER, np.where(selling, VictimKind.SELLER, VictimKind.BYSTANDER))


def _victims_among_block_residents(
    r, blocks, deaths, holder, challenger, members, seller_ids, order, starts, shape, params, rng
) -> np.ndarray:
    """Barrio 0.1: a member of either side with ``combatant_share``, else anyone living on the block."""
    victims = []
    for block, n in zip(blocks, deaths, strict=True):
        sides = (holder[block], challenger[block])
        fighters = members[np.isin(r.group[members], sides)]
        on_block = order[starts[block] : starts[block + 1]]
        on_block = on_block[r.status[on_block] != Status.DETAINED.value]
        for _ in range(int(n)):
            pool = fighters if len(fighters) and rng.random() < params.groups.combatant_share else on_block
            pool = np.setdiff1d(pool, np.concatenate(victims)) if victims else pool
            if len(pool) == 0:
                continue
            victims.append(np.array([pool[rng.integers(len(pool))]]))
    return np.concatenate(victims) if victims else np.empty(0, np.int64)


def _victims_by_involvement(
    r, blocks, deaths, holder, challenger, members, seller_ids, order, starts, shape, params, rng
) -> np.ndarray:
    """Victims by involvement: members, then sellers working there, then people out in public.

    A member of either side with ``combatant_share``; else a seller working on or next to
    the block with ``seller_victims``; else someone living on the block. Within each, as
    often as they are out in public (``demography.public_time``).
    """
    g = params.groups
    victims: list[int] = []
    # The draws below are the costly part of a violent week (tens of blocks, thousands of
    # fighters): the fighters of each pair of sides and their weights are worked out once.
    # Nothing here changes the residents, so they hold for the whole week.
    killed = np.zeros(len(r.age), bool)
    sellers = seller_ids[r.status[seller_ids] == Status.SELLING.value]
    h = shape[1]
    sx, sy = np.divmod(r.sell_block[sellers], h)
    member_group = r.group[members]
    sides_fighters: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    for block, n in zip(blocks, deaths, strict=True):
        sides = (int(holder[block]), int(challenger[block]))
        if sides not in sides_fighters:
            fighting = members[(member_group == sides[0]) | (member_group == sides[1])]
            sides_fighters[sides] = (fighting, public_time(r, fighting, params))
        fighters, fighter_weight = sides_fighters[sides]
        # The sellers near the block and its residents, when first needed: most victims
        # are fighters.
        near: np.ndarray | None = None
        for _ in range(int(n)):
            u = rng.random()
            # Whoever is killed, fighter, seller or bystander, is met out in public: the
            # young men who hold the front and the corners most.
            if len(fighters) and u < g.combatant_share:
                pool, weight = fighters, fighter_weight
            else:
                if near is None:
                    bx, by = divmod(int(block), h)
                    near = sellers[(np.abs(sx - bx) <= 1) & (np.abs(sy - by) <= 1)]
                if len(near) and rng.random() < g.seller_victims:
                    pool, weight = near, public_time(r, near, params)
                else:
                    on_block = order[starts[block] : starts[block + 1]]
                    pool = on_block[r.status[on_block] != Status.DETAINED.value]
                    weight = public_time(r, pool, params)
            if victims:
                alive = ~killed[pool]
                pool, weight = pool[alive], weight[alive]
            if len(pool) == 0:
                continue
            if weight.sum() <= 0:
                victim = int(pool[rng.integers(len(pool))])
            else:
                victim = int(pool[WeightedDraw(weight).one(rng)])
            victims.append(victim)
            killed[victim] = True
    return np.array(victims, dtype=np.int64)
