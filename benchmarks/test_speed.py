"""Speed and memory of the model at 10k, 100k and 1M residents, against a per-agent reference.

Each benchmark records its median in ``RESULTS`` for the summary table (benchmarks/conftest.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np

from benchmarks.conftest import RESULTS, SIZES, scaled
from benchmarks.reference import ReferenceModel
from model import make_model

ROUNDS = {"10k": 60, "100k": 20, "1M": 6}
WARM_WEEKS = 12


def warmed(n: int):
    model = make_model(scaled(n), seed=1)
    for _ in range(WARM_WEEKS):
        model.step()
    return model


def test_weekly_step(benchmark, size):
    label, n = size
    model = warmed(n)
    benchmark.pedantic(model.step, rounds=ROUNDS[label], iterations=1, warmup_rounds=2)
    median = benchmark.stats.stats.median
    benchmark.extra_info["agent_steps_per_second"] = n / median
    RESULTS[("step", label)] = median


def test_reference_weekly_step_10k(benchmark):
    n = SIZES["10k"]
    ref = ReferenceModel(scaled(n), rng=np.random.default_rng(np.random.SeedSequence(1)))
    for _ in range(WARM_WEEKS):
        ref.step()
    benchmark.pedantic(ref.step, rounds=10, iterations=1, warmup_rounds=1)
    median = benchmark.stats.stats.median
    benchmark.extra_info["agent_steps_per_second"] = n / median
    RESULTS[("reference", "10k")] = median


def test_setup(benchmark, size):
    label, n = size
    params = scaled(n)
    benchmark.pedantic(make_model, args=(params, 1), rounds=3 if label == "1M" else 5, iterations=1)
    RESULTS[("setup", label)] = benchmark.stats.stats.median


def test_outcome_collection_alone(benchmark, size):
    label, n = size
    model = warmed(n)
    benchmark.pedantic(model.collect, rounds=ROUNDS[label], iterations=1, warmup_rounds=1)
    RESULTS[("collect", label)] = benchmark.stats.stats.median


def test_city_of_a_million_for_twelve_years(benchmark):
    params = scaled(SIZES["1M"], weeks=520, warmup=104)

    def city():
        model = make_model(params, seed=1)
        for _ in range(624):
            model.step()

    benchmark.pedantic(city, rounds=1, iterations=1)
    RESULTS[("city", "1M")] = benchmark.stats.stats.median


_MEMORY_PROBE = textwrap.dedent(
    """
    import json, resource, sys
    from benchmarks.conftest import scaled
    from model import make_model
    n = int(sys.argv[1])
    model = make_model(scaled(n), seed=1)
    for _ in range(20):
        model.step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak": peak, "arrays": model.residents.nbytes}))
    """
)


def test_peak_memory_per_resident(benchmark, size):
    """Peak resident set size of a fresh process that builds the model and runs 20 weeks."""
    label, n = size

    def probe():
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(n)], capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    result = benchmark.pedantic(probe, rounds=1, iterations=1)
    benchmark.extra_info.update(result)
    RESULTS[("memory", label)] = result["peak"] / n
