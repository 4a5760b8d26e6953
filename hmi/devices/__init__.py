"""hmi.devices layer (see docs/architecture.md)."""
