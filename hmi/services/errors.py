"""The base of every refusal a service reports to the person at the panel."""

from __future__ import annotations


class OperatorError(ValueError):
    """An action was refused; ``operator_message`` (also ``str(exc)``) is for the screen:
    what happened and what to do. Raised before anything is written."""

    def __init__(self, message: str) -> None:
        self.operator_message = message
        super().__init__(message)
