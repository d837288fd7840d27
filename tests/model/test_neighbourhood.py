import numpy as np

from barrio.model import Params
from barrio.model.neighbourhood import (
    LAYERS,
    LandUse,
    box_sum,
    build_grid,
    held_codes,
    next_to,
    small_codes,
    turf,
    within_reach,
)


def naive_box(a, radius):
    w, h = a.shape
    out = np.zeros(a.shape)
    for x in range(w):
        for y in range(h):
            out[x, y] = a[max(0, x - radius) : x + radius + 1, max(0, y - radius) : y + radius + 1].sum()
    return out


def test_box_sum_matches_a_direct_sum_without_wrapping():
    a = np.random.default_rng(1).random((6, 9))
    for radius in (0, 1, 2, 4):
        np.testing.assert_allclose(box_sum(a, radius), naive_box(a, radius))


def test_box_sum_of_a_corner_block_only_reaches_inside_the_grid():
    a = np.zeros((5, 5))
    a[0, 0] = 1.0
    s = box_sum(a, 1)
    assert s[0, 0] == 1 and s[1, 1] == 1 and s[2, 2] == 0 and s[4, 4] == 0


def test_blocks_within_reach_stay_on_the_grid_and_match_the_box():
    shape = (4, 3)
    blocks, inside = within_reach(shape, 1)
    # Corner (0, 0) is flat block 0: itself, (0, 1), (1, 0) and (1, 1).
    assert sorted(blocks[0][inside[0]]) == [0, 1, 3, 4]
    # Every block's set is exactly what box_sum counts as in reach.
    for block in range(12):
        a = np.zeros(shape)
        a.ravel()[blocks[block][inside[block]]] = 1.0
        assert a.sum() == inside[block].sum()  # no block listed twice
        assert box_sum(a, 1).ravel()[block] == inside[block].sum()
    assert not blocks.flags.writeable


def test_grid_has_every_layer_reachable_from_a_cell():
    p = Params.build({"neighbourhood": {"width": 12, "height": 10}})
    grid = build_grid(p, 1000, np.random.default_rng(0))
    cell = grid[(3, 4)]
    for name in LAYERS:
        assert getattr(cell, name) == getattr(grid, name).data[3, 4]
    assert grid.control.data.min() == -1


def test_demand_adds_up_and_is_highest_on_markets():
    p = Params.build({"neighbourhood": {"width": 40, "height": 40}})
    grid = build_grid(p, 10_000, np.random.default_rng(0))
    m = p.market
    assert np.isclose(grid.demand.data.sum(), 10_000 * m.user_share * m.purchases_per_user)
    land = grid.land_use.data
    assert (
        grid.demand.data[land == LandUse.MARKET].mean() > 3 * grid.demand.data[land == LandUse.HOUSING].mean()
    )
    shares = np.bincount(land.ravel(), minlength=4) / land.size
    assert abs(shares[LandUse.COMMERCE] - p.neighbourhood.commerce_share) < 0.01
    assert abs(shares[LandUse.MARKET] - p.neighbourhood.market_share) < 0.01


def test_state_presence_stays_within_zero_and_one():
    p = Params.build({"neighbourhood": {"state_presence": 0.9}})
    grid = build_grid(p, 1000, np.random.default_rng(3))
    assert grid.state_presence.data.min() >= 0 and grid.state_presence.data.max() <= 1


def test_turf_is_the_holder_or_the_nearest_group_within_reach():
    control = np.full((7, 7), -1)
    control[0, 0] = 2
    control[0, 6] = 5
    t = turf(control, 2)
    assert t[0, 0] == 2 and t[2, 2] == 2  # two blocks away, diagonally
    assert t[0, 5] == 5 and t[0, 4] == 5  # nearer to group 5
    assert t[0, 3] == -1 and t[3, 3] == -1  # three blocks from both: out of reach
    assert (turf(control, 0) == control).all()
    control[0, 4] = 1  # group 1 at the same distance (one block) from (1, 5) as group 5
    assert turf(control, 1)[1, 5] == 5  # at equal distance the higher code
    assert turf(control, 3)[0, 3] == 1  # group 1 one block away is nearer than group 2 (three)
    assert turf(control, 3)[0, 2] == 2  # two blocks from both: the higher code


