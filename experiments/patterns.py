"""The pattern scoreboard: stylised facts from the literature, each checked against the model.

Each :class:`Pattern` names a published finding, its source, the scenarios it compares, the
statistic that measures it in the model, and the range the source allows. ``barrio
patterns`` runs every scenario the patterns need, with paired replicates, through the batch
machinery (saved and resumable like ``barrio compare``), measures each pattern with a 95%
interval from a bootstrap over the replicates (resampled in pairs), and writes
``docs/patterns.md``: pattern, source, range, measured value, held or not. A pattern is held
when the measured value lies in the source's range. A pattern the model does not meet stays
on the board, with what limits it; none is dropped or widened to pass.

The ranges come from the sources' own figures (a published effect of +36.5% becomes a range
around it no narrower than the sources disagree); where a source gives only a direction, the
range is that direction. Populations are large enough that homicides are counted in the
hundreds, not in ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from barrio.experiments.batch import load, read_manifest
from barrio.experiments.results import Results
from barrio.experiments.studies import compare
from barrio.model.provenance import code_version

__all__ = [
    "PATTERNS",
    "Measured",
    "Pattern",
    "measure_patterns",
    "patterns_markdown",
    "run_patterns",
]

#: Runs of one scenario, one wide table (week x outcome) per replicate, in replicate order.
Runs = Mapping[str, Sequence[pd.DataFrame]]

#: Years of the policy period, as week ranges.
YEAR = {k: range(52 * k, 52 * (k + 1)) for k in range(10)}


def total(runs: Runs, scenario: str, outcome: str | Sequence[str], weeks: range) -> float:
    """Sum over replicates and ``weeks`` of an outcome (or several, added)."""
    names = [outcome] if isinstance(outcome, str) else list(outcome)
    return float(sum(t.loc[t.index.isin(weeks), names].to_numpy().sum() for t in runs[scenario]))


def change(runs: Runs, policy: str, base: str, outcome: str | Sequence[str], weeks: range) -> float:
    """Relative change of an outcome's total over ``weeks``: policy against base (paired replicates)."""
    before = total(runs, base, outcome, weeks)
    return total(runs, policy, outcome, weeks) / before - 1.0 if before > 0 else float("nan")


def share(runs: Runs, scenario: str, part: Sequence[str], whole: Sequence[str], weeks: range) -> float:
    """The total of ``part`` over the total of ``whole`` (outcomes added), pooled over replicates."""
    denominator = total(runs, scenario, whole, weeks)
    return total(runs, scenario, part, weeks) / denominator if denominator > 0 else float("nan")


def growth(runs: Runs, scenario: str, outcome: str, later: range, earlier: range) -> float:
    """Relative change of an outcome's total from ``earlier`` weeks to ``later`` ones, in one scenario."""
    before = total(runs, scenario, outcome, earlier)
    return total(runs, scenario, outcome, later) / before - 1.0 if before > 0 else float("nan")


def mean_level(runs: Runs, scenario: str, outcome: str, weeks: range) -> float:
    """Mean weekly level of an outcome over ``weeks`` and replicates."""
    return total(runs, scenario, outcome, weeks) / (len(runs[scenario]) * len(weeks))


def _bands(
    prefix: str, sexes: Sequence[str] = ("female", "male"), ages: Sequence[str] | None = None
) -> list[str]:
    ages = ages or ("12_17", "18_24", "25_34", "35_plus")
    return [f"{prefix}_{sex}_{age}" for sex in sexes for age in ages]


