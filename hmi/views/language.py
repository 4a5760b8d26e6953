"""The UI language at run time: install translators, switch per person, re-translate screens.

The station starts in ``[ui] language``. When someone logs in whose master data
names a ``language``, the screens switch to it; on logout (or when nobody is
active) the station language returns (docs/translations.md).

Switching installs the compiled catalogue (``resources/i18n/hmi_<code>.qm``, plus
Qt's own ``qtbase_<code>.qm`` for standard dialogs) and then re-translates the
widgets that already exist **in place**: every visible text (label and button
texts, placeholders, titles, tool tips, tab, combo-box, list, tree and table
items and headers) is looked up in the catalogue of the language it is shown in
— exactly, or as a template with ``%1`` arguments, so "Order 4711 started"
becomes "Auftrag 4711 gestartet" — and replaced by the new language's text.
Nothing is rebuilt, so no screen loses what is typed or selected; anything a
screen formats afresh (the live values, messages, lists it reloads) uses
``tr()`` and is in the new language from then on. A text a screen glued
together from pieces ("A · B") is not found and changes the next time the
screen sets it. Widgets can also react themselves: Qt sends them
``QEvent.LanguageChange`` as usual.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator, Signal
from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from hmi.services.i18n import SOURCE_LANGUAGE, i18n_dir, language_name, shipped_languages

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%(\d+|n)")


# --------------------------------------------------------------------------- catalogues


def qm_path(language: str, directory: Path | None = None) -> Path | None:
    """The compiled catalogue for ``language``; compiled from the ``.ts`` into a cache
    directory when only the source is there (a checkout without .qm files)."""
    directory = directory or i18n_dir()
    qm = directory / f"hmi_{language}.qm"
    ts = directory / f"hmi_{language}.ts"
    if qm.exists():
        return qm
    if not ts.exists():
        return None
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    exe = str(lrelease) if lrelease.exists() else shutil.which("pyside6-lrelease")
    if exe is None:
        log.warning("%s has no compiled %s and pyside6-lrelease is missing", ts, qm.name)
        return None
    cache = Path(tempfile.gettempdir()) / "openmes-station-i18n"
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / qm.name
    if not out.exists() or out.stat().st_mtime < ts.stat().st_mtime:
        done = subprocess.run([exe, "-silent", str(ts), "-qm", str(out)], check=False,
                              capture_output=True, text=True)
        if done.returncode != 0:
            log.warning("lrelease failed for %s: %s", ts, done.stderr.strip())
            return None
    return out


class _Template:
    """A translation with placeholders as a regular expression, compiled when first needed
    (a catalogue has hundreds; a switch uses a few)."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def match(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self._source, re.DOTALL)
        return self._compiled.match(text)


@dataclass
class Catalogue:
    """One language's texts: (context, source) → shown text, and the reverse."""

    language: str
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    _reverse: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _templates: dict[str, list[tuple[_Template, list[str], tuple[str, str]]]] = field(
        default_factory=dict)
    _trailing: dict[str, list[tuple[_Template, list[str], tuple[str, str]]]] = field(
        default_factory=dict)
    _leading: list[tuple[_Template, list[str], tuple[str, str]]] = field(default_factory=list)

    @classmethod
    def load(cls, language: str, directory: Path | None = None) -> Catalogue:
        directory = directory or i18n_dir()
        # The source language shows the sources; its .ts only adds plural forms.
        ts = directory / f"hmi_{language}.ts"
        reference = ts if language != SOURCE_LANGUAGE else None
        if reference is None:  # English: every source of any shipped catalogue
            others = [p for p in sorted(directory.glob("hmi_*.ts"))
                      if p.stem != f"hmi_{SOURCE_LANGUAGE}"]
            reference = others[0] if others else None
        cat = cls(language)
        if reference is None or not reference.exists():
            return cat
        for ctx in ET.parse(reference).getroot().iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                source = msg.findtext("source") or ""
                tr = msg.find("translation")
                if msg.get("numerus") == "yes":
                    continue  # counts are formatted afresh by the screens
                text = source
                if language != SOURCE_LANGUAGE and tr is not None and tr.text and \
                        tr.get("type") not in ("unfinished", "obsolete", "vanished"):
                    text = tr.text
                cat.texts[(name, source)] = text
        cat._index()
        return cat

    def _index(self) -> None:
        for key, text in self.texts.items():
            self._reverse.setdefault(text, []).append(key)
            if not _PLACEHOLDER.search(text):
                continue
            parts = _PLACEHOLDER.split(text)  # literal, name, literal, name, …
            names: list[str] = []
            pattern = ""
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    pattern += re.escape(part)
                elif part in names:
                    pattern += f"(?P=p{part})"
                else:
                    names.append(part)
                    pattern += f"(?P<p{part}>.+?)"
            if not any(parts[0::2]):
                continue  # "%1" alone would match anything
            entry = (_Template(pattern + r"\Z"), names, key)
            if len(parts[0]) >= 2:
                self._templates.setdefault(parts[0][:2], []).append(entry)
            elif len(parts[-1]) >= 2:
                self._trailing.setdefault(parts[-1][-2:], []).append(entry)
            else:
                self._leading.append(entry)

    def find(self, shown: str) -> list[tuple[tuple[str, str], dict[str, str]]]:
        """Which (context, source) could have produced ``shown``, with the arguments."""
        found: list[tuple[tuple[str, str], dict[str, str]]] = [
            (key, {}) for key in self._reverse.get(shown, ())]
        if found:
            return found
        for pattern, names, key in (*self._templates.get(shown[:2], ()),
                                    *self._trailing.get(shown[-2:], ()), *self._leading):
            m = pattern.match(shown)
            if m:
                found.append((key, {n: m.group(f"p{n}") for n in names}))
        # The template with the most literal text is the likeliest ("%1 of %2 done" over "%1 %2").
        found.sort(key=lambda c: -len(_PLACEHOLDER.sub("", self.texts[c[0]])))
        return found


