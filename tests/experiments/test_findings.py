"""A study's findings in the docs: made from its folder, interim while a screening is unfinished."""

import json
import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from barrio.experiments.designs import sample
from barrio.experiments.discovery import case_leaves
from barrio.experiments.exploration import analyse, write_design, write_exploration
from barrio.experiments.findings import findings_markdown, refresh
from barrio.experiments.wording import number

NAMES = ["groups.lethality", "selling.reluctance", "market.reach"]
BOUNDS = [(0.0, 1.0), (0.0, 10.0), (1.0, 3.0)]


def shipped_study(folder, finished_points, method="morris", n=4, above=2.5, second_order=False):
    """An exploration kept as a study is in git (no runs, no manifest), its outcomes made up.

    Homicides under "soft" rise with lethality; "hard" adds half a homicide per unit of
    reluctance: the difference is decided by reluctance alone, 0.5 per unit over a range of 10.
    """
    design = sample(method, NAMES, BOUNDS, n=n, seed=9, second_order=second_order)
    folder.mkdir(parents=True)
    write_design(folder, design)
    described = {
        "command": "explore",
        "design": design.describe(),
        "policies": ["soft", "hard"],
        "outcomes": ["homicide_rate"],
        "differences": [["hard", "soft"]],
        "discovery": {"policy": "hard", "against": "soft", "outcome": "homicide_rate", "above": above},
    }
    plan = {"description": described, "replicates": 2, "versions": {"0.1.1": 2 * 2 * len(finished_points)}}
    (folder / "exploration.json").write_text(json.dumps(plan))
    x = design.values
    soft = 10 + 3 * x[:, 0]
    hard = soft + 0.5 * x[:, 1]
    rows = [
        (policy, int(k), "homicide_rate", float(values[k]), 2)
        for k in finished_points
        for policy, values in (("soft", soft), ("hard", hard))
    ]
    frame = pd.DataFrame(rows, columns=["policy", "point", "outcome", "value", "seeds"])
    frame.to_csv(folder / "outcomes_by_point.csv", index=False)
    return design


def test_an_unfinished_screening_s_findings_are_its_finished_trajectories_marked_interim(tmp_path):
    # Trajectories of four points; the third is missing one point.
    design = shipped_study(tmp_path / "study", [p for p in range(16) if p != 9])
    text = findings_markdown(tmp_path / "study")
    assert "**15 of 16 points have every run finished** (3 of 4 trajectories)." in text
    assert "Finished runs by the version of Barrio that made them: 0.1.1 (60)." in text
    assert "**Interim**: from the 3 of 4 trajectories finished so far." in text
    assert "**homicide_rate, hard minus soft**" in text
    table = [line for line in text.splitlines() if line.startswith("| 1 |")]
    # Reluctance decides it: 0.5 a unit over a range of 10 is an elementary effect of 5.
    assert table[0].startswith("| 1 | `selling.reluctance` | ") and "| 5 | " in table[0]
    assert (
        "Scenario discovery (hard minus soft on homicide_rate above 2.5) needs every point: not yet." in text
    )
    assert "| homicide_rate | soft | " in text  # regret over the finished points
    assert design.n == 4


