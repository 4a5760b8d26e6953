"""Labels at the station: the print queue as big cards, the printer's state, reprint.

``LabelsPanel(labels, session, scans=None)`` fits a 1120 x 560 area (a tab of the
Materials screen or a screen of its own):

* top: the printer state line — where labels go, "online", or in red "PRINTER AWAY"
  with the reason (labels wait in the queue; production goes on);
* left: the newest jobs, one card each — waiting, sending, printed, or red with the
  reason when a job failed. A job that "may or may not have printed" asks the
  person: **Retry** (no label came out) or **Mark printed** (it did);
* right: **Reprint** a label by scanning it (while the panel is shown it takes
  scans), tapping its card, or typing the number on the keypad; the prefix button
  types the start of the newest number, so usually only the last digits are typed.

Touch targets are at least 64 px. ``make_renderer(size_mm, dpi)`` gives the
print queue the function that draws PDF/PNG label files (the service layer may
not import the Qt renderer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.services.label_jobs import LabelJob, PrinterState
from hmi.views.scanning import ScanScreen
from hmi.widgets.keypad import Keypad
from hmi.widgets.label_render import label_to_pdf, label_to_png
from hmi.widgets.message import MessageLabel
from hmi.widgets.style import set_props

__all__ = ["LabelsPanel", "job_look", "make_renderer"]

#: The panel's own sizes: 64-px touch targets so the queue, the keypad and the state
#: line fit 560 px (the theme's buttons are 80 px).
_QSS = """
QPushButton { min-height: 64px; max-height: 64px; font-size: 21px; padding: 0 10px; }
QPushButton#keypadKey { min-height: 64px; max-height: 64px; min-width: 64px; font-size: 28px; }
QLineEdit#reprintField { min-height: 64px; font-size: 26px; }
QLabel#printerState { font-size: 21px; font-weight: bold; padding: 8px 12px; border-radius: 6px; }
QLabel#printerState[severity="alarm"] { background: #d0021b; color: #ffffff; }
QLabel#printerState[severity="ok"] { background: #e6e6e6; color: #1a1a1a; border: 2px solid #b0b0b0; }
QLabel#printerState[severity="unknown"] { background: #e6e6e6; color: #3c3c3c; border: 2px dashed #8a8a8a; }
QFrame#card QLabel#cardDetail { font-size: 19px; }
QFrame#card[severity="alarm"] QLabel#cardDetail { font-weight: bold; }
QFrame#card[severity="done"] { background: #dcdcdc; border-color: #c4c4c4; }
QFrame#card[severity="done"] QLabel#cardTitle { font-weight: normal; color: #3c3c3c; }
QFrame#card QPushButton { background: #ffffff; border-color: #1a1a1a; font-weight: bold; min-width: 150px; }
"""


def make_renderer(size_mm: tuple[float, float], dpi: int) -> Callable[[str, Mapping[str, Any], Path], None]:
    """``renderer(kind, payload, path)`` for :class:`hmi.services.printqueue.PrintQueue`:
    draws ``payload`` (``hmi.services.labels.render_data``) as PDF or PNG at ``path``."""

    def render(kind: str, payload: Mapping[str, Any], path: Path) -> None:
        if kind == "pdf":
            label_to_pdf(payload, path, size_mm)
        else:
            label_to_png(payload, path, size_mm, dpi)

    return render


def _t(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("LabelsPanel", text)


def _hhmm(t: dt.datetime) -> str:
    return t.astimezone().strftime("%H:%M:%S")


def job_look(job: LabelJob) -> tuple[str, str, str]:
    """(title, detail, severity) of a job's card. Severity: normal, warning, alarm, done."""
    kind = _t("Lot") if job.quantity_text else _t("Serial")
    title = f"{kind} {job.identifier}   {job.product_code}"
    if job.quantity_text:
        title += f"   {job.quantity_text}"
    where = _t("file") if job.kind in ("pdf", "png") else job.target
    if job.state == "done":
        if job.reason == "marked printed by the operator":
            detail = _t("Marked printed by a person")
        elif job.reason.startswith("confirmed by the printer"):
            detail = _t("Printed (the printer confirmed it after the link broke)")
        elif job.output_path:
            detail = _t("Written to %1").replace("%1", Path(job.output_path).name)
        else:
            detail = _t("Printed on %1").replace("%1", where)
        return title, f"✓ {detail} · {_hhmm(job.updated_at)}", "done"
    if job.state == "failed":
        if job.cancelled:
            return title, _t("Cancelled"), "done"
        return title, f"✗ {job.reason}", "alarm"
    if job.state == "sending":
        if job.in_doubt and job.reason:
            return title, _t("NOT CONFIRMED: %1 The printer is asked before anything else "
                             "is sent.").replace("%1", job.reason), "warning"
        return title, _t("Sending to %1 …").replace("%1", where), "normal"
    # queued
    if job.reason and job.attempts:
        # Why it waits is on the printer state line; the card says only that it waits.
        dest = _t("the label folder") if job.kind in ("pdf", "png") else job.target
        return title, _t("WAITING for %1 (tried %2×)").replace("%1", dest) \
            .replace("%2", str(job.attempts)), "warning"
    return title, _t("Waiting to print · queued %1").replace("%1", _hhmm(job.created_at)), "normal"


