"""Police patrols and arrests.

A patrol unit is a Mesa ``CellAgent``. Each week it walks a route of blocks from where it
stands (a random walk to neighbouring blocks, reflected at the edge of the neighbourhood);
under hot-spot policing (``policing.hot_spots``) a share of units instead spend the week
on blocks drawn in proportion to recent arrests and violence there, and under focused
deterrence (``policing.focused_deterrence``) on the territory of the groups behind recent
violence.
Once every unit has walked, :func:`arrest_on_routes` resolves the week's encounters for the
whole population at once: a seller on a block that patrols passed ``v`` times is arrested
with chance ``1 - (1 - encounter x intensity)^v``, which is what ``v`` independent
passes would give. Sellers working for a group are harder to catch (lookouts). Where
possession is arrested, residents of passed blocks are searched too.

The police's week (:func:`police_week`) walks the patrols, makes the arrests, counts the
force used, and then updates residents' trust and the police presence they perceive.
"""

from __future__ import annotations

import functools
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

from barrio.model.demography import public_time, replace_with_newborns
from barrio.model.draws import WeightedDraw, poisson_where_nonzero
from barrio.model.justice import Arrests, process_arrests
from barrio.model.legitimacy import update_trust
from barrio.model.mechanisms import SearchRule
from barrio.model.params import Params, Policing
from barrio.model.population import Offence, Status
from barrio.model.selling import leave_market

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = [
    "PatrolUnit",
    "Police",
    "UnitKind",
    "arrest_on_routes",
    "focus_map",
    "patrol_week",
    "police_week",
    "reflect",
    "sync_patrols",
    "use_of_force",
]

#: Weight of this week's patrols in the police presence residents perceive.
#: Source: assumption: a moving average whose weights halve in about three weeks, so that
#: news of patrols fades over about five weeks.
PRESENCE_MEMORY = 0.2
#: Weight of this week's arrests in the arrest map hot-spot patrols follow.
#: Source: assumption: a moving average whose weights halve in about seven weeks, so that
#: the hot-spot list reflects about the last ten weeks of arrests.
HEAT_MEMORY = 0.1


class UnitKind(IntEnum):
    """Who is on patrol."""

    POLICE = 0
    COMMUNITY = 1
    SOLDIERS = 2


#: The eight moves of a walk on the grid.
_MOVES = np.array([(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)])
#: The same moves, one coordinate at a time (a walk works on each separately).
_MOVES_X, _MOVES_Y = np.ascontiguousarray(_MOVES[:, 0]), np.ascontiguousarray(_MOVES[:, 1])


def reflect(u: np.ndarray, size: np.ndarray | int) -> np.ndarray:
    """Reflect unbounded coordinates back into ``0 .. size-1`` (a walk bouncing off the edges)."""
    period = np.maximum(2 * (np.asarray(size) - 1), 1)
    r = np.mod(u, period)
    return np.where(r < size, r, period - r)


@functools.cache
def _reflected(size: int, reach: int) -> np.ndarray:
    """:func:`reflect` of ``-reach .. size-1+reach``, looked up at ``u + reach``.

    A walk of ``reach`` steps from inside the grid stays in that range; looking its
    coordinates up costs a fraction of the integer remainders ``reflect`` takes.
    """
    table = reflect(np.arange(-reach, size + reach), size)
    table.flags.writeable = False
    return table


