"""Writing one run's results: the outcome table (Parquet and CSV) and a picture.

Files are written to a temporary name and renamed, so an interrupted write never leaves
a half-written table behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

# Figures are made with matplotlib.figure.Figure, never pyplot: they are only saved to files,
# and a library that chose pyplot's backend would take inline plots away from a notebook.
from matplotlib.figure import Figure

from barrio.model.errors import BarrioError

__all__ = ["MAIN_SERIES", "OutputError", "atomic_write", "inside", "plot_run", "writable_folder", "write_run"]

#: Panels of the run picture: title -> outcomes drawn in it.
MAIN_SERIES: dict[str, list[str]] = {
    "Sellers": ["sellers", "sellers_affiliated"],
    "Recruits per week (13-week mean)": ["recruits"],
    "Arrests per week (13-week mean)": ["arrests"],
    "Prisoners from the neighbourhood": ["prisoners_pretrial", "prisoners_sentenced"],
    "Prison occupancy (%)": ["prison_occupancy_pct"],
    "Homicides per 100,000 a year (52-week mean)": ["homicide_rate"],
    "Enforcement cost (USD per week)": ["enforcement_cost", "policing_cost", "prison_cost"],
    "Poverty, unemployment and trust": ["poverty_rate", "unemployment_rate", "mean_trust"],
}
_SMOOTHED = {"recruits": 13, "arrests": 13, "homicide_rate": 52}
_STYLES = [("black", "-"), ("0.45", "--"), ("0.65", ":")]


class OutputError(BarrioError, OSError):
    """Results cannot be written where asked (not a folder, read-only, full, outside the folder given)."""


def writable_folder(folder: Path | str, what: str = "output folder") -> Path:
    """Create ``folder`` if needed and check that files can be written in it, before any work is done.

    Called before a run or a batch starts, so that a mistyped or read-only ``--out`` is said
    at once instead of throwing away the simulation that came before the first write.

    Raises:
        OutputError: Naming the folder and why it cannot be used.
    """
    folder = Path(folder)
    if str(folder).strip() == "":
        raise OutputError(f"the {what} is empty; give a folder (or leave it out for the default)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".barrio-write-check.", suffix=".part")
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        reason = err.strerror or str(err)
        if folder.exists() and not folder.is_dir():
            reason = "it is a file, not a folder"
        raise OutputError(f"cannot write into the {what} {folder}: {reason}; choose another one") from err
    return folder


def inside(folder: Path, path: Path) -> Path:
    """``path``, checked to lie inside ``folder`` once both are resolved (links, ``..``).

    Every file Barrio writes into a folder it was given goes through here where its path is
    built, so that no name (a scenario's, a run's) can lead a write elsewhere.

    Raises:
        OutputError: If ``path`` is outside ``folder``.
    """
    if not path.resolve().is_relative_to(folder.resolve()):
        raise OutputError(f"refused to write {path}: it is outside the folder given ({folder})")
    return path


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary_path)`` and a rename: it is whole or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def plot_run(table: pd.DataFrame, title: str) -> Figure:
    """Draw the main series of one run, warm-up shaded, readable in grey print."""
    wide = table.pivot(index="week", columns="outcome", values="value")
    fig = Figure(figsize=(11, 11.5), layout="constrained")
    axes = fig.subplots(4, 2, sharex=True)
    for ax, (panel, names) in zip(axes.flat, MAIN_SERIES.items(), strict=True):
        top = 0.0
        for (colour, dash), name in zip(_STYLES, names, strict=False):
            series = wide[name]
            if name in _SMOOTHED:
                series = series.rolling(_SMOOTHED[name], min_periods=1).mean()
            top = max(top, float(series[series.index >= 0].max()) if (series.index >= 0).any() else 0.0)
            ax.plot(
                series.index / 52,
                series.to_numpy(),
                color=colour,
                linestyle=dash,
                label=name.replace("_", " "),
            )
        ax.set_title(panel, fontsize=10)
        if wide.index.min() < 0:
            ax.axvspan(wide.index.min() / 52, 0, color="0.9", zorder=0)
            # Scale to the lines as drawn in the policy period: the warm-up's first weeks,
            # when everyone sizes up an empty market at once, would flatten every later line.
            if top > 0:
                ax.set_ylim(0, top * 1.15)
        else:
            ax.set_ylim(bottom=0)
        if len(names) > 1:
            ax.legend(fontsize=8, frameon=False)
    for ax in axes[-1]:
        ax.set_xlabel("years (shaded: warm-up)")
    fig.suptitle(title)
    return fig


def write_run(table: pd.DataFrame, out: Path, title: str) -> dict[str, Path]:
    """Write ``outcomes.parquet``, ``outcomes.csv`` and ``outcomes.png`` into ``out``.

    Raises:
        OutputError: If a file cannot be written (a full disk, a folder gone read-only); each
            file is whole or absent.
    """
    paths = {kind: inside(out, out / f"outcomes.{kind}") for kind in ("parquet", "csv", "png")}
    try:
        atomic_write(paths["parquet"], lambda p: table.to_parquet(p, index=False))
        atomic_write(paths["csv"], lambda p: table.to_csv(p, index=False))
        fig = plot_run(table, title)
        atomic_write(paths["png"], lambda p: fig.savefig(p, dpi=110, format="png"))
    except OSError as err:
        raise OutputError(
            f"cannot write the run's results into {out}: {err.strerror or err}; nothing partial is left "
            "there; free space or choose another --out and run it again"
        ) from err
    return paths