def test_a_finished_screening_s_findings_have_its_indices_and_discovery(tmp_path):
    shipped_study(tmp_path / "study", range(16))
    text = findings_markdown(tmp_path / "study")
    assert "**16 of 16 points have every run finished** (4 of 4 trajectories)." in text
    assert "Interim" not in text
    result = analyse(tmp_path / "study")
    top = result.indices[result.indices.against.notna()].iloc[0]
    assert top.parameter == "selling.reluctance" and top.mu_star == pytest.approx(5.0)
    assert "| 1 | `selling.reluctance` | " in text
    # Its interval and sigma are rounding specks (the slope is the same everywhere): written as 0.
    assert top.mu_star_conf < 1e-9 and f"| {number(top.mu_star, 'en')} | 0 | 0 |" in text
    # The levels the indices are about: soft's homicides are 10 + 3 x lethality at every point.
    soft = 10 + 3 * result.design.values[:, 0]
    q25, q50, q75 = (number(v, "en") for v in np.quantile(soft, [0.25, 0.5, 0.75]))
    assert f"| homicide_rate | soft | {q50} | {q25} to {q75} |" in text
    # The difference is above 2.5 where reluctance is above 5: that is the box PRIM should draw.
    cases = result.cases
    assert cases is not None and cases.sum() == int((0.5 * result.design.values[:, 1] > 2.5).sum())
    assert "Scenario discovery: hard minus soft on homicide_rate is above 2.5 at" in text
    assert "Morris design come in trajectories" in text  # its shares are indicative
    assert result.box is not None and set(result.box.limits) == {"selling.reluctance"}
    box = result.box
    low = box.limits["selling.reluctance"][0]
    assert f"PRIM's box: selling.reluctance at least {low:.3g}; coverage 100%, density 100%" in text
    # CART draws the same line, in words beside PRIM's.
    (leaf,) = case_leaves(result.tree)
    assert set(leaf.limits) == {"selling.reluctance"} and leaf.coverage == leaf.density == 1.0
    assert (
        f"- selling.reluctance above {leaf.limits['selling.reluctance'][0]:.3g}: 100% of those points" in text
    )
    assert np.isfinite(result.indices.mu_star_conf).all()
    assert "Seed noise alone" not in text  # a summary without its noise table says nothing of it


def test_findings_give_each_parameter_s_noise_floor(tmp_path):
    folder = tmp_path / "study"
    shipped_study(folder, range(16))
    rows = ["policy,against,outcome,parameter,noise"]
    rows += [f"hard,soft,homicide_rate,{name},{k + 0.25}" for k, name in enumerate(NAMES)]
    rows += [f"soft,,homicide_rate,{name},0" for name in NAMES]
    (folder / "noise.csv").write_text("\n".join(rows) + "\n")
    result = analyse(folder)
    assert result.noise[result.noise.policy == "soft"].against.isna().all()
    text = findings_markdown(folder)
    assert "| rank | parameter | what it is | mu* | ± | sigma | noise |" in text
    # Reluctance (1.25) leads the difference, its noise floor in the last column.
    first = next(line for line in text.splitlines() if line.startswith("| 1 | `selling.reluctance`"))
    assert first.endswith(" | 1.25 |")
    # A Sobol study's floor is an ST, in the same place.
    sobol = tmp_path / "sobol"
    shipped_study(sobol, range(64 * 5), method="sobol", n=64)
    (sobol / "noise.csv").write_text("\n".join(rows) + "\n")
    text = findings_markdown(sobol)
    assert "| rank | parameter | what it is | ST | ± | S1 | ± | noise |" in text
    first = next(line for line in text.splitlines() if line.startswith("| 1 | `selling.reluctance`"))
    assert first.endswith(" | 1.250 |")
    report = (sobol / "exploration.md").read_text() if write_exploration(sobol) else ""
    assert re.search(r"selling.reluctance ST [\d.]+ ± [\d.]+, S1 [\d.]+ ± [\d.]+ \(noise 1.25[;)]", report)
    assert "Noise: the ST a parameter would show from the seeds alone" in report


def test_where_the_cases_are_most_points_discovery_describes_where_the_answer_flips(tmp_path):
    # Hard minus soft is 0.5 x reluctance, above 0.5 wherever reluctance is above 1: 90% of the range.
    shipped_study(tmp_path / "study", range(64 * 5), method="sobol", n=64, above=0.5)
    result = analyse(tmp_path / "study")
    assert result.flipped and result.cases.mean() > 0.8
    assert (result.described == ~result.cases).all()
    box = result.box
    # PRIM may also trim an edge of another parameter where no case happened to fall.
    low, high = box.limits["selling.reluctance"]
    assert low is None and high == pytest.approx(1.0, abs=0.3)
    assert box.density > 0.9 and box.coverage > 0.85
    text = findings_markdown(tmp_path / "study")
    others = int((~result.cases).sum())
    assert f"so what follows describes the other {others}, where it is not: where the answer flips." in text
    assert f"selling.reluctance at most {high:.3g}" in text.split("PRIM's box: ")[1].split(";")[0]
    assert "Morris design" not in text
    # A Sobol design's variants share all values but one with their base sample: said so.
    assert "The points of a Sobol design come in groups" in text and "not independent draws" in text
    # Discovery reads the values the model ran: market.reach, a whole number, drawn over [0.5, 3.5).
    assert set(np.unique(result.tree.x["market.reach"])) == {1.0, 2.0, 3.0}


