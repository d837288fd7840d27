"""Which uncertain assumptions move an outcome, or the difference two policies make.

An exploration's runs become one number per policy, point and outcome: the mean over the
policy period, averaged over the point's seeds. A *target* is either an outcome's level
under one policy or the paired difference between two policies at each point (the same
seeds, so chance mostly cancels). SALib gives each parameter's indices for a target:
Morris's mu* (mean absolute elementary effect) and sigma (how much that effect changes with
the other parameters), or Sobol's first-order (S1) and total (ST) indices, each with a
bootstrap interval.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from barrio.experiments.batch import ResultsError
from barrio.experiments.costs import SPENDING
from barrio.experiments.designs import Design

__all__ = [
    "DERIVED",
    "Target",
    "by_seed",
    "indices",
    "indices_and_pairs",
    "morris_noise",
    "outcomes_by_point",
    "pair_indices",
    "seed_noise",
    "sobol_noise",
    "step_ratios",
    "targets",
]

#: Outcomes made by adding the model's own: young recruits (12 to 24), everyone in prison, and
#: what the state spends a week.
DERIVED: dict[str, tuple[str, ...]] = {
    "young_recruits": tuple(f"recruits_{s}_{a}" for s in ("male", "female") for a in ("12_17", "18_24")),
    "prisoners": ("prisoners_sentenced", "prisoners_pretrial"),
    "public_spending": SPENDING,
}

#: Bootstrap resamples of every interval (SALib's default is 100).
RESAMPLES = 200

#: (policy, against, outcome): ``against`` is None for a level.
Target = tuple[str, str | None, str]


def by_seed(means: pd.DataFrame, runs: Mapping[str, tuple[str, int]], outcomes: list[str]) -> pd.DataFrame:
    """One row per policy, point, seed and outcome: the run's mean over the policy period.

    Args:
        means: Per run and outcome, the mean over the policy period
            (:func:`experiments.effects.per_replicate`).
        runs: Each run's scenario name -> (policy, point).
        outcomes: Outcomes wanted, the model's own or :data:`DERIVED`.

    Returns:
        Columns ``policy, point, replicate, outcome, value``; a derived outcome is the sum of its
        parts. A replicate is the same seed under every policy at a point.

    Raises:
        ResultsError: If a run lacks some of a derived outcome's parts.
    """
    frame = means.copy()
    frame["outcome"] = frame["outcome"].astype(str)
    parts = []
    for outcome in outcomes:
        pieces = DERIVED.get(outcome, (outcome,))
        chosen = frame[frame.outcome.isin(pieces)]
        grouped = chosen.groupby(["scenario", "replicate"], observed=True)
        kinds = grouped.outcome.nunique()
        if (kinds < len(pieces)).any():
            # A sum of some of its parts would pass for the whole (runs of a version that
            # recorded fewer of them).
            short = sorted({str(name) for name, _ in kinds.index[kinds < len(pieces)]})
            raise ResultsError(
                f"{len(short)} run(s) lack some of the outcomes {outcome} adds up ({', '.join(pieces)}): "
                f"{', '.join(short[:5])}{' ...' if len(short) > 5 else ''}"
            )
        parts.append(grouped.value.sum().reset_index().assign(outcome=outcome))
    table = pd.concat(parts, ignore_index=True)
    where = table["scenario"].map(runs)
    table["policy"] = where.str[0]
    table["point"] = where.str[1]
    return table[["policy", "point", "replicate", "outcome", "value"]]


def outcomes_by_point(seeds: pd.DataFrame, points: int) -> pd.DataFrame:
    """One row per policy, point and outcome: the mean over the point's seeds (:func:`by_seed`).

    Returns:
        Columns ``policy, point, outcome, value, seeds``.
    """
    grouped = seeds.groupby(["policy", "point", "outcome"], observed=True).value
    out = pd.concat([grouped.mean().rename("value"), grouped.size().rename("seeds")], axis=1).reset_index()
    return out[(out.point >= 0) & (out.point < points)]


def seed_noise(
    design: Design,
    seeds: pd.DataFrame,
    policies: list[str],
    differences: list[tuple[str, str]],
    points: np.ndarray,
) -> pd.DataFrame:
    """Each parameter's noise floor for each target: the index the seeds alone would give it.

    :func:`morris_noise` for a Morris design, :func:`sobol_noise` for a Sobol one; empty for
    another design.

    Args:
        design: The design.
        seeds: Per policy, point, seed and outcome (:func:`by_seed`).
        policies: The policies (their levels are targets).
        differences: The (policy, against) pairs.
        points: The finished points.

    Returns:
        One row per target and parameter: ``policy, against, outcome, parameter, noise``.
    """
    if design.method == "morris":
        return morris_noise(design, seeds, policies, differences, points)
    if design.method == "sobol":
        return sobol_noise(design, seeds, policies, differences, points)
    return pd.DataFrame(columns=NOISE_COLUMNS)


NOISE_COLUMNS = ["policy", "against", "outcome", "parameter", "noise"]


def _per_seed(
    seeds: pd.DataFrame, policies: list[str], differences: list[tuple[str, str]]
) -> Iterator[tuple[str, str | None, str, pd.DataFrame]]:
    """Each policy's level and each paired difference, per outcome: a table of point by seed."""
    wide = seeds.pivot_table(index="point", columns=["policy", "outcome", "replicate"], values="value")
    for outcome in dict.fromkeys(seeds.outcome):
        for policy, against in [(policy, None) for policy in policies] + list(differences):
            if (policy, outcome) not in wide.columns or (against and (against, outcome) not in wide.columns):
                continue
            yield (
                policy,
                against,
                outcome,
                wide[(policy, outcome)] - (wide[(against, outcome)] if against else 0.0),
            )


