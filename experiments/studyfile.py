"""Reading a study's YAML file (a calibration, a held-out check) against its schema, every problem at once.

Each problem names the file, the line and the field, as scenario files' problems do
(:class:`~model.scenario.Problem`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from barrio.model.scenario import Problem, ScenarioError, read_yaml

__all__ = ["StudyFile", "read_study"]


class StudyFile:
    """A study file being checked: the problems found so far, each with its line."""

    def __init__(self, path: Path, lines: dict) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, loc: tuple, message: str) -> None:
        """Note a problem at the key path ``loc`` (its line, or its nearest parent's)."""
        line = next((self.lines[loc[:k]][1] for k in range(len(loc), 0, -1) if loc[:k] in self.lines), None)
        self.problems.append(Problem(str(self.path), line, ".".join(map(str, loc)), message))

    def check(self) -> None:
        """Raise every problem noted, if any.

        Raises:
            ScenarioError: If any problem was noted.
        """
        if self.problems:
            raise ScenarioError(self.problems)


def read_study[Schema: BaseModel](path: Path | str, schema: type[Schema]) -> tuple[Schema, StudyFile]:
    """Read a study file and check it against ``schema``.

    Returns:
        The file's contents as the schema, and the file, for the caller's own checks.

    Raises:
        ScenarioError: If the file cannot be read or does not fit the schema (every problem).
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, "", "no such file")])
    data, lines, problems = read_yaml(path)
    if problems:
        raise ScenarioError(problems)
    file = StudyFile(path, lines)
    try:
        return schema.model_validate(data), file
    except ValidationError as err:
        for e in err.errors():
            unknown = e["type"] == "extra_forbidden"
            file.problem(
                tuple(e["loc"]), "unknown name" if unknown else e["msg"].removeprefix("Value error, ")
            )
        raise ScenarioError(file.problems) from None
