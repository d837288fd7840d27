"""Which code made a result, and in which environment.

A run is fixed by its scenario, its seed and the code. The code is named by
:func:`code_identity`: in a git checkout, the commit and, when the package's files have
uncommitted changes, a short hash of ``git diff HEAD`` over them (so two runs of the same
edited tree are known to be the same code, and two different edits are not); installed from
a wheel, the package's version. :func:`environment` records the Python, the operating system
and every installed package with its version. Both are computed once per process.

The package's files are the folders ``pyproject.toml`` maps into it (``package-dir``) and
``pyproject.toml`` itself: an edit of the tests, the docs or a notebook changes no result and
does not count. Files that git does not track (a new module not yet added) are not part of
the diff either: add them to be counted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import platform
import subprocess
import tomllib
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

__all__ = ["CodeIdentity", "code_identity", "code_version", "environment", "identify"]

log = logging.getLogger(__name__)

#: Seconds a git command may take before the version is taken from the package instead.
_GIT_TIMEOUT = 10


@dataclass(frozen=True)
class CodeIdentity:
    """The code a run was made with.

    Attributes:
        version: What run tables and manifests show, e.g. ``0.2.0.dev3+g1234abc`` or, for a
            tree with uncommitted changes, ``0.2.0.dev3+g1234abc.dirty-5f0c2a9e1b7d``.
        source: ``git`` (a checkout), ``package`` (installed metadata) or ``unknown``.
        commit: The full commit hash, in a checkout.
        changes: Short hash of ``git diff HEAD`` when the tree had uncommitted changes.
    """

    version: str
    source: Literal["git", "package", "unknown"]
    commit: str | None = None
    changes: str | None = None

    @property
    def dirty(self) -> bool:
        """True when the checkout had uncommitted changes."""
        return self.changes is not None

    def same_code(self, other: CodeIdentity) -> bool:
        """Whether ``other`` names the same code.

        Two checkouts are the same code when they are at one commit with the same changes
        (or none); otherwise the versions must be equal.
        """
        if self.commit and other.commit:
            return (self.commit, self.changes) == (other.commit, other.changes)
        return self.version == other.version

    def to_dict(self) -> dict[str, Any]:
        """The identity as plain values (for a manifest)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> CodeIdentity:
        """The identity recorded by :meth:`to_dict`."""
        return cls(
            version=str(values.get("version", "unknown")),
            source=values.get("source", "unknown"),
            commit=values.get("commit"),
            changes=values.get("changes"),
        )


@functools.cache
def code_identity() -> CodeIdentity:
    """The code this process runs: from git in a checkout, else from the installed package."""
    return identify(Path(__file__).resolve().parent)


def identify(package: Path) -> CodeIdentity:
    """The identity of the code in ``package`` (a folder with an ``__init__.py``), not cached.

    From git if git tracks that folder's ``__init__.py``, else from the installed package.
    """
    try:
        # A checkout only if git tracks this very package: a wheel installed into a venv that
        # sits inside some repository must not take that repository's commit.
        _git(package, "ls-files", "--error-unmatch", "__init__.py")
        top = Path(_git(package, "rev-parse", "--show-toplevel").strip())
        commit = _git(top, "rev-parse", "HEAD").strip()
        diff = _git(top, "diff", "HEAD", "--binary", "--", *_package_files(top), text=False)
    except (OSError, subprocess.SubprocessError):
        return _installed()
    changes = hashlib.sha256(diff).hexdigest()[:12] if diff else None
    version = f"{_public_version(top)}+g{commit[:9]}"
    if changes:
        version += f".dirty-{changes}"
    return CodeIdentity(version=version, source="git", commit=commit, changes=changes)


def code_version() -> str:
    """Barrio's code version (with scenario and seed, what fixes a run); see :func:`code_identity`."""
    return code_identity().version


@functools.cache
def environment() -> dict[str, Any]:
    """The Python, the operating system and every installed package with its version."""
    packages: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            # The first found is the one imported: distributions() follows sys.path.
            packages.setdefault(name, dist.version)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": platform.platform(),
        "machine": platform.machine(),
        "packages": dict(sorted(packages.items(), key=lambda item: item[0].lower())),
    }


def _git(cwd: Path, *args: str, text: bool = True) -> Any:
    """The output of a git command (bytes when ``text`` is false); raises if git fails."""
    done = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        ["git", *args],  # noqa: S607 - git from PATH, as a developer's shell would
        cwd=cwd,
        capture_output=True,
        text=text,
        timeout=_GIT_TIMEOUT,
        check=True,
    )
    return done.stdout


def _installed() -> CodeIdentity:
    try:
        return CodeIdentity(version=metadata.version("barrio"), source="package")
    except metadata.PackageNotFoundError:
        return CodeIdentity(version="unknown", source="unknown")


def _public_version(top: Path) -> str:
    """The release part a wheel built from this checkout would have (``0.2.0.dev3``).

    setuptools-scm computes it, with the project's own settings, when it is installed (it is
    in the dev extra); otherwise ``git describe`` names the last tag and the commits since.
    """
    try:
        from setuptools_scm import get_version
    except ImportError:
        get_version = None
    if get_version is not None:
        settings = _scm_settings(top)
        try:
            return get_version(root=top, local_scheme="no-local-version", **settings)
        except Exception as err:  # any failure of the version tool falls back to git describe
            log.debug("setuptools-scm could not name the version: %s", err)
    try:
        described = _git(top, "describe", "--tags", "--long", "--always").strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return described.removeprefix("v")


def _scm_settings(top: Path) -> dict[str, Any]:
    """The project's settings that change how setuptools-scm names a version (not where it writes)."""
    settings = _pyproject(top).get("tool", {}).get("setuptools_scm", {})
    return {k: settings[k] for k in ("version_scheme", "tag_regex", "fallback_version") if k in settings}


def _package_files(top: Path) -> list[str]:
    """The paths whose changes change the package: its folders and pyproject.toml; none: all."""
    folders = _pyproject(top).get("tool", {}).get("setuptools", {}).get("package-dir", {})
    paths = sorted({str(folder) for folder in folders.values()})
    return [*paths, "pyproject.toml"] if paths else []


def _pyproject(top: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((top / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
