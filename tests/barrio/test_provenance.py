"""Which code made a result: a checkout's commit and uncommitted changes, or the installed version;
and the environment (Python, OS, packages)."""

import platform
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from barrio.model import provenance
from barrio.model.provenance import CodeIdentity, code_identity, environment, identify

GIT = ["git", "-c", "user.name=Barrio tests", "-c", "user.email=tests@example.org"]


def git(folder: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path):
    """A repository with one committed package."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("RATE = 1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    return package


def test_a_clean_checkout_is_named_by_its_commit(checkout):
    found = identify(checkout)
    commit = git(checkout, "rev-parse", "HEAD").strip()
    assert found.source == "git" and found.commit == commit and not found.dirty
    assert found.version.endswith(f"+g{commit[:9]}")


def test_uncommitted_changes_are_named_by_a_hash_of_the_diff(checkout):
    clean = identify(checkout)
    (checkout / "__init__.py").write_text("RATE = 2\n")
    edited = identify(checkout)
    assert edited.dirty and edited.version == f"{clean.version}.dirty-{edited.changes}"
    assert identify(checkout) == edited  # the same edited tree is the same code
    assert not edited.same_code(clean)
    (checkout / "__init__.py").write_text("RATE = 3\n")
    other = identify(checkout)
    assert other.dirty and other.changes != edited.changes and not other.same_code(edited)
    (checkout / "__init__.py").write_text("RATE = 1\n")
    assert identify(checkout) == clean  # undoing the edit is the committed code again


def test_only_changes_to_the_package_and_its_build_settings_count(checkout):
    top = checkout.parent
    (top / "pyproject.toml").write_text('[tool.setuptools.package-dir]\n"pkg" = "pkg"\n')
    (top / "README.md").write_text("Read me.\n")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "settings")
    clean = identify(checkout)
    (top / "README.md").write_text("Read me, edited.\n")
    assert identify(checkout) == clean  # the docs change no result
    (checkout / "__init__.py").write_text("RATE = 2\n")
    edited = identify(checkout)
    assert edited.dirty
    (top / "pyproject.toml").write_text('[tool.setuptools.package-dir]\n"pkg" = "pkg"\n# a dependency\n')
    assert identify(checkout).changes not in (None, edited.changes)


def test_a_package_git_does_not_track_takes_the_installed_version(tmp_path, checkout):
    # As a wheel installed into a venv inside some repository: that repository's commit is not ours.
    inside = tmp_path / "venv" / "site-packages" / "barrio"
    inside.mkdir(parents=True)
    (inside / "__init__.py").write_text("")
    found = identify(inside)
    assert found.source in ("package", "unknown") and found.commit is None
    assert found.version == (metadata.version("barrio") if found.source == "package" else "unknown")


def test_same_code_compares_commits_and_changes_else_versions():
    a = CodeIdentity("0.2.0+gabc", "git", "abc" * 13, None)
    assert a.same_code(CodeIdentity.from_dict(a.to_dict()))
    assert not a.same_code(CodeIdentity("0.2.0+gabc.dirty-1", "git", "abc" * 13, "1"))
    assert not a.same_code(CodeIdentity("0.2.0+gdef", "git", "def" * 13, None))
    assert CodeIdentity("0.2.0", "package").same_code(CodeIdentity("0.2.0", "package"))
    assert not CodeIdentity("0.2.0", "package").same_code(CodeIdentity("0.2.1", "package"))


def test_this_checkout_and_the_run_table_say_the_same_version(small_run):
    here = code_identity()
    top = Path(provenance.__file__).resolve().parents[1]
    if here.source == "git":
        assert here.commit == git(top, "rev-parse", "HEAD").strip()
        package = ["barrio", "model", "experiments", "app", "scenarios", "pyproject.toml"]
        assert here.dirty == bool(git(top, "diff", "HEAD", "--", *package))
    assert set(small_run.version) == {here.version}


def test_the_environment_lists_python_the_system_and_installed_packages():
    env = environment()
    assert env["python"] == platform.python_version()
    assert platform.system() in env["os"]
    assert env["packages"]["numpy"] == np.__version__
    assert env["packages"]["pandas"] == metadata.version("pandas")
