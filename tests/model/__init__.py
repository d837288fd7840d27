"""Tests of barrio.model."""
