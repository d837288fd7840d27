"""Every library scenario gives the outcome table recorded before the restructuring, bit for bit.

The tables were recorded by ``python -m tests.golden.record`` on the commit before the model
was split into state objects and phases; a refactor that changes any draw, any order of
updates or any outcome fails here, naming the scenario, the seed and the outcomes that moved.
"""

import numpy as np
import pytest

from barrio.model.scenario import scenario_library
from tests.golden import record

RECORDED = np.load(record.TABLES)
NAMES = list(RECORDED["outcomes"])
#: Library scenarios recorded (scenarios added since are not in the recording).
SCENARIOS = sorted({key.split("/")[0] for key in RECORDED.files if "/" in key})


def test_every_recorded_scenario_is_still_in_the_library():
    assert len(SCENARIOS) == 23 and set(SCENARIOS) <= set(scenario_library())


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_library_scenario_is_bit_identical_to_the_recorded_table(name):
    for seed in record.SEEDS:
        names, values, digest = record.table(name, seed)
        expected = RECORDED[f"{name}/{seed}"]
        # Outcomes added later are not in the recording; every recorded one must be there.
        columns = [names.index(n) for n in NAMES]
        got = values[:, columns]
        moved = [n for k, n in enumerate(NAMES) if not np.array_equal(got[:, k], expected[:, k])]
        assert got.shape == expected.shape, f"{name} seed {seed}: {got.shape} weeks x outcomes"
        assert not moved, f"{name} seed {seed}: outcomes differ from the recording: {moved}"
        assert digest == str(RECORDED[f"{name}/{seed}/residents"]), f"{name} seed {seed}: residents differ"