def _fill(template: str, args: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: args.get(m.group(1), m.group(0)), template)


class Retranslator:
    """Carries shown texts from one catalogue to another (see the module docstring)."""

    def __init__(self, old: Catalogue, new: Catalogue) -> None:
        self.old = old
        self.new = new
        self.changed = 0

    def text(self, shown: str, contexts: Iterable[str] = ()) -> str | None:
        """``shown`` in the new language, or None if it is not a known text."""
        if not shown or not shown.strip():
            return None
        candidates = self.old.find(shown)
        if not candidates:
            return None
        preferred = list(contexts)
        best = None
        for ctx in preferred:
            best = next((c for c in candidates if c[0][0] == ctx), None)
            if best is not None:
                break
        if best is None:  # not from this widget's classes: an exact match, else the first
            best = next((c for c in candidates if not c[1]), candidates[0])
        key, args = best
        new = _fill(self.new.texts.get(key, key[1]), args)
        return None if new == shown else new

    # -- widgets
    @staticmethod
    def _contexts(widget: QObject) -> list[str]:
        out: list[str] = []
        obj: QObject | None = widget
        while obj is not None:
            for cls in type(obj).__mro__:
                if cls.__module__.startswith("PySide6") or cls is object:
                    break
                if cls.__name__ not in out:
                    out.append(cls.__name__)
            obj = obj.parent()
        return out

    def _set(self, getter: Any, setter: Any, contexts: list[str],
             fitted: QWidget | None = None) -> None:
        new = self.text(getter(), contexts)
        if new is None:
            return
        # A widget whose width was fixed to fit its text (header indicators) is fitted again.
        refit = fitted is not None and fitted.minimumWidth() == fitted.maximumWidth() == \
            fitted.sizeHint().width()
        setter(new)
        if refit:
            fitted.setFixedWidth(fitted.sizeHint().width())
        self.changed += 1

    def widget(self, w: QWidget) -> None:
        ctx = self._contexts(w)
        if w.isWindow():
            self._set(w.windowTitle, w.setWindowTitle, ctx)
        if w.toolTip():
            self._set(w.toolTip, w.setToolTip, ctx)
        if isinstance(w, (QLabel, QAbstractButton)):
            self._set(w.text, w.setText, ctx, w)
        elif isinstance(w, QLineEdit):
            self._set(w.placeholderText, w.setPlaceholderText, ctx)
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            self._set(w.placeholderText, w.setPlaceholderText, ctx)
        elif isinstance(w, QGroupBox):
            self._set(w.title, w.setTitle, ctx)
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                self._set(lambda i=i: w.itemText(i), lambda t, i=i: w.setItemText(i, t), ctx)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                self._set(lambda i=i: w.tabText(i), lambda t, i=i: w.setTabText(i, t), ctx)
        if isinstance(w, QTableWidget):
            for header in (w.horizontalHeaderItem, w.verticalHeaderItem):
                for i in range(w.columnCount() if header == w.horizontalHeaderItem
                               else w.rowCount()):
                    item = header(i)
                    if item is not None:
                        self._set(item.text, item.setText, ctx)
            for r in range(w.rowCount()):
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None:
                        self._set(item.text, item.setText, ctx)
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                item = w.item(i)
                self._set(item.text, item.setText, ctx)
        elif isinstance(w, QTreeWidget):
            header = w.headerItem()
            for c in range(w.columnCount()):
                self._set(lambda c=c: header.text(c), lambda t, c=c: header.setText(c, t), ctx)
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item = stack.pop()
                for c in range(w.columnCount()):
                    self._set(lambda c=c, it=item: it.text(c),
                              lambda t, c=c, it=item: it.setText(c, t), ctx)
                stack.extend(item.child(i) for i in range(item.childCount()))
        elif isinstance(w, QAbstractItemView):
            model = w.model()
            if isinstance(model, QStandardItemModel):
                for r in range(model.rowCount()):
                    for c in range(model.columnCount()):
                        item = model.item(r, c)
                        if item is not None:
                            self._set(item.text, item.setText, ctx)
            w.viewport().update()  # models that call tr() when asked repaint in the new language
        for action in w.actions():
            if isinstance(action, QAction):
                self._set(action.text, action.setText, ctx)

    def apply(self, roots: Iterable[QWidget]) -> int:
        seen: set[int] = set()
        for root in roots:
            for w in (root, *root.findChildren(QWidget)):
                if id(w) in seen:
                    continue
                seen.add(id(w))
                self.widget(w)
        return self.changed


