"""Operator station HMI for a Manufacturing Execution System."""

__version__ = "0.1.0"
