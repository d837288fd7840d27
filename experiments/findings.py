"""What a shipped study found, as ``docs/sensitivity.md`` shows it, made from the study's folder.

A study's numbers are never copied into the docs by hand: the docs mark where a study's
findings go, and :func:`refresh` writes them there from the folder (its runs, or the summary
kept in git without them: :func:`experiments.exploration.analyse`). ``make docs`` refreshes
them; a test checks that what the docs show is what the folders say.

A block in a doc::

    <!-- findings: experiments/studies/fortaleza_morris -->
    ... (written by refresh) ...
    <!-- end findings -->

The folder is relative to the project's root. Run ``python -m barrio.experiments.findings
docs/sensitivity.md`` to rewrite the blocks of a doc.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from barrio.experiments.designs import read_plan
from barrio.experiments.discovery import describe_box, leaf_sentences
from barrio.experiments.exploration import (
    SMALL_SAMPLE,
    Analysis,
    analyse,
    discovery_summary,
    discovery_words,
    no_box,
    noise_by_parameter,
    run_cost,
    shown,
    sobol_flags,
)
from barrio.model.params import parameter_table

__all__ = ["BLOCK", "findings_markdown", "refresh"]

#: A block of findings in a doc: its folder, and what is written between the markers.
BLOCK = re.compile(r"(<!-- findings: (?P<folder>[^ ]+) -->\n)(?P<body>.*?)(<!-- end findings -->)", re.DOTALL)

#: Parameters in each table.
TOP = 10


def findings_markdown(folder: Path, top: int = TOP) -> str:
    """A study's findings: how far it has run, its indices with their intervals, discovery and regret.

    For an unfinished Morris screening, the indices of its finished trajectories, marked as
    interim (:attr:`experiments.exploration.Analysis.interim`).
    """
    # What the study's report last wrote, not the runs a machine may have: the docs show what
    # is shipped, and stay the same while a study runs on.
    result = analyse(folder, summary=True)
    plan = read_plan(folder, summary=True)
    design = result.design
    done, points = result.complete
    versions = plan["versions"]
    lines = [
        f"{design.method.replace('_', ' ').capitalize()} design over {len(design.names)} parameters; "
        f"{points:,} points, each run under every policy on {plan['replicates']} seed(s). "
        f"**{done:,} of {points:,} points have every run finished**"
        + (
            f" ({result.trajectories[0]} of {result.trajectories[1]} trajectories)."
            if result.trajectories
            else "."
        ),
    ]
    if versions:
        made = ", ".join(f"{version} ({count:,})" for version, count in versions.items())
        lines.append(f"Finished runs by the version of Barrio that made them: {made}.")
    if cost := run_cost(plan):
        lines.append(cost)
    lines.append("")
    lines += _levels(result)
    table, interim = result.indices, False
    if table.empty and not result.interim.empty:
        table, interim = result.interim, True
    if design.method == "latin_hypercube":
        lines += ["A Latin hypercube gives no indices: it serves discovery and regret.", ""]
    elif table.empty:
        lines += ["No indices yet: they need whole trajectories (Morris) or every point (Sobol).", ""]
    else:
        if interim:
            finished, trajectories = result.trajectories or (0, 0)
            lines += [
                f"**Interim**: from the {finished} of {trajectories} trajectories finished so far. The "
                "intervals are wider than the whole screening's will be, and ranks within them may change.",
                "",
            ]
        lines += _tables(table, result, top)
    lines += _discovery(result)
    lines += _regret(result)
    return "\n".join(lines).rstrip() + "\n"


def _meanings() -> dict[str, str]:
    return {row["path"]: row["meaning"] for row in parameter_table()}


def _tables(table: pd.DataFrame, result: Analysis, top: int) -> list[str]:
    method = result.design.method
    meaning = _meanings()
    lines: list[str] = []
    flagged = False
    differences = table[table.against.notna()]
    for (policy, against, outcome), part in differences.groupby(["policy", "against", "outcome"], sort=False):
        lines += [f"**{outcome}, {policy} minus {against}**", ""]
        floor = noise_by_parameter(result.noise, (policy, against, outcome))
        if method == "sobol":
            rows = list(part.head(top).itertuples())
            flags = [sobol_flags(r) for r in rows]
            head, rule = (
                "| rank | parameter | what it is | ST | ± | S1 | ± |",
                "|---|---|---|---|---|---|---|",
            )
            lines += [head + " noise |", rule + "---|"] if floor else [head, rule]
            for r in rows:
                lines.append(
                    f"| {r.rank} | `{r.parameter}` | {meaning.get(r.parameter, '')} | {r.ST:.3f} | "
                    f"{r.ST_conf:.3f} | {r.S1:.3f} | {r.S1_conf:.3f} |"
                    + (f" {floor[r.parameter]:.3f} |" if floor else "")
                )
            said = [f"`{r.parameter}` ({warning})" for r, warning in zip(rows, flags, strict=True) if warning]
            if said:
                lines += ["", f"Flagged: {', '.join(said)}."]
                flagged = True
        else:
            head, rule = "| rank | parameter | what it is | mu* | ± | sigma |", "|---|---|---|---|---|---|"
            lines += [head + " noise |", rule + "---|"] if floor else [head, rule]
            for r in part.head(top).itertuples():
                lines.append(
                    f"| {r.rank} | `{r.parameter}` | {meaning.get(r.parameter, '')} | {shown(r.mu_star)} | "
                    f"{shown(r.mu_star_conf)} | {shown(r.sigma)} |"
                    + (f" {shown(floor[r.parameter])} |" if floor else "")
                )
        lines.append("")
    # Said once, under the last table: each table says which of its indices it is about.
    return [*lines, SMALL_SAMPLE, ""] if flagged else lines


def _levels(result: Analysis) -> list[str]:
    """Each outcome's spread under each policy over the finished points: what the indices are about."""
    done = result.by_point[result.by_point.point.isin(result.finished)]
    if done.empty:
        return []
    lines = [
        "Each outcome under each policy over the finished points (the mean of a point's seeds): median, "
        "and the middle half of the points.",
        "",
        "| outcome | policy | median | 25% to 75% |",
        "|---|---|---|---|",
    ]
    for (outcome, policy), part in done.groupby(["outcome", "policy"], sort=True):
        q25, q50, q75 = part.value.quantile([0.25, 0.5, 0.75])
        lines.append(f"| {outcome} | {policy} | {shown(q50)} | {shown(q25)} to {shown(q75)} |")
    return [*lines, ""]


