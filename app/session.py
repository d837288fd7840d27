"""What one browser session drives: one live run, or two on the same seed side by side.

Each page a browser opens builds its own :class:`Workshop`, so two people never drive the
same simulation. Runs are built with :func:`model.make_model` from a scenario with the
room's lever changes made at the start of the policy period, exactly as a scenario file's
timeline would make them; the command line and the batch runner build runs the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from barrio.app.calendar import clock
from barrio.app.capacity import WarmupCache
from barrio.app.charts import CHART_OUTCOMES
from barrio.app.drawing import GroupColours
from barrio.model import BarrioModel, ParameterError, Params, Scenario, load_scenario, make_model

#: Warmed-up models shared by every session of this server, by (scenario hash, seed).
WARMUPS = WarmupCache()

__all__ = ["Simulation", "Workshop", "clock"]


@dataclass
class Simulation:
    """One live run: a scenario, the levers the room changed, and a seed.

    Building it runs the warm-up, so that the page starts at week 0 of the policy period.

    Attributes:
        name: Library name (or file) of the scenario the run started from.
        scenario: The scenario as run (with the room's changes in its timeline).
        seed: Seed of the run's ``SeedSequence``.
        model: The running model.
    """

    name: str
    scenario: Scenario
    seed: int
    model: BarrioModel = field(init=False)

    def __post_init__(self) -> None:
        #: The groups' colours on this run's map, kept while the run goes on.
        self.colours = GroupColours()
        # The warm-up is the same for every session on this scenario and seed: run once, copied.
        self.model = WARMUPS.copy((self.scenario.hash, self.seed), self._warm_up)
        # Show the levers of week 0 (the scenario's and the room's changes) before it runs.
        self.model.apply_timeline()

    def _warm_up(self) -> BarrioModel:
        model = make_model(self.scenario, self.seed)
        for _ in range(self.scenario.params.timing.warmup_weeks):
            model.step()
        return model

    @property
    def week(self) -> int:
        """Weeks of the policy period run so far."""
        return self.model.week

    @property
    def finished(self) -> bool:
        """Whether the scenario's horizon is reached."""
        return self.model.week >= self.horizon

    @property
    def horizon(self) -> int:
        """Weeks in the policy period."""
        return self.scenario.params.timing.horizon_weeks

    @property
    def residents(self) -> int:
        """Residents of the neighbourhood."""
        return self.scenario.params.neighbourhood.population

    @property
    def clock(self) -> tuple[int, int]:
        """Year and month of the week about to run (the last week's, once the period is over)."""
        return clock(min(self.week, self.horizon - 1))

    def advance(self, weeks: int) -> None:
        """Run up to ``weeks`` more weeks (fewer at the end of the horizon)."""
        for _ in range(weeks):
            if self.finished:
                return
            self.model.step()

    def history(self, lead: int = 0) -> pd.DataFrame:
        """The chart outcomes of every policy week so far (index: week).

        Args:
            lead: Warm-up weeks to include before week 0 (negative weeks), for averages over
                past weeks such as the yearly homicide rate.
        """
        table = self.model.outcomes.wide()
        return table.loc[table.index >= -lead, list(CHART_OUTCOMES)]

    def table(self) -> pd.DataFrame:
        """Every outcome of every policy week so far, as ``barrio run`` records them (index: week)."""
        table = self.model.outcomes.wide()
        return table.loc[table.index >= 0]

    def programme_week(self, name: str) -> tuple[float, int] | None:
        """What the programme ``name`` spent (USD) and how many people it reached last week, if it runs."""
        running = self.model.programmes.get(name)
        return None if running is None else (float(running.spending), int(running.reached))


class Workshop:
    """The runs one browser session shows: a main run and, side by side, an optional second.

    Both runs use the same seed, so that the difference between them comes from the
    policies and not from chance (until their paths part, as two futures do).

    Args:
        scenario: Library name or file of the main scenario.
        seed: Seed shared by both runs.
    """

    def __init__(self, scenario: str, seed: int = 1) -> None:
        self.lock = threading.RLock()
        #: Bumped by every reset, so that a play loop started before it stops.
        self.generation = 0
        self.first_name = scenario
        self.scenario_name = scenario
        self.base = load_scenario(scenario)
        self.changes: dict[str, object] = {}
        self.seed = seed
        self.other_name: str | None = None
        self.main: Simulation | None = None
        self.other: Simulation | None = None
        #: The room's changes in force from week 0 of the runs on show (those made before the last reset).
        self.start_changes: dict[str, object] = {}
        #: Levers moved during the runs on show: (week, dotted path, model value), in order.
        self.moves: list[tuple[int, str, object]] = []

    @property
    def runs(self) -> list[Simulation]:
        """The runs on show, main first."""
        return [r for r in (self.main, self.other) if r is not None]

    def load(self, scenario: str) -> None:
        """Take a library scenario (or file) as the new starting point; the room's changes are dropped."""
        with self.lock:
            self.base = load_scenario(scenario)
            self.scenario_name = scenario
            self.changes = {}

    def compare_with(self, scenario: str | None) -> None:
        """Show ``scenario`` beside the main run from the next reset.

        ``None`` takes the second run away at once; the main run goes on.
        """
        with self.lock:
            self.other_name = scenario
            if scenario is None:
                self.other = None

    def reset(self) -> None:
        """Start the run(s) again from week 0 with the current levers.

        Raises:
            ParameterError: If a changed lever is out of range (the old runs are kept).
        """
        with self.lock:
            scenario = self.base.with_changes(self.changes, name=f"{self.base.name}-workshop")
            name, other_name = self.scenario_name, self.other_name
        # The warm-up takes seconds: build outside the lock, so the page can still be drawn.
        main = Simulation(name, scenario, self.seed)
        other = Simulation(other_name, load_scenario(other_name), self.seed) if other_name else None
        with self.lock:
            self.main, self.other = main, other
            self.start_changes, self.moves = dict(self.changes), []
            self.generation += 1

    def restore(self, start: dict[str, object], moves: list[tuple[int, str, object]], week: int) -> None:
        """Make the runs again: ``start`` changes from week 0, ``moves`` at their weeks, up to ``week``.

        The same seed, changes and weeks give the same runs, so a page reloaded (its state
        kept in its address) shows what it showed.

        Raises:
            ParameterError: If a change is out of range (the runs then start from the scenario).
        """
        self.base.with_changes(dict(start))  # checked before anything is run
        with self.lock:
            self.changes = dict(start)
        self.reset()
        for at, path, value in sorted(moves, key=lambda m: m[0]):
            self.advance(max(0, at - self.main.week))
            self.set_lever(path, value)
        self.advance(max(0, week - self.main.week))

    def accepts(self, changes: Mapping[str, object]) -> bool:
        """Whether the model accepts ``changes`` (lever path: value) with the other levers as they are."""
        try:
            with self.lock:
                self.base.with_changes({**self.changes, **changes})
        except ParameterError:
            return False
        return True

    def release(self) -> None:
        """Drop the runs (their models are the session's memory) when the session has closed."""
        with self.lock:
            self.main = self.other = None
            self.generation += 1  # a play loop still running stops at its next frame

    def set_lever(self, path: str, value: object) -> None:
        """Change a lever of the main run now, and for every reset after.

        Raises:
            ParameterError: If the value is out of range; nothing is changed then.
        """
        with self.lock:
            self.base.with_changes({**self.changes, path: value})
            if self.main is not None:
                self.main.model.change_levers({path: value})
                self.moves.append((self.main.week, path, value))
            self.changes[path] = value

    def levers(self) -> Params:
        """Lever values in force in the main run (or, before any run, at its start)."""
        with self.lock:
            if self.main is not None:
                return self.main.model.params
            return self.base.with_changes(self.changes).params_at(0)

    def advance(self, weeks: int) -> None:
        """Run every run on show ``weeks`` more weeks."""
        with self.lock:
            for run in self.runs:
                run.advance(weeks)

    @property
    def finished(self) -> bool:
        """Whether the main run has reached its horizon."""
        return self.main is not None and self.main.finished
