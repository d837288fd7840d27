"""Tests of the package front door: the command line, the Python API and the installed package."""
