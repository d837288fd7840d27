"""Draws in proportion to weights, made as numpy's ``Generator.choice`` makes them, set up once.

Some rules draw again and again from one set of weights in a week: every hot-spot patrol
from the same map, every victim of a block from the same people. ``rng.choice(n, p=...)``
checks and sums the weights at each call, which costs more than the draw itself on small
pools and as much again on large maps. :class:`WeightedDraw` does that work once and then
draws exactly as ``choice`` does (the normalised cumulative sum, searched with uniform
numbers from the same generator), so a run is the same to the last bit, and so is the
generator's state after it. :func:`poisson_where_nonzero` likewise draws counts only where
their rate is not zero, as numpy would have drawn them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WeightedDraw", "poisson_where_nonzero"]


class WeightedDraw:
    """Indices drawn with chance proportional to ``weight`` (non-negative, with a positive sum).

    Args:
        weight: One weight per index.

    Raises:
        ValueError: If a weight is negative or not finite, or they sum to 0 (as ``choice``).
    """

    def __init__(self, weight: np.ndarray) -> None:
        total = weight.sum()
        if not np.isfinite(total) or total <= 0 or weight.min() < 0:
            raise ValueError(
                f"weights must be finite, at least 0 and not all 0; sum {total}, least {weight.min()}"
            )
        # As choice: the chances in float64 (whatever the weights' type), summed, and the
        # sum made to end at exactly 1.
        p = np.asarray(weight / total, dtype=np.float64)
        self.cdf = p.cumsum()
        self.cdf /= self.cdf[-1]

    def one(self, rng: np.random.Generator) -> int:
        """One index: ``rng.choice(len(weight), p=weight / weight.sum())``."""
        return int(self.cdf.searchsorted(rng.random(), side="right"))

    def many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` indices, with replacement: ``rng.choice(len(weight), size, p=weight / weight.sum())``."""
        return self.at(rng.random(size))

    def at(self, uniform: np.ndarray) -> np.ndarray:
        """The indices ``many`` makes of its uniform draws ``uniform`` (any shape)."""
        return self.cdf.searchsorted(uniform, side="right").astype(np.int64, copy=False)


def poisson_where_nonzero(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``rng.poisson(rate)`` (flat), drawn only where the rate is not zero (most blocks, most weeks).

    The same draws in the same order, and the same generator after them: numpy makes none for
    a zero rate. A negative or NaN rate is not zero, so it still raises.
    """
    counts = np.zeros(rate.shape, dtype=np.int64)
    some = np.flatnonzero(rate != 0)  # != 0: flatnonzero of numbers is ~3x slower than of a mask
    counts[some] = rng.poisson(rate[some])
    return counts