class Police:
    """What the police did this week, block by block (flat arrays), and the maps they follow.

    Args:
        n_blocks: Blocks on the grid.

    Attributes:
        visits: Patrol passes through each block this week.
        visits_by_kind: Passes by kind of unit (``(len(UnitKind), n_blocks)``).
        focus_visits: Passes of focused-deterrence units.
        arrest_heat: Recent arrests on each block (a moving average), which hot-spot
            patrols follow together with recent violence.
        heat: Where hot-spot patrols go this week (``None`` without hot-spot policing).
        focus: Where focused-deterrence units go this week (``None`` without them).
        heat_draw, focus_draw: The same maps, set up for drawing passes from them
            (:class:`~barrio.model.draws.WeightedDraw`; ``None`` without a map or weight).
        crackdown_losses: Members each group lost to focused-deterrence passes this week
            (by group code).
        member_losses: Members each group lost to arrest this week (by group code).
        arrests: This week's arrests.
        cells: The grid's cells by flat block index, where units arrive (listed on the
            first walk).
    """

    def __init__(self, n_blocks: int) -> None:
        self.visits = np.zeros(n_blocks)
        self.visits_by_kind = np.zeros((len(UnitKind), n_blocks))
        self.focus_visits = np.zeros(n_blocks)
        self.arrest_heat = np.zeros(n_blocks)
        self.heat = None
        self.focus = None
        self.crackdown_losses = np.zeros(0)
        self.member_losses = np.zeros(0)
        self.arrests = Arrests()
        self.cells = None
        self._hazard: tuple[float, np.ndarray, np.ndarray] | None = None

    @property
    def heat(self) -> np.ndarray | None:
        """Where hot-spot patrols go this week (``None`` without hot-spot policing)."""
        return self._heat

    @heat.setter
    def heat(self, weight: np.ndarray | None) -> None:
        # Every hot-spot unit draws its passes from this map: set up once, when it is set.
        self._heat, self.heat_draw = weight, _draw_from(weight)

    @property
    def focus(self) -> np.ndarray | None:
        """Where focused-deterrence units go this week (``None`` without them)."""
        return self._focus

    @focus.setter
    def focus(self, weight: np.ndarray | None) -> None:
        self._focus, self.focus_draw = weight, _draw_from(weight)

    def hazard(self, params: Params, presence: np.ndarray) -> np.ndarray:
        """Weekly chance of arrest a seller sees on each block (flat), from the police ``presence`` layer.

        Returns an array of the caller's own.
        """
        p = params.policing
        per_visit = p.encounter * p.punitive_intensity
        # Presence changes once a week (the patrols' phase) and three rules ask in between
        # (prices, groups, sellers): the last answer is kept, and given again (a copy) for
        # the same rate and an equal layer. The powers are most of the work.
        kept = self._hazard
        if (
            kept is not None
            and kept[0] == per_visit
            and kept[1].dtype == presence.dtype
            and np.array_equal(kept[1], presence)
        ):
            return kept[2].copy()
        found = (1.0 - (1.0 - per_visit) ** presence).ravel()
        self._hazard = (per_visit, presence.copy(), found.copy())
        return found

    def begin_week(self) -> None:
        """Clear this week's passes and arrests."""
        self.visits[:] = 0.0
        self.visits_by_kind[:] = 0.0
        self.focus_visits[:] = 0.0
        self.arrests = Arrests()

    def update_heat(self, block: np.ndarray, sell_block: np.ndarray) -> None:
        """Add this week's arrests to the arrest map (where sellers sold, or users lived)."""
        ids, offences = self.arrests.all()
        where = np.where(offences == Offence.SELLING.value, sell_block[ids], block[ids])
        self.arrest_heat *= 1.0 - HEAT_MEMORY
        self.arrest_heat += HEAT_MEMORY * np.bincount(where, minlength=len(self.arrest_heat))


def _draw_from(weight: np.ndarray | None) -> WeightedDraw | None:
    """Passes drawn in proportion to ``weight``; None for no map, or one with no weight anywhere.

    The map is made read-only: its draws are set up from it once, so an edit in place would
    not reach them (assign a new map instead).
    """
    if weight is None:
        return None
    weight.flags.writeable = False
    return WeightedDraw(weight) if weight.sum() > 0 else None


