"""Where in the uncertainty space a policy fails, and which policy is least often wrong.

Scenario discovery (Bryant and Lempert 2010) marks the points where something of interest
happens (mano dura raised homicides against the baseline) and looks for simple regions of
the parameter space that hold most of them: PRIM's box (its *coverage* is the share of all
such cases inside it, its *density* the share of the points inside it that are such cases)
and a CART tree, both from the EMA Workbench's analysis package. Regret compares the
policies point by point: a policy's regret at a point is how much worse it does there than
the best policy at that point.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from barrio.experiments.wording import number

with warnings.catch_warnings():
    # ema_workbench 2.5.3 warns on import that ipyparallel (its cluster runner, unused here) is missing.
    warnings.simplefilter("ignore", UserWarning)
    from ema_workbench.analysis import cart, prim

__all__ = [
    "HIGHER_IS_BETTER",
    "Box",
    "Region",
    "case_leaves",
    "describe_box",
    "find_box",
    "fit_tree",
    "leaf_sentences",
    "regret",
]

#: Outcomes where more is better; for every other outcome less is better.
HIGHER_IS_BETTER = frozenset({"mean_trust", "school_enrolment", "mean_income", "economy_index"})


@dataclass(frozen=True)
class Region:
    """A region of the parameter space, and how well it describes the cases of interest.

    Attributes:
        limits: Parameter -> (low, high), only the parameters the region restricts; None on a
            side it leaves open.
        coverage: Share of all cases of interest that are in the region.
        density: Share of the points in the region that are cases of interest.
        mass: Share of all points that are in the region.
    """

    limits: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    mass: float


@dataclass(frozen=True)
class Box(Region):
    """PRIM's box: a region, and the peeling that found it.

    Attributes:
        trajectory: PRIM's peeling trajectory (coverage, density, mass, restricted dimensions).
        chosen: The step of the trajectory the box is.
    """

    trajectory: pd.DataFrame
    chosen: int


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Warnings of the EMA Workbench's own code under pandas 3, silenced.

    ema_workbench 2.5.3 calls ``DataFrame.drop(..., inplace=True)``, which pandas 3.1 deprecates
    ("The inplace keyword in DataFrame.drop is deprecated", Pandas4Warning); the result is right.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword")
        warnings.filterwarnings("ignore", category=FutureWarning, module="ema_workbench")
        yield


def find_box(x: pd.DataFrame, cases: np.ndarray, mass_min: float = 0.05) -> Box | None:
    """PRIM's first box around the cases of interest.

    PRIM peels the space into ever smaller, denser boxes; the one chosen from that trajectory
    is the one where coverage and density are best together (the highest harmonic mean of the
    two), the knee where peeling more loses more cases than it sheds others. The whole space
    (the trajectory's first step) is never chosen: where the cases are most points, describe
    the others instead (:func:`experiments.exploration.analyse` does).

    Args:
        x: One row per point, one column per parameter.
        cases: True where the point is a case of interest.
        mass_min: The smallest share of points a box may hold.

    Returns:
        The box, or None if no point or every point is a case (there is nothing to tell apart),
        or no box is denser in cases than the whole space.
    """
    cases = np.asarray(cases, dtype=bool)
    if not cases.any() or cases.all():
        return None
    with _quiet():
        # The threshold is PRIM's for accepting a box at all: any box denser than the cases overall.
        algorithm = prim.Prim(
            x.reset_index(drop=True), cases, threshold=float(cases.mean()), mass_min=mass_min
        )
        box = algorithm.find_box()
    if box is None:
        return None
    trajectory = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
    # Step 0 is the whole space, which describes nothing, yet where cases are most of the points
    # its balance (2p / (1 + p) at a share p of cases) beats every peeled box's; and a step no
    # denser than the cases overall (ema_workbench 2.5.3 returns such a "dump box" when no box
    # meets the threshold) describes nothing either.
    peeled = trajectory[
        (trajectory.index > 0) & (trajectory.res_dim > 0) & (trajectory.density > cases.mean())
    ]
    if peeled.empty:
        return None
    balance = 2 * peeled.coverage * peeled.density / (peeled.coverage + peeled.density)
    chosen = int(balance.idxmax())
    limits_frame = box.box_lims[chosen]
    initial = algorithm.box_init
    limits = {}
    for name in limits_frame.columns:
        low, high = float(limits_frame.at[0, name]), float(limits_frame.at[1, name])
        cut_low, cut_high = low > initial.at[0, name], high < initial.at[1, name]
        if cut_low or cut_high:
            limits[str(name)] = (low if cut_low else None, high if cut_high else None)
    row = trajectory.loc[chosen]
    return Box(limits, float(row.coverage), float(row.density), float(row.mass), trajectory, chosen)


def fit_tree(x: pd.DataFrame, cases: np.ndarray, mass_min: float = 0.05) -> cart.CART | None:
    """A CART tree telling the cases of interest from the rest (None if there is nothing to tell apart).

    Each leaf holds at least ``mass_min`` of the points, and at least 5 of them.

    Its leaves are ``.boxes`` (limits) with ``.stats`` (coverage, density, mass); ``.clf`` is
    scikit-learn's tree, for drawing.
    """
    cases = np.asarray(cases, dtype=bool)
    if not cases.any() or cases.all():
        return None
    # A leaf holds at least 5 points, so that a small design's tree does not fit single points; this
    # also keeps ema_workbench 2.5.3 from passing int(mass_min * points) = 0 to scikit-learn as
    # min_samples_leaf, which it refuses ("must be an int in the range [1, inf)").
    mass_min = max(mass_min, min(5, len(x)) / len(x))
    with _quiet():
        tree = cart.CART(x.reset_index(drop=True), cases, mass_min=mass_min)
        # What CART.build_tree does (ema_workbench 2.5.3), with the tree's random state fixed:
        # scikit-learn shuffles the features at each split and breaks ties between equally good
        # splits by that order, which a design's points on a grid of levels can have, so an
        # unseeded tree (and the report's words about it) could change from one reading to the next.
        leaf = max(int(mass_min * len(x)), min(5, len(x)))  # int() alone can floor 5.0000 to 4
        tree.clf = DecisionTreeClassifier(min_samples_leaf=leaf, random_state=0)
        tree.clf.fit(tree._x, tree.y)
    return tree


def case_leaves(tree: cart.CART) -> list[Region]:
    """The tree's leaves where the cases are denser than over all points, the most cases first.

    A leaf is the region its branch marks out: each split above it bounds one parameter (the
    left branch takes the points at or below the split, the right one those above).
    """
    if tree.clf.tree_.node_count == 1:
        # A tree that never split has one leaf, all the points, where the cases are no denser;
        # ema_workbench 2.5.3's CART.boxes fails on it ("can only convert an array of size 1").
        return []
    x, y = tree.x, np.asarray(tree.y, dtype=bool)
    share = float(y.mean())
    regions = []
    with _quiet():
        leaves = list(zip(tree.boxes, tree.stats, strict=True))
    for limits_frame, stats in leaves:
        if stats["density"] <= share:
            continue
        limits = {}
        for name in limits_frame.columns:
            low, high = float(limits_frame.at[0, name]), float(limits_frame.at[1, name])
            cut_low, cut_high = low > x[name].min(), high < x[name].max()
            if cut_low or cut_high:
                limits[str(name)] = (low if cut_low else None, high if cut_high else None)
        regions.append(
            Region(limits, float(stats["coverage"]), float(stats["density"]), float(stats["mass"]))
        )
    return sorted(regions, key=lambda r: (-r.coverage, -r.density))


def leaf_sentences(tree: cart.CART, top: int = 3) -> list[str]:
    """CART's leaves where the cases gather most, in words: a second description beside PRIM's box."""
    leaves = case_leaves(tree)
    if not leaves:
        return ["A CART tree finds no leaf where those points are denser than over all points."]
    lines = ["A CART tree telling those points from the others; the leaves where they gather most:", ""]
    for leaf in leaves[:top]:
        lines.append(
            f"- {describe_box(leaf)}: {leaf.coverage:.0%} of those points (coverage), {leaf.density:.0%} of "
            f"the points there (density), {leaf.mass:.0%} of all points"
        )
    return lines


def describe_box(box: Region) -> str:
    """The region's limits in words.

    A PRIM box's limits are values of its points and hold them ("at least", "at most"); a CART
    leaf's are midway between two points' values, so it holds those above a lower limit and at
    or below an upper one ("above", "below").
    """
    closed = isinstance(box, Box)
    parts = []
    for name, (low, high) in box.limits.items():
        if low is not None and high is not None:
            parts.append(
                f"{name} {'from' if closed else 'between'} {number(low, 'en')} {'to' if closed else 'and'} "
                f"{number(high, 'en')}"
            )
        elif low is not None:
            parts.append(f"{name} {'at least' if closed else 'above'} {number(low, 'en')}")
        else:
            parts.append(f"{name} {'at most' if closed else 'below'} {number(high, 'en')}")
    return " and ".join(parts) if parts else "anywhere"


def regret(levels: pd.DataFrame) -> pd.DataFrame:
    """Each policy's regret over the points, per outcome.

    Args:
        levels: One row per policy, point and outcome with its ``value`` (experiments.sensitivity.
            outcomes_by_point); only points where every policy has a value count.

    Returns:
        One row per outcome and policy: ``best_share`` (share of points where no policy does better),
        ``mean_regret``, ``max_regret`` (how much worse than the best policy at a point, on average and
        at worst), ``points``.
    """
    rows = []
    for outcome, part in levels.groupby("outcome", observed=True, sort=False):
        wide = part.pivot_table(index="point", columns="policy", values="value").dropna()
        if wide.empty:
            continue
        sign = -1.0 if outcome in HIGHER_IS_BETTER else 1.0
        cost = sign * wide
        gap = cost.sub(cost.min(axis=1), axis=0)
        for policy in wide.columns:
            rows.append(
                {
                    "outcome": outcome,
                    "policy": policy,
                    "best_share": float((gap[policy] == 0).mean()),  # ties count as best for each
                    "mean_regret": float(gap[policy].mean()),
                    "max_regret": float(gap[policy].max()),
                    "points": len(wide),
                }
            )
    return pd.DataFrame(rows)
