"""The ``barrio`` command.

Each sub-command is a thin wrapper over a library function, so the command line adds
nothing that Python code cannot do.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from barrio.app.labels import LANGUAGES
from barrio.model.errors import BarrioError
from barrio.model.scenario import lever_paths, scenario_library

if TYPE_CHECKING:
    from barrio.experiments.results import Results

log = logging.getLogger(__name__)

__all__ = ["main"]


def _cmd_run(args: argparse.Namespace) -> int:
    from barrio.experiments.output import writable_folder, write_run
    from barrio.experiments.studies import resized, run, scenario_of

    scenario = resized(scenario_of(args.scenario), args.weeks, args.warmup, args.population)
    out = Path(args.out) if args.out is not None else Path("results") / f"{scenario.name}-seed{args.seed}"
    # Before the simulation, so that a folder that cannot be written costs nothing.
    writable_folder(out)
    table = run(scenario, args.seed, progress=not args.quiet, force=args.force)
    paths = write_run(table, out, f"Barrio: {scenario.name}, seed {args.seed}")
    for kind, path in paths.items():
        print(f"{kind:8s} {path}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from barrio.experiments.studies import compare

    results = compare(
        args.scenarios,
        replicates=args.replicates,
        seed=args.seed,
        baseline=args.baseline,
        posterior=args.posterior,
        language=args.language,
        target_precision=args.target_precision,
        max_replicates=args.max_replicates,
        **_size(args),
        **_batch(args),
    )
    return _summary(results)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from barrio.experiments.calibration import calibrate

    result = calibrate(
        args.file,
        out=args.out,
        jobs=args.jobs,
        progress=not args.quiet,
        force=args.force,
        allow_other_version=args.allow_other_version,
    )
    within = int(result.fit["within_error"].sum())
    print(f"{result.runs} model run(s); {len(result.posterior)} accepted parameter set(s)")
    print(f"{within} of {len(result.fit)} target(s) within their observation error")
    for name in ("summary.md", "posterior.csv", "fit.csv", "fit.png", "posterior.png", "emulators.csv"):
        print(f"{name:15s}{result.out / name}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from barrio.experiments.studies import sweep

    return _summary(sweep(args.file, language=args.language, **_size(args), **_batch(args)))


def _cmd_explore(args: argparse.Namespace) -> int:
    from barrio.experiments.studies import explore

    return _summary(explore(args.file, **_size(args), **_batch(args)), report="exploration.md")


def _size(args: argparse.Namespace) -> dict:
    return {"weeks": args.weeks, "warmup": args.warmup, "population": args.population}


def _batch(args: argparse.Namespace) -> dict:
    return {
        "out": args.out,
        "jobs": args.jobs,
        "scheduler": args.scheduler,
        "time_limit": args.time_limit,
        "progress": not args.quiet,
        "allow_other_version": args.allow_other_version,
        "force": args.force,
    }


def _summary(results: Results, report: str = "report.html") -> int:
    """Say what a batch did and where its report is; the exit status says whether any run failed."""
    batch, out = results.batch, results.folder
    print(f"{len(batch.done)} run(s) done, {len(batch.skipped)} already there, {len(batch.failed)} failed")
    for key, message in batch.failed.items():
        print(f"failed   {key}: {message} (traceback in {out / 'failed' / (key + '.txt')})", file=sys.stderr)
    if batch.done or batch.skipped:
        print(f"report   {out / report}")
    print(f"results  {out}")
    return 1 if batch.failed else 0


def _cmd_holdout(args: argparse.Namespace) -> int:
    from barrio.experiments.holdout import hold_out

    fit = hold_out(
        args.file,
        args.posterior,
        out=args.out,
        jobs=args.jobs,
        progress=not args.quiet,
        allow_other_version=args.allow_other_version,
    )
    for row in fit.itertuples():
        mark = "within" if row.within_error else "OUTSIDE"
        print(f"{row.target:26s} observed {row.observed:8.3g} ({row.error:.2g}) model {row.model:8.3g}", mark)
    print(f"{int(fit['within_error'].sum())} of {len(fit)} target(s) within their observation error")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from barrio.experiments.results import write_folder_report

    paths = write_folder_report(args.dir, baseline=args.baseline, language=args.language)
    for kind in ("html", "markdown", "xlsx"):
        if kind in paths:
            print(f"{kind:8s} {paths[kind]}")
    return 0


def _cmd_app(args: argparse.Namespace) -> int:
    from barrio.app.server import serve  # Solara is heavy: load it only for this command

    serve(
        args.scenario,
        args.host,
        args.port,
        args.seed,
        args.language,
        args.open,
        args.max_sessions,
        args.max_sessions_per_address,
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from barrio.experiments.studies import check_file

    failed = 0
    for name in args.files:
        try:
            said = check_file(name)
        except BarrioError as err:
            failed += 1
            print(err, file=sys.stderr)
        else:
            print(f"ok       {name}: {said}")
    return 1 if failed else 0


def _cmd_patterns(args: argparse.Namespace) -> int:
    from barrio.experiments.patterns import patterns_markdown, run_patterns

    measured, _ = run_patterns(
        args.out,
        population=args.population,
        replicates=args.replicates,
        seed=args.seed,
        jobs=args.jobs,
        progress=not args.quiet,
        allow_other_version=args.allow_other_version,
    )
    text = patterns_markdown(measured, args.out)
    Path(args.doc).write_text(text, encoding="utf-8")
    for m in measured:
        print(f"{'held' if m.held else 'NOT  '}  {m.pattern.key}")
    print(f"{sum(m.held for m in measured)} of {len(measured)} patterns held; scoreboard in {args.doc}")
    return 0


def _cmd_mechanisms(args: argparse.Namespace) -> int:
    from barrio.model.params import parameter_table

    rows = [row for row in parameter_table() if row["path"].startswith("mechanisms.")]
    width = max(len(row["path"]) for row in rows)
    for row in rows:
        rules = row["unit"].split(" / ")
        others = ", ".join(rule for rule in rules if rule != str(row["default"]))
        print(f"{row['path']:<{width}}  {row['default']!s:<18}  (or {others})  {row['meaning']}")
    return 0


def _cmd_levers(args: argparse.Namespace) -> int:
    from barrio.model.reference import levers_markdown

    if args.markdown:
        sys.stdout.write(levers_markdown())
        return 0
    _print_parameters(lever_paths().values())
    return 0


def _print_parameters(rows) -> None:
    from barrio.model.reference import allowed_range, value_range

    def plausible(row) -> str:
        span = row.get("plausible")
        return value_range(*span) if span else ""

    table = [
        (
            row["path"],
            str(row["default"]),
            row["unit"],
            allowed_range(row),
            plausible(row),
            row["meaning"],
        )
        for row in rows
    ]
    header = ("parameter", "default", "unit", "allowed", "plausible", "meaning")
    widths = [max(len(r[k]) for r in [header, *table]) for k in range(5)]
    for r in [header, *table]:
        print("  ".join(f"{cell:<{w}}" for cell, w in zip(r[:5], widths, strict=True)) + "  " + r[5])


def _cmd_parameters(args: argparse.Namespace) -> int:
    from barrio.model.params import parameter_table
    from barrio.model.reference import parameters_markdown

    if args.markdown:
        sys.stdout.write(parameters_markdown())
        if args.posterior:
            from barrio.experiments.posterior import posterior_markdown

            for folder in args.posterior:
                sys.stdout.write("\n" + posterior_markdown(folder))
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
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0); same seed, same result")
    _size_options(p)
    p.add_argument("--out", type=_folder, metavar="DIR", help="output folder (default: results/NAME-seedN)")
    _force_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "compare",
        help="run scenarios side by side, several replicates each, and report the differences",
        description="Run every SCENARIO --replicates times; replicate i of every scenario uses the same "
        "seed, so differences are paired. Each finished run is saved at once in DIR/runs/; running the "
        "same command again on the same DIR skips finished runs and completes the rest. Writes "
        "DIR/report.html and DIR/report.md at the end. Exit status 1 if any run failed.",
    )
    p.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario files or library names")
    p.add_argument("--replicates", type=_positive, default=5, help="runs per scenario (default 5)")
    p.add_argument("--seed", type=_seed, default=0, help="root seed of the replicates (default 0)")
    p.add_argument(
        "--baseline", help="scenario to compare with (default: 'baseline' if given, else the first)"
    )
    p.add_argument(
        "--posterior",
        metavar="CALIBRATION",
        type=_folder,
        help="a calibration folder (barrio calibrate): run every scenario over each of its accepted "
        "parameter sets, --replicates paired seeds each; the report splits the spread into parameter "
        "and seed uncertainty",
    )
    p.add_argument(
        "--target-precision",
        type=_share,
        metavar="SHARE",
        help="add replicates until every headline outcome's mean is known to this share of itself "
        "(0.1: its 95%% interval within +/-10%%), starting from --replicates",
    )
    p.add_argument(
        "--max-replicates",
        type=_positive,
        default=100,
        help="the most replicates --target-precision may run (default 100)",
    )
    _language_option(p)
    _batch_options(p, "results/SCENARIO-SCENARIO-...")
    _force_option(p)
    _size_options(p)
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser(
        "calibrate",
        help="fit uncertain parameters to a city's observed figures (history matching, then ABC)",
        description="Run a calibration file (see calibrations/fortaleza.yaml): waves of runs with "
        "Gaussian-process emulators rule out parameter values that cannot reproduce the targets "
        "(history matching), approximate Bayesian computation on the emulators draws the posterior, "
        "and validation runs keep the sets the model itself does not rule out. Every run is saved as "
        "it finishes; the same command on the same DIR resumes. Writes DIR/summary.md, posterior.csv "
        "(the accepted sets, for compare --posterior), fit.csv, fit.png and posterior.png.",
    )
    p.add_argument("file", metavar="FILE", help="calibration file (.yaml)")
    p.add_argument(
        "--out", type=_folder, metavar="DIR", help="results folder (default: results/calibrations/NAME)"
    )
    p.add_argument("--jobs", type=_positive, help="runs at once (default: all cores; 1: in this process)")
    p.add_argument(
        "--allow-other-version",
        action="store_true",
        help="resume with runs made by another version of the code (they are kept, not redone)",
    )
    _force_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_calibrate)

    p = sub.add_parser(
        "sweep",
        help="run an experiment file: a base scenario with parameters varied over a grid or a sample",
        description="Run an experiment file (a base scenario, parameters to vary as lists, ranges or a "
        "Latin hypercube, and replicates). Results are saved and resumed as with compare. Writes "
        "DIR/report.html and DIR/report.md at the end: each point's values and key outcomes, and "
        "outcomes against each swept parameter. Exit status 1 if any run failed.",
    )
    p.add_argument("file", metavar="FILE", help="experiment file (.yaml)")
    _language_option(p)
    _batch_options(p, "results/NAME")
    _force_option(p)
    _size_options(p)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser(
        "explore",
        help="run policies over a Morris, Sobol or Latin hypercube design of the uncertainties, then "
        "rank what decides their differences, find where a policy fails, and compare regret",
        description="Run an exploration file (policies, a design over uncertain parameters and levers, "
        "seeds shared by every policy at a point; see docs/exploration.md). Results are saved and resumed "
        "as with compare. Writes DIR/exploration.md with indices.csv (Morris or Sobol indices of outcomes "
        "and of paired differences between policies), PRIM and CART scenario discovery, and regret.csv. "
        "Needs the explore extra. Exit status 1 if any run failed.",
    )
    p.add_argument("file", metavar="FILE", help="exploration file (.yaml)")
    _batch_options(p, "results/NAME")
    _force_option(p)
    _size_options(p)
    p.set_defaults(func=_cmd_explore)

    p = sub.add_parser(
        "holdout",
        help="check a calibration on a place it never saw: another city's figures, without refitting",
        description="Run a held-out file's scenario (see calibrations/bogota.yaml) over every accepted "
        "parameter set of a calibration, and set each target's model value and interval against the "
        "observed one. Runs are saved and resumed as with compare. Writes DIR/fit.csv and DIR/summary.md.",
    )
    p.add_argument("file", metavar="FILE", help="held-out file (.yaml)")
    p.add_argument(
        "--posterior", metavar="CALIBRATION", required=True, type=_folder, help="a calibration folder"
    )
    p.add_argument("--out", type=_folder, metavar="DIR", help="results folder (default: results/holdout/...)")
    p.add_argument("--jobs", type=_positive, help="runs at once (default: all cores; 1: in this process)")
    p.add_argument("--allow-other-version", action="store_true", help="resume with runs made by other code")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_holdout)

    p = sub.add_parser(
        "report",
        help="write report.html, report.md and the tables (CSV, report.xlsx) for a results folder",
        description="Write DIR/report.html (self-contained, figures embedded) and DIR/report.md: a brief "
        "first (the question, what each scenario changes, a chart of each policy's changes coloured by "
        "whether they are better or worse, a few sentences, what the model cannot tell), then costs a "
        "year and over the period in USD and local money with the cost per outcome averted, paired "
        "differences against the baseline, means with 95% intervals, whether the replicates were "
        "enough, who bears it (arrests and prisoners by sex and age), and figures. Beside them: "
        "summary.csv, effects.csv, costs.csv, cost_effectiveness.csv, burden.csv, report.xlsx and each "
        "figure as a PNG file. For an exploration's folder, its own report (DIR/exploration.md and its "
        "tables: see explore), also of an exploration stopped part way or of a study kept without its "
        "runs (its exploration.json and tables); it is in English and compares its policies as its "
        "file says, so --language other than en and another --baseline are refused for it.",
    )
    p.add_argument("dir", metavar="DIR", help="results folder written by compare, sweep or explore")
    p.add_argument("--baseline", help="scenario to compare with (default: as when the batch was run)")
    _language_option(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "parameters",
        help="list every parameter with its default, unit, range and meaning",
        description="List every model parameter. With --markdown, print docs/parameters.md "
        "(parameters, values fixed in code and country contexts, each with its source).",
    )
    p.add_argument("--markdown", action="store_true", help="print the full Markdown reference")
    p.add_argument(
        "--posterior",
        metavar="CALIBRATION",
        nargs="+",
        help="with --markdown: add each calibration folder's fitted parameters and posterior summary",
    )
    p.set_defaults(func=_cmd_parameters)

    p = sub.add_parser(
        "validate",
        help="check scenario, sweep, exploration and calibration files without running them",
        description="Check files without running them: scenarios (their world is built at week 0), "
        "sweep and exploration files (their plan sized against this machine's memory), calibration and "
        "held-out files. Each kind is told by its top-level names. Every problem in every file, with "
        "its line. Exits with status 1 if any file has a problem.",
    )
    p.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="scenario files (or library names), sweep, exploration, calibration or held-out files",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "app",
        help="serve the workshop page (a live neighbourhood with levers) in the browser",
        description="Serve the workshop page: the neighbourhood as a map, levers for enforcement and "
        "social inclusion, live charts, and two scenarios side by side on the same seed. Works "
        "offline. Listens on 127.0.0.1 (this machine only) unless --host says otherwise.",
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        nargs="?",
        default="baseline",
        help="starting scenario: a file (.yaml) or a library name (default: baseline)",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 lets others in the room connect)",
    )
    p.add_argument("--port", type=_port, default=8765, help="port, 1 to 65535 (default 8765)")
    p.add_argument("--seed", type=_seed, default=1, help="seed of the runs (default 1)")
    p.add_argument(
        "--language", choices=list(LANGUAGES), default="es", help="first language of the page (default es)"
    )
    p.add_argument("--open", action="store_true", help="open the page in the browser")
    p.add_argument(
        "--max-sessions",
        type=_positive,
        default=50,
        help="pages served at once (default 50, a room of 40 and some); the next sees a polite note",
    )
    p.add_argument(
        "--max-sessions-per-address",
        type=_positive,
        help="pages served at once to one client address, 1 to --max-sessions (default: all but a "
        "fifth of --max-sessions, 40 of 50, so that one browser cannot take every place while a room "
        "behind one router still fits)",
    )
    p.set_defaults(func=_cmd_app)

    p = sub.add_parser(
        "levers",
        help="list every policy lever with its unit, range, default and meaning",
        description="List the levers a scenario's timeline can change. "
        "With --markdown, print docs/levers.md.",
    )
    p.add_argument("--markdown", action="store_true", help="print the Markdown reference")
    p.set_defaults(func=_cmd_levers)

    p = sub.add_parser(
        "mechanisms",
        help="list the structural rules a scenario can switch, with their alternatives",
        description="List each mechanism (mechanisms.* in a scenario file), its default rule and the "
        "alternatives, such as Barrio 0.1's rule. docs/ODD.md describes each rule and its sources.",
    )
    p.set_defaults(func=_cmd_mechanisms)

    p = sub.add_parser(
        "patterns",
        help="run the pattern scoreboard: stylised facts from the literature against the model",
        description="Run every scenario the patterns need (paired replicates, saved and resumed as with "
        "compare), measure each pattern with a 95% interval and write the scoreboard (docs/patterns.md): "
        "pattern, source, range, measured value, held or not. Takes about ten minutes on 2 cores.",
    )
    p.add_argument(
        "--population", type=_positive, default=200_000, help="residents per run (default 200,000)"
    )
    p.add_argument("--replicates", type=_positive, default=8, help="runs per scenario (default 8)")
    p.add_argument("--seed", type=_seed, default=0, help="root seed of the replicates (default 0)")
    p.add_argument("--doc", default="docs/patterns.md", help="where to write the scoreboard")
    _batch_options(p, "results/patterns")
    p.set_defaults(func=_cmd_patterns, out="results/patterns")
    return parser


def _size_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weeks", type=_positive, help="weeks after the warm-up (default: the scenario's, 520)")
    p.add_argument("--warmup", type=_non_negative, help="warm-up weeks (default: the scenario's, 104)")
    p.add_argument(
        "--population",
        type=_positive,
        help="number of residents (default: the scenario's); the grid, the number of groups and "
        "programme budgets and places scale with it, so the density stays the scenario's",
    )


def _language_option(p: argparse.ArgumentParser) -> None:
    # No default here: a results folder keeps the language its batch was run with, and a
    # report (or a resumed batch) without --language uses that one.
    p.add_argument(
        "--language",
        choices=list(LANGUAGES),
        help="language of the report: es, pt or en (default: the results folder's, else en)",
    )


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a share between 0 and 1 (0.1 for +/-10%), not {text!r}")
    return value


def _force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="go ahead even if the plan looks too large for this machine's free memory (refused without it)",
    )


def _batch_options(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("--out", type=_folder, metavar="DIR", help=f"results folder (default: {default_out})")
    p.add_argument(
        "--jobs", type=_positive, help="runs at once on this machine (default: all cores; 1: in-process)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler to run on instead (tcp://HOST:PORT; needs barrio[cluster])",
    )
    p.add_argument(
        "--time-limit", type=_seconds, metavar="SECONDS", help="stop and fail a run that takes longer"
    )
    p.add_argument(
        "--allow-other-version",
        action="store_true",
        help="add to a results folder whose runs were made by other code (another commit, other "
        "uncommitted changes, another release); refused without it",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _whole_number_from(least: int, most: int | None = None):
    """An argparse type: a whole number from ``least`` (to ``most``), with a message that says so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more, got {text!r}")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"must be {most:,} or less, got {text!r}")
        return value

    return parse


_positive = _whole_number_from(1)
_non_negative = _whole_number_from(0)
#: Seeds are stored in results as 64-bit signed integers.
_seed = _whole_number_from(0, 2**63 - 1)


def _folder(text: str) -> str:
    """An argparse type: a folder, not empty (an empty --out would quietly mean the default)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty value")
    return text


def _seconds(text: str) -> float:
    """An argparse type: seconds above 0 (``nan`` or ``inf`` would mean no limit, 0 fail every run)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def _port(text: str) -> int:
    """An argparse type: a port number, so that 70000 gets a message rather than a traceback."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"ports are 1 to 65535, got {text!r}")
    return port


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
    except KeyboardInterrupt as err:
        # A batch says what it kept (BatchInterrupted); anything else was simply stopped.
        said = str(err) or "stopped; nothing was written"
        print(f"\nbarrio: {said} (Ctrl-C)", file=sys.stderr)
        return 130
    except OSError as err:
        # The file system refused something not foreseen above (a full disk, a lost mount).
        print(f"barrio: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
