"""The administrator's Sync screen: sync health, and the rows the central database refused.

Top: the health of sync with the central database as tiles — link, unsent events, the
oldest one's age, the last success, clock skew against the central server, use of the
backlog budget, refused rows — grey when fine, amber when someone should know, red when
someone must act (the same rules as the header's indicator), the last error and disk or
clock warnings in words below them, and a big **Sync now**.

Below: the refused rows (``sync_quarantine``), red for a station event the central side
refused, amber for a central master-data version in conflict with the station's own. The
selected one shows why in words (and the server's own words), the row's fields as a
key/value table, attempts and first/last seen in station time, and what to do:
**Send again** (station events only: the row from the station's own table, sent once) and
**Mark resolved…** (a note is asked for; without one the service refuses). Refusals and
errors show in the page's message line. Every action goes through
:class:`~hmi.services.quarantine.QuarantineService`, which checks ``sync.resolve``.

Fits the content area of a 1280×800 panel (1120×650); touch targets are at least 64 px.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScroller,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hmi.services.errors import OperatorError
from hmi.services.permissions import SYNC_RESOLVE, PermissionDenied
from hmi.services.quarantine import CLOCK_SKEW_WARN_S, QuarantineEntry
from hmi.views.presenters import SYNC_LAG_WARN_S, duration_text
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.message import MessageLabel
from hmi.widgets.style import set_props
from hmi.widgets.tiles import ValueTile

__all__ = ["NoteDialog", "SyncPage"]

#: The page's own sizes: compact tiles and 64-px buttons so health, list and detail fit 650 px.
_QSS = """
QFrame#tile { min-height: 88px; max-height: 88px; }
QFrame#tile QLabel#tileValue { font-size: 32px; }
QFrame#tile QLabel#tileTitle { font-size: 17px; }
QFrame#tile QLabel#tileNote { font-size: 15px; }
QPushButton { min-height: 64px; max-height: 64px; font-size: 22px; padding: 0 14px; }
QPushButton#syncNow { min-width: 220px; font-size: 24px; font-weight: bold; }
QLabel#entryTitle { font-size: 24px; font-weight: bold; }
QLabel#entryReason { font-size: 21px; font-weight: bold; padding: 6px 10px; border-radius: 6px; }
QLabel#entryReason[severity="alarm"] { background: #d0021b; color: #ffffff; }
QLabel#entryReason[severity="warning"] { background: #f5a623; color: #1a1a1a; }
QLabel#entryReason[severity="normal"] { background: #e6e6e6; color: #1a1a1a; }
QLabel#entryServer { font-size: 17px; color: #3c3c3c; }
QLabel#entryFacts { font-size: 18px; }
QLabel#entryTodo { font-size: 18px; color: #1a1a1a; }
QLabel#syncHealth { font-size: 19px; font-weight: bold; padding: 6px 10px; border-radius: 6px; }
QLabel#syncHealth[severity="alarm"] { background: #d0021b; color: #ffffff; }
QLabel#syncHealth[severity="warning"] { background: #f5a623; color: #1a1a1a; }
QLabel#syncHealth[severity="ok"] { background: #e6e6e6; color: #1a1a1a; border: 2px solid #b0b0b0; }
QLabel#message { font-size: 19px; padding: 6px 10px; }
QTableWidget#rowFields { font-size: 18px; background: #ffffff; border: 2px solid #8a8a8a;
                         border-radius: 6px; gridline-color: #d0d0d0; }
