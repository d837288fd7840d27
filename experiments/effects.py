"""The numbers of a comparison: means with confidence intervals, paired differences, effect sizes.

Every number is computed from the per-replicate means over the policy period (weeks 0 and
after), so a replicate counts once whatever the horizon. Differences against the baseline
are paired by replicate: replicate *i* of every scenario shares its seed (common random
numbers), which is what makes small differences detectable.

A relative change is the ratio of the two means less one. Its interval is taken on the log of
that ratio, from the paired replicates (the delta method: the log ratio's standard error is
that of the mean of ``policy_i / policy mean - baseline_i / baseline mean``, with a t
quantile), so it can never reach below -100%, which a change's interval divided by a fixed
baseline mean could.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from barrio.experiments.vocabulary import outcome_name, scenario_title
from barrio.experiments.wording import number, percent, say, signed
from barrio.model.outcomes import SEXES, sex_and_age_names
from barrio.model.population import AGE_BANDS

__all__ = [
    "COUNTS",
    "DERIVED",
    "GOOD_DIRECTION",
    "HEADLINE",
    "KEY_OUTCOMES",
    "PER_YEAR",
    "against_baseline",
    "change_text",
    "change_with_interval",
    "derive",
    "interval_text",
    "judged",
    "log_ratio_interval",
    "paired_d",
    "per_replicate",
    "percent_decimals",
    "rare_events",
    "relative_ci",
    "replicates_for",
    "sentence",
    "settling",
    "summarise",
    "too_few",
    "value_with_interval",
    "vargha_delaney",
    "with_interval",
]

#: Outcomes the report adds up from the model's, week by week: name -> the parts.
DERIVED: dict[str, tuple[str, ...]] = {
    "prisoners": ("prisoners_pretrial", "prisoners_sentenced"),
    "young_recruits": tuple(f"recruits_{sex}_{band}" for sex in SEXES for band in ("12_17", "18_24")),
    "women_prisoners": tuple(f"prisoners_female_{band}" for band, _, _ in AGE_BANDS),
    "total_cost": ("enforcement_cost", "programme_spending"),
}
#: Outcomes counted week by week that the report gives a year (the weekly mean x 52).
PER_YEAR = frozenset(
    {
        "recruits",
        "young_recruits",
        "arrests",
        "police_violence",
        "enforcement_cost",
        "programme_spending",
        "total_cost",
        *sex_and_age_names("arrests"),
    }
)
#: The brief's outcomes, in its order: what a minister asks about first.
HEADLINE = (
    "homicide_rate",
    "young_recruits",
    "prisoners",
    "prison_occupancy_pct",
    "women_prisoners",
    "children_parent_in_prison",
    "mean_trust",
    "total_cost",
)
#: Outcomes every report shows, the headline first.
KEY_OUTCOMES = (
    *HEADLINE,
    "sellers",
    "recruits",
    "arrests",
    "prisoners_sentenced",
    "poverty_rate",
    "police_violence",
    "enforcement_cost",
    "programme_spending",
)
#: Which way is better: -1 lower, +1 higher, 0 neither (more arrests are not good or bad in
#: themselves).
GOOD_DIRECTION: dict[str, int] = dict.fromkeys(KEY_OUTCOMES, -1) | {"mean_trust": 1, "arrests": 0}
#: The report's outcomes that are counts, and of what: ``events`` over the policy period (the
#: homicides behind the homicide rate, new sellers, arrests, uses of force) or ``people`` on an
#: average week (prisoners, sellers). name -> (the count in the results, its kind). A handful
#: of either gives intervals of no width or none (2 against 3 in every run: "+50% (50% to 50%)").
COUNTS: dict[str, tuple[str, str]] = {
    "homicide_rate": ("homicides", "events"),
    "young_recruits": ("young_recruits", "events"),
    "recruits": ("recruits", "events"),
    "arrests": ("arrests", "events"),
    "police_violence": ("police_violence", "events"),
    "prisoners": ("prisoners", "people"),
    "prisoners_sentenced": ("prisoners_sentenced", "people"),
    "women_prisoners": ("women_prisoners", "people"),
    "children_parent_in_prison": ("children_parent_in_prison", "people"),
    "sellers": ("sellers", "people"),
}


def per_replicate(table: pd.DataFrame, outcomes: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Mean of each outcome over the policy period, one row per scenario, replicate and outcome."""
    period = table[table.week >= 0]
    if outcomes is not None:
        period = period[period.outcome.isin(outcomes)]
    means = period.groupby(["scenario", "replicate", "outcome"], observed=True).value.mean()
    return means.reset_index()


