"""An exploration's analysis and report: indices, scenario discovery and regret, from its results folder.

``barrio explore FILE`` (:func:`experiments.studies.explore`) runs the design, then
:func:`write_exploration` reads the folder back and writes:

- ``indices.csv``: each parameter's Morris or Sobol indices, with bootstrap intervals, for
  every outcome's level under each policy and for every paired difference between policies;
- ``regret.csv``: for each outcome, how often each policy is the best one and how much worse
  than the best it is, on average and at worst;
- ``outcomes_by_point.csv``: the numbers all this comes from (policy, point, outcome, value);
- ``exploration.json``: what the manifest says of the exploration (its design, policies,
  outcomes, replicates), the versions of the code that made its finished runs and how long
  they took (from ``log.jsonl``);
- ``exploration.md`` with ``indices.png``, ``discovery.png`` and ``tree.png``: the parameters
  ranked for each difference, where the chosen policy fails (PRIM's box in plain words, with
  its coverage and density, and a CART tree), and the regret of each policy.

Everything is computed from the folder (its manifest keeps the design and ``design.csv`` its
points), so the same folder always gives the same numbers, whether its runs were made in one
go or resumed after a kill. A folder kept without its runs and manifest (a study shipped in
git) is read from its ``outcomes_by_point.csv`` and ``exploration.json``, and gives the same
numbers again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.tree import plot_tree

from barrio.experiments.batch import ResultsError, load, run_seconds, run_version
from barrio.experiments.designs import NOISE_FILE, PLAN_FILE, Design, read_noise, read_plan
from barrio.experiments.discovery import Box, describe_box, find_box, fit_tree, leaf_sentences, regret
from barrio.experiments.effects import per_replicate
from barrio.experiments.output import atomic_write
from barrio.experiments.sensitivity import (
    DERIVED,
    Target,
    by_seed,
    indices,
    indices_and_pairs,
    outcomes_by_point,
    seed_noise,
    targets,
)
from barrio.experiments.wording import number, significant_places

__all__ = [
    "DESIGN_FILE",
    "SMALL_SAMPLE",
    "Analysis",
    "analyse",
    "cost_per_averted",
    "described_points",
    "discovery_cases",
    "discovery_summary",
    "discovery_words",
    "index_flag",
    "no_box",
    "noise_by_parameter",
    "plus_minus",
    "read_design",
    "run_cost",
    "shown",
    "sobol_flags",
    "write_design",
    "write_exploration",
]

#: The design's points (as SALib drew them, before whole-number parameters are rounded).
DESIGN_FILE = "design.csv"
#: The runs' means per policy, point and outcome, all the analysis reads of the runs.
OUTCOMES_FILE = "outcomes_by_point.csv"
#: Finished trajectories an unfinished Morris screening is read from: with one, mu* has no
#: spread to put an interval on.
MIN_TRAJECTORIES = 2


@dataclass
class Analysis:
    """What an exploration's runs say.

    Attributes:
        design: The design the runs follow.
        by_point: One row per policy, point and outcome: the mean over the point's seeds.
        indices: Each parameter's indices per target (empty for a Latin hypercube or an
            unfinished design).
        interim: An unfinished Morris screening's indices from its finished trajectories
            (empty while fewer than :data:`MIN_TRAJECTORIES` have finished, and once all have:
            then :attr:`indices` has them).
        regret: Each policy's regret per outcome.
        cases: Where the chosen difference is above its threshold, per point (None if no
            discovery was asked or the points are unfinished).
        box: PRIM's box around the points :attr:`described` (None if there is nothing to
            tell apart).
        tree: A CART tree telling the points :attr:`described` from the others: its leaves in
            words are :func:`experiments.discovery.case_leaves`.
        pairs: A finished Sobol design's second-order indices, where it was drawn for them
            (:func:`experiments.sensitivity.pair_indices`).
        noise: A Morris or Sobol design's noise floor per target and parameter: the mu* or ST
            its seeds alone would give it (:func:`experiments.sensitivity.seed_noise`; empty for
            another design, or a summary written before Barrio kept it).
        discovery: What was looked for (policy, against, outcome, above, and a cost with the
            baseline it is counted against).
        complete: Points with every run of every policy finished, of all points.
        trajectories: A Morris design's trajectories with every point complete, of all
            (None for other designs).
        finished: The points with every run of every policy finished.
        constant: The targets (a policy's level or a difference, by outcome) that are the same at
            every finished point, with that value: nothing ranks parameters on them, and nothing
            tells points apart by them.
    """

    design: Design
    by_point: pd.DataFrame
    indices: pd.DataFrame
    regret: pd.DataFrame
    cases: np.ndarray | None
    box: Box | None
    discovery: dict[str, Any] | None
    complete: tuple[int, int]
    interim: pd.DataFrame = field(default_factory=pd.DataFrame)
    trajectories: tuple[int, int] | None = None
    finished: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    tree: Any = None
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    noise: pd.DataFrame = field(default_factory=pd.DataFrame)
    constant: dict[Target, float] = field(default_factory=dict)

    @property
    def flipped(self) -> bool:
        """Whether the cases are most of the points, so that discovery describes the others."""
        return self.cases is not None and _flips(self.cases)

    @property
    def described(self) -> np.ndarray | None:
        """The points the box and the tree describe (:func:`described_points`)."""
        return None if self.cases is None else described_points(self.cases)


def discovery_cases(found: Mapping[Target, np.ndarray], chosen: Mapping[str, Any]) -> np.ndarray:
    """Where the chosen policy fails, per point.

    Where ``policy`` minus ``against`` on ``outcome`` is above ``above``; or, with a ``cost``,
    where ``policy``'s :func:`cost_per_averted` is above ``against``'s by more than ``above``
    (one that averts none is above any that averts some; two that avert none are alike; a
    point missing a value is not a case).
    """
    if chosen.get("cost") is None:
        return found[(chosen["policy"], chosen["against"], chosen["outcome"])] > chosen["above"]
    mine, theirs = (cost_per_averted(found, p, chosen) for p in (chosen["policy"], chosen["against"]))
    return mine > theirs + chosen["above"]


def cost_per_averted(
    found: Mapping[Target, np.ndarray], policy: str, chosen: Mapping[str, Any]
) -> np.ndarray:
    """A policy's extra ``cost`` over the baseline per unit of ``outcome`` fewer than under it, per point.

    Infinite where it averts none, even spending less (no amount buys a unit averted there);
    zero where it averts some and spends no more (it dominates the baseline: two such policies
    are alike, not ranked by how much they save); NaN where a value is missing.
    """
    base, cost, outcome = chosen["baseline"], chosen["cost"], chosen["outcome"]
    extra = found[(policy, None, cost)] - found[(base, None, cost)]
    averted = found[(base, None, outcome)] - found[(policy, None, outcome)]
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(averted > 0, np.maximum(extra, 0.0) / averted, np.inf)
    return np.where(np.isnan(extra) | np.isnan(averted), np.nan, per)


def discovery_words(chosen: Mapping[str, Any], verb: str = "is above") -> str:
    """What discovery looks for, in words ("mano_dura minus integrated on homicide_rate is above 0")."""
    if chosen.get("cost") is None:
        return (
            f"{chosen['policy']} minus {chosen['against']} on {chosen['outcome']} {verb} {chosen['above']:g}"
        )
    margin = f" by more than {chosen['above']:g}" if chosen["above"] else ""
    return (
        f"{chosen['policy']}'s extra {chosen['cost']} per unit of {chosen['outcome']} averted (against "
        f"{chosen['baseline']}) {verb} {chosen['against']}'s{margin}"
    )


def _flips(cases: np.ndarray) -> bool:
    return bool(cases.mean() > 0.5)


def described_points(cases: np.ndarray) -> np.ndarray:
    """The points discovery describes: the cases or, where they are most of the points, the others.

    Where the answer holds nearly everywhere, a box around it says nothing; the points where it
    flips are the ones to describe.
    """
    return ~cases if _flips(cases) else cases


def write_design(out: Path, design: Design) -> Path:
    """Keep the design's points in the results folder (the manifest keeps the rest)."""
    path = out / DESIGN_FILE
    frame = pd.DataFrame(design.values, columns=list(design.names)).rename_axis("point")
    atomic_write(path, lambda p: frame.to_csv(p))
    return path


def read_design(out: Path, manifest: dict[str, Any]) -> Design:
    """The design of an exploration's results folder.

    Raises:
        ResultsError: If the folder is not an exploration's, or its design is missing.
    """
    described = manifest.get("description", {})
    if described.get("command") != "explore":
        raise ResultsError(f"{out} holds a {described.get('command', 'batch')}, not an exploration")
    path = out / DESIGN_FILE
    if not path.is_file():
        raise ResultsError(f"{path} is missing: run the same `barrio explore` command again to write it")
    d = described["design"]
    values = pd.read_csv(path, index_col="point")[d["names"]].to_numpy(float)
    return Design(
        d["method"],
        tuple(d["names"]),
        tuple(tuple(b) for b in d["bounds"]),
        values,
        d["n"],
        d["levels"],
        d["second_order"],
        d["seed"],
    )


def analyse(out: Path | str, summary: bool = False) -> Analysis:
    """Read an exploration's results folder and compute its indices, discovery and regret.

    Args:
        out: The folder.
        summary: Read what its report last wrote of the runs (``exploration.json`` and
            ``outcomes_by_point.csv``), not the runs; a folder without a manifest (a study
            kept in git without its runs) is always read so.

    Raises:
        ResultsError: If the folder is not an exploration's or has no finished run.
    """
    out = Path(out)
    plan = read_plan(out, summary)
    design = read_design(out, plan)
    described, replicates = plan["description"], plan["replicates"]
    points = len(design.values)
    if plan["runs"]:
        runs = {r["scenario"]: (r["levers"]["policy"], int(r["levers"]["point"])) for r in plan["runs"]}
        wanted = [piece for outcome in described["outcomes"] for piece in DERIVED.get(outcome, (outcome,))]
        seeds = by_seed(load(out, wanted, each=per_replicate), runs, described["outcomes"])
        by_point = outcomes_by_point(seeds, points)
    else:
        seeds, by_point = None, _summary(out, described["outcomes"])
    policies, differences = described["policies"], [tuple(d) for d in described["differences"]]
    # A point counts once every policy's every seed there has finished: only then are its
    # differences paired and its indices those of the whole design.
    whole = by_point[by_point.seeds == replicates]
    counted = whole.groupby("point").policy.nunique()
    complete = counted.index[counted == len(policies)]
    if seeds is not None:
        noise = seed_noise(design, seeds, policies, differences, complete.to_numpy())
    else:
        noise = read_noise(out)
    whole = whole[whole.point.isin(complete)]
    found = targets(whole, policies, differences, points)
    table, pairs = pd.DataFrame(), pd.DataFrame()
    if len(complete) == points:
        table, pairs = indices_and_pairs(design, found)
    chosen = described.get("discovery")
    if chosen is not None and chosen.get("cost") is not None:
        chosen = {
            **chosen,
            "baseline": described["baseline"],
        }  # what each policy averts is counted against it
    cases = box = tree = None
    if chosen is not None and len(complete) == points:
        cases = discovery_cases(found, chosen)
        of_interest = described_points(cases)
        box = find_box(_frame(design), of_interest)
        tree = fit_tree(_frame(design), of_interest)
    interim, trajectories = pd.DataFrame(), None
    if design.method == "morris":
        finished, rows = design.finished_trajectories(complete.to_numpy())
        trajectories = (finished.n, design.n)
        if MIN_TRAJECTORIES <= finished.n < design.n:
            interim = indices(finished, {target: y[rows] for target, y in found.items()})
    return Analysis(
        design,
        by_point,
        table,
        regret(whole),
        cases,
        box,
        chosen,
        (len(complete), points),
        interim,
        trajectories,
        complete.to_numpy(),
        tree,
        pairs,
        noise,
        _constant(found, complete.to_numpy()),
    )


def _constant(found: Mapping[Target, np.ndarray], complete: np.ndarray) -> dict[Target, float]:
    """The targets with one value at every finished point (too few residents for a rare event, say)."""
    if len(complete) == 0:
        return {}
    same = {}
    for target, y in found.items():
        at = y[complete]
        if np.isfinite(at).all() and np.ptp(at) == 0:
            same[target] = float(at[0])
    return same


def _summary(out: Path, outcomes: list[str]) -> pd.DataFrame:
    """The runs' means per policy, point and outcome, as the report last wrote them.

    A study shipped without its runs (thousands of run files stay out of git) keeps
    ``outcomes_by_point.csv``: everything the analysis needs, so a clone can read it again.
    """
    path = out / OUTCOMES_FILE
    try:
        table = pd.read_csv(path, dtype={"policy": str, "outcome": str})
    except (OSError, ValueError) as err:
        raise ResultsError(f"{path}: cannot be read ({err}); write the report again from the runs") from err
    missing = {"policy", "point", "outcome", "value", "seeds"} - set(table.columns)
    if missing:
        raise ResultsError(f"{path}: not an exploration's summary (no {', '.join(sorted(missing))})")
    return table[table.outcome.isin(outcomes)].reset_index(drop=True)


def _frame(design: Design) -> pd.DataFrame:
    # The values the model ran: a limit between two whole numbers says which of them a box holds.
    return pd.DataFrame(design.model_values(), columns=list(design.names))


def write_exploration(out: Path | str) -> dict[str, Path]:
    """Write the exploration's tables, figures and ``exploration.md`` into its results folder.

    Returns:
        The paths written, by kind.
    """
    out = Path(out)
    result = analyse(out)
    paths = {
        "regret": out / "regret.csv",
        "outcomes": out / OUTCOMES_FILE,
        "markdown": out / "exploration.md",
    }
    # Kept only while the screening is unfinished: once it is, indices.csv says it all.
    interim = out / "indices_interim.csv"
    if result.interim.empty:
        interim.unlink(missing_ok=True)
        (out / "indices_interim.png").unlink(missing_ok=True)
    else:
        paths["interim"] = interim
        atomic_write(interim, lambda p: result.interim.to_csv(p, index=False))
    # Written where there is something to say, removed where there no longer is (a folder given
    # more seeds is unfinished again), so that a summary is never read from an older report.
    # An empty table would be a file of one blank line that no table reader can read: until every
    # point has finished (and never for a Latin hypercube) there is no indices.csv.
    for kind, table, path in (
        ("indices", result.indices, out / "indices.csv"),
        ("pairs", result.pairs, out / "indices_pairs.csv"),
        ("noise", result.noise, out / NOISE_FILE),
    ):
        if table.empty:
            path.unlink(missing_ok=True)
        else:
            paths[kind] = path
            atomic_write(path, lambda p, t=table: t.to_csv(p, index=False))
    atomic_write(paths["regret"], lambda p: result.regret.to_csv(p, index=False))
    atomic_write(paths["outcomes"], lambda p: result.by_point.to_csv(p, index=False))
    figures = {}
    if not result.indices.empty:
        figures["indices"] = _indices_figure(result.indices, result.design)
    elif not result.interim.empty and result.trajectories is not None:
        finished, trajectories = result.trajectories
        so_far = f"Interim: {finished} of {trajectories} trajectories"
        figures["indices_interim"] = _indices_figure(result.interim, result.design, so_far)
    if result.box is not None:
        figures["discovery"] = _box_figure(result)
    if result.tree is not None:
        figures["tree"] = _tree_figure(result.tree, list(result.design.names), result.flipped)
    for kind, fig in figures.items():
        paths[kind] = out / f"{kind}.png"
        atomic_write(paths[kind], lambda p, f=fig: f.savefig(p, dpi=100, format="png"))
    plan = _kept_plan(out, read_plan(out))
    text = _markdown(result, plan, figures)
    atomic_write(paths["markdown"], lambda p: p.write_text(text, encoding="utf-8"))
    paths["plan"] = out / PLAN_FILE
    kept = json.dumps(plan, indent=1, default=str) + "\n"
    atomic_write(paths["plan"], lambda p: p.write_text(kept, encoding="utf-8"))
    return paths


def run_cost(plan: dict[str, Any]) -> str | None:
    """What the finished runs took, as their log recorded it, in a sentence (None if unknown)."""
    took = plan.get("run_seconds")
    if not took:
        return None
    timed, finished = took["runs"], took.get("finished", took["runs"])
    runs = f"{timed:,} finished run{'s' if timed != 1 else ''}"
    who = f"The {runs}"
    if timed < finished:
        who = f"Of {finished:,} finished runs, the {timed:,} the log has times for,"
    return (
        f"{who} took {_duration(took['total'])} in all (the median run {took['median']:.1f} s), each timed "
        "from its start to its end: time the machine gave to other work counts."
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def _kept_plan(out: Path, plan: dict[str, Any]) -> dict[str, Any]:
    """The plan file: the manifest's description and replicates, and what made the runs and what they took."""
    kept: dict[str, Any] = {"description": plan["description"], "replicates": plan["replicates"]}
    before = _written_plan(out)
    if plan["runs"]:
        finished = {part.stem for part in (out / "runs").glob("*.parquet")}
        made = Counter(run_version(r) for r in plan["runs"] if r["key"] in finished)
        kept["versions"] = dict(sorted(made.items()))  # runs finished, by the version that made them
        took = [s for key, s in run_seconds(out).items() if key in finished]
        if took:
            # What the exploration cost, for a reader deciding whether to run it again.
            kept["run_seconds"] = {
                "runs": len(took),
                "finished": len(finished),
                "total": sum(took),
                "median": float(np.median(took)),
            }
        elif "run_seconds" in before:  # its log is gone: what the report said of it stands
            kept["run_seconds"] = before["run_seconds"]
    else:  # a copy without its runs keeps what its plan file said
        kept = before | kept
    return kept


def _written_plan(out: Path) -> dict[str, Any]:
    """The plan file the last report wrote; nothing if there is none or it cannot be read.

    Where the runs are, they are the record; a copy without them was read through read_plan,
    which names a damaged file.
    """
    try:
        return json.loads((out / PLAN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# -- the report ------------------------------------------------------------------------------------

#: Parameters shown per target in the tables and figures.
TOP = 10


def _name(policy: str, against: str | None, outcome: str) -> str:
    return f"{outcome}: {policy}" if against is None else f"{outcome}: {policy} - {against}"


def _score(design: Design) -> tuple[str, str]:
    """The index that ranks parameters, and its interval's column."""
    return ("ST", "ST_conf") if design.method == "sobol" else ("mu_star", "mu_star_conf")


def _markdown(result: Analysis, manifest: dict[str, Any], figures: dict[str, Figure]) -> str:
    described = manifest["description"]
    design = result.design
    done, points = result.complete
    lines = [
        f"# Exploration: {described.get('name') or Path(str(described.get('experiment', ''))).stem}",
        "",
        f"{design.method.replace('_', ' ').capitalize()} design over {len(design.names)} parameter(s), "
        f"{points} point(s); policies {', '.join(described['policies'])}, each at every point on the same "
        f"seeds. {done} of {points} point(s) have every run finished.",
        "",
    ]
    if cost := run_cost(manifest):
        lines += [cost, ""]
    if done < points:
        lines += [
            "The indices and the discovery need every point: run the same command again to complete the "
            "design. The regret below counts the finished points only.",
            "",
        ]
    if not result.indices.empty:
        lines += ["## What decides each difference between policies", ""]
        lines += _ranked_lines(result.indices, result)
        lines += ["", "All indices, levels included, are in indices.csv.", ""]
        if not result.pairs.empty:
            lines += _pair_lines(result.pairs)
        if design.method == "sobol" and _too_small(result.indices, result.pairs):
            lines += [SMALL_SAMPLE, ""]
        if "indices" in figures:
            lines += ["![indices](indices.png)", ""]
    elif not result.interim.empty and result.trajectories is not None:
        finished, trajectories = result.trajectories
        lines += [
            f"## So far: what decides each difference ({finished} of {trajectories} trajectories)",
            "",
            f"Interim: a Morris trajectory gives every parameter one elementary effect, so the {finished} "
            "finished ones are a smaller screening of their own. Its intervals are wider and its ranks may "
            "still change; the finished screening replaces it.",
            "",
        ]
        lines += _ranked_lines(result.interim, result)
        lines += ["", "All of it, levels included, is in indices_interim.csv.", ""]
        if "indices_interim" in figures:
            lines += ["![indices so far](indices_interim.png)", ""]
    elif design.method == "latin_hypercube":
        lines += [
            "A Latin hypercube gives no sensitivity indices (use morris or sobol); it serves discovery "
            "and regret.",
            "",
        ]
    lines += _discovery_lines(result, figures)
    lines += _regret_lines(result.regret, result)
    return "\n".join(lines) + "\n"


#: Below this a value is a speck of floating-point rounding, not an effect: a parameter that moves
#: an outcome by the same amount at every point leaves 3e-11 where its spread is 0.
SPECK = 1e-9


def shown(x: float, language: str = "en") -> str:
    """A number to three significant digits, as the language writes it ("85,200", "0.0412").

    Specks of rounding are 0. An exploration's numbers are estimates from a sample of points:
    more digits than three would claim a precision they do not have.
    """
    x = 0.0 if abs(x) < SPECK else float(x)
    return _at(x, significant_places(x), language)


def _at(x: float, places: int, language: str) -> str:
    """``x`` rounded to ``places``, written by :func:`experiments.wording.number`."""
    return number(round(x, places), language, max(places, 0))


def plus_minus(value: float, conf: float, language: str = "en") -> str:
    """A value and its interval to the value's last shown digit ("0.928 ± 5.43", "261 ± 270").

    An interval that rounds to nothing there, yet is not 0, is said to be smaller than that
    digit ("0.1 ± <0.001"); specks of rounding are 0.
    """
    value = 0.0 if abs(value) < SPECK else float(value)
    conf = float(conf)
    if value == 0 and conf < SPECK:
        conf = 0.0
    places = significant_places(value) if value else significant_places(conf)
    if 0 < conf < 0.5 * 10.0**-places:
        return f"{_at(value, places, language)} ± <{_at(10.0**-places, places, language)}"
    return f"{_at(value, places, language)} ± {_at(conf, min(places, significant_places(conf)), language)}"


def index_flag(value: float, conf: float) -> str | None:
    """What is wrong with a Sobol index (a share of the variance) and its interval, if anything.

    A share is between 0 and 1: "above 1" or "below 0" is an estimate a small sample threw
    off. One whose interval is wider than itself is "not told from 0": a sample too small to
    tell, or a parameter that does little.
    """
    if value > 1 + SPECK:
        return "above 1"
    if value < -SPECK:
        return "below 0"
    if conf > value + SPECK:
        return "not told from 0"
    return None


#: What flagged Sobol indices mean, and what to do.
SMALL_SAMPLE = (
    "An index above 1 or below 0 cannot be a share of the variance: the sample is too small for it. "
    "One not told from 0 (its interval wider than itself) is too small to tell, or belongs to a "
    "parameter that does little. A larger design.n (base samples) narrows every interval, about as "
    "one over the root of n: 256 or more for stable indices."
)


def sobol_flags(row: Any) -> str:
    """The flags of a row's ST and S1 in words ("ST above 1, S1 not told from 0"); empty if none."""
    return ", ".join(
        f"{index} {flag}"
        for index in ("ST", "S1")
        if (flag := index_flag(getattr(row, index), getattr(row, f"{index}_conf")))
    )


def _too_small(table: pd.DataFrame, pairs: pd.DataFrame) -> bool:
    """Whether any index the report shows is flagged (:func:`index_flag`)."""
    shown_rows = table[table.against.notna()].groupby(["policy", "against", "outcome"], sort=False).head(3)
    if any(sobol_flags(r) for r in shown_rows.itertuples()):
        return True
    if pairs.empty:
        return False
    firsts = pairs[pairs.against.notna()].groupby(["policy", "against", "outcome"], sort=False).head(1)
    return any(index_flag(r.S2, r.S2_conf) for r in firsts.itertuples())


def _everywhere(result: Analysis, outcome: str) -> float | None:
    """The value an outcome has at every finished point under every policy, if it has one."""
    policies = dict.fromkeys(result.by_point.policy) if not result.by_point.empty else {}
    levels = {result.constant.get((policy, None, outcome)) for policy in policies}
    if len(levels) != 1 or None in levels:
        return None
    return levels.pop()


def _same_everywhere(result: Analysis, target: tuple[str, str, str]) -> str:
    """Why a difference is the same at every point, and what that means for ranking."""
    value = shown(result.constant[target])
    outcome = target[2]
    level = _everywhere(result, outcome)
    if level is None:
        return (
            f"{value} at every point: the policies differ by the same amount wherever the parameters "
            "are, so no parameter moves the difference and none is ranked"
        )
    rare = " (a rare event may need more residents or a longer run to happen at all)" if level == 0 else ""
    return (
        f"{value} at every point: {outcome} is {shown(level)} at every point under every policy, so no "
        f"parameter moves it here and none is ranked{rare}"
    )


def _ranked_lines(table: pd.DataFrame, result: Analysis) -> list[str]:
    """The three parameters that decide each difference most, each index named, with its interval."""
    design, noise = result.design, result.noise
    sobol = design.method == "sobol"
    what = (
        "Sobol total-order index ST (share of the variance due to the parameter with all its "
        "interactions), with the first-order S1 (alone)"
        if sobol
        else "Morris mu* (mean absolute elementary effect over the parameter's range), with sigma (how "
        "much that effect changes with the other parameters)"
    )
    lines = [f"Ranked by {what}; ± the 95% bootstrap interval.", ""]
    differences = table[table.against.notna()]
    for (policy, against, outcome), part in differences.groupby(["policy", "against", "outcome"], sort=False):
        target = (policy, against, outcome)
        if target in result.constant:
            lines.append(f"- **{_name(*target)}**: {_same_everywhere(result, target)}")
            continue
        floor = noise_by_parameter(noise, target)
        named = []
        for r in part.head(3).itertuples():
            if sobol:
                text = f"{r.parameter} ST {plus_minus(r.ST, r.ST_conf)}, S1 {plus_minus(r.S1, r.S1_conf)}"
            else:
                text = f"{r.parameter} mu* {plus_minus(r.mu_star, r.mu_star_conf)}, sigma {shown(r.sigma)}"
            notes = [f"noise {shown(floor[r.parameter])}"] if r.parameter in floor else []
            if sobol and (flags := sobol_flags(r)):
                notes.append(flags)
            named.append(text + (f" ({'; '.join(notes)})" if notes else ""))
        lines.append(f"- **{_name(*target)}**: {'; '.join(named)}")
    if not noise.empty and design.method == "sobol":
        lines += [
            "",
            "Noise: the ST a parameter would show from the seeds alone, were it to change the runs' "
            "random course and nothing else on average (noise.csv); an ST carries about its noise. An "
            "ST near its noise, or whose interval reaches down to it, is not shown to matter.",
        ]
    elif not noise.empty:
        lines += [
            "",
            "Noise: the mu* a parameter would show from the seeds alone, were its steps to change the "
            "runs' random course and nothing else (noise.csv). A mu* near its noise is not shown to matter.",
        ]
    return lines


def noise_by_parameter(noise: pd.DataFrame, target: tuple[str, str | None, str]) -> dict[str, float]:
    """A target's noise floor per parameter (empty where it is not known)."""
    if noise.empty:
        return {}
    policy, against, outcome = target
    rows = noise[(noise.policy == policy) & (noise.outcome == outcome)]
    rows = rows[rows.against == against] if against is not None else rows[rows.against.isna()]
    return dict(zip(rows.parameter, rows.noise.astype(float), strict=True))


def discovery_summary(result: Analysis) -> list[str]:
    """What scenario discovery looked for, how often it happens, and which points it describes.

    Empty where no discovery was asked or the design is unfinished.
    """
    chosen = result.discovery
    if chosen is None or result.cases is None:
        return []
    what = discovery_words(chosen)
    count, points = int(result.cases.sum()), len(result.cases)
    lines = [f"{what} at {count:,} of {points:,} points ({count / points:.0%})."]
    if result.flipped:
        lines[0] += (
            f" That is most of the points, so what follows describes the other {points - count:,}, "
            "where it is not: where the answer flips."
        )
    if result.design.method == "morris":
        lines[0] += (
            " The points of a Morris design come in trajectories that change one parameter at a time, "
            "so neighbouring points are alike: coverage, density and the shares below count points, "
            "not independent draws, and are indicative (a Latin hypercube gives independent points)."
        )
    elif result.design.method == "sobol":
        # Saltelli's rows A, B and A-with-column-i-from-B are each spread over the whole space,
        # so shares of points estimate shares of the space; but a base sample's variants share
        # all values but one, so the points are fewer independent draws than they look.
        lines[0] += (
            " The points of a Sobol design come in groups: two base samples and variants that each "
            "take one parameter (or, drawn for pairs, all but one) from the second, so each point is "
            "spread over the whole space but "
            "the points are not independent draws: coverage and density count points, and are "
            "less certain than their number suggests (a Latin hypercube gives independent points)."
        )
    return lines


def _pair_lines(pairs: pd.DataFrame) -> list[str]:
    """The pair that acts most together on each difference (Sobol's second order)."""
    lines = ["Pairs acting together (Sobol's second-order S2, ± its 95% interval):", ""]
    differences = pairs[pairs.against.notna()]
    if differences.empty:
        return ["Pairs acting together (Sobol's second-order S2) are in indices_pairs.csv.", ""]
    for (policy, against, outcome), part in differences.groupby(["policy", "against", "outcome"], sort=False):
        top = part.iloc[0]
        flag = index_flag(top.S2, top.S2_conf)
        lines.append(
            f"- **{_name(policy, against, outcome)}**: {top.parameter} with {top['with']} "
            f"S2 {plus_minus(top.S2, top.S2_conf)}" + (f" ({flag})" if flag else "")
        )
    return [*lines, "", "Every pair is in indices_pairs.csv.", ""]


def no_box(result: Analysis) -> str:
    """Why there is no box: nothing to tell apart, or nothing PRIM could draw."""
    if result.cases is not None and (result.cases.all() or not result.cases.any()):
        chosen = result.discovery or {}
        target = (chosen.get("policy"), chosen.get("against"), chosen.get("outcome"))
        if chosen.get("cost") is None and target in result.constant:
            level = _everywhere(result, target[2])
            why = f" ({target[2]} is {shown(level)} under every policy)" if level is not None else ""
            return (
                f"{target[0]} minus {target[1]} on {target[2]} is {shown(result.constant[target])} at "
                f"every point{why}, so there is nothing to tell apart: no box is drawn."
            )
        return "Every point is alike in this, so there is nothing to tell apart: no box is drawn."
    return "PRIM finds no box that tells those points apart."


def _discovery_lines(result: Analysis, figures: dict[str, Figure]) -> list[str]:
    summary = discovery_summary(result)
    if not summary:
        return []
    lines = ["## Where it happens", "", *summary]
    box = result.box
    if box is None:
        lines += [no_box(result), ""]
    else:
        lines += [
            f"PRIM's box: {describe_box(box)}. It holds {box.coverage:.0%} of those points (coverage), "
            f"and {box.density:.0%} of the points in it are such points (density); it holds {box.mass:.0%} "
            "of all the points.",
            "",
        ]
    if "discovery" in figures:
        lines += ["![PRIM's peeling trajectory](discovery.png)", ""]
    if result.tree is not None:
        lines += [*leaf_sentences(result.tree), ""]
    if "tree" in figures:
        lines += ["![CART tree](tree.png)", ""]
    return lines


def _regret_lines(table: pd.DataFrame, result: Analysis) -> list[str]:
    if table.empty:
        return []
    lines = ["## Regret: which policy is least often wrong", ""]
    lines.append(
        "At each point a policy's regret is how much worse it does than the best policy there; "
        "less is better for every outcome except trust, schooling, income and the economy index."
    )
    lines.append("")
    for outcome, part in table.groupby("outcome", sort=False):
        level = _everywhere(result, outcome)
        if level is not None:
            lines.append(f"- **{outcome}**: {shown(level)} at every point under every policy: all tie.")
            continue
        safest = part.loc[part.max_regret.idxmin()]
        often = part.loc[part.best_share.idxmax()]
        lines.append(
            f"- **{outcome}**: {often.policy} is best (or tied) at {often.best_share:.0%} of "
            f"{int(often.points):,} point(s); "
            f"{safest.policy} has the smallest worst-case regret ({shown(safest.max_regret)})."
        )
    lines += ["", "| outcome | policy | best at | mean regret | max regret |", "|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(
            f"| {r.outcome} | {r.policy} | {r.best_share:.0%} | {shown(r.mean_regret)} | "
            f"{shown(r.max_regret)} |"
        )
    return [*lines, ""]


def _indices_figure(table: pd.DataFrame, design: Design, title: str = "") -> Figure:
    """One panel per difference and outcome: the top parameters with their intervals."""
    score, conf = _score(design)
    frame = table[table.against.notna()]
    if frame.empty:
        frame = table
    panels = list(frame.groupby(["policy", "against", "outcome"], sort=False, dropna=False))
    outcomes = list(dict.fromkeys(frame.outcome))
    cols = len(outcomes)
    rows = -(-len(panels) // cols)
    fig = Figure(figsize=(4.2 * cols, 0.4 + 0.32 * TOP * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat:
        ax.set_visible(False)
    for k, ((policy, against, outcome), part) in enumerate(panels):
        ax = axes.flat[k]
        ax.set_visible(True)
        top = part.head(TOP)[::-1]
        ax.barh(top.parameter, top[score], xerr=top[conf], color="#4a7ab5", ecolor="#333")
        ax.set_title(_name(policy, None if pd.isna(against) else against, outcome), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel(score, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _box_figure(result: Analysis) -> Figure:
    """PRIM's peeling trajectory: coverage against density, the chosen box marked."""
    box = result.box
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.subplots()
    t = box.trajectory
    points = ax.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis", s=18)
    ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors="red", label="box chosen")
    fig.colorbar(points, ax=ax, label="parameters restricted")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return fig


def _tree_figure(tree: Any, names: list[str], flipped: bool = False) -> Figure:
    fig = Figure(figsize=(12, 6), layout="constrained")
    # scikit-learn's plot_tree sizes its boxes with the canvas's renderer, which a bare Figure lacks.
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    # The tree tells the points described (Analysis.described) from the others: where the cases
    # are most points, the described are those that are not cases.
    classes = ["case", "not a case"] if flipped else ["other", "case"]
    plot_tree(tree.clf, feature_names=names, class_names=classes, filled=True, ax=ax, fontsize=7)
    return fig
