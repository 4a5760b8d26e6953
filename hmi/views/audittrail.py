"""The Audit trail screen: team leads and administrators read who did what, and see that
the chain is intact.

Top: the chain's verdict as a tile that stands out — grey with a green edge, "Audit trail
intact — N entries checked, numbering 1..N complete", or red, "AUDIT TRAIL BROKEN at seq
812: entry was changed after it was written" — from ``verify_station`` on the DB worker
("checking…" until it is in), and **Refresh**.

Filters as big toggle buttons: All · Sign-in & security · Quality · Orders & recipes ·
Sync & upkeep, and **Only <person>** for the selected entry's badge.

Left: the entries, newest first — the action in words (an unknown code as it is), the
time in station time, who (the name from the user master data, else the badge, else
machine / system) and what it was about. Refusals and failed sign-ins are amber, a
lockout and an entry whose hash or link does not verify are red. **Older…** reads the
next page (with a filter on, until enough entries match).

Right: the selected entry — every field, ``old`` → ``new`` as a table of the changed
keys, and the entry's hash (short) with whether it still matches and links to the entry
before it.

Reading needs ``audit.view``: the page asks :class:`~hmi.services.audittrail.AuditTrailService`,
whose ``recent_entries`` refuses (and audits the refusal); the refusal shows in words and
no entry is shown.

Fits the content area of a 1280×800 panel (1120×650); touch targets are at least 56 px.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from hmi.services.audittrail import (
    LINK_BROKEN,
    LINK_CHANGED,
    LINK_PRUNED,
    LINK_START,
    ORDERS,
    QUALITY,
    SECURITY,
    SYNC,
    AuditRow,
    ChainVerdict,
    entity_text,
    verdict_text,
    who_text,
)
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.message import MessageLabel
from hmi.widgets.style import set_props

__all__ = ["AuditTrailPage"]

_QSS = """
QFrame#chainVerdict { border-radius: 8px; }
QFrame#chainVerdict[severity="ok"] { background: #e6e6e6; border: 2px solid #b0b0b0;
                                     border-left: 14px solid #3a7d44; }
QFrame#chainVerdict[severity="checking"], QFrame#chainVerdict[severity="none"] {
    background: #e6e6e6; border: 2px dashed #8a8a8a; }
QFrame#chainVerdict[severity="warning"] { background: #f5a623; border: 2px solid #a86b00; }
QFrame#chainVerdict[severity="alarm"] { background: #d0021b; border: 2px solid #8a0010; }
QFrame#chainVerdict QLabel#chainHead { font-size: 22px; font-weight: bold; color: #1a1a1a; }
QFrame#chainVerdict QLabel#chainNote { font-size: 17px; color: #1a1a1a; }
QFrame#chainVerdict[severity="alarm"] QLabel#chainHead,
QFrame#chainVerdict[severity="alarm"] QLabel#chainNote { color: #ffffff; }
QPushButton { min-height: 56px; max-height: 56px; font-size: 20px; padding: 0 12px; }
QPushButton#filterButton { font-size: 19px; padding: 0 8px; }
QPushButton#personButton { font-size: 19px; padding: 0 8px; min-width: 200px;
                           max-width: 200px; }
QPushButton#filterButton:checked, QPushButton#personButton:checked { font-weight: normal;
                                                                      border-width: 4px; }
QPushButton#refreshButton { min-height: 64px; max-height: 64px; min-width: 150px; }
QPushButton#olderButton { min-width: 170px; }
QFrame#card { min-height: 60px; }
QFrame#card QLabel#cardTitle { font-size: 19px; }
QFrame#card QLabel#cardDetail { font-size: 16px; }
QLabel#listCount { font-size: 16px; color: #3c3c3c; }
QLabel#entryTitle { font-size: 22px; font-weight: bold; padding: 6px 10px; border-radius: 6px; }
QLabel#entryTitle[severity="alarm"] { background: #d0021b; color: #ffffff; }
QLabel#entryTitle[severity="warning"] { background: #f5a623; color: #1a1a1a; }
QLabel#entryTitle[severity="normal"] { background: #e6e6e6; color: #1a1a1a; }
QLabel#entryFacts { font-size: 18px; }
QLabel#hashLine { font-size: 17px; padding: 4px 10px; border-radius: 6px; }
QLabel#hashLine[severity="ok"] { background: #e6e6e6; color: #1a1a1a;
                                 border-left: 10px solid #3a7d44; }
