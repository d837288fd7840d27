"""What a policy costs for what it achieves, comparing paired runs (the same seeds).

A single run cannot say what a programme achieved: that needs the same run without it.
These functions take a policy's runs and the counterfactual's, run on the same seeds, and
compare them over the policy period (weeks 0 and after): what the state spends a year and
over the period, in US dollars and in the context's currency, and what it spends for each
homicide, recruit of a young person and prisoner-year averted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from barrio.experiments.effects import judged

__all__ = [
    "AVERTED",
    "JUDGED_AS",
    "SPENDING",
    "Currency",
    "cost_effectiveness",
    "cost_per_recruit_averted",
    "costs",
    "currency",
    "fieller",
]

#: The outcomes that add up to what the state spends in a week.
SPENDING = ("enforcement_cost", "programme_spending")
#: What a policy may avert, and the yearly outcome (of :func:`experiments.effects.per_replicate`)
#: that counts it: homicides a year (the rate is per 100,000), young recruits a year, and
#: prisoners held (a prisoner held a year is a prisoner-year).
AVERTED = {"homicides": "homicides", "young_recruits": "young_recruits", "prisoner_years": "prisoners"}
#: The report's outcome whose verdict says whether each is averted: the same counts, so the
#: cost table never claims what the tables of each policy against the baseline do not.
JUDGED_AS = {"homicides": "homicide_rate", "young_recruits": "young_recruits", "prisoner_years": "prisoners"}


@dataclass(frozen=True)
class Currency:
    """A context's currency: its code, local units per US dollar, the rate's year and source."""

    code: str
    rate: float
    year: int
    source: str


@cache
def _currencies() -> dict[str, Currency]:
    text = resources.files("barrio.model").joinpath("data/currencies.yaml").read_text(encoding="utf-8")
    return {
        key: Currency(
            code=entry["currency"], rate=float(entry["rate"]), year=int(entry["year"]), source=entry["source"]
        )
        for key, entry in yaml.safe_load(text).items()
    }


def currency(context: str) -> Currency:
    """The currency of a country context (a key of ``model/data/contexts.yaml``).

    Raises:
        KeyError: If ``model/data/currencies.yaml`` has no entry for it.
    """
    table = _currencies()
    if context not in table:
        raise KeyError(
            f"model/data/currencies.yaml: no currency for the context '{context}'; it has "
            f"{', '.join(sorted(table))}"
        )
    return table[context]


def _t(n: int) -> float:
    return float(stats.t.ppf(0.975, n - 1))


def costs(means: pd.DataFrame, years: float, money: Currency) -> pd.DataFrame:
    """What each scenario spends a year and over the policy period, with 95% intervals.

    Args:
        means: Per-replicate means with ``total_cost``, ``enforcement_cost`` and
            ``programme_spending`` a year (:func:`experiments.effects.per_replicate`).
        years: Length of the policy period.
        money: The context's currency.

    Returns:
        One row per scenario and spending outcome: ``per_year`` (USD) with ``low``,
        ``high``, ``period`` (USD over the policy period) and the same in the local
        currency (``per_year_local``, ``period_local``).
    """
    rows = []
    wanted = means[means.outcome.isin(["total_cost", *SPENDING])]
    for (scenario, outcome), group in wanted.groupby(["scenario", "outcome"], sort=False):
        v = group.value.to_numpy(float)
        mean = v.mean()
        half = _t(len(v)) * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else np.nan
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "per_year": mean,
                "low": max(mean - half, 0.0),
                "high": mean + half,
                "period": mean * years,
                "per_year_local": mean * money.rate,
                "period_local": mean * years * money.rate,
                "currency": money.code,
            }
        )
    return pd.DataFrame(rows)


def fieller(cost: np.ndarray, averted: np.ndarray) -> tuple[float, float, float]:
    """The ratio of two paired means, ``mean(cost) / mean(averted)``, with Fieller's 95% interval.

    Fieller's interval is the set of ratios R for which ``mean(cost) - R mean(averted)`` is
    not distinguishable from zero (t test on the paired replicates); it is bounded only when
    ``averted`` is itself distinguishable from zero.

    Returns:
        ``(ratio, low, high)``; ``low`` and ``high`` are ``nan`` when unbounded or with fewer
        than two pairs.
    """
    a, b = float(cost.mean()), float(averted.mean())
    ratio = a / b if b != 0 else np.nan
    n = len(cost)
    if n < 2:
        return ratio, np.nan, np.nan
    t2 = _t(n) ** 2
    vaa, vbb = cost.var(ddof=1) / n, averted.var(ddof=1) / n
    vab = float(np.cov(cost, averted, ddof=1)[0, 1]) / n
    qa, qb, qc = b * b - t2 * vbb, a * b - t2 * vab, a * a - t2 * vaa
    disc = qb * qb - qa * qc
    if qa <= 0 or disc < 0:
        return ratio, np.nan, np.nan
    root = math.sqrt(disc)
    return ratio, (qb - root) / qa, (qb + root) / qa


def cost_effectiveness(
    means: pd.DataFrame, baseline: str, years: float, rare: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Extra spending per homicide, young recruit and prisoner-year averted, against the baseline.

    Over the policy period, paired by replicate: the extra cost is the difference in total
    spending; what is averted is the baseline's count less the policy's (homicides as the
    ``homicides`` weekly count, young recruits a year, prisoner-years from prisoners held).
    Whether the policy averts it is the verdict on the change in that count, as
    :func:`experiments.effects.judged` gives it for the outcome of :data:`JUDGED_AS`.

    Args:
        means: Per-replicate means (:func:`experiments.effects.per_replicate`), with
            ``total_cost``, ``homicides``, ``young_recruits`` and ``prisoners``.
        baseline: The counterfactual scenario.
        years: Length of the policy period.
        rare: Rare counts of the same runs (:func:`experiments.effects.rare_events`); none
            marked if not given.

    Returns:
        One row per policy and averted outcome: ``extra_cost`` (USD over the period),
        ``averted`` with ``averted_low``/``averted_high`` (the paired difference's 95% CI),
        ``per_averted`` with ``low``/``high`` (Fieller), the count's relative change
        (``relative``, ``rel_low``, ``rel_high``), ``too_few``, and ``status``: ``averts``
        (fewer with the policy, surely), ``raises`` (more, surely: no cost per outcome
        averted), ``unclear`` (the runs cannot tell), ``too_few`` (too few cases to tell),
        ``none`` (none in any run of either).
    """
    if rare is None:
        rare = pd.DataFrame(columns=["scenario", "outcome"])
    wide = means.pivot_table(index="replicate", columns=["outcome", "scenario"], values="value")
    counts = means[means.outcome.isin(list(AVERTED.values()))]
    shown = {outcome: JUDGED_AS[name] for name, outcome in AVERTED.items()}
    verdicts = judged(counts.assign(outcome=counts.outcome.map(shown)), baseline, rare).set_index(
        ["scenario", "outcome"]
    )
    rows = []
    for scenario in dict.fromkeys(means.scenario):
        if (
            scenario == baseline
            or ("total_cost", scenario) not in wide
            or ("total_cost", baseline) not in wide
        ):
            continue
        cost = (wide["total_cost", scenario] - wide["total_cost", baseline]).to_numpy(float) * years
        for name, outcome in AVERTED.items():
            if (outcome, scenario) not in wide or (outcome, baseline) not in wide:
                continue  # a folder of older runs, without the outcomes it is counted from
            # homicides is a weekly count; the others are a year's (or a stock held a year).
            scale = 52 * years if outcome == "homicides" else years
            averted = (wide[outcome, baseline] - wide[outcome, scenario]).to_numpy(float) * scale
            keep = np.isfinite(cost) & np.isfinite(averted)
            c, e = cost[keep], averted[keep]
            n = len(e)
            half = _t(n) * e.std(ddof=1) / math.sqrt(n) if n > 1 else np.nan
            low, high = e.mean() - half, e.mean() + half
            key = (scenario, JUDGED_AS[name])
            if key not in verdicts.index:
                status, verdict = "none", None  # none in either: nothing to avert
            else:
                verdict = verdicts.loc[key]
                status = (
                    "too_few"
                    if verdict.too_few
                    else {"lower": "averts", "higher": "raises"}.get(verdict.verdict, "unclear")
                )
            ratio, r_low, r_high = fieller(c, e) if status == "averts" else (np.nan, np.nan, np.nan)
            rows.append(
                {
                    "scenario": scenario,
                    "averted_outcome": name,
                    "n": n,
                    "extra_cost": c.mean(),
                    "averted": e.mean(),
                    "averted_low": low,
                    "averted_high": high,
                    "per_averted": ratio,
                    "low": r_low,
                    "high": r_high,
                    "relative": np.nan if verdict is None else verdict.relative,
                    "rel_low": np.nan if verdict is None else verdict.rel_low,
                    "rel_high": np.nan if verdict is None else verdict.rel_high,
                    "too_few": verdict is not None and bool(verdict.too_few),
                    "status": status,
                }
            )
    return pd.DataFrame(rows)


