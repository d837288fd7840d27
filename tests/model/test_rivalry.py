import numpy as np

from barrio.model.groups import group_week
from barrio.model.population import Status
from barrio.model.rivalry import VictimKind, armed_pressure, contest_week, contested
from tests.builders import make_seller, quiet_model


def setup(control_codes, demand=50.0, **changes):
    """A 6 x 6 model with the given control grid, rich demand everywhere, one seller per block."""
    model = quiet_model(width=6, height=6, population=360, **changes)
    model.grid.control.data[:] = control_codes
    model.grid.demand.data[:] = demand
    r = model.residents
    r.status[:] = Status.UNEMPLOYED
    r.block[:] = np.arange(360) % 36
    model.blocks.order = np.argsort(r.block, kind="stable")
    model.blocks.starts = np.searchsorted(r.block[model.blocks.order], np.arange(37))
    return model


def two_rivals():
    control = np.full((6, 6), -1)
    control[:, :3] = 0
    control[:, 3:] = 1
    return control


def one_group():
    control = np.full((6, 6), -1)
    control[:, :3] = 0
    return control


def week(model, codes, restraint=None):
    r = model.residents
    sellers = np.flatnonzero(r.status == Status.SELLING)
    return contest_week(
        r,
        model.grid.control.data,
        model.grid.demand.data,
        sellers,
        model.blocks.order,
        model.blocks.starts,
        model.params,
        model.rng,
        restraint,
    )


def test_rivals_are_counted_only_along_the_border():
    rivals, challenger = contested(two_rivals())
    assert (rivals[:, 2] == 1).all() and (rivals[:, 3] == 1).all()
    assert (rivals[:, [0, 1, 4, 5]] == 0).all()
    assert (challenger[:, 2] == 1).all() and (challenger[:, 3] == 0).all()
    assert (contested(one_group())[0] == 0).all()


def test_adjacent_rivals_on_a_rich_market_fight_and_a_lone_group_does_not():
    fights = week(setup(two_rivals(), groups__contest_rate=1.0), [0, 1])
    calm = week(setup(one_group(), groups__contest_rate=1.0), [0])
    assert fights.incidents.sum() > 0
    border = np.zeros((6, 6), bool)
    border[:, 2:4] = True
    assert (fights.incidents[~border.ravel()] == 0).all()
    assert calm.incidents.sum() == 0 and len(calm.victims) == 0


def test_more_at_stake_means_more_incidents():
    counts = []
    for demand in (1.0, 20.0):
        total = 0
        for seed in range(5):
            m = setup(two_rivals(), demand=demand, groups__contest_rate=0.5)
            m.rng = np.random.default_rng(seed)
            total += week(m, [0, 1]).incidents.sum()
        counts.append(total)
    assert counts[1] > 3 * counts[0]


def test_the_dead_are_fighters_when_combatant_share_is_one_and_are_replaced():
    m = setup(
        two_rivals(),
        groups__contest_rate=5.0,
        groups__lethality=1.0,
        groups__combatant_share=1.0,
        groups__takeover=0.0,
    )
    r = m.residents
    fighters = np.arange(0, 360, 3)
    for i in fighters:
        make_seller(m, int(i), block=int(r.block[i]))
    r.group[fighters] = np.where(r.block[fighters] % 6 < 3, 0, 1)
    n = len(r)
    v = week(m, [0, 1])
    assert len(v.victims) > 0
    assert set(v.victims) <= set(fighters) and (v.kind == 0).all()
    assert (r.age[v.victims] == 0).all() and (r.status[v.victims] == Status.CHILD).all()
    assert (r.group[v.victims] == -1).all() and len(r) == n


def test_a_certain_takeover_hands_border_blocks_to_the_rival():
    m = setup(two_rivals(), groups__contest_rate=5.0, groups__takeover=1.0, groups__lethality=0.0)
    before = m.grid.control.data.copy()
    v = week(m, [0, 1])
    after = m.grid.control.data
    changed = before != after
    assert v.takeovers == changed.sum() > 0
    assert (after[changed] == 1 - before[changed]).all()


