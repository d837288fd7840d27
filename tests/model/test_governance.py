import numpy as np

from barrio.model.governance import Rule, _residents_by_rule, govern, rule_of_block
from barrio.model.population import Status
from tests.builders import quiet_model


def setup(presence_left: float, presence_right: float, **changes):
    """4 x 4 grid; group 0 holds the left half, the right half is free; 10 residents a block."""
    model = quiet_model(width=4, height=4, population=160, **changes)
    r = model.residents
    r.block[:] = np.arange(160) // 10
    r.status[:] = Status.FORMAL
    r.income[:] = 100.0
    control = np.full((4, 4), -1)
    control[:2, :] = 0
    presence = np.zeros((4, 4))
    presence[:2, :] = presence_left
    presence[2:, :] = presence_right
    return model, r, control, presence


LOW_TRUST = np.full((4, 4), 0.2)


def test_where_the_state_is_weak_a_group_governs_and_pays_welfare():
    model, r, control, presence = setup(0.1, 0.1, groups__welfare=2.0, groups__governance_threshold=0.35)
    gov = govern(r, control, presence, LOW_TRUST, np.array([1_000.0]), model.params)
    held = r.block < 8
    assert gov.symbiotic[:2].all() and not gov.symbiotic[2:].any()
    assert np.allclose(gov.transfers[held], 2.0) and np.allclose(gov.transfers[~held], 0.0)
    assert np.isclose(gov.welfare[0], 2.0 * 80) and gov.extortion[0] == 0.0


def test_where_the_state_is_present_a_group_only_extorts_what_the_state_does_not_shield():
    model, r, control, presence = setup(0.8, 0.8, groups__extortion=0.05, groups__governance_threshold=0.35)
    gov = govern(r, control, presence, LOW_TRUST, np.array([1_000.0]), model.params)
    held = r.block < 8
    assert not gov.symbiotic.any()
    # 5% of 100, of which the state's presence (0.8) shields four fifths.
    assert np.allclose(gov.transfers[held], -1.0) and np.allclose(gov.transfers[~held], 0.0)
    assert np.isclose(gov.extortion[0], 1.0 * 80) and gov.welfare[0] == 0.0


def test_under_the_old_rule_a_group_extorts_the_full_rate_wherever_it_does_not_govern():
    model, r, control, presence = setup(
        0.8,
        0.8,
        groups__extortion=0.05,
        groups__governance_threshold=0.35,
        mechanisms__governance="presence_threshold",
    )
    gov = govern(r, control, presence, LOW_TRUST, np.array([1_000.0]), model.params)
    held = r.block < 8
    assert np.allclose(gov.transfers[held], -5.0) and np.allclose(gov.transfers[~held], 0.0)
    assert np.isclose(gov.extortion[0], 5.0 * 80)


def test_the_states_return_lowers_what_a_group_takes_under_competing_rule_not_under_the_old():
    takings = {}
    for rule in ("competing", "presence_threshold"):
        for presence in (0.4, 0.7):
            model, r, control, grid = setup(
                presence, presence, groups__extortion=0.05, groups__welfare=2.0, mechanisms__governance=rule
            )
            gov = govern(r, control, grid, LOW_TRUST, np.array([1_000.0]), model.params)
            takings[rule, presence] = gov.extortion[0] - gov.welfare[0]
    assert takings["competing", 0.7] < takings["competing", 0.4]  # 150 against 300
    assert np.isclose(takings["competing", 0.7], 0.05 * 100 * 0.3 * 80)
    assert takings["presence_threshold", 0.7] == takings["presence_threshold", 0.4] == 5.0 * 80


def test_a_group_preys_on_the_benefits_of_households_it_squeezes():
    model, r, control, presence = setup(0.8, 0.8, groups__extortion=0.0, groups__transfer_predation=0.4)
    r.household[:] = np.arange(160) // 2  # two residents a household
    heads = np.arange(0, 160, 2)
    benefits = np.full(80, 30.0)
    gov = govern(r, control, presence, LOW_TRUST, np.array([1_000.0]), model.params, benefits, heads)
    held = r.block < 8
    assert np.allclose(gov.transfers[heads[heads < 80]], -12.0)  # 40% of 30, from the head
    assert np.allclose(gov.transfers[heads[heads >= 80]], 0.0)  # the free half keeps its benefits
    assert np.allclose(gov.transfers[held & (np.arange(160) % 2 == 1)], 0.0)
    assert np.isclose(gov.extortion[0], 12.0 * 40)


def test_welfare_is_limited_by_the_groups_capital():
    model, r, control, presence = setup(0.1, 0.1, groups__welfare=2.0)
    gov = govern(r, control, presence, LOW_TRUST, np.array([40.0]), model.params)
    assert np.allclose(gov.transfers[r.block < 8], 0.5)  # 40 shared by 80 residents
    assert np.isclose(gov.welfare[0], 40.0)


def test_bringing_the_state_back_turns_governed_blocks_parasitic():
    before = govern(
        *setup(0.2, 0.2)[1:], LOW_TRUST, np.array([100.0]), setup(0.2, 0.2)[0].params
    ).symbiotic.sum()
    model, r, control, presence = setup(0.2, 0.2)
    presence += 0.3
    after = govern(r, control, presence, LOW_TRUST, np.array([100.0]), model.params).symbiotic.sum()
    assert before == 8 and after == 0


def test_residents_who_trust_the_state_refuse_a_groups_rule():
    model, r, control, presence = setup(0.1, 0.1, groups__extortion=0.05, legitimacy__resist=0.5)
    trust = LOW_TRUST.copy()
    trust[0, :] = 0.8  # the first column of the group's half trusts the state
    gov = govern(r, control, presence, trust, np.array([1_000.0]), model.params)
    assert not gov.symbiotic[0].any() and gov.symbiotic[1].all()
    trusting = r.block < 4
    # The group can still extort there, what the state (0.1) does not shield.
    assert np.allclose(gov.transfers[trusting], -5.0 * 0.9)


def test_rule_of_block_and_the_residents_under_each_rule_match_a_direct_reading():
    rng = np.random.default_rng(3)
    held = rng.random((9, 7)) < 0.6
    symbiotic = held & (rng.random((9, 7)) < 0.4)
    rule = rule_of_block(symbiotic, held)
    expected = np.where(symbiotic, Rule.GOVERNED, np.where(held, Rule.SQUEEZED, Rule.NONE))
    assert rule.dtype == np.int8 and np.array_equal(rule, expected)
    # Rules both rarer and commoner than a tenth of residents (numpy's two ways of finding them).
    for share in (0.03, 0.5):
        sparse = rule.ravel() * (rng.random(63) < share)
        home = rng.integers(0, 63, size=5_000).astype(np.int32)
        governed, squeezed = _residents_by_rule(sparse.astype(np.int8), home)
        assert np.array_equal(governed, np.flatnonzero(sparse[home] == Rule.GOVERNED))
        assert np.array_equal(squeezed, np.flatnonzero(sparse[home] == Rule.SQUEEZED))
