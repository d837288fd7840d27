"""Barrio's experiments: the command line, batches of runs and their reports.

``experiments.load(DIR)`` reads a results folder written by ``barrio compare`` or
``barrio sweep`` as one tidy table.
"""

from barrio.experiments.batch import load

__all__ = ["load"]
