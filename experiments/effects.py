"""The numbers of a comparison: means with confidence intervals, paired differences, effect sizes.

Every number is computed from the per-replicate means over the policy period (weeks 0 and
after), so a replicate counts once whatever the horizon. Differences against the baseline
are paired by replicate: replicate *i* of every scenario shares its seed (common random
numbers), which is what makes small differences detectable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "KEY_OUTCOMES",
    "against_baseline",
    "hedges_g",
    "per_replicate",
    "sentence",
    "settling",
    "summarise",
    "vargha_delaney",
]

#: Outcomes every report shows: (name, how to say it).
KEY_OUTCOMES: dict[str, str] = {
    "homicide_rate": "homicides per 100,000 a year",
    "sellers": "sellers",
    "recruits": "recruits a week",
    "arrests": "arrests a week",
    "prisoners_sentenced": "sentenced prisoners",
    "prison_occupancy_pct": "prison occupancy (%)",
    "children_parent_in_prison": "children with a parent in prison",
    "poverty_rate": "poverty rate",
    "mean_trust": "trust in the state",
    "police_violence": "incidents of police force a week",
    "enforcement_cost": "enforcement cost (USD a week)",
    "programme_spending": "programme spending (USD a week)",
}


def per_replicate(table: pd.DataFrame, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Mean of each outcome over the policy period, one row per scenario, replicate and outcome."""
    period = table[table.week >= 0]
    if outcomes is not None:
        period = period[period.outcome.isin(outcomes)]
    means = period.groupby(["scenario", "replicate", "outcome"], observed=True).value.mean()
    return means.reset_index()


def _interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return values.mean() - half, values.mean() + half


def summarise(means: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and outcome: replicates, mean, sd and 95% confidence interval of the mean."""
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
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Hedges' g of ``a`` against ``b``: the standardised mean difference, small-sample corrected."""
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return np.nan
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return 0.0 if a.mean() == b.mean() else float(np.sign(a.mean() - b.mean()) * np.inf)
    return float((a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9)))


def vargha_delaney(a: np.ndarray, b: np.ndarray) -> float:
    """Vargha-Delaney A12: the chance that a replicate of ``a`` exceeds one of ``b`` (ties half)."""
    greater = (a[:, None] > b[None, :]).sum()
    ties = (a[:, None] == b[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(a) * len(b)))


def against_baseline(means: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each scenario against the baseline, paired by replicate, outcome by outcome.

    Returns:
        One row per (scenario, outcome): ``n`` pairs, ``baseline`` mean, mean ``difference``
        with its 95% CI, the same ``relative`` to the baseline mean (``rel_low``,
        ``rel_high``), ``hedges_g``, ``a12`` and a plain-language ``sentence``.
    """
    wide = means.pivot_table(
        index=["outcome", "replicate"], columns="scenario", values="value", observed=True
    )
    rows = []
    for scenario in wide.columns:
        if scenario == baseline:
            continue
        for outcome, group in wide[[baseline, scenario]].dropna().groupby(level="outcome", observed=True):
            base, other = group[baseline].to_numpy(float), group[scenario].to_numpy(float)
            diff = other - base
            low, high = _interval(diff)
            level = base.mean()
            scale = abs(level) if level != 0 else np.nan
            rel, rel_low, rel_high = diff.mean() / scale, low / scale, high / scale
            said = sentence(outcome, rel, rel_low, rel_high, baseline)
            if not np.isfinite(rel):  # nothing to be relative to: say it in the outcome's units
                said = _absolute_sentence(outcome, diff.mean(), low, high, baseline)
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome,
                    "n": len(diff),
                    "baseline": level,
                    "mean": other.mean(),
                    "difference": diff.mean(),
                    "ci_low": low,
                    "ci_high": high,
                    "relative": rel,
                    "rel_low": rel_low,
                    "rel_high": rel_high,
                    "hedges_g": hedges_g(other, base),
                    "a12": vargha_delaney(other, base),
                    "sentence": said,
                }
            )
    return pd.DataFrame(rows, columns=_VERSUS_COLUMNS)


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
    "hedges_g",
    "a12",
    "sentence",
]


def sentence(outcome: str, relative: float, low: float, high: float, baseline: str = "baseline") -> str:
    """One line a policy team can read: "homicides: 18% lower than baseline (95% CI -25% to -11%)".

    The interval is of the relative difference, signed, so that it reads the same way
    whichever direction the change goes.
    """
    name = KEY_OUTCOMES.get(outcome, outcome.replace("_", " "))
    if not np.isfinite(relative):
        return f"{name}: the baseline is 0, so there is no relative change to report"
    if round(abs(relative) * 100) == 0:
        size, direction = "", "about the same as"
    else:
        size, direction = f"{abs(relative):.0%} ", "higher than" if relative > 0 else "lower than"
    if np.isnan(low):
        return f"{name}: {size}{direction} {baseline} (one pair of runs: no confidence interval)"
    ci = f"95% CI {low:+.0%} to {high:+.0%}"
    if low <= 0 <= high:
        ci += ", not distinguishable from no change"
    return f"{name}: {size}{direction} {baseline} ({ci})"


def _absolute_sentence(outcome: str, difference: float, low: float, high: float, baseline: str) -> str:
    name = KEY_OUTCOMES.get(outcome, outcome.replace("_", " "))
    ci = (
        "one pair of runs: no confidence interval"
        if np.isnan(low)
        else f"95% CI {_signed(low)} to {_signed(high)}"
    )
    return f"{name}: {_signed(difference)} against 0 in {baseline} ({ci})"


def _signed(x: float) -> str:
    return f"{x:+,.0f}" if abs(x) >= 100 else f"{x:+.3g}"


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
            half = stats.t.ppf(0.975, k - 1) * cv / np.sqrt(k)
            rows.append({"scenario": scenario, "outcome": outcome, "k": k, "cv": cv, "half": half})
    table = pd.DataFrame(rows, columns=["scenario", "outcome", "k", "cv", "half"])
    last = table.groupby(["scenario", "outcome"], sort=False).half.transform("last")
    table["settled"] = last <= tolerance
    return table