@dataclass(frozen=True)
class Pattern:
    """One stylised fact and how the model is checked against it.

    Attributes:
        key: Short name.
        title: What the pattern says, in a line.
        source: Where it comes from, with the figure the range is built on.
        scenarios: Library scenarios the statistic reads.
        statistic: The measured value, from the runs of those scenarios.
        low: Lowest value the source allows (None: unbounded).
        high: Highest value the source allows (None: unbounded).
        unit: How to print the value: ``"%"`` (a relative change, printed as a percentage),
            ``"share"`` (a share, printed as a percentage) or ``"x"``.
        limits: What keeps the model from the pattern, if it is not held (written after a
            run of the scoreboard, from what the runs show).
    """

    key: str
    title: str
    source: str
    scenarios: tuple[str, ...]
    statistic: Callable[[Runs], float]
    low: float | None
    high: float | None
    unit: str = "%"
    limits: str = ""

    def holds(self, value: float) -> bool:
        """Whether a measured value lies in the source's range."""
        if not np.isfinite(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


POLICY = range(0, 260)
LATER = range(52, 260)

#: The scoreboard.
PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "replacement",
        "Arrested sellers are replaced: a crackdown leaves the number of sellers within a quarter of "
        "baseline",
        "background paper (arrests of the weakest links are replaced without reducing the activity); "
        "Kleiman (1997) on replacement in retail drug markets. The source gives a direction; the range "
        "says the market is not cut by more than a quarter",
        ("mano_dura", "baseline"),
        lambda r: change(r, "mano_dura", "baseline", "sellers", LATER),
        -0.25,
        0.25,
    ),
    Pattern(
        "kingpin_size",
        "Removing leaders raises homicides in the first six months",
        "Calderon, Robles, Diaz-Cayeros and Magaloni (2015, JCR): +36.5% drug-related violence in six "
        "months; Lindo and Padilla-Romo (2018): +80% homicides after a capture. Range +20% to +80%",
        ("kingpin", "baseline"),
        lambda r: change(r, "kingpin", "baseline", "homicides", range(0, 26)),
        0.20,
        0.80,
        limits=(
            "a removal leaves one group in disarray (half its strength, recovered over some weeks): "
            "rivals press it harder, but it presses them less, so contests around it rise by a third at "
            "most and the neighbourhood's homicides by about a tenth in the first six months. Splits, the"
            " other road from a removal to violence, are rare: groups have about ten members, against "
            "groups.split_members of 50. Calderon et al. measure violence in the municipality of the "
            "removal; the model has no finer unit than the neighbourhood"
        ),
    ),
    Pattern(
        "kingpin_fading",
        "The kingpin effect fades: in years 3-5 homicides are nearer baseline than in the first six months",
        "Calderon et al. (2015): the rise is concentrated in the first six months. The statistic is the "
        "later relative change minus the first six months' (negative when it fades)",
        ("kingpin", "baseline"),
        lambda r: (
            change(r, "kingpin", "baseline", "homicides", range(156, 260))
            - change(r, "kingpin", "baseline", "homicides", range(0, 26))
        ),
        None,
        0.0,
        limits=(
            "there is little to fade: the rise in the first six months is small and uncertain (see "
            "kingpin_size), so the later difference is within the noise of eight replicates"
        ),
    ),
    Pattern(
        "crackdown_violence",
        "A crackdown that weakens groups raises violence in its first year",
        "Dell (2015, AER): crackdowns after close PAN victories raised drug-related violence substantially "
        "(size not retrieved; the range is the direction)",
        ("mano_dura", "baseline"),
        lambda r: change(r, "mano_dura", "baseline", "homicides", YEAR[0]),
        0.0,
        None,
    ),
    Pattern(
        "incapacitation",
        "More incapacitation does not shrink the groups: their members rise over five years",
        "Prieto-Curiel, Campedelli and Hope (2023, Science): increasing incapacitation increases both "
        "homicides and cartel members (the range is the direction)",
        ("mano_dura", "baseline"),
        lambda r: change(r, "mano_dura", "baseline", "sellers_affiliated", LATER),
        0.0,
        None,
        limits=(
            "a crackdown arrests members faster than groups replace them: affiliated sellers fall by "
            "about a third. Replacement recruitment (mechanisms.recruitment) raises the groups' pull on "
            "the young, but recruits join as independents and are absorbed only on a group's turf, so "
            "members do not outgrow the losses, as they do in Prieto-Curiel et al.'s model, where "
            "recruitment grows with a cartel's size"
        ),
    ),
    Pattern(
        "recruitment",
        "Reducing recruitment lowers violence",
        "Prieto-Curiel et al. (2023): reducing recruitment substantially curtails violence (the range is "
        "the direction); here the integrated scenario (programmes with focused enforcement) against baseline",
        ("integrated", "baseline"),
        lambda r: change(r, "integrated", "baseline", "homicides", LATER),
        None,
        0.0,
    ),
    Pattern(
        "pact",
        "A pact between groups lowers homicides while it holds",
        "SSPDS-CE: Fortaleza's CVLI fell 39% in 2016 under the faction pact, Ceara's 15.2%. Range -55% to "
        "-15% (pact year against the year before)",
        ("pact",),
        lambda r: growth(r, "pact", "homicides", YEAR[1], YEAR[0]),
        -0.55,
        -0.15,
    ),
    Pattern(
        "pact_break",
        "When the pact breaks, homicides rise well above the pact year",
        "SSPDS-CE: Fortaleza +96.5% and Ceara +50.7% in 2017. Range +50% to +100% (the year after the "
        "break against the pact year)",
        ("pact",),
        lambda r: growth(r, "pact", "homicides", YEAR[2], YEAR[1]),
        0.50,
        1.00,
    ),
    Pattern(
        "hegemony",
        "A hegemonic group lowers violence",
        "Biderman, De Mello, Lima and Schneider (2019): the PCC's entry cut violent crime by about 11% in "
        "Sao Paulo favelas. Range -25% to -5%",
        ("hegemony", "baseline"),
        lambda r: change(r, "hegemony", "baseline", "homicides", LATER),
        -0.25,
        -0.05,
        limits=(
            "consolidation lowers homicides, as Biderman et al. found, but about four times as much: "
            "violence in the model comes only from borders between rival groups, so merging away a third "
            "of the groups removes about half of the borders. The PCC's -11% is in all violent crime, "
            "much of which the model does not contain; the hegemony scenario's strength (how readily "
            "groups merge) is a choice of the scenario, not a measured figure"
        ),
    ),
    Pattern(
        "school_transfer",
        "A transfer conditional on school lowers young people's involvement in crime",
        "Chioda, De Mello and Soares (2016): Bolsa Familia's extension to 16-17-year-olds cut crime near "
        "schools (-21% in the presentation slides). Range -35% to -5% (recruits aged 12-17)",
        ("cash_transfer", "baseline"),
        lambda r: change(
            r, "cash_transfer", "baseline", ["recruits_female_12_17", "recruits_male_12_17"], LATER
        ),
        -0.35,
        -0.05,
        limits=(
            "the conditional transfer acts only through household need and the dropout rule. Few "
            "12-17-year-olds sell in the model, and fewer of them live in households the transfer "
            "reaches, so its effect on their recruitment is within the noise. Chioda et al. find an "
            "effect that income and time in school alone do not explain (peers, supervision), which the "
            "model does not have"
        ),
    ),
    Pattern(
        "pandemic",
        "The pandemic's income shock and rise in use grew retail selling",
        "background paper (UNODC): micro-trafficking +34% during the pandemic, with use +23% as an input "
        "here. Range +20% to +50% (sellers during the shock year)",
        ("covid_shock", "baseline"),
        lambda r: change(r, "covid_shock", "baseline", "sellers", YEAR[1]),
        0.20,
        0.50,
    ),
    Pattern(
        "victims_male",
        "Homicide victims are overwhelmingly male",
        "SSPDS-CE: 91.6% of Ceara's CVLI victims male (Jan-Jun 2024). Range 88% to 95%",
        ("baseline",),
        lambda r: share(r, "baseline", _bands("homicides", ("male",)), _bands("homicides"), POLICY),
        0.88,
        0.95,
        "share",
    ),
    Pattern(
        "victims_young",
        "Half of homicide victims are 12-24",
        "SSPDS-CE victim profile, Fortaleza Jan-Jul 2017: 13.1% aged 12-17 and 38% aged 18-24 (51.1%). "
        "Range 41% to 61%",
        ("baseline",),
        lambda r: share(
            r, "baseline", _bands("homicides", ages=("12_17", "18_24")), _bands("homicides"), POLICY
        ),
        0.41,
        0.61,
        "share",
    ),
    Pattern(
        "women_prisoners",
        "Women are a small share of prisoners",
        "Brazil 4.3% (SISDEPEN 2024); Ceara 3.8-4.7% (CNJ 2018, prison census 2022). Range 3% to 6%",
        ("baseline",),
        lambda r: share(r, "baseline", _bands("prisoners", ("female",)), _bands("prisoners"), LATER),
        0.03,
        0.06,
        "share",
    ),
    Pattern(
        "women_first_time",
        "Most women in prison are there for the first time",
        "WOLA (2020), cited in the background paper: 62% of women prisoners in eight countries were first "
        "time in prison. Range 50% to 75%",
        ("baseline",),
        lambda r: (
            total(r, "baseline", "women_prisoners_first_time", LATER) / (len(r["baseline"]) * len(LATER))
        ),
        0.50,
        0.75,
        "share",
        limits=(
            "women in the model's prison are nearly all first-timers because re-entry after release is "
            "rare (see the two recidivism patterns) and women sellers are few and sell for short spells; "
            "the model has no offences but selling and possession"
        ),
    ),
    Pattern(
        "pretrial",
        "About a quarter of prisoners await trial",
        "Brazil 27.7% pre-trial (2024; figures.md from SISDEPEN). Range 20% to 35%",
        ("baseline",),
        lambda r: share(
            r, "baseline", ["prisoners_pretrial"], ["prisoners_pretrial", "prisoners_sentenced"], LATER
        ),
        0.20,
        0.35,
        "share",
    ),
    Pattern(
        "recidivism_1y",
        "About a fifth of those released return to prison within a year",
        "Depen/UFPE (2022): 21% within one year, 13 states including Ceara. Range 15% to 27% (entries "
        "within a year of release over releases, in steady state)",
        ("baseline",),
        lambda r: share(r, "baseline", ["readmissions_1y"], ["releases"], LATER),
        0.15,
        0.27,
        "share",
        limits=(
            "the model has only drug offences, while Depen/UFPE count re-entry into prison for any "
            "offence; and a released prisoner faces the same arrest risk as any seller (police do not "
            "target known offenders in the model): about a quarter of the released sell again within a "
            "few years, at a weekly arrest hazard under 1%"
        ),
    ),
    Pattern(
        "recidivism_5y",
        "Nearly two in five return within five years",
        "Depen/UFPE (2022): 38.9% within five years. Range 30% to 48%",
        ("baseline",),
        lambda r: share(r, "baseline", ["readmissions_5y"], ["releases"], LATER),
        0.30,
        0.48,
        "share",
        limits=("as recidivism_1y: only drug offences are modelled, and known offenders are not targeted"),
    ),
    Pattern(
        "occupancy_settles",
        "Under an unchanging policy, prison occupancy settles",
        "a stationary policy should give a stationary prison (the run's own consistency; Brazil's 136% "
        "occupancy is a stock, not a trend). Range -5% to +5% (year 5 against year 3)",
        ("baseline",),
        lambda r: growth(r, "baseline", "prison_occupancy_pct", YEAR[4], YEAR[2]),
        -0.05,
        0.05,
    ),
)


