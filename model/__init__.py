"""Barrio: an agent-based model of drug micro-trafficking in a Latin American neighbourhood."""

from model.errors import BarrioError, ParameterError, UnknownScenarioError
from model.model import BarrioModel
from model.params import Params
from model.population import Status
from model.run import builtin_scenario, make_model, run

__all__ = [
    "BarrioError",
    "BarrioModel",
    "ParameterError",
    "Params",
    "Status",
    "UnknownScenarioError",
    "builtin_scenario",
    "make_model",
    "run",
]