def printer_look(state: PrinterState, file_format: str = "") -> tuple[str, str]:
    """(text, severity) of the printer state line: ok, alarm or unknown."""
    if state.is_file:
        what = _t("Labels are written as %1 files").replace("%1", (file_format or "PDF").upper())
        if state.online is False:
            return _t("LABEL FOLDER NOT WRITABLE: %1 Labels wait in the queue.") \
                .replace("%1", state.reason), "alarm"
        return what, "ok"
    if state.online is None:
        return _t("Label printer %1 · not used yet").replace("%1", state.target), "unknown"
    if state.online:
        return _t("Label printer %1 · online").replace("%1", state.target), "ok"
    return (_t("PRINTER AWAY · %1 Labels wait in the queue; production goes on.")
            .replace("%1", _short(state.reason) or state.target), "alarm")


class _JobCard(QFrame):
    tapped = Signal(str)
    retry = Signal(str)
    printed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumHeight(72)
        self.uid = ""
        self.identifier = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        lay.setSpacing(4)
        self.title = QLabel(self)
        self.title.setObjectName("cardTitle")
        self.detail = QLabel(self)
        self.detail.setObjectName("cardDetail")
        self.detail.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.detail)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.retry_button = QPushButton(_t("Retry"), self)
        self.retry_button.setObjectName("jobRetry")
        self.retry_button.clicked.connect(lambda: self.retry.emit(self.uid))
        self.printed_button = QPushButton(_t("Mark printed"), self)
        self.printed_button.setObjectName("jobPrinted")
        self.printed_button.clicked.connect(lambda: self.printed.emit(self.uid))
        row.addWidget(self.retry_button)
        row.addWidget(self.printed_button)
        row.addStretch(1)
        self.buttons = QWidget(self)
        self.buttons.setLayout(row)
        row.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(self.buttons)

    def show_job(self, job: LabelJob) -> None:
        self.uid, self.identifier = job.uid, job.identifier
        title, detail, severity = job_look(job)
        if self.title.text() != title:
            self.title.setText(title)
        if self.detail.text() != detail:
            self.detail.setText(detail)
        self.buttons.setVisible(job.needs_person)
        # "Mark printed" only where a label may have come out: a printer job.
        self.printed_button.setVisible(job.needs_person and job.kind == "zpl")
        set_props(self, severity=severity)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.rect().contains(event.position().toPoint()):
            self.tapped.emit(self.identifier)
        super().mouseReleaseEvent(event)