def running_box(a, radius):
    """box_sum as running sums along each axis, one after the other (the bits box_sum keeps)."""
    k = 2 * radius + 1
    w, h = a.shape
    pad = np.zeros((w + k, h))
    pad[radius + 1 : radius + 1 + w] = a
    c = np.cumsum(pad, axis=0)
    pad = np.zeros((w, h + k))
    pad[:, radius + 1 : radius + 1 + h] = c[k:] - c[:-k]
    c = np.cumsum(pad, axis=1)
    return c[:, k:] - c[:, :-k]


def test_box_sum_of_floats_is_running_sums_to_the_bit():
    rng = np.random.default_rng(4)
    for shape in [(1, 1), (6, 9), (9, 6), (7, 7), (12, 5)]:
        for a in (rng.random(shape) * 1e4, rng.normal(size=shape).astype(np.float32)):
            for radius in (0, 1, 2, 5):
                got = box_sum(a, radius)
                assert got.tobytes() == running_box(a, radius).tobytes() and got.flags.c_contiguous


def naive_turf(control, reach):
    w, h = control.shape
    out = control.copy()
    held = np.argwhere(control >= 0)
    for x in range(w):
        for y in range(h):
            if control[x, y] >= 0 or len(held) == 0:
                continue
            d = np.maximum(np.abs(held[:, 0] - x), np.abs(held[:, 1] - y))
            if d.min() <= reach:
                out[x, y] = control[tuple(held[d == d.min()].T)].max()
    return out


def test_turf_matches_the_nearest_holder_block_by_block_and_each_answer_is_the_callers_own():
    rng = np.random.default_rng(5)
    for _ in range(30):
        shape = (int(rng.integers(1, 12)), int(rng.integers(1, 12)))
        control = np.where(rng.random(shape) < 0.1, rng.integers(0, 40, shape), -1)
        for reach in (1, 2, 4):
            first = turf(control, reach)
            assert (first == naive_turf(control, reach)).all()
            first[...] = 7  # a caller writing to its answer does not change the next one
            assert (turf(control, reach) == naive_turf(control, reach)).all()


def test_next_to_marks_each_block_and_its_neighbours_on_the_grid():
    shape = (5, 4)
    blocks, inside = within_reach(shape, 1)
    rng = np.random.default_rng(6)
    for _ in range(20):
        own = np.flatnonzero(rng.random(20) < 0.2)
        expected = np.zeros(20, dtype=bool)
        expected[blocks[own][inside[own]]] = True
        assert (next_to(own, shape) == expected).all()


def test_held_codes_are_the_layers_codes_read_flat_whatever_their_size():
    for top in (5, 2**15 - 2, 2**15, 2**40):
        control = np.array([[-1, 0, top], [3, -1, 1]])
        codes, held = held_codes(control)
        assert codes.tolist() == control.ravel().tolist()
        assert held.tolist() == (control.ravel() >= 0).tolist()
    assert held_codes(np.zeros((0, 3), dtype=np.int64))[0].shape == (0,)


def test_group_codes_are_made_small_only_where_they_fit():
    codes = np.array([-1, 0, 7, 32_766], dtype=np.int64)
    small = small_codes(codes)
    assert small.dtype == np.int16 and small.tolist() == codes.tolist()
    large = np.array([-1, 32_767], dtype=np.int64)  # int16 holds 32,767, but the check leaves it free
    assert small_codes(large).dtype == np.int64 and small_codes(large).tolist() == [-1, 32_767]
    assert small_codes(np.empty(0, dtype=np.int64)).dtype == np.int16
