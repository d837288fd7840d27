"""What a policy costs for what it achieves, comparing paired runs (the same seeds).

A single run cannot say what a programme achieved: that needs the same run without it.
These functions take a policy's outcome tables and the counterfactual's, run on the same
seeds, and compare them over the policy period (weeks 0 and after).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SPENDING", "cost_per_recruit_averted"]

#: The outcomes that add up to what the state spends in a week.
SPENDING = ("enforcement_cost", "programme_spending")


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
        recruits (it cost money for none, or recruited more); a negative value means the
        policy saved money and averted recruits.

    Raises:
        ValueError: If the tables share no seed.
    """
    seeds = sorted(set(policy.seed) & set(counterfactual.seed))
    if not seeds:
        raise ValueError("the policy and counterfactual tables share no seed; compare runs on the same seeds")
    extra = (_per_seed(policy, SPENDING) - _per_seed(counterfactual, SPENDING))[seeds].sum()
    averted = (_per_seed(counterfactual, ("recruits",)) - _per_seed(policy, ("recruits",)))[seeds].sum()
    return float(extra / averted) if averted > 0 else float(np.nan)
