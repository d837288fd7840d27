"""The report's figures (matplotlib), with their words in the report's language.

Figures are made with matplotlib.figure.Figure, never pyplot: they are only saved to files,
and a library that chose pyplot's backend would take inline plots away from a notebook.
Lines and bars are in greys and line styles so that they print well without colour; only the
brief's chart is in colour, because its colours say whether a change is for the better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from barrio.experiments.effects import GOOD_DIRECTION, HEADLINE, PER_YEAR
from barrio.experiments.vocabulary import outcome_name, scenario_title
from barrio.experiments.wording import percent, say
from barrio.model.population import AGE_BANDS

__all__ = [
    "OVERVIEW_OUTCOMES",
    "VERDICT_COLOURS",
    "burden_figure",
    "cost_figure",
    "forest_figure",
    "judge",
    "replicates_figure",
    "series_figure",
    "sweep_figure",
]

#: A page's width in inches at the report's 100 dpi: figures drawn at most this wide show
#: whole on the page (the HTML scales them down further on a narrow screen).
WIDTH = 9.6
_GREYS = ["black", "0.35", "0.55", "0.7", "0.2", "0.45"]
_DASHES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1))]
_MARKERS = ["o", "s", "^", "D", "v", "P"]
#: Panels of the time-series figure (model outcomes, drawn week by week).
_SERIES = [
    "homicide_rate",
    "sellers",
    "recruits",
    "prisoners_sentenced",
    "prison_occupancy_pct",
    "mean_trust",
]
_SMOOTH = {"homicide_rate": 52, "recruits": 13}
#: Weeks of the warm-up shown before the policy period in the time series.
_WARMUP_SHOWN = 52
#: Outcomes of the short overview (a notebook's preview, the sweep table), drawn against the
#: swept parameters.
OVERVIEW_OUTCOMES = ["homicide_rate", "sellers", "prisoners_sentenced", "total_cost"]
#: Colour of each verdict on a change; the legend and the caption name them too, for print in grey.
VERDICT_COLOURS = {"better": "#1b7837", "worse": "#b2182b", "unclear": "#8c8c8c", "neutral": "#2166ac"}


def judge(outcome: str, verdict: str) -> str:
    """Whether a change is ``better``, ``worse``, ``unclear`` or ``neutral`` (neither way is better)."""
    if verdict == "unclear":
        return "unclear"
    good = GOOD_DIRECTION.get(outcome, 0)
    if good == 0:
        return "neutral"
    return "better" if (verdict == "higher") == (good > 0) else "worse"


def _style(k: int) -> dict:
    return {"color": _GREYS[k % len(_GREYS)], "linestyle": _DASHES[k % len(_DASHES)]}


def forest_figure(versus: pd.DataFrame, base: str, language: str) -> Figure:
    """Each policy's relative change on the headline outcomes, with its interval, coloured by verdict.

    A change marked too few cases to tell (``too_few``) is a grey point with no interval: the
    interval of a handful of cases would claim a precision the count lacks.
    """
    rows = versus[versus.outcome.isin(HEADLINE) & np.isfinite(versus.relative)]
    if "too_few" in rows:
        few = rows.too_few.to_numpy(bool)
        rows = rows.assign(rel_low=rows.rel_low.where(~few), rel_high=rows.rel_high.where(~few))
    outcomes = [o for o in HEADLINE if o in set(rows.outcome)]
    policies = list(dict.fromkeys(rows.scenario))
    height = 1.2 + 0.42 * max(len(outcomes), 1) * max(len(policies), 1) ** 0.5
    fig = Figure(figsize=(WIDTH * 0.8, height), layout="constrained")
    ax = fig.subplots()
    step = 0.7 / max(len(policies), 1)
    for k, policy in enumerate(policies):
        for i, outcome in enumerate(outcomes):
            found = rows[(rows.scenario == policy) & (rows.outcome == outcome)]
            if found.empty:
                continue
            row = found.iloc[0]
            y = -i - k * step + (len(policies) - 1) * step / 2
            colour = VERDICT_COLOURS[judge(outcome, row.verdict)]
            # Drawn as ratios on a log axis, where the interval (taken on the log ratio) is
            # symmetric and a halving is as far from no change as a doubling.
            if np.isfinite(row.rel_low):
                ax.plot([1 + row.rel_low, 1 + row.rel_high], [y, y], color=colour, lw=2.2)
            ax.plot(
                1 + row.relative, y, _MARKERS[k % len(_MARKERS)], color=colour, ms=7, mec="black", mew=0.5
            )
    ax.set_xscale("log")
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks([-i for i in range(len(outcomes))], [outcome_name(o, language) for o in outcomes])
    ax.set_xlabel(say("forest_axis", language, baseline=scenario_title(base, language)))
    ax.grid(axis="x", alpha=0.3, which="both")
    ends = [1 + v for v in (*rows.rel_low.dropna(), *rows.rel_high.dropna(), *rows.relative) if v > -1]
    low, high = min([0.8, *ends]), max([1.25, *ends])
    # A tenth of the drawn span on each side (at least a factor 1.15), so that no interval's
    # end or marker touches the frame however wide the span.
    margin = max(1.15, (high / low) ** 0.1)
    ax.set_xlim(low / margin, high * margin)
    ticks = [r for r in (0.1, 0.25, 0.5, 1, 2, 5, 20, 100) if low / margin <= r <= high * margin]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v - 1, language)))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    handles = [
        ax.plot([], [], "s", color=VERDICT_COLOURS[v], label=say(f"legend_{v}", language))[0]
        for v in ("better", "worse", "unclear")
    ]
    if len(policies) > 1:
        handles += [
            ax.plot(
                [],
                [],
                _MARKERS[k % len(_MARKERS)],
                color="white",
                mec="black",
                label=scenario_title(p, language),
            )[0]
            for k, p in enumerate(policies)
        ]
    # Below the axes, where it hides no interval; "outside" lets the layout make room for it.
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncol=3, frameon=False)
    return fig


def series_figure(table: pd.DataFrame, order: list[str], language: str) -> Figure:
    """Key outcomes week by week: the mean over replicates and the band they span."""
    fig = Figure(figsize=(WIDTH, 8.5), layout="constrained")
    axes = fig.subplots(3, 2, sharex=True)
    # From the last year of the warm-up: its first weeks, when everyone sizes up an empty
    # market at once, would flatten every later line.
    data = table[table.outcome.isin(_SERIES) & (table.week >= -_WARMUP_SHOWN)]
    for ax, outcome in zip(axes.flat, _SERIES, strict=True):
        for k, scenario in enumerate(order):
            runs = data[(data.outcome == outcome) & (data.scenario == scenario)]
            wide = runs.pivot_table(index="week", columns="replicate", values="value", observed=True)
            if outcome in _SMOOTH:
                wide = wide.rolling(_SMOOTH[outcome], min_periods=1).mean()
            if outcome in PER_YEAR:  # a weekly count, drawn a year as the tables give it
                wide = wide * 52
            style = _style(k)
            ax.fill_between(
                wide.index, wide.min(axis=1), wide.max(axis=1), color=style["color"], alpha=0.15, lw=0
            )
            ax.plot(wide.index, wide.mean(axis=1), label=scenario_title(scenario, language), lw=1.4, **style)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_title(outcome_name(outcome, language), fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel(say("axis_week", language, start=-_WARMUP_SHOWN), fontsize=8)
    return fig


def cost_figure(summary: pd.DataFrame, order: list[str], language: str) -> Figure:
    """What each scenario spends a year against what it achieves, with 95% intervals."""
    fig = Figure(figsize=(WIDTH, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    s = summary.set_index(["scenario", "outcome"])
    for ax, outcome in zip(axes, ["homicide_rate", "sellers", "prisoners"], strict=True):
        for k, scenario in enumerate(order):
            spending = s.loc[(scenario, "total_cost"), "mean"]
            y = s.loc[(scenario, outcome)]
            ax.errorbar(
                spending,
                y["mean"],
                yerr=[[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]]
                if np.isfinite(y["ci_low"])
                else None,
                fmt=_MARKERS[k % len(_MARKERS)],
                color=_GREYS[k % len(_GREYS)],
                capsize=3,
                label=scenario_title(scenario, language),
            )
        ax.set_xlabel(say("axis_spending", language), fontsize=8)
        ax.set_title(outcome_name(outcome, language), fontsize=9)
        ax.grid(alpha=0.3)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
    axes[0].legend(fontsize=7)
    return fig


def burden_figure(means: pd.DataFrame, order: list[str], language: str) -> Figure:
    """Who bears it: prisoners and arrests by sex and age, children with a parent in prison."""
    fig = Figure(figsize=(WIDTH, 3.8), layout="constrained")
    axes = fig.subplots(1, 3)
    mean = means.groupby(["scenario", "outcome"], observed=True).value.mean()
    groups = [(sex, band) for sex in ("female", "male") for band, _, _ in AGE_BANDS]
    short = {"female": say("women_short", language), "male": say("men_short", language)}
    labels = [f"{short[sex]} {band.replace('_', '-')}" for sex, band in groups]
    width = 0.8 / max(len(order), 1)
    # Arrests come a year already (effects.PER_YEAR), as the report's table gives them.
    for ax, prefix, title in (
        (axes[0], "prisoners", say("burden_prisoners", language)),
        (axes[1], "arrests", say("burden_arrests", language)),
    ):
        x = np.arange(len(groups))
        for k, scenario in enumerate(order):
            values = [mean.get((scenario, f"{prefix}_{sex}_{band}"), 0.0) for sex, band in groups]
            ax.bar(
                x + k * width,
                values,
                width,
                color=_GREYS[k % len(_GREYS)],
                label=scenario_title(scenario, language),
                edgecolor="black",
                lw=0.4,
            )
        ax.set_xticks(x + width * (len(order) - 1) / 2, labels, rotation=45, fontsize=7)
        ax.set_title(title, fontsize=9)
    children = [mean.get((s, "children_parent_in_prison"), 0.0) for s in order]
    axes[2].bar(
        [scenario_title(s, language) for s in order],
        children,
        color=[_GREYS[k % len(_GREYS)] for k in range(len(order))],
        edgecolor="black",
        lw=0.4,
    )
    axes[2].set_title(outcome_name("children_parent_in_prison", language), fontsize=8, wrap=True)
    axes[2].tick_params(axis="x", rotation=30, labelsize=7)
    axes[0].legend(fontsize=7)
    return fig


def replicates_figure(settle: pd.DataFrame, order: list[str], language: str) -> Figure:
    """Coefficient of variation of key outcomes as replicates accumulate."""
    outcomes = ["homicide_rate", "sellers", "young_recruits", "prisoners"]
    fig = Figure(figsize=(WIDTH, 3.0), layout="constrained")
    axes = fig.subplots(1, 4, sharex=True)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for k, scenario in enumerate(order):
            rows = settle[(settle.scenario == scenario) & (settle.outcome == outcome)]
            ax.plot(
                rows.k,
                rows.cv,
                marker=_MARKERS[k % len(_MARKERS)],
                ms=3,
                label=scenario_title(scenario, language),
                **_style(k),
            )
        ax.set_title(outcome_name(outcome, language), fontsize=8)
        ax.set_xlabel(say("axis_replicates", language), fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(say("axis_cv", language), fontsize=8)
    axes[0].legend(fontsize=7)
    return fig


def sweep_figure(summary: pd.DataFrame, points: pd.DataFrame, language: str) -> Figure:
    """Each key outcome against each swept parameter: one marker per point, with its 95% interval."""
    s = summary.set_index(["scenario", "outcome"])
    rows, cols = len(OVERVIEW_OUTCOMES), len(points.columns)
    fig = Figure(figsize=(min(WIDTH, 3.2 * cols + 1), 2.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex="col")
    for i, outcome in enumerate(OVERVIEW_OUTCOMES):
        for j, lever in enumerate(points.columns):
            ax = axes[i, j]
            rows_ = [s.loc[(scenario, outcome)] for scenario in points.index]
            mean = np.array([r["mean"] for r in rows_])
            low = np.array([r["ci_low"] for r in rows_])
            high = np.array([r["ci_high"] for r in rows_])
            spread = [mean - low, high - mean] if np.isfinite(low).all() else None
            ax.errorbar(points[lever], mean, yerr=spread, fmt="o", color="black", ms=3, capsize=2, lw=0.8)
            ax.grid(alpha=0.3)
            if j == 0:
                ax.set_ylabel(outcome_name(outcome, language), fontsize=7)
            if i == rows - 1:
                ax.set_xlabel(lever, fontsize=8)
    return fig
