"""Draws set up once, or made only where they can differ from 0, are the draws numpy makes."""

from __future__ import annotations

import numpy as np
import pytest

from barrio.model.draws import WeightedDraw, poisson_where_nonzero


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_weighted_draw_is_numpys_choice_to_the_last_bit(dtype):
    for seed in range(300):
        make = np.random.default_rng(seed)
        n = int(make.integers(1, 500))
        weight = (make.random(n) * make.choice([0.0, 0.3, 1.0, 7.0], n)).astype(dtype)
        weight[make.integers(n)] += 1.0  # a positive sum
        ours, numpys = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
        draw = WeightedDraw(weight)
        p = weight / weight.sum()
        assert draw.one(ours) == numpys.choice(n, p=p)
        many = draw.many(ours, 25)
        assert many.dtype == np.int64
        np.testing.assert_array_equal(many, numpys.choice(n, size=25, p=p))
        assert ours.bit_generator.state == numpys.bit_generator.state


def test_indices_come_in_proportion_to_their_weights():
    draw = WeightedDraw(np.array([1.0, 0.0, 3.0]))
    counts = np.bincount(draw.many(np.random.default_rng(5), 40_000), minlength=3)
    assert counts[1] == 0
    # 3/4 of the draws on the third index: a binomial check (sd about 87 in 40,000).
    assert abs(counts[2] - 30_000) < 450


def test_weights_that_are_no_chances_are_refused_as_numpy_refuses_them():
    for weight in ([1.0, -0.5], [0.0, 0.0], [1.0, np.nan], [np.inf, 1.0]):
        with pytest.raises(ValueError, match="weights must be finite"):
            WeightedDraw(np.array(weight))


def test_incidents_drawn_only_where_the_rate_is_not_zero_are_the_draws_of_every_block():
    rate = np.zeros(500)
    rate[::7] = np.linspace(0.01, 30.0, len(rate[::7]))  # both of numpy's Poisson methods
    rate[3] = -0.0
    mine, numpys = np.random.default_rng(11), np.random.default_rng(11)
    counts = poisson_where_nonzero(rate, mine)
    expected = numpys.poisson(rate)
    assert counts.dtype == expected.dtype and np.array_equal(counts, expected)
    assert mine.random() == numpys.random()  # the generators stand at the same draw
    with pytest.raises(ValueError):
        poisson_where_nonzero(np.array([0.0, -1.0]), mine)
