"""Translation for text the services produce for the screen.

Services may use QtCore only, so messages go through
``QCoreApplication.translate`` like every ``tr()`` in the views; placeholders
are Qt-style ``%1``, ``%2`` so translators can reorder them. Without a
QCoreApplication (command line, tests) the source text is returned.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(context: str, text: str, *args: object) -> str:
    out = QCoreApplication.translate(context, text)
    for i, arg in enumerate(args, 1):
        out = out.replace(f"%{i}", str(arg))
    return out
