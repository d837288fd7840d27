"""A results folder as one object: its table, its numbers, its report, a preview in Jupyter.

:func:`experiments.studies.compare` and :func:`experiments.studies.sweep` return a
:class:`Results`; :func:`load_results` (``barrio.load``) gives the same for a folder written
before, by Python or by the ``barrio`` command::

    results = barrio.load("results/crackdown")
    results.table        # every finished run, one tidy table
    results.effects()    # each scenario against the baseline, paired by replicate
    results.report()     # report.html and report.md (an exploration's: exploration.md)
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from barrio.experiments.batch import MANIFEST, BatchResult, ResultsError, load, read_manifest
from barrio.experiments.effects import KEY_OUTCOMES, derive, per_replicate, summarise
from barrio.experiments.report import (
    baseline_for,
    comparison,
    html_table,
    overview,
    sweep_points,
    write_report,
)
from barrio.experiments.wording import LanguageError, check_language

if TYPE_CHECKING:
    from barrio.experiments.exploration import Analysis

__all__ = ["Results", "load_results", "write_folder_report"]


class Results:
    """The runs of a comparison or a sweep, saved in a results folder.

    The table and the numbers are read from the folder when first asked for and kept: load
    the folder again to see runs added since.

    Attributes:
        folder: The results folder.
        manifest: What the batch is (``DIR/manifest.json``): scenarios, seeds, code, environment.
        batch: What the call that returned this object ran (runs done, already there,
            failed); None for a folder loaded with :func:`load_results`.

    Raises:
        ResultsError: If ``folder`` is not a Barrio results folder.
    """

    def __init__(self, folder: Path | str, batch: BatchResult | None = None) -> None:
        self.folder = Path(folder)
        self.manifest: dict[str, Any] = read_manifest(self.folder)
        self.batch = batch

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """Every finished run, one tidy table (``week, outcome, value, scenario, replicate, ...``).

        Raises:
            ResultsError: If no run has finished or a run's file cannot be read.
        """
        return load(self.folder)

    @property
    def kind(self) -> str:
        """``"sweep"`` for a sweep's folder, ``"exploration"`` for an exploration's, else ``"comparison"``."""
        command = self.manifest.get("description", {}).get("command")
        return {"sweep": "sweep", "explore": "exploration"}.get(command, "comparison")

    @property
    def finished(self) -> dict[str, list[int]]:
        """The finished replicates of each scenario, in the batch's order (read from the folder)."""
        runs = self.folder / "runs"
        found: dict[str, list[int]] = {}
        for run in self.manifest.get("runs", []):
            if (runs / f"{run['key']}.parquet").exists():
                found.setdefault(run["scenario"], []).append(run["replicate"])
        return {name: sorted(found[name]) for name in self.manifest["scenarios"] if name in found}

    @property
    def scenarios(self) -> list[str]:
        """Scenarios with at least one finished run, in the batch's order."""
        return list(self.finished)

    @property
    def failed(self) -> dict[str, str]:
        """Runs that failed and have not been run again since: the last line of each traceback."""
        failed = {}
        for path in sorted((self.folder / "failed").glob("*.txt")):
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            failed[path.stem] = lines[-1] if lines else "failed"
        return failed

    @property
    def ok(self) -> bool:
        """True when no run is recorded as failed."""
        return not self.failed

    @property
    def baseline(self) -> str:
        """The scenario the others are compared with (as the batch named it, else "baseline", else the first).

        Raises:
            ResultsError: If that baseline has no finished runs yet.
        """
        if self.kind == "exploration":  # a policy, run at every point of the design under its own names
            return self.manifest["description"]["baseline"]
        return baseline_for(self.folder, self.manifest, self.scenarios)

    @functools.cached_property
    def means(self) -> pd.DataFrame:
        """Per run and outcome, the mean over the policy period (``scenario, replicate, outcome, value``).

        With the report's outcomes added up from the model's (``prisoners``, ``young_recruits``,
        ``women_prisoners``, ``total_cost``), and weekly flows a year (:func:`experiments.effects.derive`).
        """
        return derive(per_replicate(self.table))

    def summary(self, outcomes: Iterable[str] | None = None) -> pd.DataFrame:
        """Per scenario and outcome: replicates, mean, sd and the 95% confidence interval of the mean.

        Args:
            outcomes: Outcomes to summarise (default: the report's key outcomes).
        """
        return summarise(self._select(outcomes))

    def effects(
        self, baseline: str | None = None, outcomes: Iterable[str] | None = None, language: str = "en"
    ) -> pd.DataFrame:
        """Each scenario against the baseline, paired by replicate, outcome by outcome.

        Args:
            baseline: Scenario to compare with (default: :attr:`baseline`).
            outcomes: Outcomes to compare (default: the report's key outcomes).
            language: Language of the sentences: ``es``, ``pt`` or ``en``.

        Returns:
            One row per (scenario, outcome), as the report and its ``effects.csv`` give it
            (:func:`experiments.report.comparison`): the paired difference with its 95% CI, the
            relative change with its CI on the log ratio, a paired effect size, Vargha-Delaney
            A12, ``too_few`` (a count too small to tell: no change claimed), a verdict and a
            sentence.

        Raises:
            ResultsError: If ``baseline`` is not among the scenarios with finished runs, or the
                folder is an exploration's (:meth:`exploration` gives what it found).
        """
        if self.kind == "exploration":
            # Its scenarios are each policy at each point of a design: pairing them as one set of
            # assumptions would mix every point's runs into one difference.
            raise ResultsError(
                f"{self.folder} is an exploration: its policies were run at every point of a design, "
                "not under one set of assumptions, so there is no single effect of each to give. "
                "results.exploration() gives what it found (the parameters that decide each difference "
                "between policies, where a policy fails, each policy's regret), and results.report() "
                "writes exploration.md"
            )
        base = baseline_for(self.folder, self.manifest, self.scenarios, baseline)
        versus, _ = comparison(
            self.table, self._select(outcomes), self.manifest, self.scenarios, base, check_language(language)
        )
        return versus

    def points(self) -> pd.DataFrame | None:
        """The values each point of a sweep set (one row per point), or None for a comparison."""
        return sweep_points(self.manifest, self.scenarios)

    def exploration(self) -> Analysis:
        """An exploration's indices, scenario discovery and regret (:func:`experiments.exploration.analyse`).

        Raises:
            ResultsError: If the folder is not an exploration's.
        """
        from barrio.experiments.exploration import analyse  # SALib and the EMA Workbench: the explore extra

        return analyse(self.folder)

    def report(
        self, path: Path | str | None = None, baseline: str | None = None, language: str | None = None
    ) -> dict[str, Path]:
        """Write the folder's report, as ``barrio report DIR`` does (:func:`write_folder_report`).

        For a comparison or a sweep, ``report.html`` (self-contained) and ``report.md`` with
        their figures and tables; for an exploration, ``exploration.md`` with its tables and
        figures, in its results folder.

        Args:
            path: Folder to write into (default: the results folder).
            baseline: Scenario to compare with (default: :attr:`baseline`).
            language: ``es``, ``pt`` or ``en`` (default: the one the batch was run with, else
                English).

        Returns:
            The paths written, by kind (``html``, ``markdown`` and the figures).

        Raises:
            ResultsError: For an exploration, a ``baseline`` other than its file's or a ``path``
                other than its folder.
            LanguageError: For an exploration, a language other than English.
        """
        return write_folder_report(self.folder, baseline=baseline, to=path, language=language)

    def _select(self, outcomes: Iterable[str] | None) -> pd.DataFrame:
        wanted = list(KEY_OUTCOMES) if outcomes is None else list(outcomes)
        return self.means[self.means.outcome.isin(wanted)]

    def _headline(self) -> str:
        finished = self.finished
        counts = sorted({len(r) for r in finished.values()})
        each = f"{counts[0]} replicate(s) each" if len(counts) == 1 else "replicates differ between them"
        what = {"sweep": "sweep of", "exploration": "exploration over"}.get(self.kind, "comparison of")
        text = f"Barrio {what} {len(finished)} scenario(s) in {self.folder}"
        if finished:
            text += f": {each}, compared with {self.baseline}"
        failed = len(self.failed)
        if failed:
            text += f"; {failed} run(s) failed (see {self.folder / 'failed'})"
        return text

    def __repr__(self) -> str:
        return f"<Results: {self._headline()}>"

    def _repr_html_(self) -> str:
        """A notebook's preview: what was run and the key outcomes' means with their intervals."""
        parts = [f"<p><strong>{html.escape(self._headline())}</strong></p>"]
        if not self.finished:
            parts.append("<p>No run has finished yet: run the same call again to complete the batch.</p>")
            return "".join(parts)
        done = pd.Series(self.finished)
        rows = overview(self.summary(), self.scenarios, done, self.points())
        parts.append(html_table(rows))
        parts.append(
            "<p>Means over the policy period across replicates, with 95% confidence intervals. "
            "<code>.effects()</code>: each scenario against the baseline; <code>.table</code>: every "
            "week of every run; <code>.report()</code>: the full report.</p>"
        )
        return "".join(parts)