def _discovery(result: Analysis) -> list[str]:
    chosen = result.discovery
    if chosen is None:
        return []
    if result.cases is None:
        what = discovery_words(chosen, verb="above")
        return [f"Scenario discovery ({what}) needs every point: not yet.", ""]
    lines = ["Scenario discovery: " + " ".join(discovery_summary(result)), ""]
    box = result.box
    if box is None:
        lines.append(no_box(result))
    else:
        lines.append(
            f"PRIM's box: {describe_box(box)}; coverage {box.coverage:.0%}, density {box.density:.0%}, "
            f"mass {box.mass:.0%}."
        )
    lines.append("")
    if result.tree is not None:
        lines += [*leaf_sentences(result.tree), ""]
    return lines


def _regret(result: Analysis) -> list[str]:
    table = result.regret
    if table.empty:
        return []
    lines = [
        "Regret over the finished points (how much worse than the best policy at each point):",
        "",
        "| outcome | policy | best at | mean regret | max regret |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.outcome} | {r.policy} | {r.best_share:.0%} of {int(r.points):,} | "
            f"{shown(r.mean_regret)} | {shown(r.max_regret)} |"
        )
    return [*lines, ""]


def refresh(text: str, root: Path) -> str:
    """``text`` (a doc) with every findings block written again from its folder under ``root``."""
    return BLOCK.sub(
        lambda m: m.group(1) + findings_markdown(root / m.group("folder")) + m.group(4),
        text,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the docs' findings blocks from the studies.")
    parser.add_argument("docs", nargs="+", type=Path, help="markdown files with findings blocks")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="where the blocks' folders are")
    args = parser.parse_args(argv)
    for doc in args.docs:
        doc.write_text(refresh(doc.read_text(encoding="utf-8"), args.root), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
