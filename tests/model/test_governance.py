import numpy as np

from barrio.model.governance import govern
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


def test_where_the_state_is_present_a_group_only_extorts():
    model, r, control, presence = setup(0.8, 0.8, groups__extortion=0.05, groups__governance_threshold=0.35)
    gov = govern(r, control, presence, LOW_TRUST, np.array([1_000.0]), model.params)
    held = r.block < 8
    assert not gov.symbiotic.any()
    assert np.allclose(gov.transfers[held], -5.0) and np.allclose(gov.transfers[~held], 0.0)
    assert np.isclose(gov.extortion[0], 5.0 * 80) and gov.welfare[0] == 0.0


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
    assert np.allclose(gov.transfers[trusting], -5.0)  # the group can still extort there
