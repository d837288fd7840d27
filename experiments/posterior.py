"""A calibration's posterior ensemble: reading it, running scenarios over it, and splitting the spread.

``barrio compare ... --posterior DIR`` runs every scenario over every accepted parameter set
of a calibration folder (``barrio calibrate``), each set with the same paired seeds, so the
report's intervals carry parameter uncertainty as well as chance, and says how much of the
spread is each (the law of total variance).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from barrio.experiments.batch import RunSpec, replicate_seeds
from barrio.model.errors import BarrioError
from barrio.model.params import Params, dotted, parameter_table
from barrio.model.scenario import Scenario

__all__ = [
    "collapse_posterior",
    "load_posterior",
    "on_city",
    "over_posterior",
    "parameter_values",
    "point_estimate",
    "posterior_markdown",
    "uncertainty_split",
    "whole_numbers",
]


def whole_numbers(names: Sequence[str]) -> np.ndarray:
    """Which of ``names`` the model gets rounded: whole numbers and switches (not parameters: False)."""
    rows = {row["path"]: row for row in parameter_table()}
    return np.array([name in rows and isinstance(rows[name]["default"], int) for name in names], dtype=bool)


def parameter_values(names: Sequence[str], point: np.ndarray) -> dict[str, Any]:
    """A point of fitted parameters as scenario values (whole numbers where the parameter is one)."""
    whole = whole_numbers(names)
    return {
        name: round(float(value)) if is_whole else float(value)
        for name, value, is_whole in zip(names, point, whole, strict=True)
    }


def load_posterior(folder: Path | str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The accepted parameter sets of a calibration folder, and its description.

    Raises:
        BarrioError: If the folder holds no finished calibration.
    """
    folder = Path(folder)
    posterior, meta = folder / "posterior.csv", folder / "calibration.json"
    if not posterior.is_file() or not meta.is_file():
        raise BarrioError(f"{folder} holds no finished calibration (posterior.csv and calibration.json)")
    frame = pd.read_csv(posterior)
    names = list(json.loads(meta.read_text())["parameters"])
    missing = [n for n in names if n not in frame.columns]
    if missing or "set" not in frame.columns:
        raise BarrioError(f"{posterior} is not a calibration's posterior: no column {missing or ['set']}")
    return frame, json.loads(meta.read_text())


#: How a scenario run over a posterior set is named in its results folder: NAME-pNN.
_SET_NAME = "{name}-p{k:03d}"


def over_posterior(
    scenarios: Sequence[Scenario],
    folder: Path | str,
    replicates: int,
    root_seed: int = 0,
    resize: Callable[[Scenario], Scenario] = lambda s: s,
) -> tuple[list[RunSpec], dict[str, Any]]:
    """Every scenario on the calibrated city, over every accepted parameter set, with paired seeds.

    Each scenario is moved onto the calibrated city (:func:`on_city`) with each set's fitted
    values, then ``resize`` (a study's weeks, warm-up and population) is applied. Replicate
    ``set x replicates + i`` of every scenario runs set ``set`` on seed ``i``, so differences
    between scenarios are paired by set and seed.

    Returns:
        The runs, and the description the results folder keeps (the calibration it used).

    Raises:
        BarrioError: If the folder holds no finished calibration.
    """
    posterior, meta = load_posterior(folder)
    names = list(meta["parameters"])
    seeds = replicate_seeds(root_seed, replicates)
    specs = []
    for scenario in scenarios:
        for row in posterior.itertuples(index=False):
            k = int(row.set)
            values = parameter_values(names, np.array([getattr(row, _attr(n, posterior)) for n in names]))
            run = resize(on_city(scenario, meta, values, _SET_NAME.format(name=scenario.name, k=k)))
            for i, seed in enumerate(seeds):
                specs.append(RunSpec(run, len(seeds) * k + i, seed, {"posterior_set": k, **values}))
    description = {
        "posterior": {
            "folder": str(folder),
            "calibration": meta.get("name"),
            "city": meta.get("scenario"),
            "sets": len(posterior),
            "replicates": replicates,
        }
    }
    return specs, description