def morris_noise(
    design: Design,
    seeds: pd.DataFrame,
    policies: list[str],
    differences: list[tuple[str, str]],
    points: np.ndarray,
) -> pd.DataFrame:
    """Each parameter's noise floor for each target of a Morris design: the mu* the seeds alone would give it.

    The runs at every point share their seeds, so a step's noise is that of its change seed by
    seed, not of two points' independent errors: a step that leaves the runs' random course alone
    (a parameter the model ignores) has none. Each step's elementary effect is taken seed by seed
    (the change over the step, times :func:`step_ratios`, as the indices take it from the seeds'
    mean); its standard error is their spread over the root of their number; and a parameter
    whose steps change nothing on average would show a mean absolute effect of sqrt(2 / pi)
    times that, root mean square over its steps in the finished trajectories.

    Arguments as :func:`seed_noise`; only whole trajectories of the finished points count.
    Empty for another design, with fewer than two seeds, or before a trajectory is finished.
    """
    if design.method != "morris":
        return pd.DataFrame(columns=NOISE_COLUMNS)
    finished, rows = design.finished_trajectories(points)
    dims, length = len(design.names), len(design.names) + 1
    done = seeds[seeds.point.isin(rows)]
    replicates = done.replicate.nunique()
    if finished.n == 0 or replicates < 2:
        return pd.DataFrame(columns=NOISE_COLUMNS)
    moved = np.argmax(np.diff(finished.values.reshape(finished.n, length, dims), axis=1) != 0, axis=2)
    scale = step_ratios(finished) / (design.levels / (2 * (design.levels - 1)))
    out = []
    for policy, against, outcome, value in _per_seed(done, policies, differences):
        table = value.reindex(rows).to_numpy(float)
        if table.shape[1] != replicates:  # a policy with other seeds than the rest: no floor
            continue
        per_seed = table.reshape(finished.n, length, replicates)
        effects = np.diff(per_seed, axis=1)  # (trajectory, step, seed); divided by the step in scale
        squared = (effects.std(axis=2, ddof=1) / np.sqrt(replicates)) ** 2
        total = np.zeros(dims)
        np.add.at(total, moved, squared)  # each parameter moves once a trajectory
        noise = np.sqrt(2 / np.pi) * np.sqrt(total / finished.n) * scale
        out += [
            (policy, against, outcome, name, float(n)) for name, n in zip(design.names, noise, strict=True)
        ]
    return pd.DataFrame(out, columns=NOISE_COLUMNS)


