"""The report of a results folder: ``report.html`` (self-contained), ``report.md`` and tables to take away.

A brief opens it (the question, what each scenario changes, a chart of each policy's changes
coloured by whether they are for the better, a few sentences that follow the intervals, and
what the model cannot tell), then the detail (costs, each policy against the baseline, means,
whether the replicates were enough, effect sizes), the figures and the methods. Both files
come from one Jinja2 template (``templates/report.j2``); a *kit* writes each element as HTML
or as Markdown. Beside them: ``summary.csv``, ``effects.csv``, ``costs.csv``,
``cost_effectiveness.csv``, ``report.xlsx`` (a sheet each) and every figure as a PNG file.

Numbers come from :mod:`experiments.effects` and :mod:`experiments.costs`; words from
:mod:`experiments.wording` and :mod:`experiments.vocabulary`, in Spanish, Portuguese or English.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from matplotlib.figure import Figure

from barrio.experiments import figures as draw
from barrio.experiments.batch import MANIFEST, ResultsError, load, read_manifest
from barrio.experiments.brief import brief_sentences, rare_warning, scenario_changes, scenario_description
from barrio.experiments.burden import COUNTS as GROUP_COUNTS
from barrio.experiments.burden import burden, burden_tables
from barrio.experiments.costs import Currency, cost_effectiveness, costs, currency
from barrio.experiments.effects import (
    COUNTS,
    KEY_OUTCOMES,
    change_text,
    change_with_interval,
    derive,
    judged,
    per_replicate,
    rare_events,
    settling,
    summarise,
    value_with_interval,
    with_interval,
)
from barrio.experiments.figures import OVERVIEW_OUTCOMES
from barrio.experiments.output import atomic_write
from barrio.experiments.vocabulary import LANGUAGE_CODES, outcome_name, scenario_title
from barrio.experiments.wording import LanguageError, check_language, number, percent, say, texts

__all__ = [
    "OVERVIEW_OUTCOMES",
    "baseline_for",
    "choose_baseline",
    "comparison",
    "folder_language",
    "html_table",
    "in_order",
    "overview",
    "sweep_points",
    "with_interval",
    "write_report",
]

#: Sheets of report.xlsx, each also written as NAME.csv.
SHEETS = ("summary", "effects", "costs", "cost_effectiveness")


def choose_baseline(scenarios: list[str], named: str | None = None) -> str:
    """The scenario others are compared with: ``named``, else "baseline", else the first."""
    if named is not None:
        if named not in scenarios:
            raise ResultsError(f"baseline '{named}' is not among the scenarios run: {', '.join(scenarios)}")
        return named
    return "baseline" if "baseline" in scenarios else scenarios[0]


def baseline_for(out: Path, manifest: dict, order: list[str], named: str | None = None) -> str:
    """The baseline of a results folder: ``named``, else its batch's, else as :func:`choose_baseline` says.

    Args:
        out: The results folder (named in messages).
        manifest: Its manifest.
        order: The scenarios with finished runs, in the batch's order.
        named: A baseline asked for now.

    Raises:
        ResultsError: If the baseline is not among the scenarios, or has no finished runs yet.
    """
    named = named or manifest.get("description", {}).get("baseline")
    if named is not None and named in manifest["scenarios"] and named not in order:
        raise ResultsError(
            f"{out}: the baseline '{named}' has no finished runs yet; run the same command again to "
            "complete the batch, then write the report"
        )
    return choose_baseline(order, named)


def in_order(versus: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Comparisons in the batch's order of scenarios, key outcomes first in the report's order."""
    rank = {name: k for k, name in enumerate([*order, *KEY_OUTCOMES])}
    ordered = versus.sort_values(["scenario", "outcome"], key=lambda c: c.map(rank), kind="stable")
    return ordered.reset_index(drop=True)