def test_three_groups_around_a_block_count_as_two_rivals_and_the_larger_challenges():
    control = np.full((3, 3), -1)
    control[1, 1] = 0
    control[0, :] = 1
    control[2, 0] = 2
    rivals, challenger = contested(control)
    assert rivals[1, 1] == 2 and challenger[1, 1] == 1
    assert rivals[2, 0] == 1  # only group 0 is within one block


def test_after_a_takeover_the_former_holders_members_can_still_be_killed():
    m = setup(
        two_rivals(),
        groups__contest_rate=5.0,
        groups__lethality=1.0,
        groups__combatant_share=1.0,
        groups__takeover=1.0,
    )
    r = m.residents
    holders = np.flatnonzero(r.block % 6 < 3)[::2]  # members of group 0 only
    for i in holders:
        make_seller(m, int(i), block=int(r.block[i]))
    r.group[holders] = 0
    v = week(m, [0, 1])
    assert v.takeovers > 0 and len(v.victims) > 0
    assert (v.kind == 0).all()  # fighters, not bystanders


def test_groups_that_hold_back_fight_less_and_fully_restrained_ones_not_at_all():
    totals = {}
    for held_back in (0.0, 0.5, 1.0):
        total = 0
        for seed in range(5):
            m = setup(two_rivals(), groups__contest_rate=0.5)
            m.rng = np.random.default_rng(seed)
            total += week(m, [0, 1], restraint=np.array([held_back, held_back])).incidents.sum()
        totals[held_back] = total
    assert totals[1.0] == 0
    assert 0.3 * totals[0.0] < totals[0.5] < 0.7 * totals[0.0]


def test_violence_is_attributed_to_both_sides_of_a_contest():
    violence = week(setup(two_rivals(), groups__contest_rate=1.0), [0, 1])
    by_group = violence.by_group(3)
    assert by_group[0] == by_group[1] == violence.incidents.sum() and by_group[2] == 0


# Hand-built grids in which one rule at a time decides the outcome. With ``market.reach`` 0 a
# block's margin at stake is its own demand x price (10) x margin (0.5), so demand 100 puts
# USD 500 at stake and a contest's Poisson rate is contest_rate x 0.5 x rivals.


def grid_model(control, demand=100.0, per_block=10, **changes):
    """A model on the grid of ``control`` (any shape), ``per_block`` unemployed adults on each block."""
    width, height = control.shape
    population = per_block * width * height
    changes.setdefault("market__reach", 0)
    model = quiet_model(width=width, height=height, population=population, **changes)
    model.grid.control.data[:] = control
    model.grid.demand.data[:] = demand
    r = model.residents
    r.status[:] = Status.UNEMPLOYED
    r.age[:] = 30
    r.group[:] = -1
    r.block[:] = np.arange(population) % (width * height)
    model.blocks.order = np.argsort(r.block, kind="stable")
    model.blocks.starts = np.searchsorted(r.block[model.blocks.order], np.arange(width * height + 1))
    return model


def within(observed, expected, sd):
    """``observed`` is within four standard deviations of ``expected``."""
    return abs(observed - expected) <= 4.0 * sd


def test_each_incident_hands_the_block_over_only_with_the_takeover_chance():
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 1::2] = 1  # stripes: every block has the other group next to it
    m = grid_model(control, groups__contest_rate=1.0, groups__takeover=0.5, groups__lethality=0.0)
    before = control.copy()
    v = week(m, [0, 1])
    n = v.incidents[v.incidents > 0]
    assert len(n) > 100  # rate 0.5 on 400 blocks: about 157 blocks with incidents
    # A block with n incidents changes hands with chance 1 - 0.5^n, independently.
    p = 1.0 - 0.5**n
    assert within(v.takeovers, p.sum(), np.sqrt((p * (1 - p)).sum()))
    changed = before != m.grid.control.data
    assert changed.sum() == v.takeovers
    assert (m.grid.control.data[changed] == 1 - before[changed]).all()


def test_the_rate_grows_with_the_number_of_rival_groups_around_a_block():
    control = np.tile(np.arange(20) % 3, (20, 1))  # columns of groups 0, 1, 2, 0, 1, ...
    m = grid_model(control, groups__contest_rate=1.0, groups__takeover=0.0, groups__lethality=0.0)
    incidents = week(m, [0, 1, 2]).incidents.reshape(control.shape)
    # Inner columns have both other groups beside them (2 rivals, rate 1.0 a block); the two
    # edge columns one (rate 0.5).
    inner, edge = incidents[:, 1:-1].sum(), incidents[:, [0, -1]].sum()
    assert within(inner, 360 * 1.0, np.sqrt(360 * 1.0))
    assert within(edge, 40 * 0.5, np.sqrt(40 * 0.5))


