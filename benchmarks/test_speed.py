"""Speed and memory of the model at 10k, 100k and 1M residents, against a per-agent reference.

Each benchmark records its median in ``RESULTS`` for the summary table (benchmarks/conftest.py).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np

from barrio.model import make_model
from barrio.model.outcomes import measure
from benchmarks.conftest import RESULTS, SIZES, scaled
from benchmarks.reference import ReferenceModel

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
    """The reference's week and the model's weeks, in alternate rounds.

    Each round times eight model weeks one by one and then one reference week, so that
    both medians come from the same minutes of the machine: on a shared machine the
    speed drifts by 10-20% over a session, and two benchmarks run minutes apart would
    carry that drift into their ratio. (A model week straight after a reference week
    runs with the reference's objects in the cache and is slower; the median of eight
    leaves it out.) The benchmark's own figures are for the whole round.
    """
    n = SIZES["10k"]
    model = warmed(n)
    ref = ReferenceModel(scaled(n), rng=np.random.default_rng(np.random.SeedSequence(1)))
    for _ in range(WARM_WEEKS):
        ref.step()
    times: dict[str, list[float]] = {"model": [], "reference": []}

    def timed(step, into: list[float]) -> None:
        start = time.perf_counter()
        step()
        into.append(time.perf_counter() - start)

    def round_() -> None:
        for _ in range(8):
            timed(model.step, times["model"])
        timed(ref.step, times["reference"])

    benchmark.pedantic(round_, rounds=15, iterations=1)
    medians = {k: statistics.median(v) for k, v in times.items()}
    benchmark.extra_info.update({f"{k}_median_s": v for k, v in medians.items()})
    benchmark.extra_info["agent_steps_per_second"] = n / medians["reference"]
    RESULTS[("reference", "10k")] = medians["reference"]
    RESULTS[("paired model", "10k")] = medians["model"]


def test_setup(benchmark, size):
    label, n = size
    params = scaled(n)
    benchmark.pedantic(make_model, args=(params, 1), rounds=3 if label == "1M" else 5, iterations=1)
    RESULTS[("setup", label)] = benchmark.stats.stats.median


def test_outcome_collection_alone(benchmark, size):
    """Measuring one week's outcomes (a pure read of the model)."""
    label, n = size
    model = warmed(n)
    benchmark.pedantic(measure, args=(model,), rounds=ROUNDS[label], iterations=1, warmup_rounds=1)
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
    import json, pathlib, resource, sys
    from benchmarks.conftest import scaled
    from barrio.model import make_model
    n = int(sys.argv[1])
    model = make_model(scaled(n), seed=1)
    for _ in range(20):
        model.step()
    # Linux keeps ru_maxrss across fork and exec, so it would report the benchmark
    # session's own peak (a 1M model held by an earlier benchmark); VmHWM is this
    # process's alone.
    status = pathlib.Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    hwm = [line.split()[1] for line in lines if line.startswith("VmHWM:")]
    peak = int(hwm[0]) * 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak": peak, "arrays": model.residents.nbytes}))
    """
)


def test_peak_memory_per_resident(benchmark, size):
    """Peak resident set size of a fresh process that builds the model and runs 20 weeks.

    The figure includes the interpreter and the imported libraries (about 150 MB), which
    is most of it at 10,000 residents.
    """
    label, n = size

    def probe():
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(n)], capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    result = benchmark.pedantic(probe, rounds=1, iterations=1)
    benchmark.extra_info.update(result)
    RESULTS[("memory", label)] = result["peak"] / n