@dataclass(frozen=True)
class Measured:
    """A pattern's measured value with its 95% interval, and whether it holds."""

    pattern: Pattern
    value: float
    low: float
    high: float

    @property
    def held(self) -> bool:
        """Whether the measured value lies in the source's range."""
        return self.pattern.holds(self.value)


def measure_patterns(
    table: pd.DataFrame, patterns: Sequence[Pattern] = PATTERNS, draws: int = 1_000, seed: int = 0
) -> list[Measured]:
    """Measure every pattern on a tidy table of runs, with a paired bootstrap over replicates.

    Replicates are resampled as whole pairs (the same replicate of every scenario), so the
    interval carries the pairing of the runs.
    """
    runs = _runs(table)
    rng = np.random.default_rng(seed)
    n = min(len(v) for v in runs.values())
    index = [rng.integers(0, n, size=n) for _ in range(draws)]
    out = []
    for pattern in patterns:
        if not all(s in runs for s in pattern.scenarios):
            raise KeyError(f"pattern {pattern.key}: no runs of {set(pattern.scenarios) - set(runs)}")
        value = pattern.statistic(runs)
        boot = np.array(
            [pattern.statistic({k: [v[i] for i in idx] for k, v in runs.items()}) for idx in index]
        )
        boot = boot[np.isfinite(boot)]
        low, high = np.quantile(boot, [0.025, 0.975]) if len(boot) else (np.nan, np.nan)
        out.append(Measured(pattern, value, float(low), float(high)))
    return out


