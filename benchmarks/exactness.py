"""Whether a change meant only for speed changes any run: record the state of a few runs, then compare.

A speed change must leave every run as it was (same outcomes, same residents, same generator
state), or ``make patterns`` has to be run again and the change said to be a model change.
Record before the change and check after it, on the same machine::

    python -m benchmarks.exactness record /tmp/before.pkl
    python -m benchmarks.exactness check /tmp/before.pkl

Covered: eight library scenarios (every mechanism family they select) at 15,000 residents for
100 weeks, and the first point of the shipped Fortaleza screening (both policies) at 30,000.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from barrio.model import make_model
from barrio.model.scenario import Scenario, load_scenario

LIBRARY = (
    "baseline",
    "mano_dura",
    "integrated",
    "militarised",
    "kingpin",
    "hegemony",
    "covid_shock",
    "women_first",
)
STUDY = Path(__file__).resolve().parents[1] / "experiments" / "studies" / "fortaleza_morris.yaml"
WEEKS = 100


def _scenarios() -> dict[str, Scenario]:
    from barrio.experiments.designs import load_exploration
    from barrio.experiments.studies import resized

    chosen = {}
    for name in LIBRARY:
        s = load_scenario(name).at_population(15_000)
        chosen[name] = replace(s, params=s.params.replace(timing__warmup_weeks=30, timing__horizon_weeks=70))
    study = load_exploration(STUDY)
    specs = study.specs(lambda p: resized(p, 70, 30, 30_000))
    for spec in specs:
        if spec.levers["point"] == 0 and spec.replicate == 0:
            chosen[f"study_{spec.levers['policy']}"] = spec.scenario
    return chosen


def state(scenario: Scenario, seed: int = 3) -> tuple[pd.DataFrame, str, int]:
    """A run's outcome table, a hash of every resident array and its generator's state."""
    model = make_model(scenario, seed)
    for _ in range(WEEKS):
        model.step()
    digest = hashlib.sha256()
    for key, value in sorted(vars(model.residents).items()):
        if isinstance(value, np.ndarray):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(value).tobytes())
    return model.outcomes.wide(), digest.hexdigest(), model.rng.bit_generator.state["state"]["state"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "check"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    now = {name: state(s) for name, s in _scenarios().items()}
    if args.action == "record":
        args.file.write_bytes(pickle.dumps(now))
        print(f"recorded {len(now)} runs in {args.file}")
        return 0
    before = pickle.loads(args.file.read_bytes())
    differ = []
    for name, (table, digest, rng) in now.items():
        old_table, old_digest, old_rng = before[name]
        if not (table.equals(old_table) and digest == old_digest and rng == old_rng):
            columns = [c for c in table.columns if not table[c].equals(old_table[c])]
            differ.append(name)
            print(
                f"{name}: differs (state {digest != old_digest}, generator {rng != old_rng}, "
                f"outcomes {columns[:6]})"
            )
    print("all identical" if not differ else f"{len(differ)} of {len(now)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
