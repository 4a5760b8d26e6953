"""Helpers to switch a widget's look through dynamic properties of the theme."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def set_props(widget: QWidget, **props: object) -> None:
    """Set dynamic properties and re-polish so the QSS selectors apply.

    Only re-polishes when something actually changed: live values arrive
    several times a second and a re-polish is not free.
    """
    changed = False
    for name, value in props.items():
        if widget.property(name) != value:
            widget.setProperty(name, value)
            changed = True
    if changed:
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
        for child in widget.findChildren(QWidget):
            style.unpolish(child)
            style.polish(child)
        widget.updateGeometry()  # a new look can need a new size (font, padding)
        widget.update()