def comparison(
    table: pd.DataFrame, means: pd.DataFrame, manifest: dict, order: list[str], base: str, language: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each scenario against the baseline as the report, ``effects.csv`` and ``Results.effects()`` give it.

    Args:
        table: The runs (:func:`experiments.batch.load`).
        means: Per-replicate means of the outcomes to compare (:func:`experiments.effects.derive`).
        manifest: The folder's manifest (the baseline's population sizes the rare counts).
        order: The scenarios with finished runs, in the batch's order.
        base: The baseline.
        language: Language of the sentences.

    Returns:
        The comparison in the batch's order with small counts marked
        (:func:`experiments.effects.judged`), and the rare counts
        (:func:`experiments.effects.rare_events`).
    """
    # A group's count (arrests of young men) is judged as in the report's table of who bears it;
    # the rare counts given back, for the warnings and the brief, are the headline's.
    rare = rare_events(table, _population(manifest, base), counts=COUNTS | GROUP_COUNTS)
    versus = in_order(judged(means, base, rare, language), order)
    return versus, rare[rare.outcome.isin(list(COUNTS))].reset_index(drop=True)


def _population(manifest: dict, name: str) -> int:
    """Residents of a scenario's runs, as the manifest resolved them."""
    return int(_resolved(manifest, name)["params"]["neighbourhood"]["population"])


def _resolved(manifest: dict, name: str) -> dict[str, Any]:
    """A scenario's resolved values from the manifest (a posterior's runs are under NAME-pNN)."""
    scenarios = manifest["scenarios"]
    if name in scenarios:
        return scenarios[name]["resolved"]
    return next(v["resolved"] for k, v in scenarios.items() if k.rsplit("-p", 1)[0] == name)


def _description(manifest: dict, name: str) -> str:
    """The description in a scenario's file, if the file is still there to read."""
    from barrio.model.scenario import load_scenario

    source = manifest["scenarios"].get(name, {}).get("source")
    if not source or not Path(source).is_file():
        return ""
    try:
        return load_scenario(source).description or ""
    except Exception:  # a file edited since the run: the report goes on without its words
        return ""


def folder_language(manifest: dict, folder: Path) -> str:
    """The language a results folder's report was asked in (compare, sweep), else English.

    Folders written before the manifest recorded it have none: their reports were in English.

    Raises:
        LanguageError: If the manifest (edited by hand) names one the report does not speak,
            naming the file and field, and that ``--language`` overrides it.
    """
    language = manifest.get("description", {}).get("language", "en")
    if language not in LANGUAGE_CODES:
        codes = ", ".join(LANGUAGE_CODES)
        shown = f"'{language}'" if isinstance(language, str) else json.dumps(language)
        raise LanguageError(
            f"{folder / MANIFEST}: description.language is {shown}, not one of the "
            f"report's languages ({codes}); give --language {'|'.join(LANGUAGE_CODES)} (language= in "
            "Python), which overrides the folder's, or mend description.language in that file"
        )
    return language