def test_restraint_of_one_side_halves_the_fighting_on_both_sides_of_the_border():
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 10:] = 1
    m = grid_model(
        control, demand=1_000.0, groups__contest_rate=4.0, groups__takeover=0.0, groups__lethality=0.0
    )
    incidents = week(m, [0, 1], restraint=np.array([1.0, 0.0])).incidents.reshape(control.shape)
    # Rate 4 x 5 x 1 = 20 a block, times 1 - (1 + 0) / 2 whichever side holds it.
    for column in (9, 10):
        assert within(incidents[:, column].sum(), 20 * 10.0, np.sqrt(20 * 10.0))
    assert incidents.sum() == incidents[:, 9:11].sum()


def test_the_margin_at_stake_is_the_demand_within_buyers_reach_of_the_block():
    control = np.zeros((20, 8), dtype=np.int64)
    control[:, 4:] = 1  # border columns 3 (group 0) and 4 (group 1)
    demand = np.zeros((20, 8))
    demand[:, 2] = 100.0  # no demand on the border itself
    m = grid_model(
        control,
        demand=demand,
        market__reach=1,
        groups__contest_rate=4.0,
        groups__takeover=0.0,
        groups__lethality=0.0,
    )
    incidents = week(m, [0, 1]).incidents.reshape(control.shape)
    # Column 3 reaches column 2: 3 rows of demand (2 at the grid's edge rows), USD 500 each,
    # so a rate of 4 x 1.5 = 6 a block (4 at the edge rows). Column 4 reaches no demand.
    expected = 18 * 6.0 + 2 * 4.0
    assert within(incidents[:, 3].sum(), expected, np.sqrt(expected))
    assert incidents.sum() == incidents[:, 3].sum()


def deadly(control, **changes):
    return grid_model(
        control,
        demand=1_000.0,
        groups__contest_rate=4.0,
        groups__lethality=1.0,
        groups__takeover=0.0,
        **changes,
    )


def two_sides(width=6):
    control = np.full((6, width), -1)
    control[:, :3] = 0
    control[:, 3:6] = 1
    return control


def test_with_no_combatant_share_the_dead_are_residents_of_the_block_never_members():
    m = deadly(two_sides(), groups__combatant_share=0.0)
    r = m.residents
    away = np.flatnonzero(np.isin(r.block % 6, [0, 5]))  # members live away from the border
    for i in away:
        make_seller(m, int(i), block=int(r.block[i]))
    r.group[away] = np.where(r.block[away] % 6 < 3, 0, 1)
    v = week(m, [0, 1])
    assert len(v.victims) > 0
    assert not np.isin(v.victims, away).any() and (v.kind == 2).all()
    assert (v.incidents[r.block[v.victims]] > 0).all()


def test_a_killed_independent_seller_is_kind_1_and_a_killed_bystander_kind_2():
    m = deadly(two_sides(), groups__combatant_share=0.0)
    r = m.residents
    independent = np.flatnonzero(r.block % 6 == 2)[::2]  # half the residents of one border column
    for i in independent:
        make_seller(m, int(i), block=int(r.block[i]))
    v = week(m, [0, 1])
    was_selling = np.isin(v.victims, independent)
    assert was_selling.any() and (~was_selling).any()
    assert (v.kind == np.where(was_selling, 1, 2)).all()


def test_detained_residents_of_a_fought_over_block_are_not_killed():
    m = deadly(two_sides(), groups__combatant_share=0.0)
    r = m.residents
    border = np.flatnonzero(np.isin(r.block % 6, [2, 3]))
    free = border[r.block[border] == border]  # the first resident of each border block
    r.status[np.setdiff1d(border, free)] = Status.DETAINED
    v = week(m, [0, 1])
    # Rate 4 x 5 = 20 a block and every incident kills: each fought-over block loses its one
    # free resident, and nobody else can die.
    fought = np.flatnonzero(v.incidents)
    assert len(fought) == 12
    assert sorted(v.victims) == sorted(free)


