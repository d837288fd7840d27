"""The per-agent reference: Barrio's resident rules written the plain Mesa way."""

from benchmarks.reference.model import ReferenceModel, ResidentAgent

__all__ = ["ReferenceModel", "ResidentAgent"]
