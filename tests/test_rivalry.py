import numpy as np

from model.population import Status
from model.rivalry import contest_week, contested
from tests.builders import make_seller, quiet_model


def setup(control_codes, demand=50.0, **changes):
    """A 6 x 6 model with the given control grid, rich demand everywhere, one seller per block."""
    model = quiet_model(width=6, height=6, population=360, **changes)
    model.grid.control.data[:] = control_codes
    model.grid.demand.data[:] = demand
    r = model.residents
    r.status[:] = Status.UNEMPLOYED
    r.block[:] = np.arange(360) % 36
    model.block_order = np.argsort(r.block, kind="stable")
    model.block_starts = np.searchsorted(r.block[model.block_order], np.arange(37))
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
        model.block_order,
        model.block_starts,
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