# --------------------------------------------------------------------------- the switcher


class LanguageSwitcher(QObject):
    """Owns the installed translators; follows who is logged in.

    ``set_language(code)`` switches now; ``follow(session)`` makes the active
    person's ``Actor.language`` the UI language and returns to the station
    language when nobody is logged in.
    """

    sig_language_changed = Signal(str)

    def __init__(self, station_language: str = SOURCE_LANGUAGE, app: QCoreApplication | None = None,
                 *, directory: Path | None = None) -> None:
        app = app or QCoreApplication.instance()
        super().__init__(app)
        self._app = app
        self._dir = directory or i18n_dir()
        self._translators: list[QTranslator] = []
        self._catalogues: dict[str, Catalogue] = {}
        self.language = SOURCE_LANGUAGE
        self.station_language = self._usable(station_language)
        self.last_switch_ms = 0.0
        self._installed = False
        self.set_language(self.station_language)

    # -- languages
    def available(self) -> tuple[str, ...]:
        return tuple(c for c in shipped_languages()
                     if c == SOURCE_LANGUAGE or qm_path(c, self._dir) is not None)

    @staticmethod
    def name(code: str) -> str:
        return language_name(code)

    def _usable(self, code: str | None) -> str:
        if not code or code == SOURCE_LANGUAGE:
            return SOURCE_LANGUAGE
        if qm_path(code, self._dir) is None:
            log.warning("no translation for language %r is shipped; showing English", code)
            return SOURCE_LANGUAGE
        return code

    def catalogue(self, code: str) -> Catalogue:
        if code not in self._catalogues:
            self._catalogues[code] = Catalogue.load(code, self._dir)
        return self._catalogues[code]

    def set_language(self, code: str | None) -> str:
        """Show ``code`` (None: the station language). Returns the language now shown."""
        want = self._usable(code) if code else self.station_language
        if want == self.language and self._installed:
            return want
        started = time.perf_counter()
        old = self.language
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators = []
        # English needs its catalogue only for plural forms; Qt's own is English already.
        qt_own = self._qt_catalogue(want) if want != SOURCE_LANGUAGE else None
        for qm in (qm_path(want, self._dir), qt_own):
            if qm is None:
                continue
            translator = QTranslator(self)
            if translator.load(str(qm)):
                if not translator.isEmpty():
                    self._app.installTranslator(translator)
                    self._translators.append(translator)
            else:
                log.warning("cannot load translation %s", qm)
        self.language = want
        self._installed = True
        if old != want and isinstance(self._app, QApplication):
            changed = Retranslator(self.catalogue(old), self.catalogue(want)).apply(
                QApplication.topLevelWidgets())
            log.info("language %s -> %s: %d texts re-translated", old, want, changed)
        self.last_switch_ms = (time.perf_counter() - started) * 1000
        if old != want:
            self.sig_language_changed.emit(want)
        return want

    @staticmethod
    def _qt_catalogue(code: str) -> Path | None:
        path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{code}.qm"
        return path if path.exists() else None

    # -- following the session
    def follow(self, session: Any) -> None:
        """Switch with the person who acts at ``session`` (a StationSession)."""
        active = getattr(session, "sig_active_changed", None)
        if active is not None:
            active.connect(self._on_actor)
        session.sig_user_logged_in.connect(self._on_actor)
        session.sig_user_logged_out.connect(lambda *_: self.set_language(None))

    def _on_actor(self, actor: Any) -> None:
        self.set_language(getattr(actor, "language", None) if actor is not None else None)
