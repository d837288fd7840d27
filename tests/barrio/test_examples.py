"""The example notebooks run from start to end, from a folder that is not the repository, and
show what they say they show."""

import json
import sys
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KERNEL = "barrio-tests"


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A kernel of this very Python, whatever other kernels the machine has installed."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def execute(name: str, kernel: str, folder: Path) -> list[dict]:
    """Run a notebook in ``folder``; the outputs of its code cells, in order."""
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]


def shown(outputs: list, kind: str) -> str:
    """Everything a cell showed of one kind (``text/html``, ``text/plain``, ``stream``)."""
    parts = []
    for output in outputs:
        if kind == "stream" and output.output_type == "stream":
            parts.append(output.text)
        elif kind != "stream" and output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get(kind, ""))
    return "".join(parts)


def drew_a_picture(outputs: list) -> bool:
    return any("image/png" in getattr(o, "data", {}) for o in outputs)


@pytest.mark.slow
def test_the_comparison_notebook_compares_the_two_policies(tmp_path, kernel):
    work = tmp_path / "elsewhere"
    work.mkdir()
    cells = execute("compare_policies.ipynb", kernel, work)
    preview = next(shown(c, "text/html") for c in cells if "Barrio comparison" in shown(c, "text/html"))
    assert "<td>baseline</td><td>4</td>" in preview and "<td>mano_dura</td><td>4</td>" in preview
    sentences = next(shown(c, "stream") for c in cells if "Status quo (baseline)" in shown(c, "stream"))
    assert "Policing and prison cost (USD a year):" in sentences  # outcomes by their names
    assert any(drew_a_picture(c) for c in cells), "the plot did not show inline"
    folder = work / "results" / "notebook-mano-dura"
    assert (folder / "report.html").exists() and len(list((folder / "runs").glob("*.parquet"))) == 8
    assert "['baseline', 'mano_dura']" in shown(cells[-1], "text/plain")


@pytest.mark.slow
def test_the_sweep_notebook_runs_every_point(tmp_path, kernel):
    cells = execute("sweep.ipynb", kernel, tmp_path)
    preview = next(shown(c, "text/html") for c in cells if "Barrio sweep" in shown(c, "text/html"))
    for k in range(4):
        assert f"<td>sentence_grid-{k}</td>" in preview
    assert "<th>policing.punitive_intensity</th><th>justice.sentence_weeks</th>" in preview
    assert any(drew_a_picture(c) for c in cells), "the plot did not show inline"
    assert (tmp_path / "results" / "notebook-sweep" / "report.html").exists()


@pytest.mark.slow
def test_the_exploration_notebook_ranks_the_assumptions_and_finds_where_mano_dura_fails(tmp_path, kernel):
    cells = execute("explore.ipynb", kernel, tmp_path)
    assert "12 of 12 points complete" in shown(cells[1], "stream")
    table = shown(cells[2], "text/html")
    for name in ("groups.lethality", "groups.contest_rate", "selling.prison_cost"):
        assert f"<th>{name}</th>" in table
    assert "<th>homicide_rate</th>" in table
    assert drew_a_picture(cells[3]), "the indices' plot did not show inline"
    found = shown(cells[4], "stream")
    assert "mano dura raises homicides at" in found and ("coverage" in found or "no box" in found)
    assert "best_share" in shown(cells[5], "text/html")
    folder = tmp_path / "results" / "notebook-explore"
    assert (folder / "exploration.md").exists() and len(list((folder / "runs").glob("*.parquet"))) == 48
    assert "indices.csv" in shown(cells[6], "text/plain")


@pytest.mark.slow
def test_the_study_notebook_reads_the_shipped_screening(tmp_path, kernel):
    """The screening shipped in git (its summary, not its runs) as the notebook shows it."""
    from barrio.experiments.exploration import analyse

    analysis = analyse(EXAMPLES.parent / "experiments" / "studies" / "fortaleza_morris", summary=True)
    cells = execute("fortaleza_study.ipynb", kernel, tmp_path)
    done, points = analysis.complete
    finished, trajectories = analysis.trajectories
    said = shown(cells[0], "stream")
    assert f"{done} of {points} points complete, {finished} of {trajectories} trajectories" in said
    indices = analysis.indices if not analysis.indices.empty else analysis.interim
    assert ("interim" in said) == analysis.indices.empty
    first = indices.query("against == 'fortaleza_integrated' and outcome == 'homicide_rate' and rank == 1")
    assert f"<td>{first.parameter.iloc[0]}</td>" in shown(cells[1], "text/html")
    assert drew_a_picture(cells[2]), "the indices' plot did not show inline"
    assert "best_share" in shown(cells[3], "text/html")
    boxed = shown(cells[4], "stream")
    assert ("no box yet" in boxed) == (analysis.cases is None)
    if analysis.cases is not None:
        from barrio.experiments.exploration import discovery_summary

        assert discovery_summary(analysis)[0] in boxed
    # Then the Sobol analysis of the ten, as shipped.
    sobol = analyse(EXAMPLES.parent / "experiments" / "studies" / "fortaleza_sobol", summary=True)
    done, points = sobol.complete
    said = shown(cells[5], "stream")
    assert f"{done} of {points} points complete" in said
    assert ("no indices yet" in said) == sobol.indices.empty
    if not sobol.indices.empty:
        assert drew_a_picture(cells[6]), "the Sobol indices' plot did not show inline"
        top = sobol.indices.query("against == 'fortaleza_integrated' and outcome == 'prisoners'").iloc[0]
        first = f"prisoners: {top.parameter} first, ST {top.ST:.2f} ± {top.ST_conf:.2f}"
        assert first in shown(cells[7], "stream")
    boxed = shown(cells[8], "stream")
    assert ("no box yet" in boxed) == (sobol.cases is None)
    if sobol.cases is not None:
        assert discovery_summary(sobol)[0] in boxed
