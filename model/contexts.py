"""Country contexts: the national figures that seed a neighbourhood.

The figures live in ``model/data/contexts.yaml``, each with its source, so that a
reader can check or replace them without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

__all__ = ["CONTEXTS", "Context", "Figure"]


@dataclass(frozen=True)
class Figure:
    """One sourced number."""

    value: float
    source: str


@dataclass(frozen=True)
class Context:
    """National figures for one country context.

    Attributes:
        key: Short name used in parameters (``"brazil"``).
        name: Display name.
        informality: Share of employed residents in informal work.
        unemployment: Share of the labour force without work.
        min_wage_month: Monthly minimum wage in US dollars.
        prison_rate: Prisoners per 100,000 inhabitants.
        prison_occupancy: Prisoners over places (1.36 means 136%).
        drug_share: Share of prisoners held for drug offences.
        homicide_rate: Homicides per 100,000 inhabitants per year.
        migrant_share: Share of residents who are recent migrants.
    """

    key: str
    name: str
    informality: Figure
    unemployment: Figure
    min_wage_month: Figure
    prison_rate: Figure
    prison_occupancy: Figure
    drug_share: Figure
    homicide_rate: Figure
    migrant_share: Figure

    @property
    def min_wage_week(self) -> float:
        """Minimum wage per week (a month is 52/12 weeks)."""
        return self.min_wage_month.value * 12 / 52


def _load() -> dict[str, Context]:
    text = resources.files("barrio.model").joinpath("data/contexts.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    contexts = {}
    for key, entry in raw.items():
        figures = {k: Figure(float(v["value"]), str(v["source"])) for k, v in entry.items() if k != "name"}
        contexts[key] = Context(key=key, name=entry["name"], **figures)
    return contexts


CONTEXTS: dict[str, Context] = _load()