def write_report(
    out: Path | str,
    baseline: str | None = None,
    to: Path | str | None = None,
    language: str | None = None,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.md``, the tables and the figures for a results folder.

    Args:
        out: The results folder.
        baseline: Scenario to compare with (default: the one the batch named, else
            "baseline", else the first).
        to: Folder to write into (default: the results folder).
        language: ``es``, ``pt`` or ``en`` (default: the one the batch was run with, else
            English; see :func:`folder_language`).

    Returns:
        The paths written, by kind: ``html``, ``markdown``, ``xlsx``, each table by its file
        name (``summary.csv``...) and each figure by its name (``forest``, ``series``...).
    """
    out = Path(out)
    to = Path(to) if to is not None else out
    manifest = read_manifest(out)
    language = check_language(language if language is not None else folder_language(manifest, out))
    table = load(out)
    posterior = manifest.get("description", {}).get("posterior")
    names = list(manifest["scenarios"])
    if posterior:
        from barrio.experiments.posterior import collapse_posterior

        table, names = collapse_posterior(table, manifest)
    done = table.groupby("scenario", observed=True).replicate.unique()
    order = [s for s in names if s in done.index]
    base = baseline_for(out, manifest, order, baseline)
    means = derive(per_replicate(table))
    key = means[means.outcome.isin(KEY_OUTCOMES)]
    summary = summarise(key)
    resolved = _resolved(manifest, base)
    # A handful of cases gives an interval of no width, which would look surer than any: such
    # rows are marked, and no change is claimed for them.
    versus, rare = comparison(table, key, manifest, order, base, language)
    who = burden(table, means, _population(manifest, base), base, language)
    settle = settling(key)
    weeks = int(table.week.max()) + 1
    years = weeks / 52
    money = currency(resolved["params"]["country"])
    spending = costs(means, years, money)
    policies = [s for s in order if s != base]
    effectiveness = cost_effectiveness(means, base, years, rare) if policies else pd.DataFrame()
    # A posterior's sets are not a sweep's points: their values are in the calibration folder.
    points = None if posterior else sweep_points(manifest, order)

    figures: dict[str, Figure] = {}
    if policies and not versus.empty:
        figures["forest"] = draw.forest_figure(versus, base, language)
    if points is not None:
        figures["sweep"] = draw.sweep_figure(summary, points, language)
    figures["series"] = draw.series_figure(table, order, language)
    figures["costs"] = draw.cost_figure(summary, order, language)
    figures["burden"] = draw.burden_figure(means, order, language)
    figures["replicates"] = draw.replicates_figure(settle, order, language)
    paths: dict[str, Path] = {}
    images: dict[str, bytes] = {}
    for name, fig in figures.items():
        buffer = io.BytesIO()
        fig.savefig(buffer, dpi=100, format="png")
        images[name] = buffer.getvalue()
        paths[name] = to / f"report-{name}.png"
        atomic_write(paths[name], lambda p, data=images[name]: p.write_bytes(data))

    sheets = _sheets(summary, versus, spending, effectiveness, who, language)
    for name, frame in sheets.items():
        paths[f"{name}.csv"] = to / f"{name}.csv"
        atomic_write(paths[f"{name}.csv"], lambda p, f=frame: f.to_csv(p, index=False))
    paths["xlsx"] = to / "report.xlsx"
    atomic_write(paths["xlsx"], lambda p: _write_xlsx(p, sheets))

    words = texts(language)
    context = {
        "title": words["title_sweep" if points is not None else "title_compare"],
        "language": language,
        "t": words,
        "brief": _brief(manifest, versus, rare, order, base, done, weeks, language) if policies else None,
        "sweep": overview(summary, order, done, points, language) if points is not None else None,
        "costs": _costs(spending, effectiveness, order, base, money, years, language),
        "changes": _changes(versus, key, policies, base, language),
        "burden": {
            "note": say("burden_note", language, baseline=scenario_title(base, language)),
            "tables": burden_tables(who, order, base, language),
        }
        if policies and not who.empty
        else None,
        "means": _means_table(summary, order, language),
        "warnings": _warnings(settle, rare, language),
        "effects": _effects_table(versus, language) if policies else None,
        "posterior": _posterior_split(key, base, posterior, language) if posterior else None,
        "figures": [(n, say(f"caption_{n}", language)) for n in figures if n != "forest"],
        "methods": _methods(manifest, order, base, done, out, language),
    }
    template = _environment().get_template("report.j2")
    page = template.render(kit=_Html(images), **context)
    text = re.sub(r"\n{3,}", "\n\n", template.render(kit=_Markdown(), **context)).lstrip()
    paths["html"] = to / "report.html"
    paths["markdown"] = to / "report.md"
    atomic_write(paths["html"], lambda p: p.write_text(page, encoding="utf-8"))
    atomic_write(paths["markdown"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths


def _environment() -> Environment:
    # Each kit escapes what it writes (HTML) or writes it as it is (Markdown): no autoescape.
    return Environment(  # noqa: S701
        loader=PackageLoader("barrio.experiments", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


# -- the tables to take away -----------------------------------------------------------------


def _sheets(
    summary: pd.DataFrame,
    versus: pd.DataFrame,
    spending: pd.DataFrame,
    effectiveness: pd.DataFrame,
    who: pd.DataFrame,
    language: str,
) -> dict[str, pd.DataFrame]:
    def named(frame: pd.DataFrame, column: str = "outcome") -> pd.DataFrame:
        if frame.empty:
            return frame
        frame = frame.copy()
        frame.insert(
            frame.columns.get_loc(column) + 1, "name", [outcome_name(o, language) for o in frame[column]]
        )
        return frame

    return {
        "summary": named(summary),
        "effects": named(versus),
        "costs": named(spending),
        "cost_effectiveness": effectiveness,
        "burden": named(who),
    }


def _write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


# -- the brief -------------------------------------------------------------------------------


def _brief(
    manifest: dict,
    versus: pd.DataFrame,
    rare: pd.DataFrame,
    order: list[str],
    base: str,
    done: pd.Series,
    weeks: int,
    language: str,
) -> dict[str, Any]:
    policies = [s for s in order if s != base]
    quoted = ", ".join(
        f"«{scenario_title(p, language)}»" if language != "en" else f"“{scenario_title(p, language)}”"
        for p in policies
    )
    base_values = _resolved(manifest, base)
    population = int(base_values["params"]["neighbourhood"]["population"])
    years = weeks / 52
    span = (
        say("years", language, n=number(years, language))
        if weeks % 52 == 0
        else say("weeks", language, n=weeks)
    )
    pairs = min(len(done[s]) for s in order)
    scenarios = []
    for policy in policies:
        description = scenario_description(policy, _description(manifest, policy), language)
        scenarios.append(
            {
                "title": scenario_title(policy, language),
                "description": description,
                "changes": scenario_changes(_resolved(manifest, policy), base_values, language),
            }
        )
    return {
        "question": say(
            "question",
            language,
            population=number(population, language),
            years=span,
            baseline=scenario_title(base, language),
            policies=quoted,
            times=say("times", language, n=pairs) if pairs > 1 else say("once", language),
        ),
        "scenarios": scenarios,
        "forest_caption": say("forest_caption", language, baseline=scenario_title(base, language)),
        "sentences": brief_sentences(versus, language, pairs, rare),
    }


# -- the detail ------------------------------------------------------------------------------


def _changes(
    versus: pd.DataFrame, key: pd.DataFrame, policies: list[str], base: str, language: str
) -> list[dict[str, Any]]:
    """Per policy, each key outcome against the baseline; those zero in every run of both only named."""
    out = []
    for policy in policies:
        rows = versus[versus.scenario == policy]
        header = [
            say("col_outcome", language),
            scenario_title(base, language),
            scenario_title(policy, language),
            say("col_change", language),
        ]
        body = [
            [
                outcome_name(r.outcome, language),
                number(r.baseline, language),
                number(r.mean, language),
                (change_with_interval(r, language), draw.judge(r.outcome, r.verdict)),
            ]
            for r in rows.itertuples()
        ]
        both = key[key.scenario.isin([base, policy])]
        zero = [o for o in KEY_OUTCOMES if o in set(both.outcome) and not both[both.outcome == o].value.any()]
        hidden = (
            say("hidden", language, names=", ".join(outcome_name(o, language) for o in zero)) if zero else ""
        )
        heading = say(
            "changes_title",
            language,
            policy=scenario_title(policy, language),
            baseline=scenario_title(base, language),
        )
        out.append({"heading": heading, "table": [header, *body], "hidden": hidden})
    return out


def _means_table(summary: pd.DataFrame, order: list[str], language: str) -> list[list[str]]:
    s = summary.set_index(["scenario", "outcome"])
    rows = [[say("col_outcome", language), *(scenario_title(x, language) for x in order)]]
    for outcome in KEY_OUTCOMES:
        if not all((x, outcome) in s.index for x in order):
            continue
        rows.append(
            [outcome_name(outcome, language), *(with_interval(s.loc[(x, outcome)], language) for x in order)]
        )
    return rows


def _effects_table(versus: pd.DataFrame, language: str) -> list[list[str]]:
    rows = [
        [
            say("col_scenario", language),
            say("col_outcome", language),
            say("col_difference", language),
            say("col_paired_d", language),
            "A12",
        ]
    ]
    for r in versus.itertuples():
        rows.append(
            [
                scenario_title(r.scenario, language),
                outcome_name(r.outcome, language),
                say("change_too_few", language, change=number(r.difference, language))
                if getattr(r, "too_few", False)
                else value_with_interval(r.difference, r.ci_low, r.ci_high, language),
                number(r.paired_d, language),
                number(r.a12, language, digits=2),
            ]
        )
    return rows


def _warnings(settle: pd.DataFrame, rare: pd.DataFrame, language: str) -> list[str]:
    """Rare events (the scenario with fewest), then each outcome whose mean is loose, in every scenario."""
    lines = [
        rare_warning(group.sort_values("events").iloc[0], language)
        for _, group in rare.groupby("outcome", sort=False)
    ]
    last = settle.groupby(["scenario", "outcome"], sort=False).tail(1)
    # With one replicate there is nothing to settle: the table is empty (and of no dtype).
    loose = last[~last.settled.astype(bool) & np.isfinite(last.half.astype(float))]
    for outcome in [o for o in KEY_OUTCOMES if o in set(loose.outcome)]:
        rows = loose[loose.outcome == outcome]
        values = ", ".join(
            say(
                "warn_value",
                language,
                half=percent(r.half, language, signed=False),
                scenario=scenario_title(r.scenario, language),
            )
            for r in rows.itertuples()
        )
        k = "/".join(str(v) for v in sorted(set(rows.k)))
        lines.append(say("warn_loose", language, outcome=outcome_name(outcome, language), values=values, k=k))
    return lines


def _costs(
    spending: pd.DataFrame,
    effectiveness: pd.DataFrame,
    order: list[str],
    base: str,
    money: Currency,
    years: float,
    language: str,
) -> dict[str, Any]:
    header = [
        say("col_scenario", language),
        say("col_spending", language),
        say("col_per_year", language, currency="USD"),
        say("col_period", language, currency="USD"),
        say("col_per_year", language, currency=money.code),
        say("col_period", language, currency=money.code),
    ]
    rows = [header]
    for scenario in order:
        for r in spending[spending.scenario == scenario].itertuples():
            programmes = spending[
                (spending.scenario == scenario) & (spending.outcome == "programme_spending")
            ]
            if r.outcome != "total_cost" and not programmes.per_year.any():
                continue  # without programmes the total is the enforcement cost: one row says it
            rows.append(
                [
                    scenario_title(scenario, language),
                    outcome_name(r.outcome, language),
                    value_with_interval(r.per_year, r.low, r.high, language),
                    number(r.period, language),
                    number(r.per_year_local, language),
                    number(r.period_local, language),
                ]
            )
    span = say("years", language, n=number(years, language))
    note = say(
        "costs_note",
        language,
        years=span,
        rate=number(money.rate, language),
        currency=money.code,
        year=money.year,
        source=money.source,
    )
    result: dict[str, Any] = {"note": note, "table": rows, "effectiveness": None}
    if not effectiveness.empty:
        kinds = list(dict.fromkeys(effectiveness.averted_outcome))
        ce = [
            [
                say("col_scenario", language),
                say("ce_extra", language, currency="USD"),
                say("ce_extra", language, currency=money.code),
                *(say(f"averted_{k}", language) for k in kinds),
            ]
        ]
        for scenario in [s for s in order if s in set(effectiveness.scenario)]:
            part = effectiveness[effectiveness.scenario == scenario].set_index("averted_outcome")
            extra = part.extra_cost.iloc[0]
            cells = [
                scenario_title(scenario, language),
                number(extra, language),
                number(extra * money.rate, language),
            ]
            cells += [_effectiveness_cell(part.loc[k], language) for k in kinds]
            ce.append(cells)
        result["effectiveness"] = ce
        result["effectiveness_note"] = say("ce_note", language, baseline=scenario_title(base, language))
    return result


def _effectiveness_cell(row: pd.Series, language: str) -> tuple[str, str]:
    averted = number(row.averted, language)
    if row.status == "raises":
        return say("ce_raises", language, averted=number(-row.averted, language)), "worse"
    if row.status == "none":
        return say("ce_none", language), "unclear"
    if row.status in ("unclear", "too_few"):
        # The change in the outcome as the tables of each policy give it (the count over the
        # period where the baseline's is 0), with the interval its verdict follows: none if too few.
        change = SimpleNamespace(
            relative=row.relative,
            rel_low=row.rel_low,
            rel_high=row.rel_high,
            difference=-row.averted,
            ci_low=-row.averted_high,
            ci_high=-row.averted_low,
        )
        shown = change_text if row.status == "too_few" else change_with_interval
        text = shown(change, language)
        return say(f"ce_{row.status}", language, change=text), "unclear"
    bounded = np.isfinite(row.low)
    interval = (
        say("ci", language, low=number(row.low, language), high=number(row.high, language))
        if bounded
        else say("ce_unbounded", language)
    )
    return say(
        "ce_value", language, value=number(row.per_averted, language), ci=interval, averted=averted
    ), "better"


def _methods(
    manifest: dict, order: list[str], base: str, done: pd.Series, out: Path, language: str
) -> list[str]:
    """What was compared, how many replicates each, what is missing, with which code, and how."""
    planned: dict[str, set[int]] = {}
    for run in manifest["runs"]:
        planned.setdefault(run["scenario"], set()).add(run["replicate"])
    counts = sorted({len(done[s]) for s in order})
    each = (
        say("each_replicates", language, n=counts[0])
        if len(counts) == 1
        else say("some_replicates", language, counts=", ".join(f"{s} {len(done[s])}" for s in order))
    )
    lines = [
        say("methods_scenarios", language, scenarios=", ".join(order), each=each),
        say("methods_baseline", language, baseline=base),
        say("methods_relative", language),
    ]
    missing = []
    for scenario, replicates in planned.items():
        have = set(done[scenario]) if scenario in done.index else set()
        lacking = sorted(replicates - have)
        if lacking and not have:
            missing.append(say("missing_all", language, scenario=scenario, n=len(lacking)))
        elif lacking:
            missing.append(
                say("missing_some", language, scenario=scenario, replicates=", ".join(map(str, lacking)))
            )
    if missing:
        lines.append(say("missing", language, missing="; ".join(missing)))
    finished = max(p.stat().st_mtime for p in (out / "runs").glob("*.parquet"))
    stamp = datetime.fromtimestamp(finished, UTC).isoformat(timespec="seconds")
    finished_runs = [
        r for r in manifest["runs"] if r["scenario"] in done.index and r["replicate"] in done[r["scenario"]]
    ]
    versions = sorted({r.get("version") for r in finished_runs} - {None})
    if not versions:  # a manifest written before runs recorded their version
        code = f"Barrio {manifest['barrio_version']}"
    elif len(versions) == 1:
        code = f"Barrio {versions[0]}"
    else:
        code = say("versions", language, n=len(versions), versions=", ".join(versions))
    lines.append(say("code_line", language, code=code, stamp=stamp))
    lines.append(say("tables_note", language))
    return lines


def _posterior_split(key: pd.DataFrame, base: str, posterior: dict, language: str) -> dict[str, Any]:
    """The section on a run over a calibration's posterior: parameter against seed variance.

    Scenarios and outcomes are named as in the results, as the tables to take away name them.
    """
    from barrio.experiments.posterior import uncertainty_split

    replicates = int(posterior["replicates"])
    levels = uncertainty_split(key, replicates)
    paired = key.pivot_table(
        index=["replicate", "outcome"], columns="scenario", values="value", observed=True
    )
    rows = []
    for scenario in [s for s in paired.columns if s != base]:
        difference = (paired[scenario] - paired[base]).rename("value").reset_index()
        rows.append(uncertainty_split(difference.assign(scenario=f"{scenario} - {base}"), replicates))
    split = pd.concat([levels, *rows], ignore_index=True)
    table = [
        [
            say("col_scenario", language),
            say("col_outcome", language),
            say("col_parameter_variance", language),
            say("col_seed_variance", language),
            say("col_parameter_share", language),
        ]
    ]
    for r in split.itertuples():
        share = "-" if np.isnan(r.parameter_share) else percent(r.parameter_share, language, signed=False)
        table.append(
            [r.scenario, r.outcome, number(r.parameters, language), number(r.seeds, language), share]
        )
    note = say(
        "posterior_note",
        language,
        sets=posterior["sets"],
        calibration=posterior.get("calibration"),
        folder=posterior["folder"],
        replicates=replicates,
    )
    return {"note": note, "table": table}


# -- sweeps ----------------------------------------------------------------------------------


def sweep_points(manifest: dict, order: list[str]) -> pd.DataFrame | None:
    """The values a sweep set at each of its points (one row per scenario), or None for a comparison."""
    levers = {run["scenario"]: run["levers"] for run in manifest["runs"] if run.get("levers")}
    if not levers:
        return None
    return pd.DataFrame([levers[s] for s in order if s in levers], index=[s for s in order if s in levers])


def overview(
    summary: pd.DataFrame,
    order: list[str],
    done: pd.Series,
    points: pd.DataFrame | None = None,
    language: str = "en",
) -> list[list[str]]:
    """Rows of the short overview, a header first.

    Each scenario (or sweep point, with the values it set), its finished replicates and the
    key outcomes' means with their 95% intervals.

    Args:
        summary: Per scenario and outcome, as :func:`experiments.effects.summarise` gives it.
        order: The scenarios with finished runs, in the batch's order.
        done: The finished replicates of each scenario.
        points: The values each sweep point set (:func:`sweep_points`), or None.
        language: The language of the header and the numbers.
    """
    s = summary.set_index(["scenario", "outcome"])
    levers = list(points.columns) if points is not None else []
    first = say("col_point" if points is not None else "col_scenario", language)
    rows = [
        [
            first,
            *levers,
            say("col_replicates", language),
            *(outcome_name(o, language) for o in OVERVIEW_OUTCOMES),
        ]
    ]
    for scenario in order:
        values = points.loc[scenario] if points is not None else []
        cells = [scenario, *(number(v, language) if isinstance(v, float) else str(v) for v in values)]
        cells.append(str(len(done[scenario])))
        cells += [
            with_interval(s.loc[(scenario, o)], language) if (scenario, o) in s.index else "-"
            for o in OVERVIEW_OUTCOMES
        ]
        rows.append(cells)
    return rows


def html_table(rows: list[list[str]]) -> str:
    """A header row and rows of text as an HTML table (text escaped)."""
    return _Html({}).table(rows)


# -- the kits: one per format ----------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1000px;margin:1.5em auto;
padding:0 1em;color:#111;line-height:1.45}
img{max-width:100%;height:auto}
figure{margin:1em 0}
figcaption{font-size:0.9em;color:#333}
table{border-collapse:collapse;font-size:0.88em;margin:0.5em 0;max-width:100%}
td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#eee}
.better{color:#1b7837;font-weight:600}
.worse{color:#b2182b;font-weight:600}
.unclear{color:#555}
.neutral{color:#2166ac}
.box{border:2px solid #444;background:#f6f6f6;padding:0.4em 1em;margin:1em 0}
.box h3{margin-top:0.3em}
.warn li{background:#eee;border-left:4px solid #444;padding:2px 8px;margin:3px 0;list-style:none}
.sentences li{margin:0.3em 0}
.page-break{break-after:page;border-top:1px solid #ccc;margin:2em 0}
@media print{body{max-width:none}}
"""


class _Html:
    """Writes each element of the report as HTML, figures embedded, text escaped."""

    def __init__(self, images: dict[str, bytes]) -> None:
        self.images = images

    def begin(self, title: str, language: str) -> str:
        return (
            f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        )

    def end(self) -> str:
        return "</body></html>"

    def heading(self, level: int, text: str) -> str:
        return f"<h{level}>{html.escape(text)}</h{level}>"

    def paragraph(self, text: str, strong: bool = False) -> str:
        inner = html.escape(text)
        return f"<p><strong>{inner}</strong></p>" if strong else f"<p>{inner}</p>"

    def items(self, items: list[str], css: str = "") -> str:
        body = "".join(f"<li>{html.escape(i)}</li>" for i in items)
        return f"<ul class='{css}'>{body}</ul>"

    def table(self, rows: list[list[Any]]) -> str:
        def cell(tag: str, value: Any) -> str:
            text, css = value if isinstance(value, tuple) else (value, "")
            return (
                f"<{tag} class='{css}'>{html.escape(str(text))}</{tag}>"
                if css
                else f"<{tag}>{html.escape(str(text))}</{tag}>"
            )

        head = "<tr>" + "".join(cell("th", c) for c in rows[0]) + "</tr>"
        body = "".join("<tr>" + "".join(cell("td", c) for c in row) + "</tr>" for row in rows[1:])
        return f"<table>{head}{body}</table>"

    def figure(self, name: str, caption: str) -> str:
        data = base64.b64encode(self.images[name]).decode("ascii")
        return (
            f"<figure id='figure-{name}'><img alt='{html.escape(caption)}' "
            f"src='data:image/png;base64,{data}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def box(self, title: str, items: list[str], source: str) -> str:
        return (
            f"<aside class='box'><h3>{html.escape(title)}</h3>{self.items(items)}"
            f"<p><small>{html.escape(source)}</small></p></aside>"
        )

    def page_break(self) -> str:
        return "<div class='page-break'></div>"


class _Markdown:
    """Writes each element of the report as Markdown, figures as links to their PNG files."""

    def begin(self, title: str, language: str) -> str:
        return ""

    def end(self) -> str:
        return ""

    def heading(self, level: int, text: str) -> str:
        return f"\n{'#' * level} {text}\n"

    def paragraph(self, text: str, strong: bool = False) -> str:
        return f"\n**{text}**\n" if strong else f"\n{text}\n"

    def items(self, items: list[str], css: str = "") -> str:
        return "\n" + "\n".join(f"- {i}" for i in items) + "\n"

    def table(self, rows: list[list[Any]]) -> str:
        def cell(value: Any) -> str:
            text = value[0] if isinstance(value, tuple) else value
            return str(text).replace("|", "\\|")

        lines = ["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|---" * len(rows[0]) + "|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]]
        return "\n" + "\n".join(lines) + "\n"

    def figure(self, name: str, caption: str) -> str:
        return f"\n![{name}](report-{name}.png)\n\n*{caption}*\n"

    def box(self, title: str, items: list[str], source: str) -> str:
        lines = [f"> **{title}**", ">", *(f"> - {i}" for i in items), ">", f"> {source}"]
        return "\n" + "\n".join(lines) + "\n"

    def page_break(self) -> str:
        return "\n---\n"