def test_only_members_of_the_two_groups_fighting_die_as_combatants():
    control = two_sides(width=10)
    control[:, 8:] = 2  # a third group, two columns away from the others
    m = deadly(control, groups__combatant_share=1.0)
    r = m.residents
    fighting, outsiders = np.arange(0, 20), np.arange(20, 80)
    for i in np.concatenate([fighting, outsiders]):
        make_seller(m, int(i), block=int(r.block[i]))
    r.group[fighting] = fighting % 2
    r.group[outsiders] = 2
    v = week(m, [0, 1, 2])
    # Dozens of deaths on the border, but only 20 members of groups 0 and 1 to die.
    assert v.incidents.sum() > 100
    assert sorted(v.victims) == list(fighting) and (v.kind == 0).all()


# Armed strength, pacts and victims by involvement.


def strong_week(model, strength=None, calm=0.0):
    r = model.residents
    sellers = np.flatnonzero(r.status == Status.SELLING)
    return contest_week(
        r,
        model.grid.control.data,
        model.grid.demand.data,
        sellers,
        model.blocks.order,
        model.blocks.starts,
        model.params,
        model.rng,
        strength=None if strength is None else np.asarray(strength, dtype=float),
        calm=calm,
    )


def test_armed_pressure_is_the_challengers_odds_times_its_capacity_to_fight():
    pressure, odds = armed_pressure(
        np.array([20.0, 20.0, 0.0]), np.array([0, 2]), np.array([1, 0]), half=20.0
    )
    assert odds.tolist() == [1.0, 2.0]  # equals; against a holder with nothing
    assert pressure.tolist() == [0.5, 1.0]  # 1 x 20 / (20 + 20); 2 x 20 / 40
    pressure, odds = armed_pressure(np.array([10.0, 0.0]), np.array([0]), np.array([1]), half=20.0)
    assert odds.tolist() == [0.0] and pressure.tolist() == [0.0]  # a challenger with no strength


def test_a_weakened_holder_loses_blocks_it_would_have_kept():
    """Stripes of two groups; the takeover chance per incident is takeover x the challenger's odds."""
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 1::2] = 1
    lost = {}
    for holder_strength in (60.0, 6.0):
        m = grid_model(
            control.copy(),
            groups__contest_rate=2.0,
            groups__takeover=0.3,
            groups__lethality=0.0,
            groups__strength_half=20.0,
        )
        # Group 1 is the strong rival; group 0 strong, then weakened by arrests.
        before = m.grid.control.data.copy()
        v = strong_week(m, strength=[holder_strength, 60.0])
        n = v.incidents.reshape(20, 20)
        held_by_0 = before == 0
        odds = 2 * 60.0 / (holder_strength + 60.0)
        p = 1.0 - (1.0 - min(1.0, 0.3 * odds)) ** n[held_by_0 & (n > 0)]
        taken = ((before == 0) & (m.grid.control.data == 1)).sum()
        assert within(taken, p.sum(), np.sqrt((p * (1 - p)).sum()))
        lost[holder_strength] = taken / max(int((held_by_0 & (n > 0)).sum()), 1)
    assert lost[6.0] > 1.5 * lost[60.0]


def test_thinning_every_groups_ranks_lowers_the_fighting():
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 1::2] = 1
    totals = {}
    for strength in (40.0, 10.0):
        m = grid_model(control.copy(), groups__contest_rate=2.0, groups__lethality=0.0, groups__takeover=0.0)
        totals[strength] = int(strong_week(m, strength=[strength, strength]).incidents.sum())
    # Rate 2 x 0.5 x capacity: 40 / 60 against 10 / 30 of it, on 400 blocks.
    assert within(totals[40.0], 400 * 2 / 3, np.sqrt(400 * 2 / 3))
    assert within(totals[10.0], 400 * 1 / 3, np.sqrt(400 * 1 / 3))


def test_the_old_violence_rule_ignores_strength():
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 1::2] = 1
    m = grid_model(
        control.copy(), groups__contest_rate=2.0, groups__lethality=0.0, mechanisms__violence="border_demand"
    )
    total = int(strong_week(m, strength=[1.0, 1.0]).incidents.sum())
    assert within(total, 400.0, 20.0)  # rate 2 x 0.5 on every block, as if strength were not given


