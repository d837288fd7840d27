"""Barrio: an agent-based simulation of drug micro-trafficking in Latin American neighbourhoods.

The package's front door: ``import barrio`` and run, compare and sweep scenarios from Python.
"""
