"""The brief that opens a report: what each scenario changes, and a few sentences that follow the intervals.

The sentences are built from the comparison's verdicts (``lower``, ``higher``, ``unclear``),
never from the point estimates alone: an outcome whose interval includes no change is listed
among those the runs cannot tell, not called a rise or a fall.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from barrio.experiments.effects import HEADLINE, change_text, interval_text
from barrio.experiments.figures import judge
from barrio.experiments.parameter_words import parameter_words, value_words
from barrio.experiments.vocabulary import outcome_name, scenario_title, translated_description
from barrio.experiments.wording import number, say
from barrio.model.params import dotted

__all__ = ["MAX_SENTENCES", "brief_sentences", "rare_warning", "scenario_changes", "scenario_description"]

#: The brief says at most this many sentences.
MAX_SENTENCES = 5


def _setting(path: str, before: Any, after: Any, language: str) -> str:
    """One value changed: what the parameter is, in the report's language, its values and unit.

    English adds the dotted path, as ``barrio parameters`` lists it; Spanish and Portuguese say
    it only for a parameter without their words (its English meaning, marked, and the path to
    look it up by).
    """
    words = parameter_words(path, language)
    values = f"{_value(before, language)} → {_value(after, language)}"
    if not words.meaning:  # not a parameter of this model (a file of another version): the path
        return f"{path}: {values}"
    if language == "en" or not words.translated:
        return f"{words.meaning} ({path}: {values}{words.unit})"
    return f"{words.meaning} ({values}{words.unit})"


def _value(x: Any, language: str) -> str:
    words = value_words(x, language)
    if words is not None:
        return words
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int | float):
        return number(float(x), language)
    return str(x)


def scenario_changes(resolved: Mapping[str, Any], base: Mapping[str, Any], language: str) -> list[str]:
    """What a scenario changes from the baseline, one change a line: its starting values, then its timeline.

    A change the timeline makes at or after the last week run (``timing.horizon_weeks``) is
    said not to have happened in these runs; if none of its changes did, a last line says its
    differences from the baseline are no policy's effect.

    Args:
        resolved: The scenario's resolved values (``Scenario.resolved()``, as in the manifest).
        base: The baseline's.
        language: The report's language.
    """
    mine, theirs = dotted(resolved["params"]), dotted(base["params"])
    lines = []
    start = [
        _setting(path, theirs.get(path), v, language) for path, v in mine.items() if theirs.get(path) != v
    ]
    lines += [f"{say('from_the_start', language)}: {change}" for change in start]
    horizon = int(mine.get("timing.horizon_weeks", 0)) or None
    happened = bool(start)
    current = dict(mine)  # the timeline changes the scenario's own values, in order
    for event in resolved.get("timeline", []):
        week = event.get("week")
        if week is None:
            week = round(float(event.get("year", 0)) * 52)
        late = horizon is not None and week >= horizon  # the run ends before its week
        # A value set to what it already is (cash_transfer's amount) changes nothing to say.
        changes = [
            _setting(path, current.get(path), v, language)
            for path, v in event.get("set", {}).items()
            if current.get(path) != v
        ]
        if event.get("shock"):
            shock = event["shock"]
            changes.append(say("shock", language, name=shock.get("name", "shock"), weeks=shock.get("weeks")))
        for change in changes:
            line = f"{say('from_week', language, week=week)}: {change}"
            lines.append(say("after_the_runs", language, line=line, weeks=horizon) if late else line)
        happened = happened or (bool(changes) and not late)
        current.update(event.get("set", {}))
    if not lines:
        return [say("no_change", language)]
    return lines if happened else [*lines, say("nothing_happened", language)]


def scenario_description(name: str, written: str, language: str) -> str:
    """What a scenario does, for the brief: the library's translation, else its file's words.

    A library scenario whose file still says what was translated is described in the report's
    language; any other file's description (in English) is marked as the file's, in English.

    Args:
        name: The scenario's name in the results.
        written: The description its file gives ("" for none).
        language: The report's language.
    """
    translated = translated_description(name, written, language)
    if translated is not None:
        return translated
    if written and language != "en":
        return f"{written} {say('description_language', language)}"
    return written


def _item(row: pd.Series, language: str) -> str:
    name = outcome_name(row.outcome, language)
    ci = interval_text(row, language)
    return say("brief_item", language, name=name, change=change_text(row, language), ci=ci)


def brief_sentences(
    versus: pd.DataFrame, language: str, replicates: int, rare: pd.DataFrame | None = None
) -> list[str]:
    """Three to five plain sentences: what got better, what got worse, what the runs cannot tell.

    Args:
        versus: The comparison (:func:`experiments.effects.against_baseline`), with ``verdict``.
        language: The report's language.
        replicates: Pairs of runs behind each figure.
        rare: Rare-event warnings (:func:`experiments.effects.rare_events`).

    Returns:
        Per policy (in the table's order), a sentence of its headline outcomes that are surely
        better, one of those surely worse, and one of those the runs cannot tell; then how
        sure the figures are and, for rare events, what more would take; at most
        :data:`MAX_SENTENCES` in all, the policies' own first. A row marked ``too_few``
        (:func:`experiments.effects.too_few`) is said to be too small a count to tell, with
        no interval: one of no width would look surer than any. With a single pair of runs
        there is no interval, and the brief says so rather than that one includes no change.
    """
    headline = versus[versus.outcome.isin(HEADLINE)]
    rank = {name: k for k, name in enumerate(HEADLINE)}
    said: list[str] = []
    unclear_said: list[str] = []
    for policy in dict.fromkeys(headline.scenario):
        rows = headline[headline.scenario == policy].sort_values("outcome", key=lambda c: c.map(rank))
        judged = _judged(rows)
        title = scenario_title(policy, language)
        better = [
            _item(r, language) for (_, r), j in zip(rows.iterrows(), judged, strict=True) if j == "better"
        ]
        worse = [
            _item(r, language) for (_, r), j in zip(rows.iterrows(), judged, strict=True) if j == "worse"
        ]
        if better:
            said.append(say("brief_better", language, policy=title, items="; ".join(better)))
        if worse:
            said.append(say("brief_worse", language, policy=title, items="; ".join(worse)))
        for kind in ("unclear", "one_pair", "too_few"):
            names = [
                outcome_name(r.outcome, language)
                for r, j in zip(rows.itertuples(), judged, strict=True)
                if j == kind
            ]
            if names:
                unclear_said.append(say(f"brief_{kind}", language, policy=title, names="; ".join(names)))
    # One pair of runs has no interval to say how much chance could move a figure.
    how_sure = "brief_how_sure" if replicates > 1 else "brief_how_sure_one"
    closing = [say(how_sure, language, replicates=replicates)]
    if rare is not None and not rare.empty:
        # The brief's caution is for what it speaks of, the headline, where a small count is.
        shown = rare[rare.outcome.isin(HEADLINE)]
        worst = (shown if not shown.empty else rare).sort_values("events").iloc[0]
        closing.insert(0, rare_warning(worst, language))
    room = MAX_SENTENCES - len(closing)
    if len(said) + len(unclear_said) > room:
        # Too many policies for a sentence of each kind: one sentence per policy, in order.
        said = [_compact(headline, policy, rank, language) for policy in dict.fromkeys(headline.scenario)]
        unclear_said = []
    return (said + unclear_said)[:room] + closing


def _judged(rows: pd.DataFrame) -> list[str]:
    """Each row better, worse, unclear, neutral, ``too_few`` or ``one_pair``.

    ``too_few``: a count too small to claim anything; ``one_pair``: a single pair of runs, so
    no interval.
    """
    few = rows.too_few.to_numpy(bool) if "too_few" in rows else np.zeros(len(rows), bool)
    single = (rows.n < 2).to_numpy(bool) if "n" in rows else np.zeros(len(rows), bool)
    return [
        "too_few" if f else "one_pair" if one else judge(r.outcome, r.verdict)
        for r, f, one in zip(rows.itertuples(), few, single, strict=True)
    ]


def rare_warning(row: pd.Series, language: str) -> str:
    """The caution for a count too small (a row of :func:`experiments.effects.rare_events`).

    A count of none in every run has no relative precision to reach, whatever the replicates:
    the caution says so rather than a number of replicates that would not do.
    """
    if row.events == 0:
        return say(
            "brief_none",
            language,
            name=outcome_name(row.outcome, language),
            scenario=scenario_title(row.scenario, language),
        )
    return say(
        "brief_few_people" if row.get("kind") == "people" else "brief_rare",
        language,
        name=outcome_name(row.outcome, language),
        events=number(row.events, language),
        scenario=scenario_title(row.scenario, language),
        replicates=number(row.needed_replicates, language),
        population=number(row.needed_population, language),
    )


def _compact(headline: pd.DataFrame, policy: str, rank: dict[str, int], language: str) -> str:
    """One policy's headline outcomes in one sentence: better, worse, and what the runs cannot tell."""
    rows = headline[headline.scenario == policy].sort_values("outcome", key=lambda c: c.map(rank))
    kinds: dict[str, list[str]] = {"better": [], "worse": [], "unclear": [], "one_pair": [], "too_few": []}
    for (_, row), r, kind in zip(rows.iterrows(), rows.itertuples(), _judged(rows), strict=True):
        if kind in kinds:
            kinds[kind].append(
                _item(row, language) if kind in ("better", "worse") else outcome_name(r.outcome, language)
            )
    parts = [
        say(f"compact_{kind}", language, items=", ".join(items)) for kind, items in kinds.items() if items
    ]
    return say("brief_compact", language, policy=scenario_title(policy, language), parts="; ".join(parts))
