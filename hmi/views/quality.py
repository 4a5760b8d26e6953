"""The Quality screen: sign-offs, holds and dispositions, SPC charts.

Three pages behind big tabs (the count of what waits is on the tab):

* **Sign-off** — results a team lead must sign (first-article approval, a failed check,
  a characteristic the plan says needs a signature). Open ones on top (red: failed,
  amber: to approve); a signed one shows the printed name, time and meaning — and,
  in red, that the signature is broken when the record changed after signing.
* **Holds** — the open quality holds of the station with the suspect-part counts of the
  held order; release (signed, comment required, not by the person who placed it) and
  dispositions (scrap / rework / use as is / return to supplier, a quantity, signed).
  With no hold open, the running order can be put on hold here.
* **SPC** — the control chart of a characteristic of the running order's plan against
  its frozen limits, the points of the last rule that fired in red and large with the
  rule in words, and capability (Cp, Cpk, Pp, Ppk) in colour bands.

Service calls that need a signature go through :class:`SignatureDialog` (``dialog_factory``,
tests may replace it); the dialog shows the refusal (wrong PIN, self-signing, not a team
lead) and stays open.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.services.permissions import PermissionDenied
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.choice_dialog import ChoiceDialog
from hmi.widgets.control_chart import ControlChart
from hmi.widgets.keypad import Keypad
from hmi.widgets.message import MessageLabel
from hmi.widgets.signature_dialog import SignatureDialog
from hmi.widgets.style import set_props

SIGN_TIMEOUT_S = 15
HOLD_REASONS = (QT_TRANSLATE_NOOP("QualityView", "Suspect dimension: parts must be checked"),
                QT_TRANSLATE_NOOP("QualityView", "Wrong material suspected"),
                QT_TRANSLATE_NOOP("QualityView", "Machine fault may have damaged parts"),
                QT_TRANSLATE_NOOP("QualityView", "Customer complaint on this order"),
                QT_TRANSLATE_NOOP("QualityView", "SPC rule fired: process out of control"))
COMMENTS = (QT_TRANSLATE_NOOP("QualityView", "Checked: OK to continue"),
            QT_TRANSLATE_NOOP("QualityView", "Parts sorted and contained"),
            QT_TRANSLATE_NOOP("QualityView", "Gauge re-checked"),
            QT_TRANSLATE_NOOP("QualityView", "Process corrected, next part checked"))


def _t(text: str) -> str:
    return QCoreApplication.translate("QualityView", text)


def _wrapped(name: str, parent: QWidget) -> QLabel:
    """An empty word-wrapping label styled by ``name`` (QSS object name)."""
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _when(t: dt.datetime, tz: Any) -> str:
    """Station time when the zone is known, else UTC (said)."""
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M") if tz else \
        t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def capability_severity(index: float | None) -> str:
    """≥ 1.33 capable (normal), 1.00–1.33 marginal (warning), < 1.00 not capable (alarm)."""
    if index is None or not math.isfinite(index):
        return "normal"
    if index >= 1.33:
        return "normal"
    return "warning" if index >= 1.00 else "alarm"


def _sign_with(dialog_factory: Callable[..., Any], parent: QWidget, meaning: str, summary: str,
               act: Callable[[str, str], Any]) -> bool:
    """Open the signature dialog; ``act(badge, pin)`` returns the service's future.

    The dialog shows what went wrong and stays open; True when signed."""
    def on_sign(badge: str, pin: str) -> str | None:
        try:
            act(badge, pin).result(timeout=SIGN_TIMEOUT_S)
        except PermissionDenied as exc:
            return str(exc)
        except Exception as exc:  # wrong PIN, self-signing, refused: the dialog says why
            return getattr(exc, "operator_message", None) or str(exc)
        return None

    dlg = dialog_factory(meaning=meaning, summary=summary, on_sign=on_sign, parent=parent)
    return bool(dlg.exec())


class _CommentRow(QWidget):
    """A comment field and a one-tap choice of common comments (no keyboard at the panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice_factory: Callable[..., Any] = ChoiceDialog
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit(self)
        self.field.setMaxLength(300)
        self.field.setPlaceholderText(_t("Comment"))
        self.choose = QPushButton(_t("Choose…"), self)
        self.choose.setObjectName("presetButton")
        self.choose.clicked.connect(self._choose)
        lay.addWidget(self.field, 1)
        lay.addWidget(self.choose)

    def _choose(self) -> None:
        dlg = self.choice_factory(_t("Comment"), _t("What was checked or decided?"),
                                  [_t(c) for c in COMMENTS], parent=self)
        if dlg.exec():
            self.field.setText(dlg.reason())

    def text(self) -> str:
        return self.field.text().strip()

    def clear(self) -> None:
        self.field.clear()


# --------------------------------------------------------------------------- sign-off


class SignoffPage(QWidget):
    def __init__(self, quality: Any, session: Any, parent: QWidget | None = None, *,
                 tz: Any = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._svc = quality
        self._session = session
        self._selected: str | None = None
        self.dialog_factory: Callable[..., Any] = SignatureDialog
        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        self.list = CardList(_t("Nothing to sign off."), self)
        self.list.setFixedWidth(440)
        self.list.sig_selected.connect(self.select)
        root.addWidget(self.list)
        right = QVBoxLayout()
        self.why = _wrapped("stepTitle", self)
        self.what = _wrapped("specWindow", self)
        self.signature = _wrapped("signatureBlock", self)
        self.comment = _CommentRow(self)
        self.message = MessageLabel(self)
        self.sign_button = QPushButton(_t("Sign off (team lead)"), self)
        self.sign_button.setProperty("primary", True)
        self.sign_button.clicked.connect(self.sign)
        right.addWidget(self.why)
        right.addWidget(self.what)
        right.addWidget(self.signature)
        right.addWidget(self.comment)
        right.addWidget(self.message)
        right.addStretch(1)
        right.addWidget(self.sign_button)
        root.addLayout(right, 1)
        quality.sig_changed.connect(self._changed)
        quality.sig_error.connect(self._error)
        self.refresh()

    def _changed(self, *_: object) -> None:
        self.refresh()

    def _error(self, text: str) -> None:
        self.message.say(text, "alarm")

    def refresh(self) -> None:
        items = self._svc.items()
        cards = []
        for it in items:
            if it.signoff is None:
                sev = "alarm" if it.why == "failed" else "warning"
                detail = _t("%1 · %2 · waiting for a team lead").replace(
                    "%1", it.order_code or "—").replace(
                    "%2", it.recorded_at.astimezone(self._tz or dt.UTC).strftime("%H:%M"))
            elif not it.signoff.valid:
                sev = "alarm"
                detail = _t("SIGNATURE BROKEN: %1").replace("%1", it.signoff.check)
            else:
                sev = "normal"
                detail = "✓ " + it.signoff.label(self._tz)
            cards.append(Card(key=str(it.result_id),
                              title=f"{it.why_text()} · {it.characteristic_name}",
                              detail=detail, severity=sev))
        self._selected = self.list.show_keeping(cards, self._selected)
        self._show()

    def select(self, key: str) -> None:
        if key != self._selected:
            self._selected = key
            self.comment.clear()
            self.message.say("", "ok")
        self.list.select(key)
        self._show()

    def _show(self) -> None:
        it = self._svc.item(self._selected) if self._selected else None
        for w in (self.why, self.what, self.signature, self.comment, self.sign_button):
            w.setVisible(it is not None)
        if it is None:
            return
        self.why.setText(it.why_text())
        text = it.what(self._tz)
        if it.remeasured:
            text += "\n" + _t("Re-measured: replaces %1 earlier result(s), kept in the "
                              "history.").replace("%1", str(it.remeasured))
        self.what.setText(text)
        if it.signoff is None:
            self.signature.setText(_t("Not signed yet. Needs: %1%2.").replace(
                "%1", it.meaning.value).replace(
                "%2", _t(", by someone other than %1").replace("%1", it.recorded_by_name)
                if it.signer_must_differ else ""))
            set_props(self.signature, severity="warning")
        else:
            s = it.signoff
            when = s.signed_at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M") if self._tz \
                else f"{s.signed_at:%Y-%m-%d %H:%M} UTC"
            lines = [f"{s.meaning}: {s.signer_name} ({s.signer_badge}), {when}"]
            if s.comment:
                lines.append(_t("Comment: %1").replace("%1", s.comment))
            if not s.valid:
                lines.append(_t("SIGNATURE BROKEN: %1. Tell quality.").replace("%1", s.check))
            self.signature.setText("\n".join(lines))
            set_props(self.signature, severity="normal" if s.valid else "alarm")
        self.comment.setVisible(it.signoff is None)
        self.sign_button.setVisible(it.signoff is None)
        self.sign_button.setText(_t("Sign: %1 (team lead)").replace("%1", it.meaning.value))

    def sign(self) -> None:
        it = self._svc.item(self._selected) if self._selected else None
        if it is None:
            return
        comment = self.comment.text()
        try:  # refusals that need no PIN (no comment, own entry) show here at once
            self._svc.check_sign_off(it.result_id, comment)
        except Exception as exc:
            self.message.say(str(exc), "alarm")
            return
        signed = _sign_with(self.dialog_factory, self, it.meaning.value, it.what(self._tz),
                            lambda badge, pin: self._svc.sign_off(
                                self._session.actor, it.result_id, badge=badge, pin=pin,
                                comment=comment))
        if signed:
            self.comment.clear()
            self.message.say(_t("Signed."), "ok")


# --------------------------------------------------------------------------- holds


class HoldsPage(QWidget):
    def __init__(self, holds: Any, session: Any, *, running_order: Callable[[], Any] | None,
                 parent: QWidget | None = None, tz: Any = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._svc = holds
        self._session = session
        self._running = running_order or (lambda: None)
        self._selected: str | None = None
        self.dialog_factory: Callable[..., Any] = SignatureDialog
        self.reason_dialog_factory: Callable[..., Any] = ChoiceDialog
        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.list = CardList(_t("No quality hold is open at this station."), self)
        self.list.setFixedWidth(300)
        self.list.sig_selected.connect(self.select)
        left.addWidget(self.list, 1)
        self.place_button = QPushButton(_t("Put the running order on hold"), self)
        self.place_button.clicked.connect(self.place)
        left.addWidget(self.place_button)
        root.addLayout(left)

        mid = QVBoxLayout()
        self.title = _wrapped("stepTitle", self)
        self.counts = _wrapped("holdCounts", self)
        self.side = QWidget(self)
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel(_t("Parts (quantity)"), self.side))
        self.quantity = QLineEdit(self.side)
        self.quantity.setMaxLength(6)
        self.quantity.setPlaceholderText("0")
        side.addWidget(self.quantity)
        self.comment = _CommentRow(self)
        self.message = MessageLabel(self)
        grid = QGridLayout()
        self.disposition_buttons: dict[str, QPushButton] = {}
        for i, (key, text) in enumerate((("scrap", _t("Scrap")), ("rework", _t("Rework")),
                                         ("use_as_is", _t("Use as is")),
                                         ("return_to_supplier", _t("Return")))):
            b = QPushButton(text, self)
            b.setObjectName("orderAction")
            b.clicked.connect(lambda _=False, k=key: self.dispose(k))
            grid.addWidget(b, 0, i)
            self.disposition_buttons[key] = b
        self.release_button = QPushButton(_t("Release hold (team lead)"), self)
        self.release_button.setProperty("primary", True)
        self.release_button.clicked.connect(self.release)
        mid.addWidget(self.title)
        mid.addWidget(self.counts)
        mid.addWidget(self.comment)
        mid.addLayout(grid)
        mid.addWidget(self.message)
        mid.addStretch(1)
        mid.addWidget(self.release_button)
        root.addLayout(mid, 1)
        self.keypad = Keypad(self.side, compact=True)
        self.keypad.set_target(self.quantity)
        side.addWidget(self.keypad)
        side.addStretch(1)
        self.side.setFixedWidth(300)
        root.addWidget(self.side)
        holds.sig_holds_changed.connect(self._changed)
        holds.sig_quality_changed.connect(self._changed)
        holds.sig_error.connect(self._error)
        self.refresh()

    def _changed(self, *_: object) -> None:
        self.refresh()

    def _error(self, text: str) -> None:
        self.message.say(text, "alarm")

    def refresh(self) -> None:
        holds = self._svc.open_holds() if self._svc.ready else []
        cards = []
        for h in holds:
            q = self._svc.quality(h.order_code) if h.order_code else None
            detail = _t("%1 · placed by %2").replace("%1", h.reason).replace(
                "%2", h.placed_by_label)
            badge = _t("%1 suspect").replace("%1", str(q.suspect)) if q else ""
            cards.append(Card(key=str(h.hold_id), title=_t("ON HOLD · %1").replace(
                "%1", h.subject), detail=detail, severity="alarm", badge=badge))
        self._selected = self.list.show_keeping(cards, self._selected)
        self.place_button.setVisible(not holds)
        self._show()

    def select(self, key: str) -> None:
        self._selected = key
        self.message.say("", "ok")
        self.list.select(key)
        self._show()

    def _hold(self) -> Any:
        return self._svc.hold(self._selected) if self._selected else None

    def _show(self) -> None:
        h = self._hold()
        for w in (self.title, self.counts, self.side, self.comment, self.release_button,
                  *self.disposition_buttons.values()):
            w.setVisible(h is not None)
        if h is None:
            return
        self.title.setText(_t("Hold on %1").replace("%1", h.subject))
        lines = [h.reason, _t("Placed by %1, %2").replace("%1", h.placed_by_label).replace(
            "%2", _when(h.placed_at, self._tz))]
        if h.order_code:
            q = self._svc.quality(h.order_code)
            lines.append(_t("Made under hold %1 · suspect %2").replace(
                "%1", str(q.made_under_hold)).replace("%2", str(q.suspect)))
            lines.append(_t("Scrap %1 · rework %2 · as is %3 · returned %4")
                         .replace("%1", str(q.scrap)).replace("%2", str(q.rework))
                         .replace("%3", str(q.use_as_is))
                         .replace("%4", str(q.return_to_supplier)))
            if q.awaiting_reinspection:
                lines.append(_t("Awaiting re-inspection after rework: %1").replace(
                    "%1", str(q.awaiting_reinspection)))
            if not self.quantity.text() and q.suspect:
                self.quantity.setText(str(q.suspect))
        self.counts.setText("\n".join(lines))

    def _quantity(self) -> int | None:
        text = self.quantity.text().strip()
        if not text.isdigit() or int(text) <= 0:
            self.message.say(_t("Enter how many parts (a whole number above 0)."), "alarm")
            return None
        return int(text)

    def dispose(self, disposition: str) -> None:
        h = self._hold()
        qty = self._quantity()
        if h is None or qty is None:
            return
        comment = self.comment.text()
        name = self.disposition_buttons[disposition].text()
        summary = _t("%1: %2 part(s) of %3").replace("%1", name).replace("%2", str(qty)) \
            .replace("%3", h.subject)
        subject = ("order", h.order_code) if h.order_code else (h.subject_kind, h.identifier)

        def act(badge: str, pin: str) -> Any:
            return self._svc.dispose(self._session.actor, subject[0], subject[1], disposition,
                                     qty, badge=badge, pin=pin, order_code=h.order_code,
                                     hold_id=h.hold_id, comment=comment)
        try:
            signed = _sign_with(self.dialog_factory, self, _t("Approved"), summary, act)
        except Exception as exc:  # refused before any PIN (too many, no comment …)
            self.message.say(str(exc), "alarm")
            return
        if signed:
            self.quantity.clear()
            self.comment.clear()
            self.message.say(_t("%1 signed and recorded.").replace("%1", summary), "ok")

    def release(self) -> None:
        h = self._hold()
        if h is None:
            return
        comment = self.comment.text()
        if not comment:
            self.message.say(_t("Say why the hold may be released (a comment), then sign."),
                             "alarm")
            return
        summary = _t("Release the hold on %1 (%2)").replace("%1", h.subject).replace(
            "%2", h.reason)

        def act(badge: str, pin: str) -> Any:
            return self._svc.release(self._session.actor, h.hold_id, badge=badge, pin=pin,
                                     comment=comment)
        if _sign_with(self.dialog_factory, self, _t("Released"), summary, act):
            self.comment.clear()
            self.message.say(_t("Hold released."), "ok")

    def place(self) -> None:
        running = self._running()
        if running is None:
            self.message.say(_t("No order is running. Holds on lots and serials are placed "
                                "where they are scanned."), "warning")
            return
        order_code = running[0] if isinstance(running, tuple) else running
        dlg = self.reason_dialog_factory(_t("Quality hold"), _t("Why is order %1 put on hold?")
                                         .replace("%1", order_code),
                                         [_t(r) for r in HOLD_REASONS], parent=self)
        if not dlg.exec():
            return
        try:
            self._svc.place(self._session.actor, "order", order_code, dlg.reason())
        except Exception as exc:
            self.message.say(str(exc), "alarm")


# --------------------------------------------------------------------------- SPC


FREEZE_REASONS = (QT_TRANSLATE_NOOP("QualityView", "Initial baseline: process stable"),
                  QT_TRANSLATE_NOOP("QualityView", "Process changed (new die, tool or material)"),
                  QT_TRANSLATE_NOOP("QualityView", "Recalculation after corrective action"))


class SpcPage(QWidget):
    def __init__(self, inspections: Any, session: Any = None,
                 parent: QWidget | None = None, *, tz: Any = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._svc = inspections
        self._session = session
        self.reason_dialog_factory: Callable[..., Any] = ChoiceDialog
        self._selected: str | None = None
        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        self.list = CardList(_t("No inspection plan is open: start an order."), self)
        self.list.setFixedWidth(300)
        self.list.sig_selected.connect(self.select)
        root.addWidget(self.list)
        right = QVBoxLayout()
        self.chart = ControlChart(parent=self)
        self.limits = _wrapped("hint", self)
        caps = QHBoxLayout()
        self.cap = {k: QLabel(f"{k} —", self) for k in ("Cp", "Cpk", "Pp", "Ppk")}
        for w in self.cap.values():
            w.setObjectName("capCell")
            caps.addWidget(w)
        self.cap_note = _wrapped("hint", self)
        self.freeze_button = QPushButton("", self)
        self.freeze_button.setObjectName("orderAction")
        self.freeze_button.clicked.connect(self.freeze)
        self.message = MessageLabel(self)
        limits_row = QHBoxLayout()
        limits_row.addWidget(self.limits, 1)
        limits_row.addWidget(self.freeze_button)
        right.addWidget(self.chart, 1)
        right.addLayout(limits_row)
        right.addWidget(self.message)
        right.addLayout(caps)
        right.addWidget(self.cap_note)
        root.addLayout(right, 1)
        inspections.sig_changed.connect(self._changed)
        inspections.sig_recorded.connect(self._changed)
        inspections.sig_limits_frozen.connect(self._changed)
        inspections.sig_rule_fired.connect(self._fired)
        self.refresh()

    def _changed(self, *_: object) -> None:
        self.refresh()

    def _fired(self, alarm: Any) -> None:
        self._selected = alarm.characteristic  # show the chart that just fired
        self.refresh()

    def refresh(self) -> None:
        run = self._svc.run()
        if run is None:
            self.list.set_cards([])
            self._selected = None
            self._show(None)
            return
        cards = []
        for code, ch in run.characteristics.items():
            if ch.kind == "checklist":
                continue
            alarm = self._svc.chart(code).alarm_now
            chart = (ch.chart or ("imr" if ch.kind == "variable" else "c")).replace("_", "-")
            cards.append(Card(key=code, title=ch.name, detail=_t("%1 chart").replace(
                "%1", chart.upper()) + (" · " + _t("RULE FIRED") if alarm else ""),
                severity="alarm" if alarm else "normal"))
        self._selected = self.list.show_keeping(cards, self._selected)
        self._show(run.characteristics.get(self._selected) if self._selected else None)

    def select(self, code: str) -> None:
        self._selected = code
        self.refresh()

    def _show(self, ch: Any) -> None:
        self.chart.setVisible(ch is not None)
        self.freeze_button.setVisible(ch is not None and bool(ch.chart))
        if ch is None:
            self.limits.setText("")
            self.cap_note.setText("")
            for w in self.cap.values():
                w.hide()
            return
        series = self._svc.chart(ch.code)
        lim = self._svc.limits(ch.code)
        n = len(series.ids)
        self.freeze_button.setText(_t("Freeze limits (%1 points)").replace("%1", str(n)))
        self.freeze_button.setEnabled(n >= 3)
        unit = f" {ch.unit}" if ch.unit else ""
        self.chart.set_title(f"{ch.name} ({ch.code}){unit}")
        if lim is not None and series.center is not None:
            # the current alarm in red above the chart; an older one stays marked on it
            self.chart.set_data(series.values, series.center, series.ucl, series.lcl,
                                highlight=series.highlight,
                                message=series.message if series.alarm_now else "")
            self.limits.setText(_t("Limits frozen %1 from %2 results: CL %3 · UCL %4 · LCL %5."
                                   " Recalculation is an audited action.")
                                .replace("%1", _when(lim.recorded_at, self._tz))
                                .replace("%2", str(len(lim.baseline_ids)))
                                .replace("%3", f"{lim.center:.4g}")
                                .replace("%4", f"{lim.ucl:.4g}")
                                .replace("%5", f"{lim.lcl:.4g}"))
        else:
            self.chart.set_data(series.values, None)
            self.limits.setText(_t("No control limits yet: a process engineer freezes them "
                                   "from a baseline of results. Points are shown without "
                                   "rules."))
        self._show_capability(ch)

    def freeze(self) -> None:
        """Freeze (or recalculate) the limits from the points shown: an audited action of a
        process engineer or team lead (``inspection.sign``), with a reason."""
        code = self._selected
        if code is None or self._session is None:
            return
        ids = [p[0] for p in self._svc.chart_points(code)]
        dlg = self.reason_dialog_factory(_t("Control limits"), _t("Why are the limits frozen "
                                         "from these %1 results?").replace("%1", str(len(ids))),
                                         [_t(r) for r in FREEZE_REASONS], parent=self)
        if not dlg.exec():
            return
        try:
            self._svc.freeze_limits(self._session.actor, code, ids, dlg.reason())
        except Exception as exc:  # not allowed, no chart, …: say why, nothing frozen
            self.message.say(str(exc), "alarm")
            return
        self.message.say(_t("Limits frozen from %1 results (audited).").replace(
            "%1", str(len(ids))), "ok")

    def _show_capability(self, ch: Any) -> None:
        for w in self.cap.values():
            w.setVisible(ch.kind == "variable")
        if ch.kind != "variable":
            self.cap_note.setText("")
            return
        try:
            cap = self._svc.capability(ch.code)
        except Exception as exc:  # too few values yet: say so, no numbers
            for key, w in self.cap.items():
                w.setText(f"{key} —")
                set_props(w, severity="normal")
            self.cap_note.setText(str(exc))
            return
        for key, attr in (("Cp", "cp"), ("Cpk", "cpk"), ("Pp", "pp"), ("Ppk", "ppk")):
            v = getattr(cap, attr, None)
            ok = v is not None and math.isfinite(v)
            self.cap[key].setText(f"{key} {v:.2f}" if ok else f"{key} —")
            set_props(self.cap[key], severity=capability_severity(v if ok else None))
        legend = _t("≥ 1.33 capable · 1.00–1.33 marginal · < 1.00 not capable.")
        warning = getattr(cap, "warning", None)
        note = (warning[:1].upper() + warning[1:] + ".\n" + legend) if warning else \
            _t("n = %1 values. %2").replace("%1", str(cap.n)).replace("%2", legend)
        self.cap_note.setText(note)


# --------------------------------------------------------------------------- the screen


class QualityView(QWidget):
    def __init__(self, quality: Any, holds: Any, inspections: Any, session: Any, *,
                 running_order: Callable[[], Any] | None = None, timezone: str | None = None,
                 trace: Any = None, scans: Any = None, code_rules: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tz = zoneinfo.ZoneInfo(timezone) if timezone else None
        self.setObjectName("qualityScreen")
        self._quality, self._holds = quality, holds
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        top = QHBoxLayout()
        title = QLabel(_t("Quality"), self)
        title.setObjectName("screenTitle")
        top.addWidget(title)
        top.addStretch(1)
        self._group = QButtonGroup(self)
        self.tabs: dict[str, QPushButton] = {}
        self.pages = QStackedWidget(self)
        self.signoff = SignoffPage(quality, session, self.pages, tz=tz)
        self.holds = HoldsPage(holds, session, running_order=running_order, parent=self.pages,
                               tz=tz)
        self.spc = SpcPage(inspections, session, self.pages, tz=tz)
        pages: list[tuple[str, QWidget]] = [("signoff", self.signoff), ("holds", self.holds),
                                            ("spc", self.spc)]
        self.trace: QWidget | None = None
        if trace is not None:  # genealogy: what went in, where it went, recall reports
            from hmi.views.trace import TracePage

            self.trace = TracePage(trace, session, scans=scans, code_rules=code_rules, tz=tz,
                                   parent=self.pages)
            pages.append(("trace", self.trace))
        self._pages = dict(pages)
        for key, page in pages:
            b = QPushButton("", self)
            b.setObjectName("tabButton")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, k=key: self.show_page(k))
            self._group.addButton(b)
            self.tabs[key] = b
            top.addWidget(b)
            self.pages.addWidget(page)
        root.addLayout(top)
        root.addWidget(self.pages, 1)
        quality.sig_changed.connect(self._counts)
        holds.sig_holds_changed.connect(self._counts)
        inspections.sig_rule_fired.connect(self._rule_fired)
        self._counts()
        self.show_page("signoff")

    def show_page(self, key: str) -> None:
        self.tabs[key].setChecked(True)
        self.pages.setCurrentWidget(self._pages[key])

    def _rule_fired(self, _alarm: Any) -> None:
        self._counts()

    def _counts(self, *_: object) -> None:
        n_sign = len(self._quality.open_items())
        n_hold = len(self._holds.open_holds()) if self._holds.ready else 0
        self.tabs["signoff"].setText(_t("Sign-off (%1)").replace("%1", str(n_sign)))
        self.tabs["holds"].setText(_t("Holds (%1)").replace("%1", str(n_hold)))
        self.tabs["spc"].setText(_t("SPC charts"))
        if "trace" in self.tabs:
            self.tabs["trace"].setText(_t("Trace"))
        set_props(self.tabs["signoff"], severity="warning" if n_sign else "normal")
        set_props(self.tabs["holds"], severity="alarm" if n_hold else "normal")