def sobol_noise(
    design: Design,
    seeds: pd.DataFrame,
    policies: list[str],
    differences: list[tuple[str, str]],
    points: np.ndarray,
) -> pd.DataFrame:
    """Each parameter's noise floor for each target of a Sobol design: the ST the seeds alone would give it.

    The total-order index (Jansen's, as SALib computes it) is the mean squared change between a
    base sample and its variant with the parameter taken from the second sample, over twice the
    variance. A point's value is the mean of its seeds, so each squared change carries the
    variance of that mean's change too: seed by seed, the spread of the change over the root of
    the seeds' number, squared. Seeds are shared by every point, so a parameter whose change
    moves every seed's outcome alike (one the outcome ignores, or that adds a fixed amount) has
    none; one that changes the runs' random course shows about this much ST even if it changes
    nothing on average, and so does a price on spending, since it multiplies quantities that
    differ from seed to seed. First-order indices carry less of it: where the parameter alone
    shapes the runs' course, up to as much; where many shape it together, almost none.

    Arguments as :func:`seed_noise`; every point must be finished. Empty for another design,
    with fewer than two seeds, or before every point is finished; a target missing a seed's
    value somewhere has none.
    """
    values = len(design.values)
    if design.method != "sobol" or len(np.intersect1d(points, np.arange(values))) < values:
        return pd.DataFrame(columns=NOISE_COLUMNS)
    dims = len(design.names)
    step = 2 * dims + 2 if design.second_order else dims + 2  # SALib's layout: A, AB_1..AB_D, (BA..), B
    out = []
    for policy, against, outcome, value in _per_seed(seeds, policies, differences):
        table = value.reindex(range(values)).to_numpy(float)
        replicates = table.shape[1]
        if replicates < 2 or not np.isfinite(table).all():
            continue
        per_seed = table.reshape(-1, step, replicates)
        means = per_seed.mean(axis=2)
        variance = np.var(np.r_[means[:, 0], means[:, step - 1]])
        changes = per_seed[:, :1, :] - per_seed[:, 1 : dims + 1, :]  # (base sample, parameter, seed)
        squared = changes.var(axis=2, ddof=1) / replicates
        noise = squared.mean(axis=0) / (2 * variance) if variance > 0 else np.zeros(dims)
        out += [
            (policy, against, outcome, name, float(n)) for name, n in zip(design.names, noise, strict=True)
        ]
    return pd.DataFrame(out, columns=NOISE_COLUMNS)


def targets(
    by_point: pd.DataFrame, policies: list[str], differences: list[tuple[str, str]], points: int
) -> dict[Target, np.ndarray]:
    """Each policy's level and each paired difference, per outcome: one value per point (NaN if missing)."""
    if by_point.empty:
        return {}
    wide = by_point.pivot_table(index="point", columns=["policy", "outcome"], values="value").reindex(
        range(points)
    )
    found: dict[Target, np.ndarray] = {}
    outcomes = list(dict.fromkeys(by_point.outcome))
    for outcome in outcomes:
        for policy in policies:
            found[(policy, None, outcome)] = _column(wide, policy, outcome, points)
        for policy, against in differences:
            found[(policy, against, outcome)] = _column(wide, policy, outcome, points) - _column(
                wide, against, outcome, points
            )
    return found


def _column(wide: pd.DataFrame, policy: str, outcome: str, points: int) -> np.ndarray:
    if (policy, outcome) in wide.columns:
        return wide[(policy, outcome)].to_numpy(float)
    return np.full(points, np.nan)


def indices(design: Design, found: Mapping[Target, np.ndarray], conf_level: float = 0.95) -> pd.DataFrame:
    """Each parameter's indices for each target, ranked within the target.

    A target missing a point (a run that failed or has not finished) has no indices: Morris
    and Sobol need every point of their design. A target that does not vary has zeros.

    Returns:
        One row per target and parameter: ``policy, against, outcome, parameter, rank`` and
        ``mu_star, mu_star_conf, sigma, mu`` (Morris) or ``S1, S1_conf, ST, ST_conf`` (Sobol).
        Empty for a Latin hypercube (it is for discovery and regret, not indices).
    """
    return indices_and_pairs(design, found, conf_level)[0]


def pair_indices(
    design: Design, found: Mapping[Target, np.ndarray], conf_level: float = 0.95
) -> pd.DataFrame:
    """Sobol's second-order indices: each pair's share of a target's variance beyond each alone.

    Empty unless the design is a Sobol one drawn with ``second_order`` (twice the points).

    Returns:
        One row per target and pair: ``policy, against, outcome, parameter, with, S2, S2_conf``,
        the largest first within each target; a target that does not vary has none.
    """
    return indices_and_pairs(design, found, conf_level)[1]


