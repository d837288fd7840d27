"""Scenario files: how policy teams tell Barrio what to simulate.

A scenario file is YAML, read with a safe loader (no tag that could run code is
accepted) and validated against the one parameter schema (:mod:`model.params`). It names
its country context, overrides any parameters, and may ``extends:`` another file and
carry a ``timeline`` of lever changes and shocks::

    # What does a crackdown from the start of the policy period do?
    extends: baseline.yaml
    timeline:
      - year: 0
        set: {policing.punitive_intensity: 0.9, justice.sentence_weeks: 260}
      - year: 3
        shock: {weeks: 26, economy: 0.8, demand: 1.23}

Every problem in a file is reported at once, each with the file, the line, the field
path and what is allowed, and a suggestion for a misspelt name.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from barrio.model.errors import BarrioError, ParameterError
from barrio.model.params import Params, parameter_table, paths_by_name, scaled_amounts, with_input

__all__ = [
    "MAX_FILE_BYTES",
    "META_KEYS",
    "NAME_PATTERN",
    "Event",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Shock",
    "lever_paths",
    "load_scenario",
    "read_yaml",
    "scenario_library",
]

#: Keys of a scenario file that are not parameters.
META_KEYS = ("name", "description", "extends", "timeline")
LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
#: What a scenario's name may be: it names files and folders of results, so letters, digits,
#: ``_`` and ``-`` only (no ``/``, no ``..``, nothing a shell or a file system reads specially).
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,80}")
#: Largest scenario or experiment file read (bytes). The library's are a few kilobytes; a
#: file beyond this is a mistake (a data file, a device) and would only exhaust memory.
MAX_FILE_BYTES = 2**20


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a scenario, or None if it can."""
    if not isinstance(name, str):
        return f"must be text, got {name!r}"
    if NAME_PATTERN.fullmatch(name) is None:
        return (
            f"{name!r} cannot name a scenario: use 1 to 80 letters, digits, '_' or '-' (it names the "
            "scenario's files in a results folder, so no '/', '.', spaces or other signs)"
        )
    return None


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(BarrioError, ValueError):
    """A scenario file cannot be used; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[Problem], asked: str | None = None) -> None:
        self.problems = problems
        files = sorted({p.file for p in problems})
        head = f"{len(problems)} problem(s) in {', '.join(files)}"
        if asked is not None and asked not in files:
            # The file asked for is fine itself: say how the broken one comes into it.
            head += f" (which {asked} extends)"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


class Shock(BaseModel):
    """A temporary shock to the economy and to drug demand (a pandemic, a recession).

    The background paper reports drug use up 23% and micro-trafficking up 34% in the
    region during the COVID-19 pandemic; ``demand: 1.23`` feeds in the first as an input
    so that the second can be compared with what the model produces.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field("shock", description="Label for the shock.")
    weeks: int = Field(ge=1, le=5200, description="How long the shock lasts.")
    economy: float = Field(
        1.0,
        gt=0.0,
        le=2.0,
        description="Multiplier on the economy index (0.8: informal income falls, jobs are lost).",
    )
    demand: float = Field(1.0, ge=0.0, le=10.0, description="Multiplier on drug demand on every block.")


