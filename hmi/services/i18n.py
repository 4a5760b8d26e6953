"""Translation for text the services produce for the screen.

Services may use QtCore only, so messages go through
``QCoreApplication.translate`` like every ``tr()`` in the views; placeholders
are Qt-style ``%1``, ``%2`` so translators can reorder them. Without a
QCoreApplication (command line, tests) the source text is returned.

Write the context and the text as literals or a module-level constant and a
literal — ``tr(CTX, "Order %1 started", code)`` — so the extraction
(``resources/i18n/update.py``, docs/translations.md) finds them. A text that is
chosen at run time (a table of reasons) is marked where it is written with
``QT_TRANSLATE_NOOP(CTX, "…")`` from ``PySide6.QtCore`` and translated with
``tr(CTX, text)`` where it is shown.

Which languages exist is decided by the shipped files: ``resources/i18n/hmi_<code>.ts``
(English, the source language, always exists).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

#: The language the source texts are written in.
SOURCE_LANGUAGE = "en"

#: How each language calls itself (shown on the language button).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "es": "Español",
                                  "fr": "Français", "it": "Italiano", "pl": "Polski",
                                  "cs": "Čeština", "tr": "Türkçe", "nl": "Nederlands"}


def tr(context: str, text: str, *args: object) -> str:
    """``text`` in the installed language; ``%1``, ``%2`` … replaced by ``args``."""
    out = QCoreApplication.translate(context, text)
    for i, arg in enumerate(args, 1):
        out = out.replace(f"%{i}", str(arg))
    return out


def trn(context: str, text: str, n: int, *args: object) -> str:
    """Like :func:`tr` for a text that depends on a count: ``trn(CTX, "%n part(s)", n)``.

    ``%n`` is the count; the translation picks the language's plural form.
    """
    out = QCoreApplication.translate(context, text, None, n)
    for i, arg in enumerate(args, 1):
        out = out.replace(f"%{i}", str(arg))
    return out


def i18n_dir() -> Path:
    from hmi.config import resources_dir

    return resources_dir() / "i18n"


def shipped_languages() -> tuple[str, ...]:
    """Language codes the station can show: English and every ``hmi_<code>.ts`` shipped
    with a translation (``hmi_en.ts`` only holds English plural forms)."""
    found = {p.stem.removeprefix("hmi_") for p in i18n_dir().glob("hmi_*.ts")}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


def language_name(code: str) -> str:
    """How a language names itself (``Deutsch``); the code if it is not known."""
    return LANGUAGE_NAMES.get(code, code)
