"""hmi.views layer (see docs/architecture.md)."""
