"""Barrio: an agent-based model of drug micro-trafficking in a Latin American neighbourhood."""

from model.errors import BarrioError, ParameterError
from model.model import BarrioModel
from model.params import Params
from model.population import Status
from model.run import make_model, run
from model.scenario import Scenario, ScenarioError, load_scenario

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
