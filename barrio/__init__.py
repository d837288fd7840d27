"""Barrio: an agent-based simulation of drug micro-trafficking in Latin American neighbourhoods.

The package's front door, for Python and notebooks::

    import barrio

    table = barrio.run("mano_dura", seed=1, weeks=104, population=4000)  # one run: a tidy table
    results = barrio.compare(["baseline", "mano_dura"], replicates=5, out="results/crackdown")
    results.effects()          # each policy against the baseline, paired by replicate
    results.report()           # report.html and report.md
    results = barrio.load("results/crackdown")   # a folder written before (or by the command)
    results = barrio.sweep("my_experiment.yaml") # parameters over a grid or a Latin hypercube
    results = barrio.explore("exploration.yaml") # policies over a Morris or Sobol design
    results.exploration()      # its sensitivity indices, scenario discovery and regret

``barrio.run``, ``compare``, ``sweep`` and ``explore`` are what the ``barrio`` command's
``run``, ``compare``, ``sweep`` and ``explore`` call. Scenarios are library names, scenario files, a
:class:`Scenario` (``barrio.load_scenario``) or bare :class:`Params`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from barrio.experiments.batch import ResultsError
    from barrio.experiments.results import Results
    from barrio.experiments.results import load_results as load
    from barrio.experiments.studies import compare, explore, run, sweep
    from barrio.model.errors import BarrioError, ParameterError
    from barrio.model.params import Params
    from barrio.model.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "BarrioError",
    "ParameterError",
    "Params",
    "Results",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "explore",
    "load",
    "load_scenario",
    "run",
    "sweep",
]

# Loaded when first used, so that `import barrio` (and with it `barrio --help`) does not pay for
# pandas, matplotlib and scipy until a name that needs them is touched.
_WHERE = {
    "run": ("barrio.experiments.studies", "run"),
    "compare": ("barrio.experiments.studies", "compare"),
    "sweep": ("barrio.experiments.studies", "sweep"),
    "explore": ("barrio.experiments.studies", "explore"),
    "load": ("barrio.experiments.results", "load_results"),
    "Results": ("barrio.experiments.results", "Results"),
    "ResultsError": ("barrio.experiments.batch", "ResultsError"),
    "Scenario": ("barrio.model.scenario", "Scenario"),
    "ScenarioError": ("barrio.model.scenario", "ScenarioError"),
    "load_scenario": ("barrio.model.scenario", "load_scenario"),
    "Params": ("barrio.model.params", "Params"),
    "BarrioError": ("barrio.model.errors", "BarrioError"),
    "ParameterError": ("barrio.model.errors", "ParameterError"),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from barrio.model.provenance import code_version

        return code_version()
    if name not in _WHERE:
        raise AttributeError(f"module 'barrio' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE, "__version__"])
