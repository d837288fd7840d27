"""What an exploration can afford: runs of the shipped Fortaleza study, end to end, on this machine.

An exploration is thousands of runs, so its cost is the cost of one whole run (set-up, every
week, the outcomes, the file) times the runs, over the cores. These benchmarks time runs of the
shipped Morris screening (``experiments/studies/fortaleza_morris.yaml``: its own policies, size
and length, taken from the file) the way ``barrio explore`` makes them, and project the
screening's wall time from them. Run alone on a quiet machine:
``pytest benchmarks/test_throughput.py --benchmark-only -s``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from barrio.experiments.batch import execute
from barrio.experiments.designs import load_exploration
from barrio.experiments.execution import InProcessExecutor
from barrio.experiments.studies import resized
from benchmarks.conftest import RESULTS

STUDY = Path(__file__).resolve().parents[1] / "experiments" / "studies" / "fortaleza_morris.yaml"
#: The cores the projection assumes: this machine's (2 in the issue that set the target).
CORES = os.cpu_count() or 1


@pytest.fixture(scope="module")
def study():
    return load_exploration(STUDY)


@pytest.mark.parametrize("policy", [0, 1], ids=["mano_dura", "integrated"])
def test_a_run_of_the_shipped_screening(benchmark, study, policy, tmp_path_factory):
    """One run of the screening's first point, written to a results folder as a batch writes it."""
    s = study.spec
    specs = study.specs(lambda p: resized(p, s.weeks, s.warmup, s.population))
    spec = [x for x in specs if x.levers["point"] == 0 and x.replicate == 0][policy]

    def one_run() -> None:
        out = tmp_path_factory.mktemp("run")
        done = execute([spec], out, InProcessExecutor(), progress=False)
        assert done.ok

    benchmark.pedantic(one_run, rounds=2, iterations=1)
    seconds = benchmark.stats.stats.median
    weeks = spec.scenario.params.timing.warmup_weeks + spec.scenario.params.timing.horizon_weeks
    residents = spec.scenario.params.neighbourhood.population
    benchmark.extra_info.update(
        {"seconds_per_run": seconds, "model_weeks_per_second": weeks / seconds, "residents": residents}
    )
    RESULTS[("run", spec.levers["policy"])] = seconds
    RESULTS[("run weeks", spec.levers["policy"])] = weeks
    RESULTS[("runs", "study")] = len(specs)
    RESULTS[("residents", "study")] = residents