class Event(BaseModel):
    """One timeline entry: at a week (or year) of the policy period, change levers and/or start a shock."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    week: int | None = Field(
        None, ge=0, le=5200, strict=True, description="Week of the policy period (0 = its first week)."
    )
    year: float | None = Field(
        None, ge=0, le=100, description="Year of the policy period; converted to weeks (x 52)."
    )
    set: dict[str, Any] = Field(default_factory=dict, description="Levers to change, by dotted path.")
    shock: Shock | None = None

    @model_validator(mode="after")
    def _one_time(self) -> Event:
        if (self.week is None) == (self.year is None):
            raise ValueError("give exactly one of 'week' or 'year'")
        if not self.set and self.shock is None:
            raise ValueError("an event needs 'set' (levers to change) or 'shock'")
        return self

    @property
    def at(self) -> int:
        """The event's week in the policy period."""
        return self.week if self.week is not None else round(self.year * 52)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameters plus a timeline.

    Attributes:
        name: Short name (the file name without ``.yaml`` unless the file says otherwise).
        description: What question the scenario asks.
        params: Parameters at the start of the run.
        timeline: Lever changes and shocks, in week order.
        source: The file it came from, if any.
    """

    name: str
    params: Params
    timeline: tuple[Event, ...] = ()
    description: str = ""
    source: str | None = None

    def __post_init__(self) -> None:
        # Checked here, where every scenario is made, because the name becomes a file name.
        problem = name_problem(self.name)
        if problem:
            raise ScenarioError([Problem(self.source or "scenario", None, "name", problem)])

    def at_population(self, residents: int) -> Scenario:
        """This scenario with ``residents`` people at the same density.

        See :meth:`Params.at_population`; programme budgets and places the timeline sets
        scale in the same way.
        """
        ratio = residents / self.params.neighbourhood.population
        timeline = tuple(
            event.model_copy(update={"set": event.set | scaled_amounts(event.set, ratio)})
            for event in self.timeline
        )
        return replace(self, params=self.params.at_population(residents), timeline=timeline)

    def params_at(self, week: int) -> Params:
        """Parameters in force at ``week`` of the policy period (timeline changes up to it applied).

        Raises:
            ParameterError: If a change is out of range.
        """
        params = self.params
        for event in self.timeline:
            if event.at <= week and event.set:
                params = params.with_levers(event.set)
        return params

    def with_values(self, values: Mapping[str, Any], name: str | None = None) -> Scenario:
        """This scenario with other values of some parameters (by dotted path), in place of its own.

        The one rule for changing a parameter of a scenario (a sweep's point, a calibration's
        parameter set, a notebook's what-if): where the scenario's timeline sets the parameter
        (``mano_dura`` raises ``policing.punitive_intensity`` at year 0), the timeline sets the
        new value instead, so the warm-up and the weeks before the event are the scenario's;
        where it does not, the new value holds from the first week. Every event that sets the
        parameter takes the new value: a scenario that switches a lever off later, and should
        keep that switch under a sweep, switches it off through another lever
        (``fortaleza_pact`` breaks its pact through ``groups.truce_break``).

        Raises:
            ParameterError: If a value is out of range or not a parameter.
        """
        if not values:
            return self if name is None else replace(self, name=name)
        self.params.with_levers(values)  # every value checked, wherever it will be set
        in_timeline = {path for event in self.timeline for path in event.set}
        params = self.params.with_levers({p: v for p, v in values.items() if p not in in_timeline})
        timeline = tuple(
            event.model_copy(update={"set": {p: values.get(p, v) for p, v in event.set.items()}})
            for event in self.timeline
        )
        return replace(self, name=name or self.name, params=params, timeline=timeline)

    def with_changes(self, changes: dict[str, Any], name: str | None = None) -> Scenario:
        """This scenario with ``changes`` (levers by dotted path) made at the start of the policy period.

        The changes come after the scenario's own changes of week 0, so they win there; the
        scenario's later timeline still applies.

        Raises:
            ParameterError: If a change is not a lever's path or is out of range.
        """
        if not changes:
            return self
        unknown = sorted(set(changes) - set(lever_paths()))
        if unknown:
            raise ParameterError([(path, "not a lever (see `barrio levers`)") for path in unknown])
        self.params_at(0).with_levers(changes)
        event = Event(week=0, set=dict(changes))
        timeline = tuple(sorted((*self.timeline, event), key=lambda e: e.at))
        return replace(self, name=name or self.name, timeline=timeline)

    def resolved(self) -> dict[str, Any]:
        """Every value the run uses: all parameters (defaults included) and the timeline."""
        return {
            "name": self.name,
            "params": self.params.model_dump(mode="json"),
            "timeline": [e.model_dump(mode="json", exclude_none=True) for e in self.timeline],
        }

    @property
    def hash(self) -> str:
        """A short hash of the resolved values: equal hashes, equal inputs."""
        text = json.dumps(self.resolved(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def lever_paths() -> dict[str, dict[str, Any]]:
    """Every lever (a parameter a timeline may change), by dotted path."""
    return {row["path"]: row for row in parameter_table() if row["lever"]}


def scenario_library() -> dict[str, Path]:
    """The scenario files that ship with Barrio, by name."""
    return {p.stem: p for p in sorted(LIBRARY.glob("*.yaml"))}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file, or a library scenario by name.

    Raises:
        ScenarioError: With every problem found, if the file cannot be used.
    """
    path = _locate(name_or_path)
    problems: list[Problem] = []
    data, lines = _read_chain(path, problems, stack=())
    if problems:
        raise ScenarioError(problems, asked=str(path))
    try:
        return _validate(path, data, lines)
    except ScenarioError as err:
        raise ScenarioError(err.problems, asked=str(path)) from None


def locate_beside(name: str, folder: Path) -> Path:
    """A scenario another file names (its ``extends``, an experiment's ``base``).

    A file of that name in ``folder``, else a library scenario by name (with or without
    ``.yaml``), so that a file of one's own can say ``extends: baseline`` wherever it lives.

    Raises:
        ScenarioError: Naming where it looked, with the nearest library name.
    """
    local = folder / name
    library = scenario_library()
    if local.is_file():
        return local
    if Path(name).stem in library and not Path(name).parent.parts:
        return library[Path(name).stem]
    close = difflib.get_close_matches(Path(name).stem, library, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    message = (
        f"no such file next to this one ({local}) and no library scenario '{name}'{hint} "
        f"(library: {', '.join(library)})"
    )
    raise ScenarioError([Problem(str(local), None, "", message)])


def _locate(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ScenarioError([Problem(str(path), None, "", "no such file")])
        if not path.is_file():
            raise ScenarioError([Problem(str(path), None, "", _NOT_A_FILE)])
        return path
    library = scenario_library()
    if str(name_or_path) in library:
        return library[str(name_or_path)]
    close = difflib.get_close_matches(str(name_or_path), library, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    known = ", ".join(library) or f"none found in {LIBRARY}"
    raise ScenarioError(
        [
            Problem(
                str(name_or_path), None, "", f"not a file and not a library scenario{hint} (library: {known})"
            )
        ]
    )


# -- reading YAML, with a line for every key --------------------------------------------------

Lines = dict[tuple, tuple[str, int]]


def _read_chain(path: Path, problems: list[Problem], stack: tuple[Path, ...]) -> tuple[dict, Lines]:
    """Read a file and everything it extends.

    The child's values win, section by section; timelines are joined, the parent's
    entries first (see the comment below).
    """
    resolved = path.resolve()
    if resolved in stack:
        cycle = " -> ".join(p.name for p in (*stack, resolved))
        problems.append(Problem(str(path), None, "extends", f"circular 'extends': {cycle}"))
        return {}, {}
    data, lines = _read_one(path, problems)
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    if not isinstance(parent, str):
        problems.append(
            Problem(
                str(path),
                lines.get(("extends",), (None, None))[1],
                "extends",
                f"must be a file name, got {parent!r}",
            )
        )
        return data, lines
    try:
        parent_path = locate_beside(parent, path.parent)
    except ScenarioError as err:
        line = lines.get(("extends",), (None, None))[1]
        problems.append(Problem(str(path), line, "extends", err.problems[0].message))
        return data, lines
    base, base_lines = _read_chain(parent_path, problems, (*stack, resolved))
    base.pop("name", None)
    base.pop("description", None)
    merged, merged_lines = _merge(base, data), {**base_lines, **lines}
    # A timeline is kept whole through `extends`: the child's entries are added after the
    # parent's rather than replacing them. Entries apply in week order and, within a week,
    # in this order (see _validate), so where both set a lever at the same week the child wins.
    inherited, own = base.get("timeline"), data.get("timeline")
    if isinstance(inherited, list) and isinstance(own, list | None):
        merged["timeline"] = [*inherited, *(own or [])]
        # The `lines` index is keyed by entry number: the child's move up with their entries.
        merged_lines = {**base_lines, **_shift_timeline(lines, len(inherited))}
    elif inherited is not None and not isinstance(inherited, list):
        # A broken parent timeline is reported, at the parent's line, rather than dropped.
        merged["timeline"] = inherited
        merged_lines[("timeline",)] = base_lines.get(("timeline",), (str(parent_path), None))
    return merged, merged_lines


def _shift_timeline(lines: Lines, offset: int) -> Lines:
    """``lines`` with every timeline entry's number moved up by ``offset``."""
    return {
        (key[0], key[1] + offset, *key[2:]) if key[:1] == ("timeline",) and len(key) > 1 else key: where
        for key, where in lines.items()
    }


def read_yaml(path: Path) -> tuple[dict, Lines, list[Problem]]:
    """Read one YAML file the way scenario files are read: safely, with the line of every key.

    Returns:
        The data, the ``(file, line)`` of every key path, and the problems found (if any,
        the data is empty).
    """
    problems: list[Problem] = []
    data, lines = _read_one(path, problems)
    return data, lines, problems


_NOT_A_FILE = "not a regular file (a folder, a device or a pipe); give a scenario file (.yaml)"


def read_text(path: Path) -> str:
    """A scenario or experiment file's text, read only if it is a regular file of a sensible size.

    Raises:
        ScenarioError: If it is not a regular file (a device such as ``/dev/zero`` would be
            read forever), is larger than :data:`MAX_FILE_BYTES`, or cannot be read as UTF-8.
    """
    name = str(path)
    try:
        if not path.is_file():
            raise ScenarioError([Problem(name, None, "", _NOT_A_FILE)])
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims to be
        if len(raw) > MAX_FILE_BYTES:
            message = f"larger than {MAX_FILE_BYTES:,} bytes: too large to be a scenario file"
            raise ScenarioError([Problem(name, None, "", message)])
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError([Problem(name, None, "", f"cannot read the file: {err}")]) from err


def _read_one(path: Path, problems: list[Problem]) -> tuple[dict, Lines]:
    name = str(path)
    try:
        text = read_text(path)
    except ScenarioError as err:
        problems.extend(err.problems)
        return {}, {}
    try:
        # Aliases (*name) let a few lines expand into billions of values; a scenario has
        # no use for them, so they are refused before anything is built.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                problems.append(
                    Problem(name, line, "", "aliases (*name) are not allowed; write the value out")
                )
                return {}, {}
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        if "could not determine a constructor" in (err.problem or ""):
            tag = err.problem.split()[-1]
            message = f"refused: the tag {tag} could run code; scenario files hold plain values only"
        else:
            message = f"not a plain value: {err.problem}"
        problems.append(Problem(name, line, "", message))
        return {}, {}
    except RecursionError:
        problems.append(Problem(name, None, "", "nested too deeply to be a scenario"))
        return {}, {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problems.append(
            Problem(
                name,
                mark.line + 1 if mark else None,
                "",
                f"not valid YAML: {getattr(err, 'problem', None) or err}",
            )
        )
        return {}, {}
    if data is None:
        problems.append(
            Problem(
                name,
                None,
                "",
                "the file is empty; a scenario needs at least 'extends: baseline.yaml' or 'country: ...'",
            )
        )
        return {}, {}
    if not isinstance(data, dict):
        problems.append(
            Problem(name, 1, "", f"a scenario is a mapping of names to values, not a {type(data).__name__}")
        )
        return {}, {}
    lines: Lines = {}
    _index(node, (), name, lines, problems)
    return data, lines


def _index(node: yaml.Node, path: tuple, file: str, lines: Lines, problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            k = key.value
            if k in seen:
                problems.append(
                    Problem(
                        file, key.start_mark.line + 1, ".".join(map(str, (*path, k))), "given twice; keep one"
                    )
                )
            seen.add(k)
            lines[(*path, k)] = (file, key.start_mark.line + 1)
            _index(value, (*path, k), file, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = (file, item.start_mark.line + 1)
            _index(item, (*path, i), file, lines, problems)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "timeline":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# -- validation --------------------------------------------------------------------------------


def _validate(path: Path, data: dict, lines: Lines) -> Scenario:
    file = str(path)
    problems: list[Problem] = []

    # Where each file's timeline entries start in the joined timeline, so that a problem
    # names an entry by its number in its own file.
    first_entry: dict[str, int] = {}
    for key, (source, _) in lines.items():
        if len(key) == 2 and key[0] == "timeline" and isinstance(key[1], int):
            first_entry[source] = min(first_entry.get(source, key[1]), key[1])

    def problem(loc: tuple, message: str) -> None:
        where = next((lines[loc[:k]] for k in range(len(loc), 0, -1) if loc[:k] in lines), (file, None))
        if len(loc) > 1 and loc[0] == "timeline" and isinstance(loc[1], int):
            loc = ("timeline", loc[1] - first_entry.get(where[0], 0), *loc[2:])
        problems.append(Problem(where[0], where[1], ".".join(map(str, loc)), message))

    meta = {k: data.pop(k) for k in META_KEYS if k in data}
    params: Params | None = None
    try:
        params = Params.model_validate(data)
    except ValidationError as err:
        for e in err.errors():
            problem(tuple(e["loc"]), _message(e, Params, e["loc"]))
    else:
        for loc, message in _loose_types(data):
            problem(loc, message)
            params = None

    events: list[Event] = []
    raw_timeline = meta.get("timeline")
    raw_timeline = [] if raw_timeline is None else raw_timeline
    if not isinstance(raw_timeline, list):
        problem(("timeline",), "must be a list of events (each with 'week' or 'year', and 'set' or 'shock')")
        raw_timeline = []
    levers = lever_paths()

    def check_set(loc: tuple, changes: dict) -> None:
        for key in changes:
            if key not in levers:
                close = difflib.get_close_matches(str(key), levers, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problem((*loc, "set", key), f"not a lever; {hint}levers are listed by `barrio levers`")
        try:
            (params or Params()).with_levers({k: v for k, v in changes.items() if k in levers})
        except BarrioError as err:
            for sub_path, message in err.problems:
                problem((*loc, "set", sub_path), message)
        else:
            for key, value in changes.items():
                if key in levers:
                    for _, message in _loose_types(_nested(key, value)):
                        problem((*loc, "set", key), message)

    for i, raw in enumerate(raw_timeline):
        loc = ("timeline", i)
        try:
            event = Event.model_validate(raw)
        except ValidationError as err:
            for e in err.errors():
                problem((*loc, *e["loc"]), _message(e, Event, e["loc"]))
            # The levers it sets are still checked, so that one mistake does not hide others.
            if isinstance(raw, dict) and isinstance(raw.get("set"), dict):
                check_set(loc, raw["set"])
            continue
        check_set(loc, event.set)
        # Check against the file's own parameters, or the defaults where those are broken,
        # so that timeline problems are reported together with the others.
        horizon = _horizon(data) if params is None else params.timing.horizon_weeks
        if event.at >= horizon:
            problem(
                (*loc, "week" if event.week is not None else "year"),
                f"week {event.at} is beyond the scenario's horizon: allowed 0 to {horizon - 1}; to run "
                f"longer, set timing.horizon_weeks (now {horizon}) in the file",
            )
        events.append(event)

    if params is not None and not problems:
        # Each change is allowed alone; in force together (hot spots then focused deterrence,
        # each 1.0) they may not be, and the run would fail at that week.
        order = sorted(range(len(events)), key=lambda k: events[k].at)
        current = params
        for k in order:
            try:
                current = current.with_levers(events[k].set)
            except BarrioError as err:
                for sub_path, message in err.problems:
                    problem(
                        ("timeline", k, "set"), f"with the changes before it in force: {sub_path}: {message}"
                    )
                break
    if "description" in meta and not isinstance(meta["description"], str):
        problem(("description",), f"must be text, got {meta['description']!r}")
    if "name" in meta and name_problem(meta["name"]):
        problem(("name",), name_problem(meta["name"]))
    if problems or params is None:
        raise ScenarioError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    return Scenario(
        name=meta["name"] if "name" in meta else _name_from_file(path),
        description=meta.get("description", "") if isinstance(meta.get("description", ""), str) else "",
        params=params,
        # A stable sort: entries of one week keep file order, a parent's before its child's,
        # so that the child's value of a lever wins and the resolved timeline is always the same.
        timeline=tuple(sorted(events, key=lambda e: e.at)),
        source=file,
    )


def _name_from_file(path: Path) -> str:
    """A scenario's name from its file's (``my policy.yaml`` -> ``my_policy``) when it gives none."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", path.stem)[:80] or "scenario"


def _nested(path: str, value: Any) -> dict:
    """``{"a": {"b": value}}`` for the dotted path ``a.b``."""
    for part in reversed(path.split(".")):
        value = {part: value}
    return value


def _loose_types(data: dict) -> list[tuple[tuple, str]]:
    """Values the schema takes only by converting them: text for a number, ``yes`` for a count.

    ``population: "40000"`` or ``units_per_10k: true`` is almost always a slip (quotes, a
    misplaced value); pydantic's lax mode would turn them into 40000 and 1. A file's values
    are checked again as JSON in strict mode, which takes only numbers for numbers, true and
    false for switches, and text for names and rules.
    """
    try:
        Params.model_validate_json(json.dumps(data, default=str), strict=True)
    except ValidationError as err:
        found = []
        for e in err.errors():
            got = e.get("input")
            if isinstance(got, str):
                advice = f"not text (got {got!r}); write it without quotes"
            elif isinstance(got, bool):
                advice = f"not true/false (got {str(got).lower()}); write the number itself"
            else:
                advice = f"not {got!r}"
            found.append((tuple(e["loc"]), f"{e['msg']}, {advice}"))
        return found
    return []


def _horizon(data: dict) -> int:
    """The horizon a file asks for, or the default if that part is broken too."""
    try:
        return Params.model_validate({"timing": data.get("timing", {})}).timing.horizon_weeks
    except ValidationError:
        return Params().timing.horizon_weeks


#: Top-level names of an experiment file (``experiments/sweep.py``), to point at ``barrio sweep``.
_EXPERIMENT_KEYS = ("base", "vary", "sample", "replicates")


def _message(error: dict, root: type[BaseModel], loc: tuple) -> str:
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(root, loc[:-1])
        if root is Params and len(loc) == 1:
            allowed = [*allowed, *META_KEYS]
        if root is Params and len(loc) == 1 and loc[-1] in _EXPERIMENT_KEYS:
            return (
                "unknown name in a scenario file; this looks like an experiment file: "
                "run it with `barrio sweep`"
            )
        name = str(loc[-1])
        elsewhere = paths_by_name() if root is Params else {}
        if name in elsewhere:
            # A right name in the wrong place (`punitive_intensity:` at the top of the file).
            here = "a top-level name" if len(loc) == 1 else f"a name in {'.'.join(map(str, loc[:-1]))}"
            return f"not {here}: {name} {_where_it_goes(elsewhere[name], error.get('input'))}"
        candidates = allowed
        if len(loc) == 1:
            # At the top, a misspelt parameter is as likely as a misspelt section.
            candidates = [*allowed, *elsewhere]
        close = difflib.get_close_matches(name, candidates, n=1)
        if close and close[0] not in allowed:
            paths = elsewhere[close[0]]
            guess = paths[0] if len(paths) == 1 else f"one of {', '.join(paths)}"
            return f"unknown name; did you mean '{guess}'? It {_where_it_goes(paths, error.get('input'))}"
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown name; {hint}allowed here: {', '.join(allowed)}"
    return with_input(error["msg"].removeprefix("Value error, "), error)


def _where_it_goes(paths: list[str], value: Any) -> str:
    """Where a parameter named in the wrong place belongs ("belongs under ..."), as a file writes it."""
    shown = _plain(value)
    section, _, name = paths[0].rpartition(".")
    nested = f"{name}: {shown}"
    for part in reversed(section.split(".")):
        nested = f"{part}: {{{nested}}}"
    under = " then ".join(f"`{part}:`" for part in section.split("."))
    if len(paths) == 1:
        text = f"belongs under {under} (`{nested}`)"
    else:
        sections = ", ".join(path.rpartition(".")[0] for path in paths)
        text = f"belongs under one of the sections {sections}, e.g. `{nested}`"
    if all(path in lever_paths() for path in paths):
        example = "" if len(paths) == 1 else "e.g. "
        text += f", or as {example}`{paths[0]}: {shown}` in a timeline entry's set"
    return text


def _plain(value: Any) -> str:
    """A value as YAML writes it, or ``...`` for anything but a single value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return "..."


def _fields_at(root: type[BaseModel], loc: tuple) -> list[str]:
    model: Any = root
    for part in loc:
        if isinstance(part, int):  # an item of a list (a timeline entry)
            continue
        fields_ = getattr(model, "model_fields", {})
        if part not in fields_:
            return []
        model = _model_in(fields_[part].annotation)
    return list(getattr(model, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The pydantic model an annotation holds: itself, or inside ``list[...]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