def _per_seed(table: pd.DataFrame, outcomes: tuple[str, ...]) -> pd.Series:
    period = table[(table.week >= 0) & table.outcome.isin(outcomes)]
    return period.groupby("seed", observed=True).value.sum()


def cost_per_recruit_averted(policy: pd.DataFrame, counterfactual: pd.DataFrame) -> float:
    """Extra public spending per recruit averted, over the policy period.

    Args:
        policy: Tidy outcome table(s) of the policy scenario, one or more seeds.
        counterfactual: The same for the scenario without the policy, on the same seeds.

    Returns:
        (spending with the policy - spending without) / (recruits without - recruits with),
        summed over the seeds both tables share. ``nan`` when the policy averted no
        recruits (it cost money for none, or recruited more: :func:`cost_effectiveness`
        says which, with intervals); a negative value means the policy saved money and
        averted recruits.

    Raises:
        ValueError: If the tables share no seed.
    """
    seeds = sorted(set(policy.seed) & set(counterfactual.seed))
    if not seeds:
        raise ValueError("the policy and counterfactual tables share no seed; compare runs on the same seeds")
    extra = (_per_seed(policy, SPENDING) - _per_seed(counterfactual, SPENDING))[seeds].sum()
    averted = (_per_seed(counterfactual, ("recruits",)) - _per_seed(policy, ("recruits",)))[seeds].sum()
    return float(extra / averted) if averted > 0 else float(np.nan)
