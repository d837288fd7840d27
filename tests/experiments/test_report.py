"""The numbers of a report, checked against a hand computation, and the report files."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from barrio.experiments.batch import execute, plan
from barrio.experiments.effects import (
    against_baseline,
    hedges_g,
    per_replicate,
    sentence,
    settling,
    summarise,
    vargha_delaney,
)
from barrio.experiments.execution import InProcessExecutor
from barrio.experiments.report import _fmt, choose_baseline, write_report
from tests.experiments.test_batch import tiny

ROOT = Path(__file__).resolve().parents[2]


def hand_table() -> pd.DataFrame:
    """Two scenarios x three replicates; one warm-up week (ignored) and two policy weeks."""
    weekly = {  # (scenario, replicate): homicide_rate in weeks -1, 0, 1
        ("baseline", 0): [99, 10, 12],
        ("baseline", 1): [99, 14, 16],
        ("baseline", 2): [99, 8, 10],
        # Not in the baseline's rank order, so that pairing by replicate is what is tested.
        ("policy", 0): [99, 8, 8],
        ("policy", 1): [99, 6, 8],
        ("policy", 2): [99, 10, 12],
    }
    rows = [
        {"scenario": s, "replicate": r, "week": w, "outcome": "homicide_rate", "value": v}
        for (s, r), values in weekly.items()
        for w, v in zip((-1, 0, 1), values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_means_intervals_and_paired_differences_match_a_hand_computation():
    means = per_replicate(hand_table())
    base = means[means.scenario == "baseline"].value.to_numpy()
    assert list(base) == [11, 15, 9]  # week -1 is left out
    summary = summarise(means).set_index("scenario").loc["baseline"]
    # mean 35/3, sd = sqrt(((11-35/3)^2 + (15-35/3)^2 + (9-35/3)^2) / 2) = sqrt(28/3), t(0.975, 2) = 4.3027
    assert summary["mean"] == pytest.approx(35 / 3)
    half = 4.302653 * np.sqrt(28 / 3) / np.sqrt(3)
    assert summary["ci_low"] == pytest.approx(35 / 3 - half, rel=1e-5)
    assert summary["ci_high"] == pytest.approx(35 / 3 + half, rel=1e-5)

    row = against_baseline(means, "baseline").iloc[0]
    # policy means 8, 7, 11 against 11, 15, 9: differences -3, -8, +2, mean -3, sd 5,
    # half-width 4.3027 x 5 / sqrt(3) (paired by rank instead it would be -2, -3, -4, sd 1).
    half = 4.302653 * 5 / np.sqrt(3)
    level = 35 / 3
    assert row["baseline"] == pytest.approx(level) and row["mean"] == pytest.approx(26 / 3)
    assert row["difference"] == pytest.approx(-3.0)
    assert row["ci_low"] == pytest.approx(-3 - half, rel=1e-5)
    assert row["ci_high"] == pytest.approx(-3 + half, rel=1e-5)
    assert row["relative"] == pytest.approx(-3 / level)
    assert row["rel_low"] == pytest.approx((-3 - half) / level, rel=1e-5)
    assert row["rel_high"] == pytest.approx((-3 + half) / level, rel=1e-5)
    policy, baseline = np.array([8, 7, 11.0]), np.array([11, 15, 9.0])
    assert row["hedges_g"] == pytest.approx(hedges_g(policy, baseline)) and row["hedges_g"] < 0
    assert row["a12"] == pytest.approx(vargha_delaney(policy, baseline))
    assert row["sentence"] == (
        "homicides per 100,000 a year: 26% lower than baseline "
        "(95% CI -132% to +81%, not distinguishable from no change)"
    )


def test_effect_sizes_by_hand():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])
    # pooled sd 1, difference -1, correction 1 - 3 / (4 x 6 - 9) = 0.8
    assert hedges_g(a, b) == pytest.approx(-0.8)
    # pairs where a > b: (3, 2) only; ties: (2, 2), (3, 3): (1 + 0.5 x 2) / 9
    assert vargha_delaney(a, b) == pytest.approx(2 / 9)


def test_sentences_say_direction_size_and_uncertainty():
    assert sentence("sellers", 0.05, -0.02, 0.12) == (
        "sellers: 5% higher than baseline (95% CI -2% to +12%, not distinguishable from no change)"
    )
    assert "18% lower than baseline (95% CI -25% to -11%)" in sentence("homicide_rate", -0.18, -0.25, -0.11)
    assert "no relative change" in sentence("recruits", np.nan, np.nan, np.nan)
    # An interval that reaches no change exactly does not exclude it.
    assert "not distinguishable" in sentence("sellers", 0.1, 0.0, 0.2)
    assert "not distinguishable" not in sentence("sellers", 0.1, 0.01, 0.2)


def test_settling_warns_when_the_mean_is_not_pinned_down():
    steady = pd.DataFrame(
        {"scenario": "a", "outcome": "x", "replicate": range(5), "value": [10, 10.1, 9.9, 10, 10]}
    )
    noisy = pd.DataFrame({"scenario": "a", "outcome": "y", "replicate": range(5), "value": [1, 10, 3, 30, 2]})
    table = settling(pd.concat([steady, noisy]))
    last = table.groupby("outcome").tail(1).set_index("outcome")
    assert last.loc["x", "settled"] and not last.loc["y", "settled"]
    assert list(table[table.outcome == "x"].k) == [2, 3, 4, 5]
    # The warning's +/- is the report table's own 95% interval, relative to the mean.
    row = summarise(noisy).iloc[0]
    assert last.loc["y", "half"] == pytest.approx((row.ci_high - row["mean"]) / row["mean"])


def test_the_baseline_is_the_named_one_else_baseline_else_the_first():
    assert choose_baseline(["a", "baseline"]) == "baseline"
    assert choose_baseline(["a", "b"]) == "a"
    assert choose_baseline(["a", "b"], "b") == "b"
    with pytest.raises(ValueError, match="not among"):
        choose_baseline(["a", "b"], "c")


def test_the_report_files_carry_the_numbers_and_embed_their_figures(tmp_path):
    execute(plan([tiny("baseline"), tiny("crackdown")], 3), tmp_path, InProcessExecutor(), progress=False)
    paths = write_report(tmp_path)
    page = paths["html"].read_text()
    text = paths["markdown"].read_text()
    assert page.count("data:image/png;base64,") == 4 and "src='report-" not in page  # self-contained
    assert "crackdown" in page and "enforcement cost (USD a week):" in page
    assert "## Means with 95% confidence intervals" in text and "![series](report-series.png)" in text
    # The table carries the numbers of the runs: each scenario's mean sellers with its interval.
    from barrio.experiments.batch import load

    summary = summarise(per_replicate(load(tmp_path))).set_index(["scenario", "outcome"])
    cells = [summary.loc[(s, "sellers")] for s in ("baseline", "crackdown")]
    expected = " | ".join(f"{_fmt(c['mean'])} ({_fmt(c['ci_low'])} to {_fmt(c['ci_high'])})" for c in cells)
    assert f"| sellers | {expected} |" in text
    for name in ("series", "costs", "burden", "replicates"):
        assert paths[name].stat().st_size > 10_000


def test_a_report_of_an_unfinished_batch_says_what_is_missing(tmp_path):
    from barrio.experiments.batch import ResultsError

    execute(plan([tiny("baseline"), tiny("crackdown")], 3), tmp_path, InProcessExecutor(), progress=False)
    runs = tmp_path / "runs"
    (runs / "crackdown__r001.parquet").unlink()
    text = write_report(tmp_path)["markdown"].read_text()
    assert "replicates: baseline 3, crackdown 2" in text
    assert "Not finished yet, so not in this report: crackdown (replicate 1)" in text
    for part in runs.glob("crackdown__*.parquet"):
        part.unlink()
    text = write_report(tmp_path)["markdown"].read_text()  # the baseline alone, no crash
    assert "crackdown (all 3)" in text and "Scenarios: baseline; 3 replicate(s) each" in text
    for part in runs.glob("baseline__*.parquet"):
        part.unlink()
    crackdown_only = [
        s for s in plan([tiny("baseline"), tiny("crackdown")], 1) if s.scenario.name == "crackdown"
    ]
    execute(crackdown_only, tmp_path, InProcessExecutor(), progress=False)
    with pytest.raises(ResultsError, match="the baseline 'baseline' has no finished runs yet"):
        write_report(tmp_path, baseline="baseline")


def test_writing_figures_leaves_the_callers_matplotlib_backend_alone():
    """A notebook's inline backend must survive importing and using the batch layer."""
    code = (
        "import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt\n"
        "from barrio.experiments import output, report\n"
        "import pandas as pd, tempfile, pathlib\n"
        "names = [n for panel in output.MAIN_SERIES.values() for n in panel]\n"
        "table = pd.DataFrame([(w, n, 1.0) for w in range(-2, 4) for n in names],\n"
        "                     columns=['week', 'outcome', 'value'])\n"
        "paths = output.write_run(table, pathlib.Path(tempfile.mkdtemp()), 'a run')\n"
        "print(matplotlib.get_backend(), paths['png'].read_bytes()[:4] == b'\\x89PNG', plt.get_fignums())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["svg", "True", "[]"]