def _runs(table: pd.DataFrame) -> dict[str, list[pd.DataFrame]]:
    """One wide table per replicate and scenario, replicates in seed order (paired across scenarios)."""
    runs: dict[str, list[pd.DataFrame]] = {}
    for (scenario, _seed), part in table.groupby(["scenario", "seed"], sort=True, observed=True):
        wide = part.pivot(index="week", columns="outcome", values="value")
        runs.setdefault(str(scenario), []).append(wide[wide.index >= 0])
    return runs


def run_patterns(
    out: Path | str = "results/patterns",
    *,
    population: int = 200_000,
    replicates: int = 8,
    seed: int = 0,
    jobs: int | None = None,
    patterns: Sequence[Pattern] = PATTERNS,
    progress: bool = True,
    allow_other_version: bool = False,
) -> tuple[list[Measured], Results]:
    """Run every scenario the patterns need (resumable), then measure them.

    Every scenario is run ``replicates`` times at ``population`` residents (at its own
    density), five policy years after the two-year warm-up, replicate *i* on the same seed
    everywhere.
    """
    names = sorted({s for p in patterns for s in p.scenarios})
    results = compare(
        names,
        replicates=replicates,
        seed=seed,
        weeks=260,
        population=population,
        out=out,
        jobs=jobs,
        progress=progress,
        allow_other_version=allow_other_version,
    )
    return measure_patterns(load(out), patterns), results