QTableWidget#rowFields::item { padding: 2px 6px; }
QTableWidget#rowFields QScrollBar:vertical { width: 24px; }
QFrame#card QLabel#cardDetail { font-size: 18px; }
"""

#: Fields shown first in the key/value table (the rest follow by name).
_FIRST = ("id", "station_id", "seq", "recorded_at", "source_ts", "actor_badge", "code",
          "version", "status")


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


def _table_words(table: str) -> str:
    words = table.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u2009")


def _compact(n: int) -> str:
    """10000000 → "10 M" (a tile's note has little room)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}\u2009M"
    return _count(n)


_TOO_LONG = re.compile(r"character varying\((\d+)\)")
_COLUMN = re.compile(r'column "([^"]+)"')
_DIFFERS = re.compile(r"differs from the station's \(([^)]*)\)")


def suspect_fields(data: dict, reason: str) -> dict[str, str]:
    """Fields the server's reason points at: {field: note} (a value longer than the central
    column says how long it is; a column the server names, nothing more)."""
    out: dict[str, str] = {}
    for name in _COLUMN.findall(reason):
        if name in data:
            out[name] = ""
    m = _DIFFERS.search(reason)
    if m:
        for name in m.group(1).split(","):
            if name.strip() in data:
                out[name.strip()] = _t("differs from the station's")
    m = _TOO_LONG.search(reason)
    if m:
        limit = int(m.group(1))
        for k, v in data.items():
            if isinstance(v, str) and len(v) > limit:
                out[k] = _t("%1 characters, the central column takes %2").replace(
                    "%1", str(len(v))).replace("%2", str(limit))
    return out


def _wrapped(name: str, parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


# --------------------------------------------------------------------------- note dialog


class NoteDialog(QDialog):
    """Asks what was done about a refused row: a note field and one-tap common notes
    (a panel has no keyboard). ``note`` holds the text when accepted."""

    def __init__(self, title: str, question: str, presets: Sequence[str], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(760)
        lay = QVBoxLayout(self)
        head = QLabel(title, self)
        head.setObjectName("dialogTitle")
        lay.addWidget(head)
        ask = QLabel(question, self)
        ask.setWordWrap(True)
        lay.addWidget(ask)
        self.field = QLineEdit(self)
        self.field.setObjectName("noteField")
        self.field.setMaxLength(300)
        self.field.setPlaceholderText(_t("What was done?"))
        lay.addWidget(self.field)
        grid = QGridLayout()
        self.presets: dict[str, QPushButton] = {}
        for i, text in enumerate(presets):
            btn = QPushButton(text, self)
            btn.setObjectName("presetButton")
            btn.clicked.connect(lambda _=False, t=text: self.field.setText(t))
            grid.addWidget(btn, i // 2, i % 2)
            self.presets[text] = btn
        lay.addLayout(grid)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(_t("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = QPushButton(_t("Mark resolved"), self)
        self.ok_button.setProperty("primary", True)
        self.ok_button.clicked.connect(self.accept)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        lay.addLayout(row)

    @property
    def note(self) -> str:
        return self.field.text().strip()


_PUSH_NOTES = ("Duplicate: already at the central database", "Not needed at the central database",
               "Entered centrally by hand", "Test data: not for the central database")
_PULL_NOTES = ("New version made centrally", "The station's version is the right one",
               "Central version corrected", "Checked with the planner: no action")


# --------------------------------------------------------------------------- page


class SyncPage(QWidget):
    """Sync health and the refused rows; ``sig_sync_now`` asks the sync loop to run now."""

    sig_sync_now = Signal()

    def __init__(self, quarantine: Any, session: Any, timezone: str, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncScreen")
        self.setStyleSheet(_QSS)
        self._svc = quarantine
        self._session = session
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._selected: str | None = None
        self._status: Any = None
        self._retrying: str | None = None
        #: the fields the selected entry's reason points at (shown first, in red)
        self.suspects: list[str] = []
        self.note_dialog_factory: Callable[..., Any] = NoteDialog

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        root.setSpacing(8)
        top = QHBoxLayout()
        self.title = QLabel(_t("Sync with the central database"), self)
        self.title.setObjectName("screenTitle")
        top.addWidget(self.title, 1)
        self.sync_button = QPushButton(_t("⇅ Sync now"), self)
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setProperty("primary", True)
        self.sync_button.clicked.connect(self.sync_now)
        top.addWidget(self.sync_button)
        root.addLayout(top)

        self.tiles_box = QWidget(self)
        tiles = QHBoxLayout(self.tiles_box)
        tiles.setContentsMargins(0, 0, 0, 0)
        tiles.setSpacing(8)
        self.tiles: dict[str, ValueTile] = {}
        for key, title in (("link", _t("Central database")), ("unsent", _t("Unsent events")),
                           ("oldest", _t("Oldest unsent")), ("success", _t("Last success")),
                           ("skew", _t("Clock skew")), ("budget", _t("Backlog budget")),
                           ("refused", _t("Refused rows"))):
            tile = ValueTile(title, parent=self.tiles_box)
            tile.setMinimumHeight(88)
            tiles.addWidget(tile, 1)
            self.tiles[key] = tile
        root.addWidget(self.tiles_box)
        self.health = _wrapped("syncHealth", self)
        self.health.hide()
        root.addWidget(self.health)

        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(6)
        self.list_title = QLabel(_t("Refused rows"), self)
        self.list_title.setObjectName("sectionTitle")
        left.addWidget(self.list_title)
        self.list = CardList(_t("No refused rows. Everything the central side refused would "
                                "be listed here with its reason."), self)
        self.list.setFixedWidth(400)
        self.list.sig_selected.connect(self.select)
        left.addWidget(self.list, 1)
        body.addLayout(left)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.entry_title = _wrapped("entryTitle", self)
        self.reason = _wrapped("entryReason", self)
        self.server = _wrapped("entryServer", self)
        self.server.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = _wrapped("entryFacts", self)
        self.fields = QTableWidget(0, 2, self)
        self.fields.setObjectName("rowFields")
        self.fields.horizontalHeader().hide()
        self.fields.verticalHeader().hide()
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.fields.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fields.setWordWrap(False)
        self.fields.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.fields.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().setDefaultSectionSize(34)
        self.fields.setMinimumHeight(72)
        QScroller.grabGesture(self.fields.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        self.todo = _wrapped("entryTodo", self)
        self.message = MessageLabel(self)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton(_t("Send again"), self)
        self.retry_button.setProperty("primary", True)
        self.retry_button.clicked.connect(self.send_again)
        self.resolve_button = QPushButton(_t("Mark resolved…"), self)
        self.resolve_button.clicked.connect(self.mark_resolved)
        buttons.addWidget(self.retry_button, 1)
        buttons.addWidget(self.resolve_button, 1)
        self.placeholder = _wrapped("hint", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.placeholder, 1)
        right.addWidget(self.entry_title)
        right.addWidget(self.reason)
        right.addWidget(self.server)
        right.addWidget(self.facts)
        right.addWidget(self.fields, 1)
        right.addWidget(self.todo)
        right.addLayout(buttons)
        body.addLayout(right, 1)
        root.addLayout(body, 1)
        root.addWidget(self.message)  # the whole width: what happened and what to do

        quarantine.sig_changed.connect(self._entries_changed)
        quarantine.sig_done.connect(self._done)
        quarantine.sig_error.connect(self._error)
        self._standalone = bool(getattr(quarantine, "standalone", False))
        self.show_status(None)
        self._show_entries()

    # ------------------------------------------------------------------ health

    def show_status(self, status: Any) -> None:
        """Slot for ``SyncService.sig_status``: the tiles and the health line."""
        self._status = status
        off = self._standalone
        self.tiles_box.setVisible(not off)
        self.sync_button.setVisible(not off)
        if off:
            self._say_health(_t("Sync with the central database is off: this station has no "
                                "central database configured (central_url) and runs "
                                "standalone. Everything stays in its own store."), "ok")
            return
        if status is None:
            for tile in self.tiles.values():
                tile.show_value("—", stale=True, note=_t("not yet"))
            self._say_health(_t("Waiting for the first sync run…"), "ok")
            return
        t = self.tiles
        online = bool(status.online)
        checked = (_t("at %1").replace("%1", self._local(status.last_run_at, "%H:%M:%S"))
                   if status.last_run_at else "")
        t["link"].show_value(_t("ONLINE") if online else _t("OFFLINE"),
                             severity="normal" if online else "warning", note=checked)
        age = status.oldest_unsent_s
        late = bool(status.backlog) and age is not None and age > SYNC_LAG_WARN_S
        t["unsent"].show_value(_count(int(status.backlog or 0)),
                               severity="warning" if late else "normal",
                               note=_t("all sent") if not status.backlog else _t("events"))
        t["oldest"].show_value(duration_text(age) if age is not None else "—",
                               severity="warning" if late else "normal",
                               note=_t("waiting") if age is not None else _t("nothing waits"))
        last_ok = self._last_success()
        t["success"].show_value(
            self._local(last_ok, "%H:%M:%S") if last_ok else _t("never"),
            severity="normal" if online or last_ok is None else "warning",
            note=self._local(last_ok, "%Y-%m-%d") if last_ok else "")
        skew = status.clock_skew_s
        t["skew"].show_value(f"{skew:+.1f} s" if skew is not None else "—",
                             severity="warning" if skew is not None and abs(skew) >
                             CLOCK_SKEW_WARN_S else "normal",
                             note=_t("vs central") if skew is not None
                             else _t("measured when online"))
        budget = status.backlog_budget
        if budget:
            pct = 100.0 * (status.backlog or 0) / budget
            t["budget"].show_value(f"{pct:.0f} %" if pct >= 1 or not status.backlog
                                   else "<1 %",
                                   severity="alarm" if pct >= 80 else
                                   "warning" if pct >= 50 else "normal",
                                   note=_t("of %1 events").replace("%1", _compact(budget)))
        else:
            t["budget"].show_value("—", note=_t("no budget set"))
        n = int(status.quarantined or 0)
        t["refused"].show_value(str(n), severity="alarm" if n else "normal",
                                note=_t("see below") if n else _t("none"))
        self._show_health(status)
        if n != len(self._svc.entries()) and not self._svc.busy:
            self._svc.refresh()  # the sync loop refused (or someone resolved) rows meanwhile

    def _last_success(self) -> dt.datetime | None:
        """The newer of the store's record and this run (a run without errors is a success)."""
        stored = getattr(self._svc, "last_success_at", None)
        s = self._status
        run = s.last_run_at if s is not None and s.online and not s.last_error else None
        return max((x for x in (stored, run) if x is not None), default=None)

    def _show_health(self, status: Any) -> None:
        lines: list[str] = []
        severity = "ok"
        budget = status.backlog_budget
        pct = 100.0 * (status.backlog or 0) / budget if budget else 0.0
        if status.disk_warning:
            severity = "alarm"
            if pct >= 80:
                lines.append(_t("The backlog has used %1 % of its budget: get the central "
                                "database back soon, or the station's disk fills up.")
                             .replace("%1", f"{pct:.0f}"))
            else:
                lines.append(_t("The disk holding the station's store is nearly full: call "
                                "maintenance to free space."))
        if status.last_error:
            severity = "alarm" if severity == "alarm" else "warning"
            lines.append(_t("Last error: %1").replace("%1", status.last_error))
        for w in status.warnings or ():
            if severity == "ok":
                severity = "warning"
            lines.append(w[:1].upper() + w[1:])
        self._say_health("\n".join(lines[:3]), severity)

    def _say_health(self, text: str, severity: str) -> None:
        self.health.setText(text)
        set_props(self.health, severity=severity)
        self.health.setVisible(bool(text))

    def sync_now(self) -> None:
        self.sig_sync_now.emit()
        self._say(_t("Sync asked to run now; the tiles update after the run."), "ok")

    # ------------------------------------------------------------------ entries

    def refresh(self) -> None:
        self._svc.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._svc.busy:
            self._svc.refresh()

    def _entries_changed(self, *_: object) -> None:
        self._show_entries()

    def _show_entries(self) -> None:
        entries = self._svc.entries()
        cards = [self._card(e) for e in entries]
        self._selected = self.list.show_keeping(cards, self._selected)
        n = len(entries)
        self.list_title.setText(_t("Refused rows (%1)").replace("%1", str(n)) if n
                                else _t("Refused rows"))
        if self._status is not None and not self._standalone:
            self.tiles["refused"].show_value(str(n), severity="alarm" if n else "normal",
                                             note=_t("see below") if n else _t("none"))
        self._show_selected()

    def _card(self, e: QuarantineEntry) -> Card:
        kind = _t("refused") if e.direction == "push" else _t("conflict")
        return Card(key=e.id, title=f"{_table_words(e.table)} · {e.row_key}",
                    detail=f"{kind}: {e.reason_in_words()}",
                    severity="alarm" if e.direction == "push" else "warning",
                    badge=f"×{e.attempts}" if e.attempts > 1 else "")

    def select(self, key: str) -> None:
        if key != self._selected:
            self._selected = key
            self._say("", "ok")
        self.list.select(key)
        self._show_selected()

    def selected_entry(self) -> QuarantineEntry | None:
        return self._svc.entry(self._selected) if self._selected else None

    def _show_selected(self) -> None:
        e = self.selected_entry()
        shown = e is not None and e.is_open
        for w in (self.entry_title, self.reason, self.server, self.facts, self.fields,
                  self.todo, self.retry_button, self.resolve_button):
            w.setVisible(shown)
        self.placeholder.setVisible(not shown)
        if not shown:
            self.placeholder.setText(_t("Tap a refused row to see why it was refused and what "
                                        "to do.") if self._svc.entries() else "")
            return
        assert e is not None
        where = _t("station event") if e.direction == "push" else _t("conflict")
        self.entry_title.setText(f"{_table_words(e.table)} · {e.row_key}  ({where})")
        self.reason.setText(e.reason_in_words())
        set_props(self.reason, severity="alarm" if e.direction == "push" else "warning")
        label = _t("Central database said: %1") if e.direction == "push" else _t("Sync said: %1")
        self.server.setText(label.replace("%1", e.reason))
        first = self._local(e.first_seen_at, "%Y-%m-%d %H:%M")
        last = self._local(e.last_seen_at, "%Y-%m-%d %H:%M")
        if last[:10] == first[:10]:
            last = last[11:]
        self.facts.setText(_t("Attempts %1 · first seen %2 · last seen %3 (station time)")
                           .replace("%1", str(e.attempts)).replace("%2", first)
                           .replace("%3", last))
        self._fill_fields(e.row_data or {}, e.reason, alarm=e.direction == "push")
        self.todo.setText(e.what_to_do())
        # a message says what to do itself; both would squeeze the row's fields
        self.todo.setVisible(not self.message.text())
        self.retry_button.setVisible(e.direction == "push")
        self.retry_button.setEnabled(self._retrying is None and e.can_retry)
        self.retry_button.setText(_t("Sending…") if self._retrying == e.id else _t("Send again"))

    def _fill_fields(self, data: dict, reason: str = "", alarm: bool = True) -> None:
        """The row's fields; those the reason points at first, marked red, with a note."""
        suspects = suspect_fields(data, reason)
        keys = ([k for k in data if k in suspects]
                + [k for k in _FIRST if k in data and k not in suspects]
                + sorted(k for k in data if k not in _FIRST and k not in suspects))
        self.fields.setRowCount(len(keys))
        for i, k in enumerate(keys):
            name = QTableWidgetItem(k)
            font = name.font()
            font.setBold(True)
            name.setFont(font)
            value = self._value_text(k, data[k])
            cell = QTableWidgetItem(value)
            cell.setToolTip(value)
            if k in suspects:
                cell.setText(f"{suspects[k]}: {value}" if suspects[k] else value)
                for item in (name, cell):  # the theme's alarm red / warning amber
                    item.setBackground(QColor("#d0021b" if alarm else "#f5a623"))
                    item.setForeground(QColor("#ffffff" if alarm else "#1a1a1a"))
            self.fields.setItem(i, 0, name)
            self.fields.setItem(i, 1, cell)
        self.suspects = list(suspects)

    def _value_text(self, key: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        text = str(value)
        if key.endswith(("_at", "_ts")) and isinstance(value, str):
            try:
                t = dt.datetime.fromisoformat(value)
            except ValueError:
                return text
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.UTC)  # the store keeps UTC
            return t.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S")
        return text.replace("\n", "⏎")

    def _local(self, t: dt.datetime | None, fmt: str) -> str:
        return t.astimezone(self._tz).strftime(fmt) if t is not None else "—"

    # ------------------------------------------------------------------ actions

    def _actor(self) -> Any:
        return getattr(self._session, "actor", None)

    def send_again(self) -> None:
        e = self.selected_entry()
        if e is None or self._retrying is not None:
            return
        # said (and the button held) before the call: the answer may come back at once
        self._retrying = e.id
        self._say(_t("Sending %1 %2 again…").replace("%1", e.table)
                  .replace("%2", e.row_key), "ok")
        self._show_selected()
        try:
            self._svc.retry(self._actor(), e.id)
        except (PermissionDenied, OperatorError) as exc:
            self._retrying = None
            self._say(str(exc), "alarm")
            self._show_selected()

    def mark_resolved(self) -> None:
        e = self.selected_entry()
        if e is None:
            return
        actor = self._actor()
        # Permission first: nobody types a note only to be told they may not.
        if actor is None or not actor.can(SYNC_RESOLVE):
            try:
                self._svc.resolve(actor, e.id, "")
            except (PermissionDenied, OperatorError) as exc:
                self._say(str(exc), "alarm")
            return
        presets = [_t(p) for p in (_PUSH_NOTES if e.direction == "push" else _PULL_NOTES)]
        dlg = self.note_dialog_factory(
            _t("Mark resolved"),
            _t("%1 · %2: what was done about it? The note goes into the audit trail.")
            .replace("%1", _table_words(e.table)).replace("%2", e.row_key),
            presets, parent=self)
        if not dlg.exec():
            return
        self._say(_t("Saving…"), "ok")
        try:
            self._svc.resolve(actor, e.id, dlg.note)
        except (PermissionDenied, OperatorError) as exc:
            self._say(str(exc), "alarm")

    def _say(self, text: str, severity: str) -> None:
        """The page's message line; while it speaks, the entry's what-to-do text rests."""
        self.message.say(text, severity)
        e = self.selected_entry()
        self.todo.setVisible(bool(e is not None and e.is_open and not text))

    def _done(self, text: str) -> None:
        self._retrying = None
        self._say(text, "ok")
        self._show_selected()

    def _error(self, text: str) -> None:
        self._retrying = None
        self._say(text, "alarm")
        self._show_selected()
