"""The levers on the workshop page: which model lever each one moves, in what unit.

A control shows a lever in the unit a room thinks in (percent, years, thousand dollars a
week) and converts to the model's unit; the lever itself, its range check and its effect
stay in the model (:meth:`model.model.BarrioModel.change_levers`).

The controls are built from two tables: the schema (:mod:`model.params`: which parameters
are levers, their units and ranges) and the page's entry for each lever it shows
(:data:`app.labels.PAGE_LEVERS`: section, label in every language, display unit, slider
range and step). The display units and their conversions are here, once.

To show another lever on the page:

1. It is a lever in the schema (``lever=True`` in :mod:`model.params`, listed by
   ``barrio levers``) and a rule of the model uses it.
2. Add one entry to :data:`app.labels.PAGE_LEVERS`, keyed by its dotted path: its id, its
   section, a display unit from :data:`DISPLAY_UNITS`, the slider's range and step in that
   unit, and its label in Spanish, Portuguese and English. Its place in that table is its
   place on the page.
3. Run ``tests/app``: they check that the entry names a lever, has every language and a
   display unit that fits the lever's unit in the schema, and that both ends of its slider
   are values the model accepts.

Nothing in this file or in :mod:`app.page` changes, unless the lever needs a kind of unit
the page has not shown before: then add it to :data:`DISPLAY_UNITS` with its conversion,
and its words (``unit_NAME``) to :data:`app.labels.TEXT`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from barrio.app.labels import PAGE_LEVERS, PageLever
from barrio.model import ParameterError, Params
from barrio.model.policing import UnitKind, unit_targets
from barrio.model.programmes import PROGRAMMES, programme_runs
from barrio.model.scenario import lever_paths

__all__ = [
    "CONTROLS",
    "DISPLAY_UNITS",
    "Control",
    "DisplayUnit",
    "PageLeverError",
    "Section",
    "blocked_by",
    "build_controls",
    "no_effect_because",
    "possible_now",
]


class Section(StrEnum):
    """The two groups of levers on the page."""

    ENFORCEMENT = "enforcement"
    INCLUSION = "inclusion"


class PageLeverError(ParameterError):
    """An entry of :data:`app.labels.PAGE_LEVERS` does not describe a lever the page can show."""


@dataclass(frozen=True)
class DisplayUnit:
    """A unit the page shows levers in, and how it converts to the model's unit.

    Attributes:
        scale: Model value = shown value x scale.
        model_units: The schema's units (``barrio levers``) it converts from: percent
            suits a probability, not a number of weeks.
        switch: Shown as a yes/no switch instead of a slider.
    """

    scale: float
    model_units: tuple[str, ...]
    switch: bool = False


#: The page's units by name; each one's words are ``TEXT["unit_" + name]`` in app/labels.py.
DISPLAY_UNITS: dict[str, DisplayUnit] = {
    "percent": DisplayUnit(0.01, ("probability", "share", "0-1")),
    "percent_units": DisplayUnit(0.01, ("share of units",)),
    # Community policing is a share of the police units only, not of every patrol unit.
    "percent_police": DisplayUnit(0.01, ("share of units",)),
    "percent_week": DisplayUnit(0.01, ("per group-week",)),
    "per_10k": DisplayUnit(
        1.0, ("patrol units per 10,000 residents", "army patrol units per 10,000 residents")
    ),
    "years": DisplayUnit(52.0, ("weeks",)),
    "kusd_week": DisplayUnit(1000.0, ("USD per week",)),
    "usd_week": DisplayUnit(1.0, ("USD per household-week", "USD per week")),
    "yes_no": DisplayUnit(1.0, ("yes/no",), switch=True),
}


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

    def page_value(self, value: object) -> float | bool:
        """A model's value of the lever, in the page's unit."""
        return bool(value) if self.switch else round(float(value) / self.scale, 6)

    def model_value(self, shown: float | bool) -> float | bool:
        """The model's value for a value shown on the page."""
        return bool(shown) if self.switch else float(shown) * self.scale

    def checked(self, shown: object, current: float | bool) -> float | bool:
        """A value sent by a browser, checked against what the page offers, as the model's value.

        A browser can send anything over its websocket (1,000 patrol units where the slider
        stops at 30), so the page's own range is enforced here, on the server. A scenario may
        start beyond it (the slider widens to show it): ``current`` is allowed too.

        Raises:
            PageLeverError: If the value is not a yes/no for a switch, or not a number within
                the slider's range.
        """
        if self.switch:
            if not isinstance(shown, bool):
                raise PageLeverError([(self.path, f"must be yes or no, got {shown!r}")], source="the page")
            return shown
        low, high = min(self.low, float(current)), max(self.high, float(current))
        if isinstance(shown, bool) or not isinstance(shown, int | float) or not low <= shown <= high:
            raise PageLeverError(
                [(self.path, f"the page offers {low:g} to {high:g}, got {shown!r}")], source="the page"
            )
        return self.model_value(shown)