def test_where_no_point_is_a_case_there_is_nothing_to_tell_apart(tmp_path):
    shipped_study(tmp_path / "study", range(16), above=100)
    text = findings_markdown(tmp_path / "study")
    assert "is above 100 at 0 of 16 points (0%)." in text
    assert "Every point is alike in this, so there is nothing to tell apart: no box is drawn." in text
    assert "PRIM finds no box" not in text


def test_a_sobol_study_s_findings_have_its_shares_of_variance(tmp_path):
    shipped_study(tmp_path / "study", range(64 * 5), method="sobol", n=64)
    text = findings_markdown(tmp_path / "study")
    assert text.startswith(
        "Sobol design over 3 parameters; 320 points, each run under every policy on 2 seed(s)."
    )
    assert "Interim" not in text
    assert "| rank | parameter | what it is | ST | ± | S1 | ± |" in text
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ") and "`" in line]
    # The difference is 0.5 x reluctance: reluctance has all of its variance, alone.
    first = rows[0]
    assert first[1] == "`selling.reluctance`"
    assert float(first[3]) == pytest.approx(1.0, abs=0.05) and float(first[5]) == pytest.approx(1.0, abs=0.1)
    assert all(float(row[3]) == pytest.approx(0.0, abs=0.02) for row in rows[1:3])


def test_a_sobol_design_drawn_for_pairs_has_its_pairs_written(tmp_path):
    folder = tmp_path / "study"
    shipped_study(folder, range(64 * 8), method="sobol", n=64, second_order=True)
    write_exploration(folder)
    pairs = pd.read_csv(folder / "indices_pairs.csv")
    difference = pairs[pairs.against == "soft"]
    assert len(difference) == 3  # every pair of the three parameters
    assert set(zip(difference.parameter, difference["with"], strict=True)) == {
        ("groups.lethality", "selling.reluctance"),
        ("groups.lethality", "market.reach"),
        ("selling.reluctance", "market.reach"),
    }
    # Hard minus soft is 0.5 x reluctance: no pair acts together.
    assert difference.S2.abs().max() < 0.1
    assert "Pairs acting together (Sobol's second-order S2" in (folder / "exploration.md").read_text()
    # Unfinished again (a point lost its runs), the folder keeps no pairs from the older report.
    summary = pd.read_csv(folder / "outcomes_by_point.csv")
    summary[summary.point != 0].to_csv(folder / "outcomes_by_point.csv", index=False)
    write_exploration(folder)
    assert not (folder / "indices_pairs.csv").exists()


def test_refresh_writes_only_between_the_markers(tmp_path):
    shipped_study(tmp_path / "studies" / "s", range(16))
    block = "<!-- findings: studies/s -->\nstale numbers\n<!-- end findings -->\n"
    doc = f"# Title\n\nWords.\n\n{block}\nMore words.\n"
    done = refresh(doc, tmp_path)
    assert done.startswith("# Title\n\nWords.\n\n<!-- findings: studies/s -->\n")
    assert done.endswith("<!-- end findings -->\n\nMore words.\n")
    assert "stale numbers" not in done
    assert findings_markdown(tmp_path / "studies" / "s") in done
    assert refresh(done, tmp_path) == done  # written again, nothing changes


def test_report_writes_a_kept_study_s_report_again_from_its_summary(tmp_path, capsys):
    from barrio.cli import main

    folder = tmp_path / "study"
    shipped_study(folder, range(16))
    kept = (folder / "outcomes_by_point.csv").read_bytes()
    assert main(["report", str(folder)]) == 0  # no manifest, no runs: the summary is enough
    assert str(folder / "exploration.md") in capsys.readouterr().out
    text = (folder / "exploration.md").read_text()
    assert "16 of 16 point(s) have every run finished" in text and "selling.reluctance" in text
    assert (folder / "outcomes_by_point.csv").read_bytes() == kept  # what it was made from is unchanged
    (folder / "exploration.md").unlink()
    assert main(["report", str(folder)]) == 0 and (folder / "exploration.md").read_text() == text


def test_discovery_finds_where_one_policy_costs_more_per_outcome_averted(tmp_path):
    # Against "none", hard averts 2 homicides for 10 more dollars (5 a homicide); soft averts 2
    # for 2 x reluctance dollars: soft costs more per homicide averted where reluctance is above 5.
    design = sample("latin_hypercube", NAMES, BOUNDS, n=400, seed=3)
    folder = tmp_path / "study"
    folder.mkdir()
    write_design(folder, design)
    discovery = {
        "policy": "soft",
        "against": "hard",
        "outcome": "homicide_rate",
        "above": 0,
        "cost": "spending",
    }
    described = {
        "command": "explore",
        "baseline": "none",
        "design": design.describe(),
        "policies": ["none", "soft", "hard"],
        "outcomes": ["homicide_rate", "spending"],
        "differences": [["soft", "none"], ["hard", "none"]],
        "discovery": discovery,
    }
    plan = {"description": described, "replicates": 1, "versions": {}}
    (folder / "exploration.json").write_text(json.dumps(plan))
    reluctance = design.values[:, 1]
    levels = {
        ("none", "homicide_rate"): np.full(400, 20.0),
        ("none", "spending"): np.full(400, 100.0),
        ("hard", "homicide_rate"): np.full(400, 18.0),
        ("hard", "spending"): np.full(400, 110.0),
        ("soft", "homicide_rate"): np.full(400, 18.0),
        ("soft", "spending"): 100 + 2 * reluctance,
    }
    rows = [(p, k, o, float(v[k]), 1) for (p, o), v in levels.items() for k in range(400)]
    pd.DataFrame(rows, columns=["policy", "point", "outcome", "value", "seeds"]).to_csv(
        folder / "outcomes_by_point.csv", index=False
    )
    result = analyse(folder)
    assert (result.cases == (reluctance > 5)).all()
    low, high = result.box.limits["selling.reluctance"]
    assert low == pytest.approx(5, abs=0.2) and high is None and result.box.density == 1.0
    text = findings_markdown(folder)
    said = "soft's extra spending per unit of homicide_rate averted (against none) is above hard's at"
    assert said in text


def test_a_policy_that_averts_nothing_costs_more_per_outcome_averted_than_any_that_does():
    from barrio.experiments.exploration import cost_per_averted, discovery_cases

    nan = np.nan
    found = {
        ("base", None, "recruits"): np.full(10, 10.0),
        ("base", None, "cost"): np.full(10, 100.0),
        ("inclusion", None, "recruits"): np.array([8.0, 10, 12, 5, 9, 11, 10, 9, nan, 9]),
        ("inclusion", None, "cost"): np.array([140.0, 120, 130, 90, 101, 150, 80, 90, 140, 130]),
        ("force", None, "recruits"): np.array([9.0, 9, 9, 10, 6, 12, 9, 5, 9, 9]),
        ("force", None, "cost"): np.array([110.0, 110, 110, 200, 140, 90, 110, 50, 110, 100]),
    }
    chosen = {
        "policy": "inclusion",
        "against": "force",
        "outcome": "recruits",
        "cost": "cost",
        "baseline": "base",
    }
    # Inclusion: 40 dollars for 2 fewer; none fewer; 2 more; 5 fewer for 10 saved (it dominates
    # the baseline: 0); 1 for 1; 1 more; none fewer though 20 saved; 1 fewer for 10 saved (0);
    # a missing value; 30 for 1.
    per = cost_per_averted(found, "inclusion", chosen)
    assert per.tolist()[:8] == [20.0, np.inf, np.inf, 0.0, 1.0, np.inf, np.inf, 0.0]
    assert np.isnan(per[8]) and per[9] == 30.0
    force = cost_per_averted(found, "force", chosen)
    assert force.tolist() == [10.0, 10.0, 10.0, np.inf, 10.0, np.inf, 10.0, 0.0, 10.0, 0.0]
    cases = discovery_cases(found, {**chosen, "above": 0.0})
    # Both avert none (the sixth): alike; both dominate (the eighth): alike, not ranked by what
    # they save; a missing value: not a case.
    assert cases.tolist() == [True, True, True, False, False, False, True, False, False, True]
    above = discovery_cases(found, {**chosen, "above": 15.0})
    assert above.tolist() == [False, True, True, False, False, False, True, False, False, True]
    assert (
        discovery_cases(found, {**chosen, "above": 25.0})[9]
        and not discovery_cases(found, {**chosen, "above": 30.0})[9]
    )
