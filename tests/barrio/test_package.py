"""Packaging: the wheel holds one package and installs and runs anywhere; the editable install
maps the repository's folders into it; licence, citation and changelog agree."""

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest
import yaml

import barrio
from barrio.model.scenario import LIBRARY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this working tree, built as a user would, without build isolation.

    Without isolation the build needs no download (setuptools and setuptools-scm are in the
    dev extra). setuptools builds in ``build/`` and packs whatever it finds in ``build/lib``,
    even a module since deleted from the source, so that scratch folder is emptied first.
    """
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-w", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("barrio-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    version = wheel.name.split("-")[1]
    assert {name.split("/")[0] for name in names} == {"barrio", f"barrio-{version}.dist-info"}
    for needed in (
        "barrio/scenarios/baseline.yaml",
        "barrio/model/data/contexts.yaml",
        "barrio/experiments/studies.py",
        "barrio/app/page.py",
        "barrio/cli.py",
        f"barrio-{version}.dist-info/licenses/LICENSE",
    ):
        assert needed in names
    # Every module of the source is in the wheel, and nothing else.
    folders = {
        "barrio": "barrio",
        "model": "barrio/model",
        "experiments": "barrio/experiments",
        "app": "barrio/app",
    }
    source = {
        f"{inside}/{p.name}" for folder, inside in folders.items() for p in (ROOT / folder).glob("*.py")
    }
    assert {n for n in names if n.endswith(".py")} == source


@pytest.mark.slow
def test_the_wheel_installs_in_a_fresh_venv_and_runs_from_any_folder(wheel, tmp_path):
    """A fresh venv with the wheel alone, used from a folder that is not the repository.

    The dependencies are not installed again (that would need the network and minutes): a
    ``.pth`` file in the fresh venv's site-packages adds this environment's site-packages to
    its path. Python processes ``.pth`` files only in site directories, not in folders a
    ``.pth`` line adds, so this environment's editable-install finder for ``barrio`` is not
    loaded there: ``barrio`` can only come from the wheel, which the test checks.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    fresh = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(fresh) / "barrio-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    show = "import barrio; print(barrio.__file__); print(barrio.__version__)"
    where = subprocess.run(
        [python, "-c", show], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120
    )
    assert where.returncode == 0, where.stderr
    location, version = where.stdout.split()
    assert Path(location).is_relative_to(venv), f"barrio came from {location}, not the wheel"
    assert version == wheel.name.split("-")[1]  # an installed copy takes its version from the package

    out = elsewhere / "out"
    command = [venv / "bin" / "barrio", "run", "baseline", "--weeks", "2", "--warmup", "1"]
    command += ["--population", "2000", "--out", str(out), "-q"]
    ran = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    for name in ("outcomes.parquet", "outcomes.csv", "outcomes.png"):
        assert (out / name).stat().st_size > 0
    table = pd.read_parquet(out / "outcomes.parquet")
    assert set(table.version) == {version} and sorted(table.week.unique()) == [-1, 0, 1]


def test_the_editable_install_maps_each_folder_into_the_package():
    # This environment's own record: a checkout on sys.path may also hold a barrio.egg-info.
    [installed] = metadata.distributions(name="barrio", path=[sysconfig.get_paths()["purelib"]])
    direct = installed.read_text("direct_url.json")
    if not direct or not json.loads(direct).get("dir_info", {}).get("editable"):
        pytest.skip("barrio is not installed in editable mode here")
    for package, folder in {
        "barrio": "barrio",
        "barrio.model": "model",
        "barrio.experiments": "experiments",
        "barrio.app": "app",
    }.items():
        found = Path(importlib.util.find_spec(package).submodule_search_locations[0])
        assert found.resolve() == (ROOT / folder).resolve(), package
    assert Path(barrio.__file__).resolve() == (ROOT / "barrio" / "__init__.py").resolve()
    # The scenario library (data, not a module) is found beside the model, here as in the wheel.
    assert LIBRARY.resolve() == (ROOT / "scenarios").resolve()


def test_licence_citation_and_changelog_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert citation["license"] == project["license"] == "Apache-2.0"
    licence = (ROOT / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    changelog = (ROOT / "CHANGELOG.md").read_text()
    latest = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert latest.startswith(f"## {citation['version']} ")
