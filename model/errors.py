"""Barrio's exception hierarchy.

Every error Barrio raises on purpose descends from :class:`BarrioError` and also
from the built-in exception a Python user would expect, so ``except ValueError``
keeps working for callers who do not know Barrio.
"""

from __future__ import annotations

__all__ = ["BarrioError", "ParameterError"]


class BarrioError(Exception):
    """Base class of all errors raised by Barrio on purpose."""


class ParameterError(BarrioError, ValueError):
    """A model parameter is missing, of the wrong type or out of range.

    Attributes:
        problems: One ``(field path, message)`` pair per problem found, so that a
            caller can report all of them at once instead of only the first.
    """

    def __init__(self, problems: list[tuple[str, str]], source: str = "parameters") -> None:
        self.problems = problems
        self.source = source
        lines = [f"{source}: {len(problems)} problem(s)"]
        lines += [f"  {path}: {message}" for path, message in problems]
        super().__init__("\n".join(lines))
