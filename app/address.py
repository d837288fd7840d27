"""A workshop page's state in its address, so that a reload (F5) or a shared link finds it again.

The address holds what makes the runs on show: the scenario, the room's lever changes from
week 0 and those made during the run (each with its week), the week reached, the run
shown beside it, the language, the map layer and the speed. The same seed, changes and weeks
give the same runs, so the page rebuilds exactly what it showed. Levers are named by their
page key and given in the page's units, as the room sees them::

    ?scenario=mano_dura&lang=pt&week=40&start=units:12&moves=8.punitive_intensity:70

A link may give only some of these (``?scenario=mano_dura&lang=pt``); what cannot be used
is set aside and named, and the rest is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from barrio.app.controls import CONTROLS, Control

__all__ = ["PageAddress", "read_address"]

_BY_KEY: dict[str, Control] = {c.key: c for c in CONTROLS}
#: Weeks a link may ask the page to run to (ten years of the policy period is the longest library horizon).
MAX_WEEK = 5200


@dataclass
class PageAddress:
    """What an address asks the page to show.

    Attributes:
        scenario: Library name of the starting scenario (``None``: the server's).
        language: Language code (``None``: the server's).
        week: Week of the policy period to run to.
        start: The room's changes from week 0, by control key, in the page's units.
        moves: Levers moved during the run: (week, control key, value in the page's units).
        compare: Scenario shown beside the main run, if any.
        layer: Map layer, if not the first.
        speed: Weeks a second (0: as fast as the machine goes), if set.
    """

    scenario: str | None = None
    language: str | None = None
    week: int = 0
    start: dict[str, float | bool] = field(default_factory=dict)
    moves: list[tuple[int, str, float | bool]] = field(default_factory=list)
    compare: str | None = None
    layer: str | None = None
    speed: float | None = None

    def query(self) -> str:
        """The address's query string (without ``?``)."""
        items: dict[str, str] = {}
        if self.scenario:
            items["scenario"] = self.scenario
        if self.language:
            items["lang"] = self.language
        if self.week:
            items["week"] = str(self.week)
        if self.start:
            items["start"] = ",".join(f"{k}:{_text(v)}" for k, v in self.start.items())
        if self.moves:
            items["moves"] = ",".join(f"{w}.{k}:{_text(v)}" for w, k, v in self.moves)
        if self.compare:
            items["compare"] = self.compare
        if self.layer:
            items["layer"] = self.layer
        if self.speed is not None:
            items["speed"] = _text(self.speed)
        return urlencode(items, safe=":,.")

    def model_changes(self) -> dict[str, object]:
        """The start changes as the model's values, by dotted path."""
        return {_BY_KEY[k].path: _BY_KEY[k].model_value(v) for k, v in self.start.items()}

    def model_moves(self) -> list[tuple[int, str, object]]:
        """The moves as (week, dotted path, model value)."""
        return [(w, _BY_KEY[k].path, _BY_KEY[k].model_value(v)) for w, k, v in self.moves]


def _text(value: float | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}"


def _value(control: Control, text: str) -> float | bool:
    if control.switch:
        if text not in ("yes", "no"):
            raise ValueError(f"{control.key} is yes or no, got {text!r}")
        return text == "yes"
    value = float(text)
    if not control.low <= value <= control.high:
        raise ValueError(f"{control.key} is {control.low:g} to {control.high:g}, got {text!r}")
    return value


def read_address(
    search: str | None, scenarios: set[str], languages: set[str], layers: set[str]
) -> tuple[PageAddress, list[str]]:
    """The page state an address's query asks for, and what in it cannot be used (each named).

    Args:
        search: The query string, without ``?`` (``None``: none).
        scenarios: Scenario names the page offers.
        languages: Language codes the page offers.
        layers: Map layers the page offers.
    """
    query = {k: v[-1] for k, v in parse_qs(search or "", keep_blank_values=True).items()}
    address, problems = PageAddress(), []

    def one_of(key: str, allowed: set[str]) -> str | None:
        if key not in query:
            return None
        if query[key] in allowed:
            return query[key]
        problems.append(f"{key}={query[key]!r} (allowed: {', '.join(sorted(allowed))})")
        return None

    address.scenario = one_of("scenario", scenarios)
    address.language = one_of("lang", languages)
    address.compare = one_of("compare", scenarios)
    address.layer = one_of("layer", layers)
    if "week" in query:
        try:
            address.week = int(query["week"])
            if not 0 <= address.week <= MAX_WEEK:
                raise ValueError
        except ValueError:
            problems.append(f"week={query['week']!r} (a whole number of weeks, 0 to {MAX_WEEK})")
            address.week = 0
    if "speed" in query:
        try:
            address.speed = float(query["speed"])
            if not 0 <= address.speed <= 1000:
                raise ValueError
        except ValueError:
            problems.append(f"speed={query['speed']!r} (weeks a second, 0 for as fast as possible)")
            address.speed = None
    for item in filter(None, query.get("start", "").split(",")):
        try:
            key, text = item.split(":", 1)
            address.start[key] = _value(_BY_KEY[key], text)
        except (KeyError, ValueError) as exc:
            problems.append(f"start={item!r} ({_why(exc)})")
    for item in filter(None, query.get("moves", "").split(",")):
        try:
            week_text, change = item.split(".", 1)
            key, text = change.split(":", 1)
            week = int(week_text)
            if not 0 <= week <= address.week:
                raise ValueError(f"the week must be 0 to the page's week {address.week}")
            address.moves.append((week, key, _value(_BY_KEY[key], text)))
        except (KeyError, ValueError) as exc:
            problems.append(f"moves={item!r} ({_why(exc)})")
    return address, problems


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"not a lever of the page: {', '.join(_BY_KEY)}"
    return str(exc) or "not understood"
