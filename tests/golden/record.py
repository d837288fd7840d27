"""Record the library's outcome tables at a small size, to check that a refactor changes no result.

The tables were recorded by Barrio 0.1 (before the model became state plus phases); every
mechanism with a newer rule is set to its 0.1 rule (``model.mechanisms.LEGACY``), so the
same runs must still give them bit for bit.

Run ``python -m tests.golden.record`` only when a change is meant to alter results (and say so in
the commit); ``tests/model/test_golden.py`` compares every library scenario with these tables.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from barrio.model.mechanisms import LEGACY
from barrio.model.params import Params
from barrio.model.run import make_model
from barrio.model.scenario import Event, Scenario

#: The size, length and seeds of the recorded runs: small enough to run in CI, long enough
#: for every library timeline's year-0 events and the pandemic shock of year 1 to start.
POPULATION = 3_000
WARMUP, HORIZON = 26, 60
SEEDS = (1, 2, 3)
TABLES = Path(__file__).with_name("tables.npz")
#: Each library scenario as Barrio 0.1 resolved it at the recorded size and length.
SCENARIOS = json.loads(Path(__file__).with_name("scenarios.json").read_text(encoding="utf-8"))


def scenario(name: str) -> Scenario:
    """A library scenario as Barrio 0.1 resolved it at the recorded size, with every 0.1 rule.

    The values are read from ``scenarios.json`` (each scenario's resolved parameters and
    timeline, dumped by Barrio 0.1), not from today's library and defaults, so that a later
    change of a default or of a library file does not move the recording.
    """
    resolved = SCENARIOS[name]
    params = dict(resolved["params"])
    params["mechanisms"] = {field: str(rule) for field, rule in LEGACY.items()}
    timeline = tuple(Event.model_validate(event) for event in resolved["timeline"])
    return Scenario(name=name, params=Params.build(params), timeline=timeline)


def table(name: str, seed: int) -> tuple[list[str], np.ndarray, str]:
    """Outcome names, the (weeks, outcomes) values of one run and a digest of its residents at the end."""
    s = scenario(name)
    model = make_model(s, seed)
    for _ in range(WARMUP + HORIZON):
        model.step()
    return model.outcomes.names, model.outcomes.values[: model.outcomes.rows], residents_digest(model)


#: The residents' arrays of Barrio 0.1, in its field order (later fields are not in the digest).
FIELDS_0_1 = [
    "age",
    "birth_week",
    "female",
    "household",
    "block",
    "sell_block",
    "status",
    "income",
    "capacity",
    "reluctance",
    "risk_aversion",
    "group",
    "gain",
    "custody",
    "custody_left",
    "offence",
    "record",
    "trust",
    "tie",
    "migrant",
    "carer",
]


def residents_digest(model) -> str:
    """SHA-256 of every resident array of Barrio 0.1, in field order: equal digests, equal people."""
    r = model.residents
    h = hashlib.sha256()
    for name in FIELDS_0_1:
        h.update(np.ascontiguousarray(getattr(r, name)).tobytes())
    return h.hexdigest()


def main() -> int:
    arrays = {}
    names = None
    for name in SCENARIOS:
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
