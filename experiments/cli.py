"""The ``barrio`` command.

Each sub-command is a thin wrapper over a library function, so the command line adds
nothing that Python code cannot do.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from pathlib import Path

from tqdm import tqdm

from model.errors import BarrioError
from model.run import run
from model.scenario import ScenarioError, lever_paths, load_scenario, scenario_library

log = logging.getLogger(__name__)

__all__ = ["main"]


def _cmd_run(args: argparse.Namespace) -> int:
    from experiments.output import write_run

    scenario = load_scenario(args.scenario)
    changes = {}
    if args.weeks is not None:
        changes["timing__horizon_weeks"] = args.weeks
    if args.warmup is not None:
        changes["timing__warmup_weeks"] = args.warmup
    if args.population is not None:
        changes["neighbourhood__population"] = args.population
    if changes:
        scenario = dataclasses.replace(scenario, params=scenario.params.replace(**changes))
        late = [e.at for e in scenario.timeline if e.at >= scenario.params.timing.horizon_weeks]
        if late:
            log.warning("timeline events at weeks %s fall after the last week and will not happen", late)
    out = Path(args.out) if args.out else Path("results") / f"{scenario.name}-seed{args.seed}"
    total = scenario.params.timing.warmup_weeks + scenario.params.timing.horizon_weeks
    with tqdm(total=total, unit="week", desc=f"{scenario.name} seed {args.seed}", disable=args.quiet) as bar:
        table = run(scenario, args.seed, on_week=lambda _m: bar.update())
    paths = write_run(table, out, f"Barrio: {scenario.name}, seed {args.seed}")
    for kind, path in paths.items():
        print(f"{kind:8s} {path}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as err:
            failed += 1
            print(err, file=sys.stderr)
        else:
            events = len(scenario.timeline)
            print(f"ok       {name}: {scenario.name}, {scenario.params.country}, {events} timeline event(s)")
    return 1 if failed else 0


def _cmd_levers(args: argparse.Namespace) -> int:
    from experiments.reference import levers_markdown

    if args.markdown:
        sys.stdout.write(levers_markdown())
        return 0
    _print_parameters(lever_paths().values())
    return 0


def _print_parameters(rows) -> None:
    from experiments.reference import value_range

    for row in rows:
        span = value_range(row["min"], row["max"])
        print(f"{row['path']:38s} {row['default']!s:>7s} {row['unit']:<34s} {span:<14s} {row['meaning']}")


def _cmd_parameters(args: argparse.Namespace) -> int:
    from experiments.reference import parameters_markdown
    from model.params import parameter_table

    if args.markdown:
        sys.stdout.write(parameters_markdown())
        return 0
    _print_parameters(parameter_table())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``barrio`` command."""
    parser = argparse.ArgumentParser(
        prog="barrio",
        description="Barrio: agent-based simulation of drug micro-trafficking "
        "in a Latin American neighbourhood.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress messages from the model")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="run one simulation and write its outcome table and picture",
        description="Run one simulation. Writes outcomes.parquet, outcomes.csv (one row per week and "
        "outcome; weeks below 0 are the warm-up) and outcomes.png into the output folder.",
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a scenario file (.yaml) or the name of one in the library: " + ", ".join(scenario_library()),
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); same seed, same result")
    p.add_argument("--weeks", type=_positive, help="weeks after the warm-up (default: the scenario's, 520)")
    p.add_argument("--warmup", type=_non_negative, help="warm-up weeks (default: the scenario's, 104)")
    p.add_argument("--population", type=_positive, help="number of residents (default: the scenario's)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: results/NAME-seedN)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "parameters",
        help="list every parameter with its default, unit, range and meaning",
        description="List every model parameter. With --markdown, print docs/parameters.md "
        "(parameters, values fixed in code and country contexts, each with its source).",
    )
    p.add_argument("--markdown", action="store_true", help="print the full Markdown reference")
    p.set_defaults(func=_cmd_parameters)

    p = sub.add_parser(
        "validate",
        help="check scenario files without running them",
        description="Check scenario files: every problem in every file, with its line. "
        "Exits with status 1 if any file has a problem.",
    )
    p.add_argument("files", metavar="FILE", nargs="+", help="scenario files (or library names)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "levers",
        help="list every policy lever with its unit, range, default and meaning",
        description="List the levers a scenario's timeline can change. "
        "With --markdown, print docs/levers.md.",
    )
    p.add_argument("--markdown", action="store_true", help="print the Markdown reference")
    p.set_defaults(func=_cmd_levers)
    return parser


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, got {text!r}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``barrio`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        return args.func(args)
    except BarrioError as err:
        print(f"barrio: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (``barrio levers | head``) has stopped reading: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