def on_city(scenario: Scenario, meta: Mapping[str, Any], fitted: Mapping[str, Any], name: str) -> Scenario:
    """A scenario moved onto a calibrated city, with one set of fitted values.

    The rule, in order: the calibrated city's settings (its context, size, groups); then the
    fitted values, except those the calibration's own timeline set (the strength of a pact
    fitted to one event is not a fact about the city); then whatever the scenario sets away
    from the model's defaults (a policy's levers, or another city's context), which wins over
    both; then the scenario's timeline, unchanged. So ``mano_dura`` over the Fortaleza
    ensemble is Fortaleza with the crackdown's levers, and ``bogota`` over it is Bogota with
    the values fitted on Fortaleza.
    """
    city = meta.get("city")
    if city is None:
        raise BarrioError(
            f"the calibration '{meta.get('name')}' does not record its city; run barrio calibrate on its "
            "folder again (finished runs are kept) to write it"
        )
    default = dotted(Params.build({}).model_dump(mode="json"))
    own = {p: v for p, v in dotted(scenario.params.model_dump(mode="json")).items() if default.get(p) != v}
    held = {p: v for p, v in fitted.items() if p not in set(city["timeline_sets"])}
    params = Params.build(city["params"]).with_levers(held).with_levers(own)
    return replace(scenario, name=name, params=params)


def _attr(name: str, frame: pd.DataFrame) -> str:
    """The attribute name itertuples gives a column (dots are not allowed in it)."""
    return f"_{list(frame.columns).index(name)}"


def collapse_posterior(table: pd.DataFrame, manifest: Mapping[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """A results folder run over a posterior, with each scenario's sets under its own name again.

    Returns:
        The table with ``scenario`` the scenario's name and ``posterior_set`` the set, and the
        scenarios in the manifest's order.
    """
    table = table.copy()
    name = table["scenario"].astype(str)
    table["posterior_set"] = name.str.extract(r"-p(\d+)$")[0].astype(int)
    table["scenario"] = name.str.replace(r"-p\d+$", "", regex=True)
    order = list(dict.fromkeys(n.rsplit("-p", 1)[0] for n in manifest["scenarios"]))
    return table, order


def uncertainty_split(means: pd.DataFrame, replicates: int) -> pd.DataFrame:
    """How much of the spread of each scenario's outcomes comes from the parameters, and from chance.

    ``means`` holds one row per scenario, replicate and outcome (``experiments.effects.
    per_replicate``); replicate ``r`` ran set ``r // replicates``. The variance of the runs'
    means splits into the variance between the sets' means (parameter uncertainty) and the
    mean variance between seeds within a set (chance): the law of total variance.

    Returns:
        One row per scenario and outcome: ``parameters``, ``seeds`` (variances) and
        ``parameter_share``.
    """
    frame = means.assign(posterior_set=means["replicate"] // replicates)
    rows = []
    for (scenario, outcome), part in frame.groupby(["scenario", "outcome"], observed=True):
        by_set = part.groupby("posterior_set").value
        between = float(by_set.mean().var(ddof=0)) if by_set.ngroups > 1 else 0.0
        within = float(by_set.var(ddof=0).mean())
        total = between + within
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "parameters": between,
                "seeds": within,
                "parameter_share": between / total if total > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def posterior_markdown(folder: Path | str) -> str:
    """A section for docs/parameters.md: each fitted parameter's range and posterior summary.

    Raises:
        BarrioError: If the folder holds no finished calibration.
    """
    posterior, meta = load_posterior(folder)
    fit = pd.read_csv(Path(folder) / "fit.csv") if (Path(folder) / "fit.csv").is_file() else None
    name = meta.get("name", Path(folder).name)
    lines = [
        f"## Fitted to {name}",
        "",
        f"`barrio calibrate` on `{meta.get('file', name)}` ({meta.get('runs', '?')} model runs; "
        f"{len(posterior)} accepted parameter sets). Each fitted parameter's range searched and "
        "the accepted sets' median and 5% to 95% range; `barrio compare ... --posterior DIR`, with "
        "DIR this calibration's folder, runs policies over these sets.",
        "",
        "| parameter | range searched | posterior median | 5% to 95% |",
        "|---|---|---|---|",
    ]
    for parameter, (low, high) in meta["parameters"].items():
        q = posterior[parameter].quantile([0.05, 0.5, 0.95]).to_numpy()
        lines.append(f"| `{parameter}` | {low:.4g} to {high:.4g} | {q[1]:.4g} | {q[0]:.4g} to {q[2]:.4g} |")
    if fit is not None:
        within = int(fit["within_error"].sum())
        lines += ["", f"{within} of {len(fit)} targets within their observation error (docs/calibration.md)."]
    return "\n".join(lines) + "\n"


def point_estimate(folder: Path | str) -> dict[str, Any]:
    """The accepted sets' median of each fitted parameter that describes the city.

    Parameters the calibration's own timeline set (a pact's strength) describe an event, not
    the city, and are left out; whole-number parameters are rounded.

    Raises:
        BarrioError: If the folder holds no finished calibration.
    """
    posterior, meta = load_posterior(folder)
    events = set(meta.get("city", {}).get("timeline_sets", []))
    names = [n for n in meta["parameters"] if n not in events]
    return parameter_values(names, posterior[names].median().to_numpy())
