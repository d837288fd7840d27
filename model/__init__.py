"""Barrio: an agent-based model of drug micro-trafficking in a Latin American neighbourhood."""

from barrio.model.errors import BarrioError, ParameterError
from barrio.model.model import BarrioModel
from barrio.model.params import Params
from barrio.model.population import Status
from barrio.model.run import make_model, run
from barrio.model.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "BarrioError",
    "BarrioModel",
    "ParameterError",
    "Params",
    "Scenario",
    "ScenarioError",
    "Status",
    "load_scenario",
    "make_model",
    "run",
]