def build_controls(table: Mapping[str, PageLever]) -> tuple[Control, ...]:
    """The page's controls, in the table's order, from its entries and the schema.

    Args:
        table: Page entries by the lever's dotted path (:data:`app.labels.PAGE_LEVERS`).

    Raises:
        PageLeverError: Naming every entry whose path is not a lever, or whose section or
            display unit is unknown.
    """
    levers = lever_paths()
    problems: list[tuple[str, str]] = []
    controls = []
    for path, entry in table.items():
        where = f"PAGE_LEVERS['{path}']"
        found = []
        if path not in levers:
            close = difflib.get_close_matches(path, levers, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            found.append((where, f"not a lever; {hint}levers are listed by `barrio levers`"))
        if entry.unit not in DISPLAY_UNITS:
            allowed = ", ".join(DISPLAY_UNITS)
            found.append((f"{where}.unit", f"{entry.unit!r} is not a display unit; allowed: {allowed}"))
        if entry.section not in {s.value for s in Section}:
            allowed = ", ".join(s.value for s in Section)
            found.append((f"{where}.section", f"{entry.section!r} is not a section; allowed: {allowed}"))
        problems += found
        if found:
            continue
        unit = DISPLAY_UNITS[entry.unit]
        controls.append(
            Control(
                key=entry.key,
                path=path,
                section=Section(entry.section),
                unit=f"unit_{entry.unit}",
                low=entry.low,
                high=entry.high,
                step=entry.step,
                scale=unit.scale,
                switch=unit.switch,
            )
        )
    if problems:
        raise PageLeverError(problems, source="app/labels.py")
    return tuple(controls)


#: Every control on the page, in the order shown.
CONTROLS: tuple[Control, ...] = build_controls(PAGE_LEVERS)


def no_effect_because(control: Control, params: Params) -> Control | None:
    """The control that makes ``control`` have no effect under ``params``, if there is one.

    A programme's settings (a transfer's amount) do nothing while the programme does not
    run; whether it runs is the model's rule (:func:`model.programmes.programme_runs`). The
    shares of patrol units do nothing without units to share: community policing is a share
    of the police units; hot spots and focused deterrence send soldiers' units too. Units are
    whole (:func:`model.policing.unit_targets`): a lever's 0.4 units at a small population are none.
    """
    units = unit_targets(params)  # whole units, as the model puts them on patrol
    patrols = {"policing.community": units[UnitKind.POLICE] + units[UnitKind.COMMUNITY]}
    patrols |= dict.fromkeys(("policing.hot_spots", "policing.focused_deterrence"), sum(units.values()))
    if patrols.get(control.path) == 0:
        return next((c for c in CONTROLS if c.path == "policing.units_per_10k"), None)
    parts = control.path.split(".")
    setting = len(parts) == 3 and parts[0] == "programmes" and parts[1] in PROGRAMMES
    if setting and parts[2] != "budget_week" and not programme_runs(params, parts[1]):
        budget = f"programmes.{parts[1]}.budget_week"
        return next((c for c in CONTROLS if c.path == budget), None)
    return None


def possible_now(
    control: Control, accepts: Callable[[Mapping[str, object]], bool]
) -> tuple[float, float] | None:
    """The lowest and highest slider positions the model accepts now, in the page's unit.

    ``accepts({path: model_value})`` is the model's own check with the other levers as they
    are (:meth:`app.session.Workshop.accepts`): the page does not restate the model's rules.
    """
    count = round((control.high - control.low) / control.step)
    positions = [round(control.low + k * control.step, 6) for k in range(count + 1)]
    accepted = [p for p in positions if accepts({control.path: control.model_value(p)})]
    return (accepted[0], accepted[-1]) if accepted else None


def blocked_by(
    control: Control, shown: float | bool, params: Params, accepts: Callable[[Mapping[str, object]], bool]
) -> list[Control]:
    """The other controls that keep ``shown`` out: with any one of them at its lowest, the model takes it.

    ``params`` are the levers in force; ``accepts(changes)`` is the model's own check of
    ``changes`` with the other levers as they are, so the page does not restate its rules.
    """
    value = control.model_value(shown)
    return [
        other
        for other in CONTROLS
        if other is not control
        and other.shown(params) != other.low
        and accepts({other.path: other.model_value(other.low), control.path: value})
    ]
