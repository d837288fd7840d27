"""The report of a results folder: ``report.html`` (self-contained) and ``report.md``.

Numbers come from :mod:`experiments.effects`; this module only lays them out and draws the
figures (matplotlib, in greys and line styles so that they print well without colour).
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

# Figures are made with matplotlib.figure.Figure, never pyplot: they are only saved to files,
# and a library that chose pyplot's backend would take inline plots away from a notebook.
from matplotlib.figure import Figure

from barrio.experiments.batch import ResultsError, load, read_manifest
from barrio.experiments.effects import KEY_OUTCOMES, against_baseline, per_replicate, settling, summarise
from barrio.experiments.output import atomic_write
from barrio.model.population import AGE_BANDS

__all__ = [
    "OVERVIEW_OUTCOMES",
    "baseline_for",
    "choose_baseline",
    "html_table",
    "in_order",
    "overview",
    "sweep_points",
    "with_interval",
    "write_report",
]

_GREYS = ["black", "0.35", "0.55", "0.7", "0.2", "0.45"]
_DASHES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1))]
_MARKERS = ["o", "s", "^", "D", "v", "P"]
#: Panels of the time-series figure.
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
_SWEEP_NOTE = (
    "Each point of the sweep with the values it set, and key outcomes: mean over the policy period "
    "across replicates, with its 95% confidence interval. Below, every point is compared with the "
    "first as its baseline."
)
_MEANS_NOTE = (
    "Mean over replicates of each replicate's policy-period mean, with a t interval: with few "
    "replicates it is wide, and for outcomes that cannot be negative it may reach below zero."
)
_EFFECT_NOTE = (
    "The difference and its interval are paired by replicate (same seeds); Hedges' g and "
    "Vargha-Delaney A12 compare the two sets of replicates without pairing."
)


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


def write_report(
    out: Path | str, baseline: str | None = None, to: Path | str | None = None
) -> dict[str, Path]:
    """Write ``report.html`` and ``report.md`` (with its figures) for a results folder.

    Args:
        out: The results folder.
        baseline: Scenario to compare with (default: the one the batch named, else
            "baseline", else the first).
        to: Folder to write into (default: the results folder).

    Returns:
        The paths written, by kind.
    """
    out = Path(out)
    to = Path(to) if to is not None else out
    manifest = read_manifest(out)
    table = load(out)
    posterior = manifest.get("description", {}).get("posterior")
    names = list(manifest["scenarios"])
    if posterior:
        from barrio.experiments.posterior import collapse_posterior

        table, names = collapse_posterior(table, manifest)
    done = table.groupby("scenario", observed=True).replicate.unique()
    order = [s for s in names if s in done.index]
    base = baseline_for(out, manifest, order, baseline)
    means = per_replicate(table)
    summary = summarise(means[means.outcome.isin(KEY_OUTCOMES)])
    versus = against_baseline(means[means.outcome.isin(KEY_OUTCOMES)], base)
    versus = in_order(versus, order)
    settle = settling(means[means.outcome.isin(KEY_OUTCOMES)])
    # A posterior's sets are not a sweep's points: their values are in the calibration folder.
    points = None if posterior else sweep_points(manifest, order)
    figures = {
        "series": _series_figure(table, order),
        "costs": _cost_figure(summary, order),
        "burden": _burden_figure(means, order),
        "replicates": _replicates_figure(settle, order),
    }
    if points is not None:
        figures = {"sweep": _sweep_figure(summary, points), **figures}
    pngs = {}
    for name, fig in figures.items():
        path = to / f"report-{name}.png"
        atomic_write(path, lambda p, f=fig: f.savefig(p, dpi=100, format="png"))
        pngs[name] = path
    header = _header(manifest, order, base, done, out)
    sweep = overview(summary, order, done, points) if points is not None else None
    text = _markdown(header, order, base, summary, versus, settle, pngs, sweep)
    page = _html(header, order, base, summary, versus, settle, figures, sweep)
    if posterior:
        split = _posterior_split(means, versus, base, posterior)
        text += "\n" + split
        page = page.replace("</body></html>", _markdown_table_html(split) + "</body></html>")
    paths = {"html": to / "report.html", "markdown": to / "report.md", **pngs}
    atomic_write(paths["html"], lambda p: p.write_text(page, encoding="utf-8"))
    atomic_write(paths["markdown"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths


# -- figures ---------------------------------------------------------------------------------


def _style(k: int) -> dict:
    return {"color": _GREYS[k % len(_GREYS)], "linestyle": _DASHES[k % len(_DASHES)]}


def _series_figure(table: pd.DataFrame, order: list[str]) -> Figure:
    """Key outcomes week by week: the mean over replicates and the band they span."""
    fig = Figure(figsize=(11, 9.5), layout="constrained")
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
            style = _style(k)
            ax.fill_between(
                wide.index, wide.min(axis=1), wide.max(axis=1), color=style["color"], alpha=0.15, lw=0
            )
            ax.plot(wide.index, wide.mean(axis=1), label=scenario, lw=1.4, **style)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_title(KEY_OUTCOMES[outcome], fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel(f"week (policy starts at 0, from {-_WARMUP_SHOWN}; band: range over replicates)")
    return fig


def _cost_figure(summary: pd.DataFrame, order: list[str]) -> Figure:
    """What each scenario costs a week against what it achieves, with 95% intervals."""
    fig = Figure(figsize=(12, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    s = summary.set_index(["scenario", "outcome"])
    for ax, outcome in zip(axes, ["homicide_rate", "sellers", "prisoners_sentenced"], strict=True):
        for k, scenario in enumerate(order):
            enforcement = s.loc[(scenario, "enforcement_cost"), "mean"]
            programmes = s.loc[(scenario, "programme_spending"), "mean"]
            y = s.loc[(scenario, outcome)]
            ax.errorbar(
                enforcement + programmes,
                y["mean"],
                yerr=[[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]]
                if np.isfinite(y["ci_low"])
                else None,
                fmt=_MARKERS[k % len(_MARKERS)],
                color=_GREYS[k % len(_GREYS)],
                capsize=3,
                label=scenario,
            )
        ax.set_xlabel("public spending, USD a week")
        ax.set_title(KEY_OUTCOMES[outcome], fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    return fig


def _burden_figure(means: pd.DataFrame, order: list[str]) -> Figure:
    """Who bears it: prisoners and arrests by sex and age, children with a parent in prison."""
    fig = Figure(figsize=(12, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    mean = means.groupby(["scenario", "outcome"], observed=True).value.mean()
    groups = [(sex, band) for sex in ("female", "male") for band, _, _ in AGE_BANDS]
    labels = [f"{'W' if sex == 'female' else 'M'} {band.replace('_', '-')}" for sex, band in groups]
    width = 0.8 / max(len(order), 1)
    for ax, prefix, title in (
        (axes[0], "prisoners", "prisoners by sex and age"),
        (axes[1], "arrests", "arrests a week by sex and age"),
    ):
        x = np.arange(len(groups))
        for k, scenario in enumerate(order):
            values = [mean.get((scenario, f"{prefix}_{sex}_{band}"), 0.0) for sex, band in groups]
            ax.bar(
                x + k * width,
                values,
                width,
                color=_GREYS[k % len(_GREYS)],
                label=scenario,
                edgecolor="black",
                lw=0.4,
            )
        ax.set_xticks(x + width * (len(order) - 1) / 2, labels, rotation=45, fontsize=8)
        ax.set_title(title, fontsize=10)
    children = [mean.get((s, "children_parent_in_prison"), 0.0) for s in order]
    axes[2].bar(
        order, children, color=[_GREYS[k % len(_GREYS)] for k in range(len(order))], edgecolor="black", lw=0.4
    )
    axes[2].set_title("children with a parent in prison", fontsize=10)
    axes[2].tick_params(axis="x", rotation=45, labelsize=8)
    axes[0].legend(fontsize=8)
    return fig


def _replicates_figure(settle: pd.DataFrame, order: list[str]) -> Figure:
    """Coefficient of variation of key outcomes as replicates accumulate."""
    outcomes = ["homicide_rate", "sellers", "recruits", "prisoners_sentenced"]
    fig = Figure(figsize=(12, 3.2), layout="constrained")
    axes = fig.subplots(1, 4, sharex=True)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for k, scenario in enumerate(order):
            rows = settle[(settle.scenario == scenario) & (settle.outcome == outcome)]
            ax.plot(rows.k, rows.cv, marker=_MARKERS[k % len(_MARKERS)], ms=3, label=scenario, **_style(k))
        ax.set_title(KEY_OUTCOMES[outcome], fontsize=9)
        ax.set_xlabel("replicates")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("coefficient of variation")
    axes[0].legend(fontsize=7)
    return fig


def sweep_points(manifest: dict, order: list[str]) -> pd.DataFrame | None:
    """The values a sweep set at each of its points (one row per scenario), or None for a comparison."""
    levers = {run["scenario"]: run["levers"] for run in manifest["runs"] if run.get("levers")}
    if not levers:
        return None
    return pd.DataFrame([levers[s] for s in order if s in levers], index=[s for s in order if s in levers])


#: Outcomes of the short overview (a notebook's preview, the sweep table), drawn against the
#: swept parameters.
OVERVIEW_OUTCOMES = ["homicide_rate", "sellers", "prisoners_sentenced", "enforcement_cost"]


def _sweep_figure(summary: pd.DataFrame, points: pd.DataFrame) -> Figure:
    """Each key outcome against each swept parameter: one marker per point, with its 95% interval."""
    s = summary.set_index(["scenario", "outcome"])
    rows, cols = len(OVERVIEW_OUTCOMES), len(points.columns)
    fig = Figure(figsize=(4 * cols + 1, 2.6 * rows), layout="constrained")
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
                ax.set_ylabel(KEY_OUTCOMES[outcome], fontsize=8)
            if i == rows - 1:
                ax.set_xlabel(lever, fontsize=8)
    return fig


def overview(
    summary: pd.DataFrame, order: list[str], done: pd.Series, points: pd.DataFrame | None = None
) -> list[list[str]]:
    """Rows of the short overview, a header first.

    Each scenario (or sweep point, with the values it set), its finished replicates and the
    key outcomes' means with their 95% intervals.

    Args:
        summary: Per scenario and outcome, as :func:`experiments.effects.summarise` gives it.
        order: The scenarios with finished runs, in the batch's order.
        done: The finished replicates of each scenario.
        points: The values each sweep point set (:func:`sweep_points`), or None.
    """
    s = summary.set_index(["scenario", "outcome"])
    levers = list(points.columns) if points is not None else []
    first = "point" if points is not None else "scenario"
    rows = [[first, *levers, "replicates", *(KEY_OUTCOMES[o] for o in OVERVIEW_OUTCOMES)]]
    for scenario in order:
        values = points.loc[scenario] if points is not None else []
        cells = [scenario, *(_fmt(v) if isinstance(v, float) else str(v) for v in values)]
        cells.append(str(len(done[scenario])))
        cells += [
            with_interval(s.loc[(scenario, o)]) if (scenario, o) in s.index else "-"
            for o in OVERVIEW_OUTCOMES
        ]
        rows.append(cells)
    return rows


def html_table(rows: list[list[str]]) -> str:
    """A header row and rows of text as an HTML table (text escaped)."""
    head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in rows[0]) + "</tr>"
    body = ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:]]
    return "<table>" + head + "".join(body) + "</table>"


# -- text ------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def with_interval(row: pd.Series) -> str:
    """A summary row as "mean (low to high)"."""
    return f"{_fmt(row['mean'])} ({_fmt(row['ci_low'])} to {_fmt(row['ci_high'])})"


def _title(sweep: list[list[str]] | None) -> str:
    return "Barrio sweep" if sweep is not None else "Barrio comparison"


def _warnings(settle: pd.DataFrame) -> list[str]:
    last = settle.groupby(["scenario", "outcome"], sort=False).tail(1)
    loose = last[~last.settled]
    return [
        f"{row.outcome} in {row.scenario}: the mean is known only to about +/-{row.half:.0%} "
        f"(95% CI) with {row.k} replicates; run more replicates before reading small differences"
        for row in loose.itertuples()
        if np.isfinite(row.half)
    ]


def _header(manifest: dict, order: list[str], base: str, done: pd.Series, out: Path) -> list[str]:
    """What was compared, how many replicates each, what is missing, and with which code."""
    planned: dict[str, set[int]] = {}
    for run in manifest["runs"]:
        planned.setdefault(run["scenario"], set()).add(run["replicate"])
    counts = sorted({len(done[s]) for s in order})
    each = (
        f"{counts[0]} replicate(s) each"
        if len(counts) == 1
        else "replicates: " + ", ".join(f"{s} {len(done[s])}" for s in order)
    )
    lines = [
        f"Scenarios: {', '.join(order)}; {each}, replicate i of every scenario with the same seed "
        "(paired differences: only replicates finished for both sides are paired).",
        f"Compared with: {base}. Means are over the policy period (weeks 0 and after) of each replicate.",
    ]
    missing = []
    for scenario, replicates in planned.items():
        have = set(done[scenario]) if scenario in done.index else set()
        lacking = sorted(replicates - have)
        if lacking and not have:
            missing.append(f"{scenario} (all {len(lacking)})")
        elif lacking:
            missing.append(f"{scenario} (replicate {', '.join(map(str, lacking))})")
    if missing:
        lines.append(
            "Not finished yet, so not in this report: " + "; ".join(missing) + ". Run the same command "
            "again on this folder to complete them; finished runs are kept."
        )
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
        code = f"runs of {len(versions)} versions of the code ({', '.join(versions)})"
    lines.append(f"{code}; last run finished {stamp}.")
    return lines


def _markdown(header, order, base, summary, versus, settle, pngs, sweep) -> str:
    lines = [f"# {_title(sweep)}", "", *header, ""]
    if sweep is not None:
        lines += ["## The sweep", "", _SWEEP_NOTE, ""]
        lines += ["| " + " | ".join(sweep[0]) + " |", "|---" * len(sweep[0]) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in sweep[1:]]
        lines.append("")
    lines += ["## Against the baseline", ""]
    for scenario in order:
        if scenario == base:
            continue
        lines.append(f"**{scenario}**")
        lines.append("")
        lines += [f"- {row.sentence}" for row in versus[versus.scenario == scenario].itertuples()]
        lines.append("")
    lines += ["## Means with 95% confidence intervals", "", _MEANS_NOTE, ""]
    lines += ["| outcome | " + " | ".join(order) + " |", "|---|" + "---|" * len(order)]
    s = summary.set_index(["scenario", "outcome"])
    for outcome in KEY_OUTCOMES:
        cells = []
        for scenario in order:
            row = s.loc[(scenario, outcome)]
            cells.append(with_interval(row))
        lines.append(f"| {KEY_OUTCOMES[outcome]} | " + " | ".join(cells) + " |")
    lines += ["", "## Effect sizes", "", _EFFECT_NOTE, ""]
    lines += ["| scenario | outcome | difference (95% CI) | Hedges' g | A12 |"]
    lines.append("|---|---|---|---|---|")
    for row in versus.itertuples():
        lines.append(
            f"| {row.scenario} | {KEY_OUTCOMES.get(row.outcome, row.outcome)} | {_fmt(row.difference)} "
            f"({_fmt(row.ci_low)} to {_fmt(row.ci_high)}) | {_fmt(row.hedges_g)} | {row.a12:.2f} |"
        )
    warnings = _warnings(settle)
    lines += ["", "## Were the replicates enough?", ""]
    lines += [f"- {w}" for w in warnings] or ["- Every key outcome's mean is known to within about +/-10%."]
    lines += ["", "## Figures", ""]
    lines += [f"![{name}]({path.name})" for name, path in pngs.items()]
    return "\n".join(lines) + "\n"


def _img(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=100, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _html(header, order, base, summary, versus, settle, figures, sweep) -> str:
    e = html.escape
    title = _title(sweep)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#111}"
        "table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #999;padding:3px 6px}"
        ".warn{background:#eee;border-left:4px solid #444;padding:4px 8px}</style></head><body>",
        f"<h1>{title}</h1>",
        *(f"<p>{e(line)}</p>" for line in header),
    ]
    if sweep is not None:
        parts.append(f"<h2>The sweep</h2><p>{e(_SWEEP_NOTE)}</p>{html_table(sweep)}")
    parts.append("<h2>Against the baseline</h2>")
    for scenario in order:
        if scenario == base:
            continue
        parts.append(f"<h3>{e(scenario)}</h3><ul>")
        parts += [f"<li>{e(row.sentence)}</li>" for row in versus[versus.scenario == scenario].itertuples()]
        parts.append("</ul>")
    parts.append(f"<h2>Means with 95% confidence intervals</h2><p>{e(_MEANS_NOTE)}</p>")
    parts.append("<table><tr><th>outcome</th>")
    parts += [f"<th>{e(s)}</th>" for s in order]
    parts.append("</tr>")
    s = summary.set_index(["scenario", "outcome"])
    for outcome in KEY_OUTCOMES:
        parts.append(f"<tr><td>{e(KEY_OUTCOMES[outcome])}</td>")
        for scenario in order:
            row = s.loc[(scenario, outcome)]
            parts.append(f"<td>{with_interval(row)}</td>")
        parts.append("</tr>")
    parts.append(
        f"</table><h2>Effect sizes</h2><p>{e(_EFFECT_NOTE)}</p><table><tr><th>scenario</th><th>outcome</th>"
    )
    parts.append("<th>difference (95% CI)</th><th>Hedges' g</th><th>A12</th></tr>")
    for row in versus.itertuples():
        parts.append(
            f"<tr><td>{e(row.scenario)}</td><td>{e(KEY_OUTCOMES.get(row.outcome, row.outcome))}</td>"
            f"<td>{_fmt(row.difference)} ({_fmt(row.ci_low)} to {_fmt(row.ci_high)})</td>"
            f"<td>{_fmt(row.hedges_g)}</td><td>{row.a12:.2f}</td></tr>"
        )
    parts.append("</table><h2>Were the replicates enough?</h2>")
    warnings = _warnings(settle)
    parts += [f"<p class='warn'>{e(w)}</p>" for w in warnings] or [
        "<p>Every key outcome's mean is known to within about +/-10%.</p>"
    ]
    captions = {
        "sweep": "Key outcomes against each swept parameter (bars: 95% intervals)",
        "series": "Key outcomes week by week (line: mean of replicates; band: their range)",
        "costs": "Public spending against outcomes (bars: 95% intervals)",
        "burden": "Who bears it",
        "replicates": "Coefficient of variation as replicates accumulate",
    }
    for name, fig in figures.items():
        parts.append(
            f"<h2>{e(captions[name])}</h2><img alt='{e(name)}' src='data:image/png;base64,{_img(fig)}'>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def _posterior_split(means: pd.DataFrame, versus: pd.DataFrame, base: str, posterior: dict) -> str:
    """The report's section on a run over a calibration's posterior: parameters against seeds."""
    from barrio.experiments.posterior import uncertainty_split

    replicates = int(posterior["replicates"])
    key = means[means.outcome.isin(KEY_OUTCOMES)]
    levels = uncertainty_split(key, replicates)
    paired = key.pivot_table(
        index=["replicate", "outcome"], columns="scenario", values="value", observed=True
    )
    rows = []
    for scenario in [s for s in paired.columns if s != base]:
        difference = (paired[scenario] - paired[base]).rename("value").reset_index()
        rows.append(uncertainty_split(difference.assign(scenario=f"{scenario} - {base}"), replicates))
    split = pd.concat([levels, *rows], ignore_index=True)
    lines = [
        "## Parameter and seed uncertainty",
        "",
        f"Every scenario was run over the {posterior['sets']} accepted parameter sets of the calibration "
        f"'{posterior.get('calibration')}' ({posterior['folder']}), {replicates} seed(s) each, paired by set "
        "and seed, so the intervals above carry both what the data leave unknown about the parameters and "
        "chance. The spread of each scenario's outcomes, and of each difference from the baseline, splits "
        "into the variance between the parameter sets' means and the variance between seeds within a set:",
        "",
        "| scenario | outcome | parameter variance | seed variance | share from the parameters |",
        "|---|---|---|---|---|",
    ]
    for row in split.itertuples():
        share = "n/a" if np.isnan(row.parameter_share) else f"{row.parameter_share:.0%}"
        lines.append(
            f"| {row.scenario} | {KEY_OUTCOMES.get(row.outcome, row.outcome)} | {_fmt(row.parameters)} "
            f"| {_fmt(row.seeds)} | {share} |"
        )
    return "\n".join(lines) + "\n"


def _markdown_table_html(text: str) -> str:
    """A section written as Markdown (a heading, paragraphs and one table), as HTML."""
    e = html.escape
    parts = []
    table_open = False
    for line in text.splitlines():
        if line.startswith("## "):
            parts.append(f"<h2>{e(line[3:])}</h2>")
        elif line.startswith("|---"):
            continue
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            tag = "th" if not table_open else "td"
            if not table_open:
                parts.append("<table>")
                table_open = True
            parts.append("<tr>" + "".join(f"<{tag}>{e(c)}</{tag}>" for c in cells) + "</tr>")
        elif line.strip():
            parts.append(f"<p>{e(line)}</p>")
    if table_open:
        parts.append("</table>")
    return "\n".join(parts)
