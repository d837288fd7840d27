"""Who bears a policy: arrests and prisoners by sex and age band, each against the baseline.

The brief's headline counts women in prison and children with a parent in prison; this splits
arrests and prisoners over the eight groups of sex and age band the model counts, so that a
policy that fills the prison with young men, or moves arrests onto girls, says so in numbers
with their intervals and the same verdicts as every other change in the report, not only in a
chart. A group's count is often small: such a change is marked too few to tell, as elsewhere.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from barrio.experiments.effects import (
    change_with_interval,
    judged,
    rare_events,
    summarise,
    value_with_interval,
)
from barrio.experiments.vocabulary import outcome_name, scenario_title
from barrio.experiments.wording import say
from barrio.model.outcomes import sex_and_age_names

__all__ = ["COUNTS", "MEASURES", "OUTCOMES", "burden", "burden_tables"]

#: What is counted by group: arrests (events, a year) and prisoners (people, on an average week).
MEASURES = ("arrests", "prisoners")
#: Each group's outcome -> (its source, kind), as :data:`experiments.effects.COUNTS` has them.
COUNTS: dict[str, tuple[str, str]] = {
    name: (name, "events" if measure == "arrests" else "people")
    for measure in MEASURES
    for name in sex_and_age_names(measure)
}
OUTCOMES = tuple(COUNTS)


def burden(
    table: pd.DataFrame, means: pd.DataFrame, population: int, base: str, language: str
) -> pd.DataFrame:
    """Each scenario's arrests and prisoners by group, with their intervals and against the baseline.

    Args:
        table: The runs (:func:`experiments.batch.load`).
        means: Per-replicate means (:func:`experiments.effects.derive`: arrests a year).
        population: Residents of the baseline's runs (to say how many would pin a rare count down).
        base: The baseline.
        language: Language of the verdicts' sentences.

    Returns:
        One row per scenario and group outcome: ``n, mean, sd, mean_low, mean_high`` (the
        scenario's mean and its 95% interval) and, for the other scenarios, the comparison's
        columns (:func:`experiments.effects.judged`: the difference with its interval
        ``ci_low, ci_high``, the relative change with ``rel_low, rel_high``, the verdict,
        ``too_few``).
    """
    groups = means[means.outcome.isin(OUTCOMES)]
    if groups.empty:
        return pd.DataFrame()
    # The mean's interval and the change's are both "ci" where they are made: named apart here.
    summary = summarise(groups).rename(columns={"ci_low": "mean_low", "ci_high": "mean_high"})
    rare = rare_events(table, population, counts=COUNTS)
    versus = judged(groups, base, rare, language)
    versus = versus.drop(columns=[c for c in ("mean", "n") if c in versus.columns])
    frame = summary.merge(versus, on=["scenario", "outcome"], how="left")
    # No comparison (the baseline's rows; a group 0 in every run of a policy and the baseline,
    # which the comparison leaves out) is not "too few": there is nothing to judge.
    frame["too_few"] = frame["too_few"].astype("boolean").fillna(False).astype(bool)
    return frame


def burden_tables(frame: pd.DataFrame, order: list[str], base: str, language: str) -> list[dict[str, Any]]:
    """One table per measure: a row per group, a column per scenario (its mean, and its change).

    A group with none in any run is named under its table, not tabled.
    """
    if frame.empty:
        return []
    rows = frame.set_index(["scenario", "outcome"])
    tables = []
    for measure in MEASURES:
        header = [say("col_group", language), *(scenario_title(s, language) for s in order)]
        body, zero = [], []
        for outcome in sex_and_age_names(measure):
            if not all((s, outcome) in rows.index for s in order):
                continue
            group = outcome_name(outcome, language).split(": ", 1)[-1]
            if not any(rows.loc[(s, outcome), "mean"] for s in order):  # a count: 0 in every run
                zero.append(group)
                continue
            cells = []
            for scenario in order:
                row = rows.loc[(scenario, outcome)]
                shown = value_with_interval(row["mean"], row["mean_low"], row["mean_high"], language)
                if scenario != base and isinstance(row["verdict"], str):  # else 0 in both: no change
                    shown = f"{shown}; {change_with_interval(row, language)}"
                cells.append(shown)
            body.append([group, *cells])
        hidden = say("burden_hidden", language, names=", ".join(zero)) if zero else ""
        if body or zero:
            table = [header, *body] if body else []
            tables.append({"heading": outcome_name(measure, language), "table": table, "hidden": hidden})
    return tables
