"""Reference documentation generated from the code: parameters, fixed values, contexts.

``docs/parameters.md`` is the output of :func:`parameters_markdown`; a test checks that
the checked-in file is current, so the docs cannot drift from the schema.
"""

from __future__ import annotations

from dataclasses import fields

from barrio.model import (
    demography,
    economy,
    groups,
    justice,
    legitimacy,
    model,
    neighbourhood,
    rivalry,
    selling,
)
from barrio.model.contexts import CONTEXTS, Context, Figure
from barrio.model.params import parameter_table
from barrio.model.scenario import Event, Shock, lever_paths

__all__ = ["FIXED_VALUES", "levers_markdown", "parameters_markdown", "value_range"]

#: Values fixed in code rather than exposed as parameters: (module, name, meaning, source).
FIXED_VALUES = [
    (
        demography,
        "MAX_AGE",
        "Age at which a resident is replaced by a newborn in the same household",
        "assumption: keeps the population closed and its age pyramid stationary",
    ),
    (demography, "SCHOOL_START", "Age at which children become students", "assumption"),
    (
        demography,
        "ADULT",
        "Age at which young people leave compulsory school and may work",
        "assumption: age of majority in the nine contexts",
    ),
    (demography, "RETIREMENT", "Age at which workers retire", "assumption"),
    (demography, "STUDENT_UNTIL", "Age by which every student has left education", "assumption"),
    (
        demography,
        "STAY_ON",
        "Share of 18-year-old students who go on studying",
        "assumption: tertiary enrolment in poor urban areas is low",
    ),
    (demography, "GRADUATION", "Weekly chance a student aged 18-24 finishes", "assumption: about four years"),
    (
        demography,
        "OUT_OF_SCHOOL_START",
        "Share of 12-17-year-olds out of school at the start",
        "assumption: the background paper's 12 million out of school is about a tenth of school-age children",
    ),
    (
        model,
        "PRESENCE_MEMORY",
        "Weight of this week's patrols in the police presence residents perceive",
        "assumption: news of patrols fades over about five weeks",
    ),
    (
        groups,
        "MEMORY",
        "Weight of this week in a group's memory of the violence it took part in and of its crackdown losses",
        "assumption: a few months, as residents' memory of violence",
    ),
    (
        demography,
        "FEMALE_SHARE",
        "Share of girls at the start and among newborns",
        "assumption: an even sex ratio at birth is close enough for this model",
    ),
    (
        demography,
        "PARENT_AGE",
        "Least and most years a child's household head is older than the child",
        "assumption: the span of parents' (and grandparents') ages at a birth",
    ),
    (
        demography,
        "POOR_DROPOUT",
        "Extra school dropout in a poor household (1 doubles it)",
        "assumption for the size; the background paper names families' income among the causes of "
        "the 12 million children and adolescents out of school",
    ),
    (
        demography,
        "NO_PRESENCE_DROPOUT",
        "Dropout is multiplied by this minus the block's state presence (1.5: the rate as set at "
        "presence 0.5, three times as high with no presence as with full presence)",
        "assumption for the size; the background paper names the areas children live in among the "
        "causes of leaving school",
    ),
    (
        economy,
        "MAX_FINDING",
        "Cap on the weekly job-finding rates solved from a context",
        "assumption: keeps the solved rates below certainty for contexts with very low unemployment",
    ),
    (
        justice,
        "CUSTODY_SHAPE",
        "Shape of the gamma distribution of weeks in custody",
        "assumption: most stays short, a few long, mode at half the mean",
    ),
    (
        legitimacy,
        "TRUST_SPREAD",
        "Spread (sd) of starting trust around the home block's state presence",
        "assumption: neighbours differ a little in how they see the state",
    ),
    (
        model,
        "HEAT_MEMORY",
        "Weight of this week's arrests in the hot-spot list",
        "assumption: a hot-spot list reflects about the last ten weeks",
    ),
    (
        model,
        "HOME_WEIGHT",
        "Relative chance that a household lives on a block of each land use",
        "assumption: most people live on housing blocks, fewer above shops and markets, few at schools",
    ),
    (
        neighbourhood,
        "DEMAND_NOISE",
        "Spread (sd of the log) of block-to-block noise in drug demand",
        "assumption",
    ),
    (
        neighbourhood,
        "PRESENCE_CLUSTER",
        "Radius in blocks over which state presence varies smoothly",
        "assumption: services, and their absence, cluster over a few streets",
    ),
    (
        neighbourhood,
        "PRESENCE_VARIATION",
        "How far state presence varies around its mean (times a standard normal)",
        "assumption",
    ),
    (
        neighbourhood,
        "SCHOOL_PRESENCE",
        "Extra state presence on a school block",
        "assumption: a school is the state",
    ),
    (
        neighbourhood,
        "MAIN_STREET_EVERY",
        "Spacing of main streets in blocks",
        "assumption: about every 500 m at 40 m a block",
    ),
    (neighbourhood, "MARKET_CLUMP", "Market blocks per clump centre", "assumption: street markets cluster"),
    (
        rivalry,
        "VIOLENCE_MEMORY",
        "Weight of this week's incidents in the violence layer residents and police see",
        "assumption: violence is remembered for about ten weeks",
    ),
    (
        selling,
        "YOUNG",
        "Ages counted as young for reluctance; recruitment pressure reaches everyone up to the upper bound",
        "UNODC Global Study on Homicide 2013 (43% of victims aged 15-29)",
    ),
    (
        selling,
        "MOVE_FACTOR",
        "A seller moves only to a block worth this many times the current one (plus MOVE_MINIMUM)",
        "assumption: moving has costs, so small or noisy gains move nobody",
    ),
    (
        selling,
        "MOVE_MINIMUM",
        "Least gain, USD a week, that makes a seller move",
        "assumption: as MOVE_FACTOR",
    ),
]


def _number(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def value_range(lo: object, hi: object) -> str:
    """A parameter's allowed range as text (``0 to 1``, ``0 or more``; empty if unbounded)."""
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"{_number(lo)} or more"
    if lo is None:
        return f"up to {_number(hi)}"
    return f"{_number(lo)} to {_number(hi)}"


def parameters_markdown() -> str:
    """The whole ``docs/parameters.md`` text."""
    lines = [
        "# Parameters",
        "",
        "Generated from the code by `barrio parameters --markdown`; do not edit by hand (a test checks",
        "that this file is current). Money is in US dollars per week unless the unit says otherwise.",
        "Levers are the parameters a policy scenario is expected to change.",
        "",
        "| parameter | default | unit | range | lever | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in parameter_table():
        span = value_range(row["min"], row["max"])
        lever = "lever" if row["lever"] else ""
        lines.append(
            f"| `{row['path']}` | {_number(row['default'])} | {row['unit']} | {span} | {lever} "
            f"| {row['meaning']} | {row['source']} |"
        )
    lines += ["", "## Values fixed in code", "", "| name | value | meaning | source |", "|---|---|---|---|"]
    for module, name, meaning, source in FIXED_VALUES:
        lines.append(f"| `{module.__name__}.{name}` | {getattr(module, name)} | {meaning} | {source} |")

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
        span = value_range(row["min"], row["max"])
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
