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
from barrio.experiments.execution import InProcessExecutor, executor
from barrio.experiments.studies import resized
from benchmarks.conftest import RESULTS

STUDY = Path(__file__).resolve().parents[1] / "experiments" / "studies" / "fortaleza_morris.yaml"
#: The cores the projection assumes: this machine's (2 in the issue that set the target).
CORES = os.cpu_count() or 1
#: Points of the screening the batch benchmark makes (each point is 2 policies x 3 seeds).
BATCH_POINTS = 4


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


def test_the_screening_s_first_points_on_every_core(benchmark, study, tmp_path_factory):
    """The screening's first points made as ``barrio explore`` makes them: a pool of every core.

    One run alone (above) overstates what the cores give together: runs at once share the
    memory and the caches, so each takes longer than it does alone. The projection of the
    screening's wall time comes from this batch, pool start-up included.
    """
    s = study.spec
    specs = study.specs(lambda p: resized(p, s.weeks, s.warmup, s.population))
    batch = [x for x in specs if x.levers["point"] < BATCH_POINTS]

    def made_at_once() -> None:
        out = tmp_path_factory.mktemp("batch")
        with executor(CORES) as pool:
            done = execute(batch, out, pool, progress=False)
        assert done.ok and len(done.done) == len(batch)

    benchmark.pedantic(made_at_once, rounds=1, iterations=1)
    seconds = benchmark.stats.stats.median
    benchmark.extra_info.update({"runs": len(batch), "cores": CORES, "seconds_per_run": seconds / len(batch)})
    RESULTS[("batch", "seconds per run")] = seconds / len(batch)
    RESULTS[("batch", "runs")] = len(batch)
    RESULTS[("runs", "study")] = len(specs)