class PatrolUnit(CellAgent):
    """A police patrol unit.

    Attributes:
        kind: Police, community police or soldiers (:class:`UnitKind`).
        route: Flat indices of the blocks walked this week, in order (a block passed twice
            appears twice, and counts as two passes).
    """

    model: BarrioModel

    def __init__(self, model: BarrioModel, cell, kind: UnitKind = UnitKind.POLICE) -> None:
        super().__init__(model)
        self.cell = cell
        self.kind = kind
        self.route = np.empty(0, dtype=np.int64)
        self.focused = False  # whether this week's route was a focused-deterrence one

    def step(self) -> None:
        """Walk this week's route and report it to the model's patrol count."""
        self.walk()
        _count_passes(self.model.police, [self])

    def walk(self) -> None:
        """Walk this week's route (``route``, ``focused``) and stand at its end; nothing is counted."""
        m = self.model
        p = m.params.policing
        draw = m.rng.random() if p.hot_spots or p.focused_deterrence else 1.0
        target = _target(m.police, p, draw)
        self.focused = target is not None and target is m.police.focus_draw
        if target is not None:
            self.route = target.many(m.rng, p.blocks_per_week)
        else:
            self.route = _walks(m, np.array([self.cell.coordinate]), p.blocks_per_week)[0]
        self.arrive()

    def arrive(self) -> None:
        """Stand at the end of this week's route."""
        self.cell = _cells(self.model)[int(self.route[-1])]


def _cells(m: BarrioModel) -> list:
    """The grid's cells by flat block index (listed once: a lookup by coordinate costs more)."""
    if m.police.cells is None:
        width = m.shape[1]
        m.police.cells = [m.grid[divmod(b, width)] for b in range(len(m.police.visits))]
    return m.police.cells


def _target(police: Police, p: Policing, draw: float) -> WeightedDraw | None:
    """The map a unit draws this week's passes from, given its uniform ``draw`` (None: it walks).

    Hot-spot policing spends the week on the hot-spot list (recent arrests and violence);
    focused deterrence on the territory of the groups behind recent violence. Either
    way each pass is at a block drawn in proportion to its weight.
    """
    if draw < p.hot_spots:
        return police.heat_draw
    if draw < p.hot_spots + p.focused_deterrence:
        return police.focus_draw
    return None


def _walks(m: BarrioModel, starts: np.ndarray, passes: int) -> np.ndarray:
    """Random walks of ``passes`` steps from each of ``starts`` (``(units, 2)``), as flat block routes.

    One row of draws per unit, in the order of ``starts``: a single unit's walk draws the
    same numbers as its row would.
    """
    return _walk_routes(m, np.asarray(starts), m.rng.integers(0, len(_MOVES), size=(len(starts), passes)))