def write_folder_report(
    folder: Path | str,
    baseline: str | None = None,
    to: Path | str | None = None,
    language: str | None = None,
) -> dict[str, Path]:
    """Write a results folder's report: a comparison's or sweep's, or an exploration's.

    What ``barrio report DIR`` and :meth:`Results.report` call. An exploration's report is its
    own (:func:`experiments.exploration.write_exploration`): also of one stopped part way, or
    of a study kept without its runs and manifest (its ``exploration.json`` and tables).

    Args:
        folder: The results folder.
        baseline: Scenario to compare with (:func:`experiments.report.write_report`). An
            exploration compares its policies as its file's ``baseline:`` says: another is refused.
        to: Folder to write into (default: the results folder). An exploration's report is
            written into its results folder, beside the tables it is read from with.
        language: ``es``, ``pt`` or ``en`` (default: the one the batch was run with, else
            English). An exploration's report is in English only.

    Returns:
        The paths written, by kind (``markdown`` for either; ``html`` and ``xlsx`` for a
        comparison or a sweep).

    Raises:
        ResultsError: If the folder is not a results folder, or an exploration is asked for
            what its report cannot do.
        LanguageError: If the language is not one the report speaks, or not English for an
            exploration.
    """
    folder = Path(folder)
    if language is not None:
        check_language(language)
    if not _is_exploration(folder):
        return write_report(folder, baseline=baseline, to=to, language=language)
    from barrio.experiments.designs import read_plan
    from barrio.experiments.exploration import write_exploration

    if language not in (None, "en"):
        raise LanguageError(
            f"{folder} is an exploration: its report (exploration.md) is written in English only, "
            f"not '{language}'; --language is for the reports of compare and sweep"
        )
    if baseline is not None:
        named = read_plan(folder).get("description", {}).get("baseline")
        if baseline != named:
            raise ResultsError(
                f"{folder} is an exploration: it compares its policies as its file's `baseline:` says "
                f"({named}), at every point of its design, not against '{baseline}'. To compare against "
                "another policy, name it as the file's baseline (or in its differences) and run "
                "`barrio explore` into another folder"
            )
    if to is not None and Path(to).resolve() != folder.resolve():
        raise ResultsError(
            f"{folder} is an exploration: its report is written into its results folder, beside the "
            f"tables it is read with, not into {to}; copy the folder to write it elsewhere"
        )
    return write_exploration(folder)


def _is_exploration(folder: Path) -> bool:
    if (folder / MANIFEST).exists():
        return read_manifest(folder).get("description", {}).get("command") == "explore"
    # A study kept in git has its summary (exploration.json and the tables), not its runs or
    # manifest: its report is written again from that, with the same numbers.
    try:
        from barrio.experiments.designs import PLAN_FILE  # needs the explore extra, as such a study does
    except ImportError:
        return False
    return (folder / PLAN_FILE).exists()


def load_results(folder: Path | str) -> Results:
    """The results in a folder written by ``compare`` or ``sweep`` (from Python or the command line).

    Raises:
        ResultsError: If ``folder`` is not a Barrio results folder.
    """
    return Results(folder)
