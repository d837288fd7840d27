"""Barrio's experiments: batches of runs, their numbers and their reports.

:mod:`experiments.studies` holds what a user does (``run``, ``compare``, ``sweep``; the
``barrio`` command and ``import barrio`` both call it), :mod:`experiments.results` the
:class:`~experiments.results.Results` they return. ``experiments.load(DIR)`` reads a results
folder written by ``compare`` or ``sweep`` as one tidy table (``barrio.load(DIR).table``).
"""

from barrio.experiments.batch import load

__all__ = ["load"]
