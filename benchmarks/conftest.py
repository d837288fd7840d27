"""Shared set-up for the benchmarks, and the summary table printed at the end of a session.

Run with ``make bench`` (``pytest benchmarks/ --benchmark-only``). Sizes are the default
scenario scaled up at the same density (residents per block) and the same shares of land
use, groups and police per resident.
"""

from __future__ import annotations

import os

import pytest

from barrio.model import Params

#: Benchmark sizes: label -> residents.
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

#: Figures gathered during the session for the summary: (measure, size label) -> value.
RESULTS: dict[tuple[str, str], float] = {}


def scaled(residents: int, weeks: int = 1000, warmup: int = 0) -> Params:
    """The default scenario with ``residents`` people on a grid of the default density."""
    return Params().at_population(residents).replace(timing__warmup_weeks=warmup, timing__horizon_weeks=weeks)


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request) -> tuple[str, int]:
    return request.param, SIZES[request.param]


def pytest_terminal_summary(terminalreporter) -> None:
    if not RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write("Barrio benchmark summary (median of rounds, this machine, one core)")
    heads = [("residents", 10), ("agent-steps/s", 14), ("ms/week", 9), ("set-up s", 9), ("collect ms", 11)]
    by_size = {k[0] for k in RESULTS if k[1] in SIZES} & {"step", "setup", "collect", "memory"}
    if by_size:
        write(" ".join(f"{h:>{w}}" for h, w in heads) + f" {'peak B/resident':>16}")
    for label, n in SIZES.items() if by_size else ():
        step = RESULTS.get(("step", label))
        cells = [
            f"{n / step:>14,.0f}" if step else f"{'-':>14}",
            f"{step * 1e3:>9.1f}" if step else f"{'-':>9}",
            f"{RESULTS[('setup', label)]:>9.2f}" if ("setup", label) in RESULTS else f"{'-':>9}",
            f"{RESULTS[('collect', label)] * 1e3:>11.2f}" if ("collect", label) in RESULTS else f"{'-':>11}",
            f"{RESULTS[('memory', label)]:>16,.0f}" if ("memory", label) in RESULTS else f"{'-':>16}",
        ]
        write(f"{n:>10,} " + " ".join(cells))
    ref, model = RESULTS.get(("reference", "10k")), RESULTS.get(("paired model", "10k"))
    if ref and model:
        write(f"per-agent reference at 10,000: {1e4 / ref:,.0f} agent-steps/s")
        write(
            f"the model is {ref / model:.1f}x faster per agent-step than the reference "
            f"({model * 1e3:.1f} against {ref * 1e3:.1f} ms a week, timed in alternate rounds)"
        )
    small, big = RESULTS.get(("step", "10k")), RESULTS.get(("step", "1M"))
    if small and big:
        write(f"cost per agent-step at 1M relative to 10k: {(big / 1e6) / (small / 1e4):.2f}")
    if ("city", "1M") in RESULTS:
        write(f"1,000,000 residents, 12 years (624 weeks, warm-up included): {RESULTS[('city', '1M')]:.0f} s")
    runs = {k[1]: v for k, v in RESULTS.items() if k[0] == "run"}
    if runs and ("runs", "study") in RESULTS:
        cores = os.cpu_count() or 1
        total = RESULTS[("runs", "study")]
        residents = RESULTS[("residents", "study")]
        mean = sum(runs.values()) / len(runs)
        weeks = sum(RESULTS[("run weeks", p)] for p in runs) / len(runs)
        for policy, seconds in runs.items():
            write(
                f"a run of the Fortaleza screening, {policy}: {seconds:.2f} s "
                f"({weeks / seconds:.0f} weeks a second)"
            )
        write(
            f"throughput at {residents:,.0f} residents: {weeks / mean:.0f} model-weeks per second per core, "
            f"{mean / weeks / residents * 1e9:.0f} ns per resident-week end to end"
        )
        write(
            f"the shipped Morris screening ({total:,.0f} runs) on {cores} core(s), if runs made at once "
            f"each took what one alone takes: about {total * mean / cores / 3600:.1f} h"
        )
    if ("batch", "seconds per run") in RESULTS:
        each, made = RESULTS[("batch", "seconds per run")], RESULTS[("batch", "runs")]
        total = RESULTS[("runs", "study")]
        write(
            f"the shipped Morris screening ({total:,.0f} runs) on {os.cpu_count() or 1} core(s), from "
            f"{made:,.0f} of its runs made at once: about {total * each / 3600:.1f} h "
            f"({each:.2f} s of wall time a run)"
        )