class LabelsPanel(ScanScreen, QWidget):
    """The print queue, the printer state and reprint (see the module docstring)."""

    def __init__(self, labels: Any, session: Any, scans: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelsPanel")
        self.setStyleSheet(_QSS)
        self._labels = labels
        self._session = session
        self._scans = scans
        self._cards: list[_JobCard] = []
        self.jobs: list[LabelJob] = []
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 6, 8, 6)
        root.setSpacing(8)

        top = QHBoxLayout()
        title = QLabel(self.tr("Labels"), self)
        title.setObjectName("screenTitle")
        top.addWidget(title)
        self.printer_line = QLabel(self)
        self.printer_line.setObjectName("printerState")
        self.printer_line.setWordWrap(True)
        self.printer_line.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        top.addWidget(self.printer_line, 1)
        root.addLayout(top)

        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(6)
        self.summary = QLabel(self)
        self.summary.setObjectName("sectionTitle")
        left.addWidget(self.summary)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self.scroll)
        inner.setObjectName("cardListBody")
        self._list = QVBoxLayout(inner)
        self._list.setContentsMargins(0, 0, 6, 0)
        self._list.setSpacing(8)
        self.empty = QLabel(self.tr("No labels yet. Labels of produced units appear here."), inner)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self._list.addWidget(self.empty)
        self._list.addStretch(1)
        self.scroll.setWidget(inner)
        QScroller.grabGesture(self.scroll.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        left.addWidget(self.scroll, 1)
        self.message = MessageLabel(self)
        left.addWidget(self.message)
        body.addLayout(left, 1)

        side = QWidget(self)
        side.setFixedWidth(400)
        right = QVBoxLayout(side)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(8)
        self.field = QLineEdit(side)
        self.field.setObjectName("reprintField")
        self.field.setMaxLength(64)
        self.field.setPlaceholderText(self.tr("Scan or type serial / lot"))
        self.field.returnPressed.connect(self.do_reprint)
        right.addWidget(self.field)
        helpers = QHBoxLayout()
        helpers.setSpacing(8)
        self.prefix_button = QPushButton(side)
        self.prefix_button.setObjectName("prefixKey")
        self.prefix_button.clicked.connect(self._type_prefix)
        self.dash_button = QPushButton("-", side)
        self.dash_button.setObjectName("keypadKey")
        self.dash_button.setAccessibleName(self.tr("Hyphen"))
        self.dash_button.clicked.connect(lambda: self._type("-"))
        self.clear_button = QPushButton(self.tr("Clear"), side)
        self.clear_button.clicked.connect(self.field.clear)
        helpers.addWidget(self.prefix_button, 1)
        helpers.addWidget(self.dash_button)
        helpers.addWidget(self.clear_button)
        right.addLayout(helpers)
        self.keypad = Keypad(side)
        self.keypad.set_target(self.field)
        # The keypad's ✓ is the reprint button: one obvious place, and it fits 560 px.
        self.reprint_button = self.keypad.keys["enter"]
        self.reprint_button.setText(self.tr("Reprint"))
        self.reprint_button.setAccessibleName(self.tr("Reprint label"))
        self.reprint_button.setStyleSheet("font-size: 21px;")
        self.keypad.sig_enter_pressed.connect(self.do_reprint)
        right.addWidget(self.keypad)
        right.addStretch(1)
        body.addWidget(side)
        root.addLayout(body, 1)

        labels.sig_jobs_changed.connect(self.show_jobs)
        labels.sig_printer_state.connect(self.show_printer)
        labels.sig_queued.connect(self._queued)
        labels.sig_error.connect(self._refused)
        self.show_printer(labels.printer_state())
        self.show_jobs(labels.jobs())

    # ------------------------------------------------------------------ scans
    def on_shown(self) -> None:
        self.show_jobs(self._labels.jobs())

    def take_scan(self, scan: Any) -> bool:
        """A scanned label puts its serial or lot into the reprint field (not printed yet)."""
        if not self.isVisible():
            return False
        from hmi.services.gs1 import ScanError, parse_scan

        try:
            content = parse_scan(scan, strict=False)
        except ScanError as exc:
            self.message.say(exc.operator_message, "alarm")
            return True
        ident = content.serial or content.lot
        if ident is None and content.kind != "gs1":
            ident = content.raw.strip()
        if not ident:
            self.message.say(self.tr("This code carries no serial or lot number: %1")
                             .replace("%1", content.shown), "alarm")
            return True
        self.field.setText(ident)
        self.message.say(self.tr("%1 scanned. Press Reprint to print it again.")
                         .replace("%1", ident), "ok")
        return True

    # ------------------------------------------------------------------ showing
    def show_printer(self, state: PrinterState) -> None:
        text, severity = printer_look(state, self._labels.settings.file_format)
        self.printer_line.setText(text)
        set_props(self.printer_line, severity=severity)

    def show_jobs(self, jobs: list[LabelJob]) -> None:
        # What needs a person first, then newest first.
        jobs = sorted(jobs, key=lambda j: (not j.needs_person, not j.in_doubt))
        self.jobs = jobs
        while len(self._cards) < len(jobs):
            card = _JobCard(self.scroll.widget())
            card.tapped.connect(self._pick)
            card.retry.connect(self.do_retry)
            card.printed.connect(self.do_mark_printed)
            self._list.insertWidget(self._list.count() - 1, card)
            self._cards.append(card)
        for card, job in zip(self._cards, jobs, strict=False):
            card.show_job(job)
            card.show()
        for card in self._cards[len(jobs):]:
            card.hide()
        self.empty.setVisible(not jobs)
        waiting = sum(1 for j in jobs if j.state in ("queued", "sending"))
        failed = sum(1 for j in jobs if j.needs_person)
        parts = [self.tr("Print queue")]
        if waiting:
            parts.append(self.tr("%1 waiting").replace("%1", str(waiting)))
        if failed:
            parts.append(self.tr("%1 need you").replace("%1", str(failed)))
        self.summary.setText(" · ".join(parts))
        newest = max(jobs, key=lambda j: j.created_at, default=None)
        prefix = _prefix(newest.identifier) if newest is not None else ""
        self.prefix_button.setText(prefix or self.tr("(prefix)"))
        self.prefix_button.setEnabled(bool(prefix))

    def card_for(self, uid: str) -> _JobCard | None:
        """The card showing job ``uid`` (tests; scrolling to it)."""
        return next((c for c in self._cards if c.isVisible() and c.uid == uid), None)

    # ------------------------------------------------------------------ actions
    def _type(self, text: str) -> None:
        if len(self.field.text()) + len(text) <= self.field.maxLength():
            self.field.insert(text)

    def _type_prefix(self) -> None:
        prefix = self.prefix_button.text()
        if self.prefix_button.isEnabled() and not self.field.text().startswith(prefix):
            self.field.setText(prefix + self.field.text())

    def _pick(self, identifier: str) -> None:
        self.field.setText(identifier)
        self.message.say(self.tr("%1 chosen. Press Reprint to print it again.")
                         .replace("%1", identifier), "ok")

    def _queued(self, text: str) -> None:
        self.message.say(text, "ok")
        self.field.clear()

    def _refused(self, text: str) -> None:
        self.message.say(text, "alarm")

    def _act(self, fn: Callable[[], Any]) -> bool:
        try:
            fn()
        except Exception as exc:  # PermissionDenied, OperatorError: said on the screen
            self.message.say(str(getattr(exc, "operator_message", None) or exc), "alarm")
            return False
        return True

    def do_reprint(self) -> None:
        ident = self.field.text().strip()
        if self._act(lambda: self._labels.reprint(self._session.actor, ident)):
            self.message.say(self.tr("Looking up %1 …").replace("%1", ident), "ok")

    def do_retry(self, uid: str) -> None:
        if self._act(lambda: self._labels.retry(self._session.actor, uid)):
            self.message.say(self.tr("The label is sent again."), "ok")

    def do_mark_printed(self, uid: str) -> None:
        if self._act(lambda: self._labels.mark_printed(self._session.actor, uid)):
            self.message.say(self.tr("Marked as printed; it is not sent again."), "ok")


def _short(reason: str) -> str:
    """The first sentence of a reason (what happened); the rest is advice for the card."""
    head, dot, _ = reason.partition(". ")
    return head + "." if dot else reason


def _prefix(identifier: str) -> str:
    """The start of a number up to its last separator ("ST-10-260302-00017" → "ST-10-260302-")."""
    for i in range(len(identifier) - 1, 0, -1):
        if identifier[i] in "-/._":
            return identifier[: i + 1]
    return ""
