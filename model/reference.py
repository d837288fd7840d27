"""Reference documentation generated from the code: parameters, fixed values, contexts, levers.

``docs/parameters.md`` is the output of :func:`parameters_markdown` and ``docs/levers.md``
of :func:`levers_markdown` (``make docs`` writes both); a test checks that the checked-in
files are current, so the docs cannot drift from the schema.

A value fixed in code is documented once, where it is defined, by the ``#:`` comment
above it: its meaning, then a line ``Source: ...`` with its provenance::

    #: Weight of this week's incidents in the ``violence`` layer residents and police see.
    #: Source: assumption: ...
    VIOLENCE_MEMORY = 0.1

:func:`fixed_values` reads those comments from the model's modules.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from barrio.model.contexts import CONTEXTS, Context, Figure
from barrio.model.params import parameter_table
from barrio.model.scenario import Event, Shock, lever_paths

__all__ = [
    "FixedValue",
    "allowed_range",
    "fixed_values",
    "levers_markdown",
    "parameters_markdown",
    "value_range",
]


@dataclass(frozen=True)
class FixedValue:
    """A value fixed in code, with the meaning and source its ``#:`` comment gives."""

    module: str
    name: str
    value: object
    meaning: str
    source: str


def fixed_values() -> list[FixedValue]:
    """Every module-level value of the model whose ``#:`` comment has a ``Source:`` line.

    In module order, then in the order they are defined.
    """
    import barrio.model

    found = []
    for info in sorted(pkgutil.iter_modules(barrio.model.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"barrio.model.{info.name}")
        for name, comment in documented_constants(inspect.getsource(module)).items():
            meaning, marker, source = comment.partition("Source:")
            if marker:
                found.append(
                    FixedValue(module.__name__, name, getattr(module, name), meaning.strip(), source.strip())
                )
    return found


def documented_constants(source: str) -> dict[str, str]:
    """Module-level names of ``source`` assigned once, with the ``#:`` comment above each (or "")."""
    lines = source.splitlines()
    out: dict[str, str] = {}
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if not isinstance(node, ast.Assign | ast.AnnAssign) or len(targets) != 1:
            continue
        if not isinstance(targets[0], ast.Name):
            continue
        comment = []
        k = node.lineno - 2
        while k >= 0 and lines[k].lstrip().startswith("#:"):
            comment.insert(0, lines[k].lstrip()[2:].strip())
            k -= 1
        out[targets[0].id] = " ".join(comment)
    return out


def _number(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{getattr(k, 'name', k).lower()} {_number(v)}" for k, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(_number(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def value_range(lo: object, hi: object, *, lo_open: bool = False, hi_open: bool = False) -> str:
    """A parameter's allowed range as text (``0 to 1``, ``above 0``; empty if unbounded).

    An open end (the bound itself not allowed) is said as such: a sentence of 0 weeks is
    refused, so its range cannot read "0 to 2600".
    """
    low = f"above {_number(lo)}" if lo_open else f"{_number(lo)} or more"
    high = f"below {_number(hi)}" if hi_open else f"up to {_number(hi)}"
    if lo is None and hi is None:
        return ""
    if hi is None:
        return low
    if lo is None:
        return high
    if not lo_open and not hi_open:
        return f"{_number(lo)} to {_number(hi)}"
    return f"{low}, {high}"


def allowed_range(row: Mapping[str, Any]) -> str:
    """The allowed range of a row of :func:`model.params.parameter_table`, as text."""
    return value_range(row["min"], row["max"], lo_open=row["min_open"], hi_open=row["max_open"])


def parameters_markdown() -> str:
    """The whole ``docs/parameters.md`` text."""
    lines = [
        "# Parameters",
        "",
        "Generated from the code by `barrio parameters --markdown`; do not edit by hand (a test checks",
        "that this file is current). Money is in US dollars per week unless the unit says otherwise.",
        "Levers are the parameters a policy scenario is expected to change. *Plausible* is the range a",
        "parameter nobody has measured may take (a calibration's prior, an exploration's design):",
        "its own declared range, or for an assumption a factor of two either way within its bounds;",
        "levers and a study's settings (size, length, number of groups) have none.",
        "",
        "| parameter | default | unit | range | lever | plausible | meaning | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in parameter_table():
        span = allowed_range(row)
        lever = "lever" if row["lever"] else ""
        plausible = (
            f"{_number(row['plausible'][0])} to {_number(row['plausible'][1])}" if row["plausible"] else ""
        )
        lines.append(
            f"| `{row['path']}` | {_number(row['default'])} | {row['unit']} | {span} | {lever} | {plausible} "
            f"| {row['meaning']} | {row['source']} |"
        )
    lines += ["", "## Values fixed in code", "", "| name | value | meaning | source |", "|---|---|---|---|"]
    for fixed in fixed_values():
        value = _number(fixed.value)
        lines.append(f"| `{fixed.module}.{fixed.name}` | {value} | {fixed.meaning} | {fixed.source} |")

    lines += [
        "",
        "## Country contexts",
        "",
        "Each figure with its source; from `model/data/contexts.yaml`. Shares are fractions, money is",
        "US dollars per month, prison rate is prisoners per 100,000 inhabitants, occupancy is a ratio.",
        "",
    ]
    figure_names = [f.name for f in fields(Context) if f.type in (Figure, "Figure")]
    for ctx in CONTEXTS.values():
        lines += [f"### {ctx.name} (`{ctx.key}`)", "", "| figure | value | source |", "|---|---|---|"]
        for name in figure_names:
            fig: Figure = getattr(ctx, name)
            lines.append(f"| {name} | {_number(fig.value)} | {fig.source} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def levers_markdown() -> str:
    """The whole ``docs/levers.md`` text."""
    lines = [
        "# Levers",
        "",
        "Generated from the code by `barrio levers --markdown`; do not edit by hand (a test checks",
        "that this file is current). A lever is a parameter that a scenario may set at the start",
        "or change during a run, in its `timeline`. Provenance of each default is in",
        "[parameters.md](parameters.md).",
        "",
        "| lever | default | unit | range | meaning |",
        "|---|---|---|---|---|",
    ]
    for path, row in lever_paths().items():
        span = allowed_range(row)
        lines.append(f"| `{path}` | {_number(row['default'])} | {row['unit']} | {span} | {row['meaning']} |")
    lines += [
        "",
        "## Timeline events",
        "",
        "Each entry of a scenario's `timeline`:",
        "",
        "| field | meaning |",
        "|---|---|",
    ]
    for name, f in Event.model_fields.items():
        lines.append(f"| `{name}` | {f.description or 'A shock (below).'} |")
    lines += ["", "## Shocks", "", "| field | default | meaning |", "|---|---|---|"]
    for name, f in Shock.model_fields.items():
        default = "required" if f.is_required() else _number(f.default)
        lines.append(f"| `{name}` | {default} | {f.description} |")
    return "\n".join(lines) + "\n"
