"""Translation of central-side messages without importing Qt (like hmi.services.erp.model.tr)."""

from __future__ import annotations

import sys


def tr(text: str, *args: object) -> str:
    """Translate ``text`` (context ``Central``; Qt-style ``%1`` placeholders).

    The station application has QtCore loaded and the text goes through
    ``QCoreApplication.translate``; on the command line, where Qt is not
    loaded, the source text is used."""
    qtcore = sys.modules.get("PySide6.QtCore")  # never imported from here
    out = qtcore.QCoreApplication.translate("Central", text) if qtcore is not None else text
    for i, arg in enumerate(args, 1):
        out = out.replace(f"%{i}", str(arg))
    return out
