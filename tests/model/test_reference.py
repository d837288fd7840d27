"""The array model and the per-agent reference (benchmarks/reference) agree in distribution.

Both implement the same resident rules; they use their random numbers differently, so
single runs differ. Over ten seeds each, the mean weekly number of sellers, arrests and
prisoners in the policy period must agree: the difference of the two means must be
within three standard errors of that difference (a two-sided test at about the 0.3%
level), and both must be clearly above zero so that the comparison has something to say.
"""

import numpy as np
import pytest

from barrio.model import Params, make_model
from barrio.model.mechanisms import LEGACY
from benchmarks.reference import ReferenceModel

#: Ten paired runs of the model and the per-agent reference.
pytestmark = pytest.mark.slow

SEEDS = range(10)
WARMUP, HORIZON = 40, 40
SCENARIO = Params.build(
    {
        "neighbourhood": {"width": 13, "height": 13, "population": 2000},
        "market": {"user_share": 0.12},
        # Trust and use of force are not in the reference either.
        "policing": {"units_per_10k": 20, "punitive_intensity": 0.8, "reporting": 0.0, "police_force": 0.0},
        "legitimacy": {"effect": 0.0},
        # Nor are prison ties and riots.
        "justice": {"sentence_weeks": 20, "pretrial_weeks": 6, "tie_rate": 0.0, "riot_rate": 0.0},
        # Contests, splits and new groups are group rules, not resident rules: not in the reference.
        # ... nor group governance (welfare, extortion, local support).
        "groups": {
            "contest_rate": 0.0,
            "formation_rate": 0.0,
            "welfare": 0.0,
            "extortion": 0.0,
            "support": 0.0,
        },
        "timing": {"warmup_weeks": WARMUP, "horizon_weeks": HORIZON},
        # The reference implements Barrio 0.1's rules.
        "mechanisms": {field: str(rule) for field, rule in LEGACY.items()},
    }
)


def model_means(seed: int) -> dict[str, float]:
    m = make_model(SCENARIO, seed)
    for _ in range(WARMUP + HORIZON):
        m.step()
    w = m.outcomes.wide().loc[0:]
    return {
        "sellers": w.sellers.mean(),
        "arrests": w.arrests.mean(),
        "prisoners": (w.prisoners_pretrial + w.prisoners_sentenced).mean(),
    }


def reference_means(seed: int) -> dict[str, float]:
    ref = ReferenceModel(SCENARIO, rng=np.random.default_rng(np.random.SeedSequence(seed)))
    for _ in range(WARMUP + HORIZON):
        ref.step()
    return {k: float(np.mean(ref.history[k][WARMUP:])) for k in ("sellers", "arrests", "prisoners")}


@pytest.fixture(scope="module")
def both():
    return [model_means(s) for s in SEEDS], [reference_means(s) for s in SEEDS]


@pytest.mark.parametrize("outcome", ["sellers", "arrests", "prisoners"])
def test_model_and_per_agent_reference_agree(both, outcome):
    a = np.array([run[outcome] for run in both[0]])
    b = np.array([run[outcome] for run in both[1]])
    assert a.mean() > 0.1 and b.mean() > 0.1
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(a.mean() - b.mean()) < 3 * se, (outcome, a.mean(), b.mean(), se)


def test_reference_is_a_mesa_agent_per_resident():
    from benchmarks.reference.model import ResidentAgent

    ref = ReferenceModel(SCENARIO, rng=1)
    assert len(ref.agents_by_type[ResidentAgent]) == SCENARIO.neighbourhood.population
    agent = next(iter(ref.agents_by_type[ResidentAgent]))
    assert agent.cell is not None and agent in agent.cell.agents
