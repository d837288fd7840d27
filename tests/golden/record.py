"""Record the library's outcome tables at a small size, to check that a refactor changes no result.

Run ``python -m tests.golden.record`` only when a change is meant to alter results (and say so in
the commit); ``tests/model/test_golden.py`` compares every library scenario with these tables.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from barrio.model.run import make_model
from barrio.model.scenario import load_scenario, scenario_library

#: The size, length and seeds of the recorded runs: small enough to run in CI, long enough
#: for every library timeline's year-0 events and the pandemic shock of year 1 to start.
POPULATION = 3_000
WARMUP, HORIZON = 26, 60
SEEDS = (1, 2, 3)
TABLES = Path(__file__).with_name("tables.npz")


def scenario(name: str):
    """A library scenario at the recorded size and length."""
    s = load_scenario(name).at_population(POPULATION)
    timing = {"timing__warmup_weeks": WARMUP, "timing__horizon_weeks": HORIZON}
    return replace(s, params=s.params.replace(**timing))


def table(name: str, seed: int) -> tuple[list[str], np.ndarray, str]:
    """Outcome names, the (weeks, outcomes) values of one run and a digest of its residents at the end."""
    s = scenario(name)
    model = make_model(s, seed)
    for _ in range(WARMUP + HORIZON):
        model.step()
    return model.outcomes.names, model.outcomes.values[: model.outcomes.rows], residents_digest(model)


def residents_digest(model) -> str:
    """SHA-256 of every resident array, in field order: equal digests, equal people."""
    r = model.residents
    h = hashlib.sha256()
    for f in fields(r):
        h.update(np.ascontiguousarray(getattr(r, f.name)).tobytes())
    return h.hexdigest()


def main() -> int:
    arrays = {}
    names = None
    for name in scenario_library():
        for seed in SEEDS:
            names, values, digest = table(name, seed)
            arrays[f"{name}/{seed}"] = values
            arrays[f"{name}/{seed}/residents"] = np.array(digest)
            print(name, seed, values.shape, file=sys.stderr)
    np.savez_compressed(TABLES, outcomes=np.array(names), **arrays)
    print(f"wrote {TABLES} ({TABLES.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