def test_a_pact_stops_contests_while_it_holds():
    control = np.zeros((20, 20), dtype=np.int64)
    control[:, 1::2] = 1
    m = grid_model(control.copy(), groups__contest_rate=2.0, groups__lethality=0.0)
    assert strong_week(m, calm=1.0).incidents.sum() == 0
    half = int(
        strong_week(
            grid_model(control.copy(), groups__contest_rate=2.0, groups__lethality=0.0), calm=0.5
        ).incidents.sum()
    )
    assert within(half, 200.0, np.sqrt(200.0))


def test_a_pact_is_made_by_the_lever_broken_by_chance_or_by_the_lever_and_made_again():
    model = quiet_model(width=6, height=6, population=60, groups__truce=0.8)
    assert model.groups.pact
    group_week(model)
    assert model.groups.pact  # no chance of breaking: it holds
    model.change_levers({"groups.truce_break": 1.0})
    group_week(model)
    assert not model.groups.pact  # broke this week
    model.change_levers({"groups.truce_break": 0.0, "groups.truce": 0.6})
    assert model.groups.pact  # a new mediation
    model.change_levers({"groups.truce": 0.0})
    assert not model.groups.pact


def involvement_model(**changes):
    """Two rival groups on a 3 x 3 grid (group 0 the first column): six blocks fought over."""
    control = np.array([[0, 1, 1], [0, 1, 1], [0, 1, 1]])
    m = grid_model(
        control,
        demand=2_000.0,  # USD 10,000 at stake: hundreds of incidents a week
        per_block=3000,
        groups__contest_rate=100.0,
        groups__lethality=1.0,
        groups__takeover=0.0,
        **changes,
    )
    return m


def test_victims_are_drawn_from_the_two_groups_first():
    m = involvement_model(groups__combatant_share=1.0)
    r = m.residents
    members = np.arange(0, 40, 2)
    for i in members:
        make_seller(m, int(i), block=int(r.block[i]))
    r.group[members] = np.arange(len(members)) % 2
    v = strong_week(m, strength=[50.0, 50.0])
    assert len(v.victims) > 0 and set(v.victims.tolist()) <= set(members.tolist())
    assert (v.kind == VictimKind.MEMBER).all()


def test_without_fighters_victims_are_sellers_working_there_then_people_out_in_public():
    m = involvement_model(groups__combatant_share=1.0, groups__seller_victims=1.0)
    r = m.residents
    for i in range(10):
        make_seller(m, i, block=3 + i % 2)  # independents selling in the middle row, next to every fight
    v = strong_week(m, strength=[50.0, 50.0])
    assert len(v.victims) > 0 and set(v.victims.tolist()) <= set(range(10))
    assert (v.kind == VictimKind.SELLER).all()

    m = involvement_model(
        groups__combatant_share=0.0, groups__seller_victims=0.0, households__public_time_women=0.4
    )
    r = m.residents
    n = len(r)
    r.age[:] = 20
    r.female[:] = np.arange(n) % 2 == 1
    v = strong_week(m, strength=[50.0, 50.0])
    victims = v.victims  # replaced by newborns, whose sex is drawn anew: tell them by their ids
    share_women = (victims % 2 == 1).mean()
    # Men out 1, women 0.4: women are 0.4 / 1.4 of the bystanders killed.
    assert len(victims) > 500
    assert within(share_women, 0.4 / 1.4, np.sqrt(0.29 * 0.71 / len(victims)))


def test_contested_counts_each_blocks_rivals_and_its_main_challenger_as_a_direct_count_does():
    rng = np.random.default_rng(8)
    for _ in range(50):
        w, h = int(rng.integers(1, 10)), int(rng.integers(1, 10))
        control = np.where(rng.random((w, h)) < 0.6, rng.integers(0, 6, (w, h)), -1)
        rivals, challenger = contested(control)
        for x in range(w):
            for y in range(h):
                around = control[max(0, x - 1) : x + 2, max(0, y - 1) : y + 2].ravel()
                other = around[(around >= 0) & (around != control[x, y])] if control[x, y] >= 0 else []
                codes, counts = np.unique(other, return_counts=True)
                assert rivals[x, y] == len(codes)
                assert challenger[x, y] == (codes[np.argmax(counts)] if len(codes) else -1)