def _fmt(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    if unit == "%":
        return f"{value:+.0%}"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:.2f}"


def _range(p: Pattern) -> str:
    if p.low is None:
        return f"at most {_fmt(p.high, p.unit)}"
    if p.high is None:
        return f"at least {_fmt(p.low, p.unit)}"
    return f"{_fmt(p.low, p.unit)} to {_fmt(p.high, p.unit)}"


def patterns_markdown(measured: Sequence[Measured], out: Path | str) -> str:
    """The scoreboard as Markdown (``docs/patterns.md``), with the code and the runs it came from."""
    manifest = read_manifest(out)
    held = sum(m.held for m in measured)
    scenarios = manifest.get("scenarios", {})
    first = next(iter(scenarios.values()), {})
    population = first.get("resolved", {}).get("params", {}).get("neighbourhood", {}).get("population")
    runs = pd.Series([r["scenario"] for r in manifest.get("runs", [])]).value_counts()
    replicates = int(runs.max()) if len(runs) else "?"
    lines = [
        "# Pattern scoreboard",
        "",
        "Generated by `barrio patterns` (`make patterns`); do not edit by hand. Each row is a finding",
        "from the literature, the range its source allows, and the model's value with a 95% interval",
        "(a bootstrap over paired replicates). A pattern is held when the value lies in the range.",
        "",
        f"- Code: `{manifest.get('barrio_version', code_version())}`",
        f"- Computed: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; runs in `{out}`",
        f"- Residents per run: {population:,}" if isinstance(population, int) else "- Residents per run: ?",
        f"- Replicates per scenario: {replicates}; five policy years after a two-year warm-up",
        f"- **{held} of {len(measured)} patterns held.**",
        "",
        "| pattern | source | range | model (95% interval) | held |",
        "|---|---|---|---|---|",
    ]
    for m in measured:
        p = m.pattern
        value = f"{_fmt(m.value, p.unit)} ({_fmt(m.low, p.unit)} to {_fmt(m.high, p.unit)})"
        held_mark = "yes" if m.held else "**no**"
        lines.append(f"| **{p.key}**: {p.title} | {p.source} | {_range(p)} | {value} | {held_mark} |")
    not_held = [m for m in measured if not m.held]
    if not_held:
        lines += ["", "## Not held, and what limits them", ""]
        for m in not_held:
            lines.append(f"- **{m.pattern.key}**: {m.pattern.limits or 'not yet diagnosed.'}")
    return "\n".join(lines) + "\n"