def derive(means: pd.DataFrame) -> pd.DataFrame:
    """The report's outcomes from :func:`per_replicate`'s: :data:`DERIVED` added, :data:`PER_YEAR` a year.

    The model's outcomes keep their weekly means; a derived outcome is the sum of its parts'
    means (the mean of a weekly sum), and those of :data:`PER_YEAR` are multiplied by 52.
    """
    keys = ["scenario", "replicate", "outcome"]
    base = means[~means.outcome.isin(list(DERIVED))].copy()
    base["outcome"] = base.outcome.astype(str)
    extra = []
    for name, parts in DERIVED.items():
        found = base[base.outcome.isin(parts)]
        if found.outcome.nunique() == len(parts):
            total = found.groupby(["scenario", "replicate"], observed=True).value.sum().reset_index()
            extra.append(total.assign(outcome=name))
    out = pd.concat([base, *extra], ignore_index=True)[[*keys, "value"]]
    yearly = out.outcome.isin(list(PER_YEAR))
    out.loc[yearly, "value"] = out.loc[yearly, "value"] * 52
    return out


def _t(n: int, level: float = 0.95) -> float:
    return float(stats.t.ppf(0.5 + level / 2, n - 1))


def _interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return np.nan, np.nan
    half = _t(n, level) * values.std(ddof=1) / np.sqrt(n)
    return values.mean() - half, values.mean() + half