def indices_and_pairs(
    design: Design, found: Mapping[Target, np.ndarray], conf_level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`indices` and :func:`pair_indices` together, from one analysis of each target."""
    if design.method not in ("morris", "sobol"):
        return pd.DataFrame(), pd.DataFrame()
    names = list(design.names)
    rows, pairs = [], []
    for k, ((policy, against, outcome), y) in enumerate(found.items()):
        if np.isnan(y).any():
            continue
        result, s2 = _analyse(design, y, conf_level, seed=design.seed + k + 1)
        ranked = result.sort_values("ST" if design.method == "sobol" else "mu_star", ascending=False)
        ranked = ranked.assign(
            policy=policy, against=against, outcome=outcome, rank=range(1, len(ranked) + 1)
        )
        rows.append(ranked)
        if s2 is not None:
            found_pairs = [
                (policy, against, outcome, names[i], names[j], s2["S2"][i, j], s2["S2_conf"][i, j])
                for i, j in itertools.combinations(range(len(names)), 2)
            ]
            pairs += sorted(found_pairs, key=lambda row: -row[5])
    columns = ["policy", "against", "outcome", "parameter", "with", "S2", "S2_conf"]
    paired = pd.DataFrame(pairs, columns=columns) if design.second_order else pd.DataFrame()
    if not rows:
        return pd.DataFrame(), paired
    table = pd.concat(rows, ignore_index=True)
    first = ["policy", "against", "outcome", "rank", "parameter"]
    return table[first + [c for c in table.columns if c not in first]], paired


def step_ratios(design: Design) -> np.ndarray:
    """Per parameter of a Morris design: the step SALib divides by, over the step the model got.

    SALib divides each change in the output by the design's step (two thirds of the range at 4
    levels). The model gets whole-number parameters rounded, so their step is another: levels
    2, 3.33, 4.67 and 6 become 2, 3, 5 and 6, a step of 3 where SALib divides by 2.67, and the
    effect would read an eighth too large. Multiplying by these ratios divides by the step
    taken. It is exact where a parameter's steps all round alike (as they do at 4 levels on the shipped
    ranges); otherwise it uses their mean. 1 for every other parameter. A step that rounds to no
    change at all cannot be measured: NaN (an exploration file with such a range is refused).
    """
    dims = len(design.names)
    shape = (design.n, dims + 1, dims)
    nominal = np.diff(design.values.reshape(shape), axis=1)
    taken = np.diff(design.model_values().reshape(shape), axis=1)
    ratios = np.ones(dims)
    for j in np.flatnonzero((nominal != taken).any(axis=(0, 1))):
        moved = nominal[..., j] != 0
        steps, got = nominal[..., j][moved], taken[..., j][moved]
        ratios[j] = np.nan if (got == 0).any() else float(np.mean(steps / got))
    return ratios


def _analyse(
    design: Design, y: np.ndarray, conf_level: float, seed: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray] | None]:
    """SALib's indices of one target, one row per parameter, and its pair indices if it has them."""
    names = list(design.names)
    if np.ptp(y) == 0:
        columns = (
            ["mu_star", "mu_star_conf", "sigma", "mu"]
            if design.method == "morris"
            else ["S1", "S1_conf", "ST", "ST_conf"]
        )
        return pd.DataFrame({"parameter": names, **dict.fromkeys(columns, 0.0)}), None
    # SALib 1.6's sobol.analyze draws its bootstrap from an unseeded generator when seed is 0 ("if
    # seed:"), so the seed given is never 0.
    seed = seed or 1
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # A few points give intervals SALib warns about (a variance of zero in a resample); they are
        # reported as they are.
        warnings.simplefilter("ignore", RuntimeWarning)
        if design.method == "morris":
            got = morris_analyze.analyze(
                design.problem,
                design.values,
                y,
                num_resamples=RESAMPLES,
                conf_level=conf_level,
                num_levels=design.levels,
                seed=seed,
            )
            # Every elementary effect of a parameter is divided by the same step: scaling them all
            # scales the mean, the mean absolute value, the spread and the bootstrap interval alike.
            ratio = step_ratios(design)
            frame = pd.DataFrame(
                {
                    "parameter": names,
                    "mu_star": got["mu_star"] * ratio,
                    "mu_star_conf": got["mu_star_conf"] * ratio,
                    "sigma": got["sigma"] * ratio,
                    "mu": got["mu"] * ratio,
                }
            )
            return frame, None
        got = sobol_analyze.analyze(
            design.problem,
            y,
            calc_second_order=design.second_order,
            num_resamples=RESAMPLES,
            conf_level=conf_level,
            seed=seed,
        )
    frame = pd.DataFrame(
        {
            "parameter": names,
            "S1": got["S1"],
            "S1_conf": got["S1_conf"],
            "ST": got["ST"],
            "ST_conf": got["ST_conf"],
        }
    )
    return frame, ({"S2": got["S2"], "S2_conf": got["S2_conf"]} if design.second_order else None)