def _walk_routes(m: BarrioModel, starts: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """The flat block routes of walks from ``starts`` (``(units, 2)``) by ``moves`` (``(units, passes)``)."""
    w, h = m.shape
    passes = moves.shape[1]
    # Each coordinate on its own: the cumulative moves from the start, offset by ``passes``
    # so as to index the table of reflections (:func:`_reflected`).
    x = np.cumsum(_MOVES_X[moves], axis=1)
    x += starts[:, :1] + passes
    y = np.cumsum(_MOVES_Y[moves], axis=1)
    y += starts[:, 1:] + passes
    route = _reflected(w, passes)[x]
    route *= h  # flat block index: x * height + y
    route += _reflected(h, passes)[y]
    return route


def _assigned_routes(m: BarrioModel, order: list[PatrolUnit], passes: int) -> tuple[np.ndarray, list[bool]]:
    """Every unit's route (a row each) and whether it was a focused one, when some units go to maps.

    The draws are made exactly as each unit's :meth:`PatrolUnit.walk` makes them, unit after
    unit in ``order`` (where to go, then the week's passes); what is made of them (blocks
    looked up on the maps, walks summed and reflected) is done for all units at once after.
    """
    rng, police, p = m.rng, m.police, m.params.policing
    focused = []
    on_map: dict[WeightedDraw, tuple[list[int], list[np.ndarray]]] = {}
    walkers, moves = [], []
    for row in range(len(order)):
        target = _target(police, p, rng.random())
        focused.append(target is not None and target is police.focus_draw)
        if target is None:
            walkers.append(row)
            moves.append(rng.integers(0, len(_MOVES), size=passes))
        else:
            rows, uniforms = on_map.setdefault(target, ([], []))
            rows.append(row)
            uniforms.append(rng.random(passes))
    routes = np.empty((len(order), passes), dtype=np.int64)
    for target, (rows, uniforms) in on_map.items():
        routes[rows] = target.at(np.stack(uniforms))
    if walkers:
        starts = np.array([order[row].cell.coordinate for row in walkers])
        routes[walkers] = _walk_routes(m, starts, np.stack(moves))
    return routes, focused


def patrol_week(m: BarrioModel) -> None:
    """Every unit walks its week's route, in random order, and the passes are counted by block.

    The routes are the same, from the same draws, as stepping the units one by one
    (:meth:`PatrolUnit.step`), for a fraction of the cost when units are many: without
    hot-spot or focused-deterrence patrols every unit walks at random, so all the walks are
    drawn at once, row by row in the units' random order; with them, each unit's draws are
    made in turn, and the routes worked out from them for all units at once
    (:func:`_assigned_routes`).
    """
    units = m.agents_by_type.get(PatrolUnit)
    if units is None:
        return
    p = m.params.policing
    order = list(units)
    units.random.shuffle(order)  # the order shuffle_do would step them in
    if not order:
        return
    passes = p.blocks_per_week
    if p.hot_spots or p.focused_deterrence:
        routes, focused = _assigned_routes(m, order, passes)
    else:
        routes = _walks(m, np.array([u.cell.coordinate for u in order]), passes)
        focused = [False] * len(order)
    cells = _cells(m)
    # As ``arrive``, unit by unit in the same order (cells list their agents in arrival order).
    for unit, route, focus, end in zip(order, routes, focused, routes[:, -1].tolist(), strict=True):
        unit.route, unit.focused = route, focus
        unit.cell = cells[end]
    _count_passes(m.police, order, routes.ravel())


def _count_passes(police: Police, units: list[PatrolUnit], routes: np.ndarray | None = None) -> None:
    """Add the units' routes to this week's passes by block (all, by kind, focused).

    ``routes``, if given, are the units' routes one after the other, as they already are.
    """
    n = len(police.visits)
    if routes is None:
        routes = np.concatenate([u.route for u in units])
    passes = np.bincount(routes, minlength=n)
    police.visits += passes
    kinds = [int(u.kind) for u in units]
    lengths = [len(u.route) for u in units]
    if len(set(kinds)) == 1:
        # Units of one kind (the usual case): their passes are all the passes.
        police.visits_by_kind[kinds[0]] += passes
    else:
        kind_of_pass = np.repeat(kinds, lengths)
        for kind in UnitKind:
            of_kind = routes[kind_of_pass == kind]
            if len(of_kind):
                police.visits_by_kind[kind] += np.bincount(of_kind, minlength=n)
    focused = [u.focused for u in units]
    if any(focused):
        police.focus_visits += np.bincount(routes[np.repeat(focused, lengths)], minlength=n)


def arrest_on_routes(model: BarrioModel) -> None:
    """Arrest sellers (and, where it is a lever, users) on the blocks patrols passed this week."""
    m = model
    r = m.residents
    p = m.params.policing
    sellers = m.market.seller_ids[r.status[m.market.seller_ids] == Status.SELLING.value]
    where = r.sell_block[sellers]
    lookout = np.where(r.group[sellers] >= 0, 1.0 - m.params.groups.protection, 1.0)
    # Residents who trust the police tip them off: trust 0.5 leaves the encounter rate as set.
    tips = (1.0 - p.reporting) + 2.0 * p.reporting * m.blocks.trust[where]
    per_pass = p.encounter * p.punitive_intensity * lookout * tips
    hit = m.rng.random(len(sellers)) < _arrest_chance(m, per_pass, where)
    caught = sellers[hit]
    m.police.crackdown_losses = _crackdown_losses(m, caught, where[hit])
    group = r.group[caught]
    m.police.member_losses = np.bincount(group[group >= 0], minlength=m.groups.n_codes)
    process_arrests(m, caught, Offence.SELLING)
    if p.arrest_possession:
        _arrest_users(m, m.police.visits)


def _arrest_chance(m: BarrioModel, per_pass: np.ndarray | float, where: np.ndarray) -> np.ndarray:
    """Chance that at least one of this week's passes at ``where`` ends in arrest.

    ``per_pass`` is an ordinary patrol's chance a pass; community police and soldiers
    arrest at ``policing.community_arrest`` and ``policing.soldier_arrest`` times it.
    """
    p = m.params.policing
    factor = {
        UnitKind.POLICE: 1.0,
        UnitKind.COMMUNITY: p.community_arrest,
        UnitKind.SOLDIERS: p.soldier_arrest,
    }
    escape = np.ones(len(where))
    for kind, f in factor.items():
        escape *= (1.0 - np.minimum(per_pass * f, 1.0)) ** m.police.visits_by_kind[kind][where]
    return 1.0 - escape


def _crackdown_losses(m: BarrioModel, caught: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Members each group lost to focused-deterrence passes (by group code, before arrest).

    An arrest on a block counts towards the crackdown in proportion to the share of the
    block's passes that were focused ones.
    """
    group = m.residents.group[caught]
    member = group >= 0
    police = m.police
    focused = np.divide(
        police.focus_visits[where],
        police.visits[where],
        out=np.zeros(len(where)),
        where=police.visits[where] > 0,
    )
    return np.bincount(group[member], weights=focused[member], minlength=m.groups.n_codes)


def _arrest_users(m: BarrioModel, visits: np.ndarray) -> None:
    """Possession searches on the blocks patrols passed (see ``mechanisms.searches``).

    Under ``public_places`` patrols search on the blocks where selling happens, and meet
    the people living there as often as they are out in public (``demography.public_time``:
    young men most); under ``block_residents`` (Barrio 0.1) every resident of a passed
    block is met alike.
    """
    r = m.residents
    p = m.params.policing
    blocks = np.flatnonzero(visits != 0)  # != 0: flatnonzero of numbers is ~3x slower than of a mask
    public = m.params.mechanisms.searches == SearchRule.PUBLIC_PLACES
    if public:
        # Where selling happened this week, those just arrested there included.
        selling = np.zeros(len(visits), dtype=bool)
        selling[r.sell_block[m.market.seller_ids]] = True
        blocks = blocks[selling[blocks]]
    people = m.blocks.residents_of(blocks)
    sizes = m.blocks.starts[blocks + 1] - m.blocks.starts[blocks]
    # No tips here: residents tip the police off about dealing, not about users.
    per_pass = p.possession_encounter * m.params.market.user_share * p.punitive_intensity
    if public:
        per_pass = per_pass * public_time(r, people, m.params)
    chance = _arrest_chance(m, per_pass, np.repeat(blocks, sizes))
    found = people[m.rng.random(len(people)) < chance]
    status = r.status[found]
    found = found[
        (status != Status.DETAINED.value)
        & (status != Status.SELLING.value)
        & (r.age[found] >= m.params.selling.min_age)
    ]
    if len(found):  # (most weeks nobody is found)
        # A seller freed this week is not arrested twice.
        taken = np.zeros(len(r), dtype=bool)
        taken[m.police.arrests.all()[0]] = True
        found = found[~taken[found]]
    process_arrests(m, found, Offence.POSSESSION)


def use_of_force(m: BarrioModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Incidents of force by patrols this week, the abuses among them, and who was killed.

    Each pass through a block ends in an incident with chance ``policing.police_force``
    (police and community police) or ``policing.soldier_force`` (soldiers). An incident is
    aimed at someone on the block, a seller selling there or a resident at home; aimed at a
    resident who is not selling, it is an abuse (force against someone who committed no
    offence). An incident kills someone on the block with chance ``policing.force_lethality``.

    Returns:
        ``(incidents, abuses, killed)``: incidents and abuses per block (flat) and the ids
        of the dead.
    """
    p = m.params.policing
    r = m.residents
    by_kind = m.police.visits_by_kind
    rate = (by_kind[UnitKind.POLICE] + by_kind[UnitKind.COMMUNITY]) * p.police_force
    rate = rate + by_kind[UnitKind.SOLDIERS] * p.soldier_force
    # Draws only where the rate (or, for deaths, the count of incidents) is not 0: numpy
    # draws nothing for those, so the draws, and the generator after them, are the same.
    incidents = poisson_where_nonzero(rate, m.rng)
    abuses = np.zeros_like(incidents)
    hit = np.flatnonzero(incidents)
    deaths = np.empty(0, dtype=np.int64)
    if len(hit):
        n = len(incidents)
        sellers = m.market.seller_ids[r.status[m.market.seller_ids] == Status.SELLING.value]
        innocent = (
            m.blocks.population[hit]
            - np.bincount(r.block[sellers], minlength=n)[hit]
            - _detained_at_home(m, hit)
        )
        present = innocent + np.bincount(r.sell_block[sellers], minlength=n)[hit]
        share = np.divide(innocent, present, out=np.zeros(len(hit)), where=present > 0)
        abuses[hit] = m.rng.binomial(incidents[hit], share)
        deaths = m.rng.binomial(incidents[hit], p.force_lethality)
    killed = []
    for block, dead in zip(hit[deaths > 0].tolist(), deaths[deaths > 0].tolist(), strict=True):
        living = m.blocks.on(block)
        selling = m.market.seller_ids[r.sell_block[m.market.seller_ids] == block]
        people = np.union1d(living, selling)
        people = people[r.status[people] != Status.DETAINED.value]
        if killed:
            people = np.setdiff1d(people, np.concatenate(killed))
        if len(people):
            killed.append(m.rng.choice(people, size=min(dead, len(people)), replace=False))
    return incidents, abuses, (np.concatenate(killed) if killed else np.empty(0, dtype=np.int64))


def _detained_at_home(m: BarrioModel, blocks: np.ndarray) -> np.ndarray:
    """Residents of each of ``blocks`` held in detention (looked up among their residents only)."""
    people = m.blocks.residents_of(blocks)
    sizes = m.blocks.starts[blocks + 1] - m.blocks.starts[blocks]
    of_block = np.repeat(np.arange(len(blocks)), sizes)
    return np.bincount(of_block[m.residents.status[people] == Status.DETAINED.value], minlength=len(blocks))


def units_asked(params: Params) -> dict[UnitKind, float]:
    """The units of each kind the policing levers ask for, before rounding to whole units."""
    pol = params.policing
    per = params.neighbourhood.population / 10_000
    police = pol.units_per_10k * per
    return {
        UnitKind.POLICE: police * (1 - pol.community),
        UnitKind.COMMUNITY: police * pol.community,
        UnitKind.SOLDIERS: pol.soldiers_per_10k * per,
    }


def unit_targets(params: Params) -> dict[UnitKind, int]:
    """The whole units of each kind on patrol: what the levers ask for, rounded."""
    return {kind: round(asked) for kind, asked in units_asked(params).items()}


#: How far whole units may fall from what the levers ask before a run says so (a share).
#: Source: assumption: a quarter more or fewer police per resident is a quarter of what the
#: mano dura scenario adds (it doubles the units), too much to pass unsaid.
UNIT_ROUNDING_TOLERANCE = 0.25


def units_rounded_away(params: Params) -> list[str]:
    """Where whole units stray far from what the levers ask, in words (empty if nowhere).

    Units are agents, so a small neighbourhood cannot have 1.5 police units or 30% of one
    unit on community policing: at 3,000 residents the default's 1.5 units become 2 (a third
    more police per resident) and a community share of 0.3 of one unit becomes none. A
    comparison run that small compares the rounding as much as the policies.
    """
    lever = {
        UnitKind.POLICE: "policing.units_per_10k",
        UnitKind.COMMUNITY: "policing.units_per_10k x policing.community",
        UnitKind.SOLDIERS: "policing.soldiers_per_10k",
    }
    said = []
    people = params.neighbourhood.population
    for kind, asked in units_asked(params).items():
        whole = round(asked)
        if asked > 0 and abs(whole - asked) > UNIT_ROUNDING_TOLERANCE * asked:
            said.append(
                f"{kind.name.lower()} units: {lever[kind]} asks for {asked:.2g} at {people:,} residents, "
                f"the run has {whole} ({(whole - asked) / asked:+.0%})"
            )
    return said


def sync_patrols(m: BarrioModel) -> None:
    """Add or withdraw units of each kind to match the policing levers."""
    nb = m.params.neighbourhood
    for kind, target in unit_targets(m.params).items():
        units = [u for u in m.patrols if u.kind == kind]
        if target > len(units):
            for b in m.rng.integers(0, nb.width * nb.height, size=target - len(units)):
                PatrolUnit(m, m.grid[divmod(int(b), nb.height)], kind)
        elif target < len(units):
            for k in m.rng.choice(len(units), size=len(units) - target, replace=False):
                units[k].remove()


def focus_map(m: BarrioModel) -> np.ndarray:
    """Where focused-deterrence units work: each group's blocks, weighted by its notoriety."""
    notoriety = np.zeros(m.groups.n_codes + 1)  # the last entry stands for "no group"
    for group in m.groups.active():
        notoriety[group.code] = group.notoriety
    return notoriety[m.grid.control.data.ravel()]


def police_week(m: BarrioModel) -> None:
    """Phase: the police's week.

    Patrols walk (Mesa agents); sellers, and users where possession is arrested, are
    arrested on their routes and enter the justice system; force is used, and some die;
    groups remember the members they lost to crackdowns; then residents' trust moves
    (abuses, arbitrary arrests, violence left unchecked, community policing) and the
    police presence they perceive. Reads block trust as the week began; records force,
    abuses and deaths.
    """
    p, r, rng, police = m.params, m.residents, m.rng, m.police
    police.begin_week()
    m.blocks.update_trust(r)
    # Where hot-spot patrols start: recent arrests plus recent violence.
    police.heat = police.arrest_heat + m.grid.violence.data.ravel() if p.policing.hot_spots > 0 else None
    police.focus = focus_map(m) if p.policing.focused_deterrence > 0 else None
    patrol_week(m)
    # Members counted as the police arrive: factions formed this week have theirs too.
    sellers = m.market.seller_ids[r.group[m.market.seller_ids] >= 0]
    members = np.bincount(r.group[sellers], minlength=m.groups.n_codes)
    arrest_on_routes(m)
    for group in m.groups.active():
        group.remember_crackdown(float(police.crackdown_losses[group.code]), int(members[group.code]))
        group.remember_losses(float(police.member_losses[group.code]), int(members[group.code]))
    police.update_heat(r.block, r.sell_block)
    force, abuses, killed = use_of_force(m)
    leave_market(r, killed[r.status[killed] == Status.SELLING.value])
    replace_with_newborns(r, killed, p, rng)
    ids, offences = police.arrests.all()
    arbitrary = np.bincount(r.block[ids[offences == Offence.POSSESSION.value]], minlength=len(police.visits))
    update_trust(
        r,
        abuses.reshape(m.shape),
        arbitrary.reshape(m.shape),
        m.grid.violence.data,
        police.visits_by_kind[UnitKind.COMMUNITY].reshape(m.shape),
        m.grid.state_presence.data,
        p,
    )
    presence = m.grid.police_presence.data
    presence *= 1.0 - PRESENCE_MEMORY
    presence += PRESENCE_MEMORY * police.visits.reshape(m.shape)
    week = m.this_week
    week.force, week.abuses, week.killed_by_police = int(force.sum()), int(abuses.sum()), len(killed)
