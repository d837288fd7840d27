"""The levers on the workshop page: which model lever each one moves, in what unit.

A control shows a lever in the unit a room thinks in (percent, years, thousand dollars a
week) and converts to the model's unit; the lever itself, its range check and its effect
stay in the model (:meth:`model.model.BarrioModel.change_levers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from barrio.model import Params

__all__ = ["CONTROLS", "Control", "Section"]


class Section(StrEnum):
    """The two groups of levers on the page."""

    ENFORCEMENT = "enforcement"
    INCLUSION = "inclusion"


@dataclass(frozen=True)
class Control:
    """One slider or switch.

    Attributes:
        key: Label key in :mod:`app.labels` (also the control's id on the page).
        path: The lever's dotted path in the parameters.
        section: Where it sits on the page.
        unit: Unit key in :mod:`app.labels`.
        low: Smallest value shown, in the page's unit.
        high: Largest value shown, in the page's unit.
        step: Slider step, in the page's unit.
        scale: Model value = page value x scale.
        switch: A yes/no switch instead of a slider.
    """

    key: str
    path: str
    section: Section
    unit: str
    low: float = 0.0
    high: float = 100.0
    step: float = 5.0
    scale: float = 1.0
    switch: bool = False

    def shown(self, params: Params) -> float | bool:
        """The lever's value in ``params``, in the page's unit."""
        value = params
        for part in self.path.split("."):
            value = getattr(value, part)
        if self.switch:
            return bool(value)
        return round(float(value) / self.scale, 6)

    def model_value(self, shown: float | bool) -> float | bool:
        """The model's value for a value shown on the page."""
        return bool(shown) if self.switch else float(shown) * self.scale


_E, _I = Section.ENFORCEMENT, Section.INCLUSION
_PCT = 0.01
_KUSD = 1000.0

#: Every control on the page, in the order shown. Slider ranges are what a workshop needs,
#: narrower than what the model accepts (``barrio levers``).
CONTROLS: tuple[Control, ...] = (
    Control("punitive_intensity", "policing.punitive_intensity", _E, "unit_percent", scale=_PCT),
    Control("units", "policing.units_per_10k", _E, "unit_per_10k", high=30, step=1),
    Control("soldiers", "policing.soldiers_per_10k", _E, "unit_per_10k", high=20, step=1),
    Control("hot_spots", "policing.hot_spots", _E, "unit_percent_units", scale=_PCT),
    Control("focused_deterrence", "policing.focused_deterrence", _E, "unit_percent_units", scale=_PCT),
    Control("community", "policing.community", _E, "unit_percent_units", scale=_PCT),
    Control("kingpin", "policing.kingpin", _E, "unit_percent_week", high=10, step=0.5, scale=_PCT),
    Control("pretrial", "justice.pretrial_detention", _E, "unit_percent", scale=_PCT),
    Control("sentence", "justice.sentence_weeks", _E, "unit_years", low=0.5, high=10, step=0.5, scale=52),
    Control("possession", "policing.arrest_possession", _E, "unit_yes_no", switch=True),
    Control("cash", "programmes.cash.budget_week", _I, "unit_kusd_week", high=50, step=1, scale=_KUSD),
    Control("cash_amount", "programmes.cash.amount", _I, "unit_usd_week", high=100, step=5),
    Control("jobs", "programmes.jobs.budget_week", _I, "unit_kusd_week", high=50, step=1, scale=_KUSD),
    Control("school", "programmes.school.budget_week", _I, "unit_kusd_week", high=20, step=1, scale=_KUSD),
    Control("penal", "programmes.penal.budget_week", _I, "unit_kusd_week", high=20, step=1, scale=_KUSD),
    Control("reentry", "programmes.reentry.budget_week", _I, "unit_kusd_week", high=20, step=1, scale=_KUSD),
    Control("women", "programmes.women.budget_week", _I, "unit_kusd_week", high=20, step=1, scale=_KUSD),
    Control(
        "presence_programme",
        "programmes.presence.budget_week",
        _I,
        "unit_kusd_week",
        high=20,
        step=1,
        scale=_KUSD,
    ),
    Control("state_presence", "neighbourhood.state_presence", _I, "unit_percent", scale=_PCT),
)
