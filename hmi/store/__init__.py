"""hmi.store layer (see docs/architecture.md)."""
