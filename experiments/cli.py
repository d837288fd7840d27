"""The ``barrio`` command.

Each sub-command is a thin wrapper over a library function, so the command line adds
nothing that Python code cannot do.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from model.errors import BarrioError
from model.run import BUILTIN_SCENARIOS, builtin_scenario, run

log = logging.getLogger(__name__)

__all__ = ["main"]


def _cmd_run(args: argparse.Namespace) -> int:
    from experiments.output import write_run

    params = builtin_scenario(args.scenario)
    timing = {}
    if args.weeks is not None:
        timing["horizon_weeks"] = args.weeks
    if args.warmup is not None:
        timing["warmup_weeks"] = args.warmup
    if timing:
        params = params.replace(**{f"timing__{k}": v for k, v in timing.items()})
    if args.population is not None:
        params = params.replace(neighbourhood__population=args.population)
    out = Path(args.out) if args.out else Path("results") / f"{args.scenario}-seed{args.seed}"
    total = params.timing.warmup_weeks + params.timing.horizon_weeks
    with tqdm(total=total, unit="week", desc=f"{args.scenario} seed {args.seed}", disable=args.quiet) as bar:
        table = run(params, args.seed, scenario=args.scenario, on_week=lambda _m: bar.update())
    table["params_hash"] = hashlib.sha256(params.model_dump_json().encode()).hexdigest()[:16]
    paths = write_run(table, out, f"Barrio: {args.scenario}, seed {args.seed}")
    for kind, path in paths.items():
        print(f"{kind:8s} {path}")
    return 0


def _cmd_parameters(args: argparse.Namespace) -> int:
    from experiments.reference import parameters_markdown
    from model.params import parameter_table

    if args.markdown:
        sys.stdout.write(parameters_markdown())
        return 0
    for row in parameter_table():
        lo, hi = row["min"], row["max"]
        span = (
            ""
            if lo is None and hi is None
            else f"[{lo if lo is not None else ''}, {hi if hi is not None else ''}]"
        )
        print(f"{row['path']:38s} {row['default']!s:>9s} {row['unit']:<24s} {span:<14s} {row['meaning']}")
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
        "scenario", metavar="SCENARIO", help=f"built-in scenario: {', '.join(sorted(BUILTIN_SCENARIOS))}"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); same seed, same result")
    p.add_argument("--weeks", type=_positive, help="weeks after the warm-up (default: the scenario's, 520)")
    p.add_argument("--warmup", type=_non_negative, help="warm-up weeks (default: the scenario's, 104)")
    p.add_argument("--population", type=_positive, help="number of residents (default: the scenario's)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: results/SCENARIO-seedN)")
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


if __name__ == "__main__":
    sys.exit(main())
