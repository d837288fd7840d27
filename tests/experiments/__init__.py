"""Tests of barrio.experiments."""