QLabel#hashLine[severity="alarm"] { background: #d0021b; color: #ffffff; font-weight: bold; }
QLabel#message { font-size: 19px; padding: 6px 10px; }
QWidget#detailBody { background: transparent; }
QScrollArea#detailArea QScrollBar:vertical { width: 24px; }
QFrame#changes { background: #ffffff; border: 2px solid #8a8a8a; }
QFrame#changes QLabel { font-size: 17px; padding: 3px 8px; border-bottom: 1px solid #d0d0d0; }
QFrame#changes QLabel#cellHead { font-size: 16px; font-weight: bold; background: #e6e6e6;
                                 border-bottom: 1px solid #8a8a8a; }
QFrame#changes QLabel#cellKey { font-weight: bold; }
"""

#: Keys whose ISO timestamps are shown in station time.
_TIME_SUFFIXES = ("_at", "_until", "_ts")


def _t(text: str) -> str:
    return QCoreApplication.translate("AuditTrailPage", text)


_LONG_RUN = re.compile(r"\S{25,}")


def breakable(text: str) -> str:
    """Long runs without a space (a hash, a path) may wrap: a zero-width space every 16
    characters, so one value cannot push the panel wider than the screen."""
    return _LONG_RUN.sub(lambda m: "\u200b".join(m.group(0)[i:i + 16]
                                                 for i in range(0, len(m.group(0)), 16)),
                         text)


def _wrapped(name: str, parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def changed_keys(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """``(key, before, after)`` of what changed between ``old`` and ``new``.

    Two dicts: the keys whose value differs (old's order, then new keys). Otherwise one
    row ``value`` when anything was recorded."""
    if isinstance(old, dict) or isinstance(new, dict):
        o = old if isinstance(old, dict) else {}
        n = new if isinstance(new, dict) else {}
        if not isinstance(old, dict) and old is not None:
            o = {"value": old}
        if not isinstance(new, dict) and new is not None:
            n = {"value": new}
        keys = list(o) + [k for k in n if k not in o]
        return [(k, o.get(k), n.get(k)) for k in keys if o.get(k) != n.get(k)]
    if old is None and new is None or old == new:
        return []
    return [("value", old, new)]


class AuditTrailPage(QWidget):
    """The audit trail for ``session.actor`` (needs ``audit.view``), in ``timezone``."""

    def __init__(self, service: Any, session: Any, timezone: str, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditScreen")
        self.setStyleSheet(_QSS)
        self._svc = service
        self._session = session
        self._tz = zoneinfo.ZoneInfo(timezone)
        self._tz_name = timezone
        self._selected: int | None = None
        self._category: str | None = None
        self._person: str | None = None  # the badge "Only <person>" keeps
        self._refused = False

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        root.setSpacing(8)

        # --- the verdict, and Refresh
        top = QHBoxLayout()
        top.setSpacing(8)
        self.verdict_box = QFrame(self)
        self.verdict_box.setObjectName("chainVerdict")
        vlay = QVBoxLayout(self.verdict_box)
        vlay.setContentsMargins(14, 6, 14, 6)
        vlay.setSpacing(2)
        self.verdict_head = _wrapped("chainHead", self.verdict_box)
        self.verdict_note = _wrapped("chainNote", self.verdict_box)
        vlay.addWidget(self.verdict_head)
        vlay.addWidget(self.verdict_note)
        top.addWidget(self.verdict_box, 1)
        self.refresh_button = QPushButton(self.tr("↻ Refresh"), self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        root.addLayout(top)

        # --- filters
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self._filter_group = QButtonGroup(self)
        self.filter_buttons: dict[str | None, QPushButton] = {}
        for key, text in ((None, self.tr("All")), (SECURITY, self.tr("Sign-in && security")),
                          (QUALITY, self.tr("Quality")), (ORDERS, self.tr("Orders && recipes")),
                          (SYNC, self.tr("Sync && upkeep"))):
            btn = QPushButton(text, self)
            btn.setObjectName("filterButton")
            btn.setCheckable(True)
            btn.clicked.connect(lambda _=False, k=key: self.set_category(k))
            self._filter_group.addButton(btn)
            filters.addWidget(btn, 1)
            self.filter_buttons[key] = btn
        self.filter_buttons[None].setChecked(True)
        self.person_button = QPushButton(self.tr("Only this person"), self)
        self.person_button.setObjectName("personButton")
        self.person_button.setCheckable(True)
        self.person_button.clicked.connect(self._toggle_person)
        filters.addWidget(self.person_button)
        root.addLayout(filters)

        # --- list and detail
        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(6)
        self.list = CardList("", self)
        self.list.setFixedWidth(520)
        self.list.sig_selected.connect(lambda key: self.select(int(key)))
        left.addWidget(self.list, 1)
        foot = QHBoxLayout()
        foot.setSpacing(8)
        self.older_button = QPushButton(self.tr("Older…"), self)
        self.older_button.setObjectName("olderButton")
        self.older_button.clicked.connect(self.load_older)
        self.count_label = _wrapped("listCount", self)
        foot.addWidget(self.older_button)
        foot.addWidget(self.count_label, 1)
        left.addLayout(foot)
        body.addLayout(left)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.placeholder = _wrapped("hint", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.entry_title = _wrapped("entryTitle", self)
        self.facts = _wrapped("entryFacts", self)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        # what changed: a grid of word-wrapping cells (Field | Before | After); the facts
        # and the grid scroll together when an entry recorded much
        self.changes = QFrame(self)
        self.changes.setObjectName("changes")
        self._grid = QGridLayout(self.changes)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(0)
        self._grid.setVerticalSpacing(0)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(2, 1)
        self._cells: list[list[QLabel]] = []
        self.no_changes = _wrapped("hint", self)
        self.detail_area = QScrollArea(self)
        self.detail_area.setObjectName("detailArea")
        self.detail_area.setWidgetResizable(True)
        self.detail_area.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self.detail_area)
        inner.setObjectName("detailBody")
        ilay = QVBoxLayout(inner)
        ilay.setContentsMargins(0, 0, 6, 0)
        ilay.setSpacing(6)
        self.facts.setParent(inner)
        self.changes.setParent(inner)
        self.no_changes.setParent(inner)
        ilay.addWidget(self.facts)
        ilay.addWidget(self.changes)
        ilay.addWidget(self.no_changes)
        ilay.addStretch(1)
        self.detail_area.setWidget(inner)
        QScroller.grabGesture(self.detail_area.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        self.hash_line = _wrapped("hashLine", self)
        right.addWidget(self.placeholder, 1)
        right.addWidget(self.entry_title)
        right.addWidget(self.detail_area, 1)
        right.addWidget(self.hash_line)
        body.addLayout(right, 1)
        root.addLayout(body, 1)
        self.message = MessageLabel(self)
        root.addWidget(self.message)

        service.sig_entries.connect(self._entries_changed)
        service.sig_verdict.connect(self.show_verdict)
        service.sig_refused.connect(self._refused_by_service)
        service.sig_error.connect(lambda text: self.message.say(text, "alarm"))
        for name in ("sig_user_logged_out", "sig_active_changed"):
            sig = getattr(session, name, None)
            if sig is not None:  # another person: nothing of the last one's view stays
                sig.connect(lambda *_a: self._person_changed())
        self.show_verdict(service.verdict)
        self._entries_changed(service.rows())

    # ------------------------------------------------------------------ loading

    def _actor(self) -> Any:
        return getattr(self._session, "actor", None)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._size_filters()
        super().showEvent(event)
        self.refresh()

    def _size_filters(self) -> None:
        """Each filter exactly wide enough for its text (the theme's 80 px minimum would
        let a long translation be cut); the rest of the row's width is shared."""
        for btn in self.filter_buttons.values():
            btn.ensurePolished()
            need = QFontMetrics(btn.font()).horizontalAdvance(btn.text().replace("&&", "&"))
            btn.setMinimumWidth(max(64, need + 2 * 8 + 12))

    def refresh(self) -> None:
        """Read the newest entries and check the chain again (for the person logged in)."""
        self._refused = False
        self.message.say("", "ok")
        self._svc.refresh(self._actor())
        self._show_footer()

    def load_older(self) -> None:
        if self._svc.loading or not self._svc.more:
            return
        self._svc.load_older(self._actor(), self._matcher() if self._filtered() else None)
        self._show_footer()

    def _person_changed(self) -> None:
        self._person = None
        self.person_button.setChecked(False)
        self._selected = None
        self._svc.clear()
        if self.isVisible():
            self.refresh()

    def _refused_by_service(self, text: str) -> None:
        self._refused = True
        self.message.say(text, "alarm")
        self._entries_changed([])
        self.show_verdict(None)

    # ------------------------------------------------------------------ verdict

    def show_verdict(self, verdict: ChainVerdict | None) -> None:
        if verdict is None:
            if self._refused:
                head = self.tr("The audit trail is not shown")
                note = self.tr("Only people allowed to view the audit trail see it here.")
                sev = "none"
            else:
                head = self.tr("Checking the audit trail…")
                note = self.tr("Every entry's hash and link and the station's numbering are "
                               "being checked.")
                sev = "checking"
        else:
            head, note, sev = verdict_text(verdict)
        self.verdict_head.setText(head)
        self.verdict_note.setText(note)
        set_props(self.verdict_box, severity=sev)

    # ------------------------------------------------------------------ filters

    def _filtered(self) -> bool:
        return self._category is not None or self._person is not None

    def _matcher(self) -> Callable[[AuditRow], bool]:
        category, person = self._category, self._person

        def match(row: AuditRow) -> bool:
            return ((category is None or category in row.categories)
                    and (person is None or row.actor_badge == person))
        return match

    def set_category(self, key: str | None) -> None:
        self._category = key
        self.filter_buttons[key].setChecked(True)
        self._show_list()

    def _toggle_person(self) -> None:
        if self._person is not None:
            self._person = None
        else:
            row = self.selected_row()
            self._person = row.actor_badge if row is not None else None
        self._show_list()

    def _show_person_button(self) -> None:
        btn = self.person_button
        if self._person is not None:
            name = who_text(self._person, self._name_of(self._person))
            btn.setEnabled(True)
        else:
            row = self.selected_row()
            name = who_text(row.actor_badge, row.actor_name) if row and row.actor_badge else ""
            btn.setEnabled(bool(name))
        text = self.tr("Only %1").replace("%1", name) if name else self.tr("Only this person")
        fm = QFontMetrics(btn.font())
        btn.setText(fm.elidedText(text, Qt.TextElideMode.ElideRight, btn.width() - 24)
                    if btn.width() > 60 else text)
        btn.setToolTip(text)
        btn.setChecked(self._person is not None)

    def _name_of(self, badge: str) -> str | None:
        return next((r.actor_name for r in self._svc.rows() if r.actor_badge == badge), None)

    # ------------------------------------------------------------------ list

    def _entries_changed(self, _rows: list) -> None:
        self._show_list()

    def shown_rows(self) -> list[AuditRow]:
        """The loaded entries the filters let through, newest first."""
        if self._refused:
            return []
        rows = self._svc.rows()
        if not self._filtered():
            return rows
        match = self._matcher()
        return [r for r in rows if match(r)]

    def _show_list(self) -> None:
        rows = self.shown_rows()
        cards = [self._card(r) for r in rows]
        if self._filtered() and self._svc.rows():
            self.list.empty.setText(self.tr(
                "No entry of this kind among the %1 loaded. Tap Older… to look further back.")
                .replace("%1", str(len(self._svc.rows()))) if self._svc.more else self.tr(
                "No entry of this kind in the audit trail."))
        elif self._refused:
            self.list.empty.setText("")
        else:
            self.list.empty.setText(self.tr("Loading the audit trail…") if self._svc.loading
                                    else self.tr("No audit entries yet."))
        key = self.list.show_keeping(cards, str(self._selected) if self._selected else None)
        self._selected = int(key) if key else None
        self._show_footer()
        self._show_selected()

    def _card(self, r: AuditRow) -> Card:
        detail = f"{self._when(r.occurred_at)} · {r.who}"
        entity = entity_text(r.entity, r.entity_id)
        if entity:
            detail += f" · {entity}"
        if not r.link_ok:
            detail = self._link_words(r) + "\n" + detail
        return Card(key=str(r.seq), title=r.action_text, detail=detail, severity=r.severity,
                    badge=f"#{r.seq}")

    def _show_footer(self) -> None:
        svc = self._svc
        self.older_button.setEnabled(bool(svc.more and not svc.loading and not self._refused))
        self.older_button.setText(self.tr("Loading…") if svc.loading and svc.rows()
                                  else self.tr("Older…"))
        rows = svc.rows()
        if self._refused or not rows:
            self.count_label.setText("")
            return
        back = self._when(rows[-1].occurred_at)
        if self._filtered():
            text = self.tr("%1 of %2 loaded entries · back to %3")
            text = text.replace("%1", str(len(self.shown_rows()))).replace(
                "%2", str(len(rows))).replace("%3", back)
        else:
            text = self.tr("%1 entries · back to %2").replace("%1", str(len(rows))).replace(
                "%2", back)
        if not svc.more:
            text += " · " + self.tr("the whole trail")
        self.count_label.setText(text)

    # ------------------------------------------------------------------ detail

    def select(self, seq: int) -> None:
        self._selected = seq
        self.list.select(str(seq))
        card = self.list.card_widget(str(seq))
        if card is not None:
            self.list.ensureWidgetVisible(card, 0, 8)
        self._show_selected()

    def selected_row(self) -> AuditRow | None:
        if self._selected is None or self._refused:
            return None
        return self._svc.row(self._selected)

    def _show_selected(self) -> None:
        r = self.selected_row()
        if r is not None and r.seq not in {x.seq for x in self.shown_rows()}:
            r = None
        self._show_person_button()
        shown = r is not None
        for w in (self.entry_title, self.hash_line):
            w.setVisible(shown)
        self.placeholder.setVisible(not shown)
        self.detail_area.setVisible(shown)
        if r is None:
            self.placeholder.setText(self.tr("Tap an entry to see everything it recorded.")
                                     if self.shown_rows() else "")
            return
        self.entry_title.setText(f"#{r.seq} · {r.action_text}")
        set_props(self.entry_title, severity=r.severity)
        lines = [
            (self.tr("Time"), self.tr("%1 (station time, %2)").replace(
                "%1", self._when(r.occurred_at)).replace("%2", self._tz_name)),
            (self.tr("Who"), who_text(r.actor_badge, r.actor_name, with_badge=True)),
            (self.tr("Action"), r.action if r.action_text == r.action
             else f"{r.action_text} ({r.action})"),
            (self.tr("About"), entity_text(r.entity, r.entity_id) or "—"),
        ]
        if r.detail:
            lines.append((self.tr("Detail"), r.detail))
        self.facts.setText("<br>".join(
            f"<b>{html.escape(k)}</b>&nbsp; {html.escape(breakable(v))}" for k, v in lines))
        self._fill_changes(r)
        link = self._link_words(r)
        self.hash_line.setText(self.tr("Hash %1… · %2").replace("%1", r.entry_hash[:12])
                               .replace("%2", link))
        set_props(self.hash_line, severity="ok" if r.link_ok else "alarm")

    def _link_words(self, r: AuditRow) -> str:
        if r.link == LINK_CHANGED:
            return self.tr("CHANGED: its content no longer matches its hash")
        if r.link == LINK_BROKEN:
            if r.prev_seq is not None:
                return self.tr("LINK BROKEN: it does not link to the entry before it (#%1)"
                               ).replace("%1", str(r.prev_seq))
            return self.tr("LINK BROKEN: the entries before it are missing")
        if r.link == LINK_START:
            return self.tr("link OK (the first entry of the trail)")
        if r.link == LINK_PRUNED:
            return self.tr("link OK (the oldest kept; older entries were pruned)")
        return self.tr("link OK")

    def _fill_changes(self, r: AuditRow) -> None:
        rows = changed_keys(r.old, r.new)
        self.changes.setVisible(bool(rows))
        self.no_changes.setVisible(not rows)
        self.no_changes.setText(self.tr("No values were recorded with this entry."))
        for line in self._cells:
            for cell in line:
                self._grid.removeWidget(cell)
                cell.hide()
                cell.setParent(None)  # gone at once (a deleteLater lingers until the loop)
        self._cells = []
        if not rows:
            return
        lines = [(self.tr("Field"), self.tr("Before"), self.tr("After"), "cellHead")]
        lines += [(key.replace("_", " "), self._value_text(key, before),
                   self._value_text(key, after), "cell") for key, before, after in rows]
        for i, (key, before, after, kind) in enumerate(lines):
            cells = []
            for col, value in enumerate((key, before, after)):
                cell = QLabel(breakable(value), self.changes)
                cell.setObjectName(kind if col or kind == "cellHead" else "cellKey")
                cell.setWordWrap(True)
                cell.setTextFormat(Qt.TextFormat.PlainText)
                cell.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self._grid.addWidget(cell, i, col)
                cells.append(cell)
            self._cells.append(cells)

    def change_rows(self) -> list[list[str]]:
        """The changed keys as shown: ``[field, before, after]`` per row (no header)."""
        return [[c.text().replace("\u200b", "") for c in line] for line in self._cells[1:]]

    def _value_text(self, key: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        text = str(value)
        if isinstance(value, str) and key.endswith(_TIME_SUFFIXES):
            try:
                t = dt.datetime.fromisoformat(value)
            except ValueError:
                return text
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.UTC)  # the store keeps UTC
            return self._when(t)
        return text

    def _when(self, t: dt.datetime) -> str:
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        return t.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S")

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._show_person_button()  # the elided name follows the button's width
