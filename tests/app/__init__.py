"""Tests of barrio.app."""