def summarise(means: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and outcome: replicates, mean, sd and 95% confidence interval of the mean.

    The interval of an outcome that cannot be negative is cut at zero (the t interval of a
    few replicates would reach below it).
    """
    rows = []
    for (scenario, outcome), group in means.groupby(["scenario", "outcome"], observed=True, sort=False):
        v = group.value.to_numpy(float)
        low, high = _interval(v)
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "n": len(v),
                "mean": v.mean(),
                "sd": v.std(ddof=1) if len(v) > 1 else np.nan,
                "ci_low": max(low, 0.0) if (v >= 0).all() and np.isfinite(low) else low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows, columns=["scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"])


def value_with_interval(value: float, low: float, high: float, language: str = "en") -> str:
    """A value and its 95% interval as "value (low to high)"; without an interval, the value alone."""
    if not np.isfinite(low):  # one replicate: no interval to show
        return number(value, language)
    return say(
        "interval",
        language,
        mean=number(value, language),
        low=number(low, language),
        high=number(high, language),
    )


def with_interval(row: pd.Series, language: str = "en") -> str:
    """A :func:`summarise` row as "mean (low to high)"."""
    return value_with_interval(row["mean"], row["ci_low"], row["ci_high"], language)


def log_ratio_interval(
    base: np.ndarray, other: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """The relative change ``mean(other) / mean(base) - 1`` of paired replicates, with its interval.

    The interval is symmetric on the log of the ratio (delta method, t quantile with n - 1
    degrees of freedom), so its low end is above -100% whatever the data. Both means must be
    above zero.

    Returns:
        ``(relative, low, high)``; the interval is ``nan`` with fewer than two pairs.
    """
    mb, mo = float(base.mean()), float(other.mean())
    if mb <= 0 or mo <= 0:
        raise ValueError("a log ratio needs both means above zero")
    rel = mo / mb - 1
    n = len(base)
    if n < 2:
        return rel, np.nan, np.nan
    z = other / mo - base / mb
    half = _t(n, level) * z.std(ddof=1) / math.sqrt(n)
    return rel, math.exp(math.log(mo / mb) - half) - 1, math.exp(math.log(mo / mb) + half) - 1


def paired_d(diff: np.ndarray) -> float:
    """The paired standardised difference: mean difference over the sd of differences, corrected.

    Hedges' small-sample correction ``1 - 3 / (4 (n - 1) - 1)`` on Cohen's d_z. With seeds
    shared the differences vary little, so d_z is large where a small change is sure: it
    measures how sure, not how large.
    """
    n = len(diff)
    if n < 3:
        return np.nan
    sd = diff.std(ddof=1)
    if sd == 0:
        return 0.0 if diff.mean() == 0 else float(np.sign(diff.mean()) * np.inf)
    return float(diff.mean() / sd * (1 - 3 / (4 * (n - 1) - 1)))


def vargha_delaney(a: np.ndarray, b: np.ndarray) -> float:
    """Vargha-Delaney A12: the chance that a replicate of ``a`` exceeds one of ``b`` (ties half)."""
    greater = (a[:, None] > b[None, :]).sum()
    ties = (a[:, None] == b[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(a) * len(b)))


def against_baseline(means: pd.DataFrame, baseline: str, language: str = "en") -> pd.DataFrame:
    """Each scenario against the baseline, paired by replicate, outcome by outcome.

    An outcome that is zero in every run of both scenarios is left out: there is nothing to say.

    Returns:
        One row per (scenario, outcome): ``n`` pairs, ``baseline`` mean, mean ``difference``
        with its 95% CI, the ``relative`` change with its 95% CI on the log ratio
        (``rel_low``, ``rel_high``; ``nan`` when the baseline's mean is 0), ``paired_d``,
        ``a12``, ``verdict`` (``lower``, ``higher`` or ``unclear``) and a ``sentence`` in
        ``language``.
    """
    wide = means.pivot_table(
        index=["outcome", "replicate"], columns="scenario", values="value", observed=True
    )
    title = scenario_title(baseline, language)
    rows = []
    for scenario in wide.columns:
        if scenario == baseline:
            continue
        for outcome, group in wide[[baseline, scenario]].dropna().groupby(level="outcome", observed=True):
            base, other = group[baseline].to_numpy(float), group[scenario].to_numpy(float)
            if not base.any() and not other.any():
                continue
            diff = other - base
            low, high = _interval(diff)
            rel, rel_low, rel_high = _relative(base, other, low, high)
            # The verdict follows the interval the reader is shown: the relative one where there is one.
            shown_low, shown_high = (rel_low, rel_high) if np.isfinite(rel) else (low, high)
            verdict = "higher" if shown_low > 0 else "lower" if shown_high < 0 else "unclear"
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome,
                    "n": len(diff),
                    "baseline": base.mean(),
                    "mean": other.mean(),
                    "difference": diff.mean(),
                    "ci_low": low,
                    "ci_high": high,
                    "relative": rel,
                    "rel_low": rel_low,
                    "rel_high": rel_high,
                    "paired_d": paired_d(diff),
                    "a12": vargha_delaney(other, base),
                    "verdict": verdict,
                    "sentence": sentence(
                        outcome, rel, rel_low, rel_high, title, language, diff.mean(), low, high
                    ),
                }
            )
    return pd.DataFrame(rows, columns=_VERSUS_COLUMNS)


def _relative(base: np.ndarray, other: np.ndarray, low: float, high: float) -> tuple[float, float, float]:
    mb, mo = base.mean(), other.mean()
    if mb <= 0:
        return np.nan, np.nan, np.nan
    if mo > 0:
        return log_ratio_interval(base, other)
    # Zero in every run of the policy: -100%, and no log; the difference's upper end says how
    # far up it may be.
    return -1.0, -1.0, (max(high / mb, -1.0) if np.isfinite(high) else np.nan)


_VERSUS_COLUMNS = [
    "scenario",
    "outcome",
    "n",
    "baseline",
    "mean",
    "difference",
    "ci_low",
    "ci_high",
    "relative",
    "rel_low",
    "rel_high",
    "paired_d",
    "a12",
    "verdict",
    "sentence",
]


def sentence(
    outcome: str,
    relative: float,
    low: float,
    high: float,
    baseline: str = "baseline",
    language: str = "en",
    difference: float = np.nan,
    diff_low: float = np.nan,
    diff_high: float = np.nan,
) -> str:
    """One line a policy team can read: "Homicides (...): 18% lower than baseline (95% CI -25% to -11%)".

    A change whose interval reaches zero is not called a rise or a fall: the sentence says the
    runs cannot tell, with the estimate and its interval. Without a baseline level (0) the
    change is said in the outcome's units.
    """
    name = outcome_name(outcome, language)
    if not np.isfinite(relative):
        if not np.isfinite(difference):
            return say("sentence_no_level", language, name=name, baseline=baseline)
        return _absolute(name, difference, diff_low, diff_high, baseline, language)
    if np.isnan(low):
        return say(
            "sentence_one_pair", language, name=name, baseline=baseline, change=percent(relative, language)
        )
    decimals = percent_decimals(low, high)
    ci = relative_ci(low, high, language, decimals)
    if low <= 0 <= high:
        return say(
            "sentence_unclear",
            language,
            name=name,
            baseline=baseline,
            change=percent(relative, language, decimals=decimals),
            ci=ci,
        )
    key = "sentence_higher" if relative > 0 else "sentence_lower"
    size = percent(abs(relative), language, signed=False, decimals=decimals)
    if decimals == 0 and round(abs(relative) * 100) == 0:
        size = say("under_one_percent", language)
    return say(key, language, name=name, size=size, baseline=baseline, ci=ci)


def _absolute(name: str, difference: float, low: float, high: float, baseline: str, language: str) -> str:
    change = signed(difference, language)
    if np.isnan(low):
        return say("sentence_absolute_one", language, name=name, change=change, baseline=baseline)
    ci = say("ci", language, low=signed(low, language), high=signed(high, language))
    return say("sentence_absolute", language, name=name, change=change, baseline=baseline, ci=ci)


def rare_events(
    table: pd.DataFrame,
    population: int,
    precision: float = 0.2,
    counts: Mapping[str, tuple[str, str]] = COUNTS,
) -> pd.DataFrame:
    """Outcomes counted in events or people too few to pin down: how many runs, or residents, would be.

    An outcome of :data:`COUNTS` is flagged, per scenario, when its count over all replicates
    is below what a Poisson count needs for its 95% interval to be within ``precision`` of
    its level (``(1.96 / precision)^2``: 96 for +/-20%), or when it is the same in every
    replicate (a count that never varies shows no spread, so its interval has no width).
    Events are counted over the policy period; people on an average week (a rough count, as
    a person stays in a stock for weeks). An outcome that is 0 in every run of every scenario
    is left out, as the comparison leaves it out. Pooled over the replicates rather than per
    run: 20 runs of 6 homicides pin their mean down as well as 2 of 60 do.

    Args:
        table: The runs.
        population: Residents of a run (the baseline's), to say how many more would do.
        precision: The share of its level an outcome's 95% interval should be within.
        counts: The outcomes to look at, as :data:`COUNTS` gives them (shown -> source, kind).

    Returns:
        Rows ``scenario, outcome, kind`` (``events`` or ``people``), ``events`` (the mean
        count per replicate), ``replicates`` (now), ``needed_replicates`` and
        ``needed_population`` (either one is enough; at least twice now for a count that
        does not vary).
    """
    weeks = int(table.week.max()) + 1 if len(table) else 0
    needed_events = (1.96 / precision) ** 2
    sources = {source: (shown, kind) for shown, (source, kind) in counts.items()}
    parts = [part for source in sources for part in DERIVED.get(source, (source,))]
    counts = derive(per_replicate(table, parts))
    counts = counts[counts.outcome.isin(list(sources))]
    rows = []
    for outcome, of_outcome in counts.groupby("outcome", sort=False):
        if not of_outcome.value.any():
            continue
        shown, kind = sources[outcome]
        for scenario, group in of_outcome.groupby("scenario", sort=False):
            values = group.value.to_numpy(float)
            if kind == "events":
                values = values / (52 if outcome in PER_YEAR else 1) * weeks
            total = values.sum()
            steady = len(values) > 1 and np.ptp(values) == 0
            if total >= needed_events and not steady:
                continue
            factor = needed_events / max(total, 1.0)
            if steady:
                factor = max(factor, 2.0)
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": shown,
                    "kind": kind,
                    "events": values.mean(),
                    "replicates": len(values),
                    "needed_replicates": math.ceil(len(values) * factor),
                    "needed_population": int(math.ceil(population * factor / 1000) * 1000),
                }
            )
    columns = [
        "scenario",
        "outcome",
        "kind",
        "events",
        "replicates",
        "needed_replicates",
        "needed_population",
    ]
    return pd.DataFrame(rows, columns=columns)


#: The most decimals a percentage gets to show which side of no change it is on.
_MAX_DECIMALS = 3


def percent_decimals(*shares: float) -> int:
    """Decimals a row's percentages need so that none that is not 0 prints as 0%.

    A whole percent would print an interval's end of -0.3% as "0%", and "-1% (95% CI -2% to
    0%)" would read as reaching no change where the verdict says it does not: each end shows
    as many decimals as it takes to show its sign, the same for the whole row.
    """
    for decimals in range(_MAX_DECIMALS + 1):
        if all(not np.isfinite(x) or x == 0 or round(x * 100, decimals) != 0 for x in shares):
            return decimals
    return _MAX_DECIMALS


def relative_ci(low: float, high: float, language: str, decimals: int | None = None) -> str:
    """A relative change's interval ("95% CI -1.9% to -0.3%"), each end showing its sign."""
    if decimals is None:
        decimals = percent_decimals(low, high)
    return say(
        "ci",
        language,
        low=percent(low, language, decimals=decimals),
        high=percent(high, language, decimals=decimals),
    )


def change_text(row: Any, language: str) -> str:
    """A comparison row's change: relative unless the baseline is zero (``-26%``), else absolute (``+3``).

    A relative change has as many decimals as its interval needs (:func:`percent_decimals`).
    """
    if not np.isfinite(row.relative):
        return signed(row.difference, language)
    return percent(row.relative, language, decimals=percent_decimals(row.rel_low, row.rel_high))


def change_with_interval(row: Any, language: str) -> str:
    """A comparison row's change with its interval: "-1.1% (95% CI -1.9% to -0.3%)", "+3 (95% CI +1 to +5)".

    A row marked too few (:func:`too_few`) and one pair of runs get no interval, and say why.
    """
    change = change_text(row, language)
    if getattr(row, "too_few", False):  # its interval would claim a precision the count lacks
        return say("change_too_few", language, change=change)
    if not np.isfinite(row.ci_low):  # one pair of runs
        return say("change_one_pair", language, change=change)
    return f"{change} ({interval_text(row, language)})"


def interval_text(row: Any, language: str) -> str:
    """A comparison row's interval, the one its verdict follows: relative unless the baseline is zero."""
    if np.isfinite(row.relative):
        return relative_ci(row.rel_low, row.rel_high, language)
    return say("ci", language, low=signed(row.ci_low, language), high=signed(row.ci_high, language))


def judged(means: pd.DataFrame, baseline: str, rare: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Each scenario against the baseline, with a count too small to tell marked: the verdicts there are.

    :func:`against_baseline` then :func:`too_few`: what the report's tables, brief and chart,
    ``effects.csv``, ``Results.effects()`` and the cost per outcome averted all read, so that
    none of them claims a change another calls too few cases to tell.

    Args:
        means: Per-replicate means (:func:`derive`).
        baseline: The scenario compared with.
        rare: Rare counts of the same runs (:func:`rare_events`).
        language: Language of the sentences.
    """
    return too_few(against_baseline(means, baseline, language), rare, baseline, language)


def too_few(versus: pd.DataFrame, rare: pd.DataFrame, baseline: str, language: str = "en") -> pd.DataFrame:
    """The comparison with a count too small to tell marked, and no verdict or interval claimed for it.

    A row whose outcome :func:`rare_events` flags in the policy or in the baseline gets
    ``too_few`` true, the verdict ``unclear`` (its interval, of no width or from a handful of
    cases, does not show what chance could do) and a sentence that says so; the numbers stay.

    Args:
        versus: The comparison (:func:`against_baseline`).
        rare: Rare counts (:func:`rare_events`) of the same runs.
        baseline: The scenario compared with.
        language: Language of the sentences.
    """
    flagged = set(zip(rare.scenario, rare.outcome, strict=True))
    few = np.array(
        [
            (s, o) in flagged or (baseline, o) in flagged
            for s, o in zip(versus.scenario, versus.outcome, strict=True)
        ],
        dtype=bool,
    )
    out = versus.assign(too_few=few)
    out.loc[few, "verdict"] = "unclear"
    title = scenario_title(baseline, language)
    for i in out.index[few]:
        row = out.loc[i]
        out.loc[i, "sentence"] = say(
            "sentence_too_few",
            language,
            name=outcome_name(row.outcome, language),
            change=change_text(row, language),
            baseline=title,
        )
    return out


def settling(means: pd.DataFrame, tolerance: float = 0.10) -> pd.DataFrame:
    """Whether the replicates were enough, per scenario and outcome.

    For each number of replicates *k* = 2..n, the coefficient of variation (sd / |mean|) of
    the first *k* replicates, and ``half``: the half-width of the 95% confidence interval of
    their mean relative to the mean (the same t interval as :func:`summarise`). An outcome has
    settled when ``half`` with all replicates is at most ``tolerance``.

    Returns:
        Rows ``scenario, outcome, k, cv, half, settled`` (``settled`` is for the full n).
    """
    rows = []
    for (scenario, outcome), group in means.groupby(["scenario", "outcome"], observed=True, sort=False):
        v = group.sort_values("replicate").value.to_numpy(float)
        for k in range(2, len(v) + 1):
            first = v[:k]
            mean = abs(first.mean())
            cv = first.std(ddof=1) / mean if mean > 0 else (0.0 if first.std() == 0 else np.inf)
            half = _t(k) * cv / np.sqrt(k)
            rows.append({"scenario": scenario, "outcome": outcome, "k": k, "cv": cv, "half": half})
    table = pd.DataFrame(rows, columns=["scenario", "outcome", "k", "cv", "half"])
    last = table.groupby(["scenario", "outcome"], sort=False).half.transform("last")
    table["settled"] = last <= tolerance
    return table


def replicates_for(
    table: pd.DataFrame, precision: float, population: int, outcomes: tuple[str, ...] = HEADLINE
) -> int:
    """Replicates each scenario needs for the mean of each outcome to be known to ``precision``.

    Known to ``precision`` (0.1: +/-10%) means the half-width of the mean's 95% interval, over
    the mean, is at most ``precision``: from each outcome's coefficient of variation so far
    (``n >= (t cv / precision)^2``), and for rare events from their counts
    (:func:`rare_events`). At least 3, so that an interval can be had.

    Raises:
        ValueError: If ``precision`` is not between 0 and 1.
    """
    if not 0 < precision < 1:
        raise ValueError(
            f"the target precision must be a share between 0 and 1 (0.1 for +/-10%); got {precision}"
        )
    means = derive(per_replicate(table))
    key = means[means.outcome.isin(outcomes)]
    needed = 3
    for _, group in key.groupby(["scenario", "outcome"], sort=False):
        v = group.value.to_numpy(float)
        if len(v) < 2 or v.mean() <= 0:
            continue
        cv = v.std(ddof=1) / v.mean()
        needed = max(needed, math.ceil((_t(len(v)) * cv / precision) ** 2))
    # Events only: a stock's spread from run to run is its cv's, above; Poisson's rule for
    # events is what a handful of homicides needs.
    rare = rare_events(table, population, precision)
    rare = rare[rare.outcome.isin(outcomes) & (rare.kind == "events")]
    if not rare.empty:
        needed = max(needed, int(rare.needed_replicates.max()))
    return needed
