"""Work instructions, one step at a time, with big Back/Next and the step's action.

Left: every step with its state (✓ done, – skipped, ● open; mandatory ones
marked), tap to jump. Middle: the step — a safety warning first (amber band),
the title and text in large type, the picture or PDF page. Right: what the step
asks for (confirm, a number with its limits on a decimal keypad, a scan, a
machine reading, a team lead's sign-off) and a message line that says what went
wrong and what to do. Next is enabled once a mandatory step is done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hmi.services.instructions import InstructionError, InstructionService, StepSpec
from hmi.services.permissions import PermissionDenied
from hmi.views.scanning import ScanScreen
from hmi.widgets.cardlist import Card, CardList
from hmi.widgets.choice_dialog import ChoiceDialog
from hmi.widgets.keypad import Keypad
from hmi.widgets.media import MediaView
from hmi.widgets.message import MessageLabel
from hmi.widgets.signature_dialog import SignatureDialog

SKIP_REASONS = (QT_TRANSLATE_NOOP("SkipDialog", "Not needed for this part"),
                QT_TRANSLATE_NOOP("SkipDialog", "Done by someone else"),
                QT_TRANSLATE_NOOP("SkipDialog", "Equipment not available"))


class SkipDialog(ChoiceDialog):
    """Why an optional step is skipped: one tap on a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        def t(text: str) -> str:
            return QCoreApplication.translate("SkipDialog", text)

        super().__init__(t("Skip step"), t("Why is this step skipped?"),
                         [t(r) for r in SKIP_REASONS], parent=parent)


class InstructionView(ScanScreen, QWidget):
    def __init__(self, service: InstructionService, session: Any, *, media_root: Path | None = None,
                 scans: Any = None, read_tag: Callable[[str], tuple[Any, bool]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instructionsScreen")
        self._svc = service
        self._session = session
        self._media_root = media_root
        self._scans = scans
        self._read_tag = read_tag
        self._index = 0
        # The scan step whose code is being typed by hand (a label that does not scan).
        self._typing_for: int | None = None
        self.dialog_factory: Callable[..., Any] = SignatureDialog  # tests replace it
        self.skip_dialog_factory: Callable[..., Any] = SkipDialog

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        top = QHBoxLayout()
        self.title = QLabel("", self)
        self.title.setObjectName("screenTitle")
        self.progress = QLabel("", self)
        self.progress.setObjectName("sectionTitle")
        top.addWidget(self.title, 1)
        top.addWidget(self.progress)
        root.addLayout(top)

        body = QHBoxLayout()
        self.steps = CardList(self.tr("This order has no work instruction."), self)
        self.steps.setFixedWidth(260)
        self.steps.sig_selected.connect(self._jump)
        body.addWidget(self.steps)

        middle = QVBoxLayout()
        self.warning = QLabel("", self)
        self.warning.setObjectName("stepWarning")
        self.warning.setWordWrap(True)
        self.step_title = QLabel("", self)
        self.step_title.setObjectName("stepTitle")
        self.step_title.setWordWrap(True)
        self.text = QTextBrowser(self)
        self.text.setObjectName("stepText")
        self.text.setOpenLinks(False)
        self.media = MediaView(self)
        self.tools = QLabel("", self)
        self.tools.setObjectName("hint")
        self.tools.setWordWrap(True)
        self.message = MessageLabel(self)  # what went wrong and what to do, under the step
        middle.addWidget(self.warning)
        middle.addWidget(self.step_title)
        middle.addWidget(self.text, 2)
        middle.addWidget(self.message)
        middle.addWidget(self.media, 3)
        middle.addWidget(self.tools)
        body.addLayout(middle, 1)

        # The action panel: one page per kind of action.
        side = QVBoxLayout()
        self.action_title = QLabel("", self)
        self.action_title.setObjectName("sectionTitle")
        self.action_title.setWordWrap(True)
        side.addWidget(self.action_title)
        self.actions = QStackedWidget(self)
        self.actions.setFixedWidth(380)
        self.page_confirm = QWidget(self.actions)
        QVBoxLayout(self.page_confirm)
        self.page_value = QWidget(self.actions)
        pv = QVBoxLayout(self.page_value)
        pv.setContentsMargins(0, 0, 0, 0)
        self.limits = QLabel("", self.page_value)
        self.limits.setObjectName("bigReason")
        self.value = QLineEdit(self.page_value)
        self.value.setMaxLength(16)
        self.keypad = Keypad(self.page_value, decimal=True, compact=True)  # fits beside the step
        self.keypad.set_target(self.value)
        self.keypad.sig_enter_pressed.connect(self.do_primary)
        pv.addWidget(self.limits)
        pv.addWidget(self.value)
        pv.addWidget(self.keypad, 1)
        self.page_scan = QWidget(self.actions)
        ps = QVBoxLayout(self.page_scan)
        self.scan_prompt = QLabel("", self.page_scan)
        self.scan_prompt.setObjectName("bigReason")
        self.scan_prompt.setWordWrap(True)
        self.scan_hint = QLabel(self.tr("Scan the label with the scanner. Nothing needs typing."),
                                self.page_scan)
        self.scan_hint.setObjectName("hint")
        self.scan_hint.setWordWrap(True)
        ps.addWidget(self.scan_prompt)
        ps.addWidget(self.scan_hint)
        ps.addStretch(1)
        self.page_reading = QWidget(self.actions)
        pr = QVBoxLayout(self.page_reading)
        self.reading_value = QLabel("", self.page_reading)
        self.reading_value.setObjectName("bigReason")
        self.reading_value.setWordWrap(True)
        pr.addWidget(self.reading_value)
        pr.addStretch(1)
        for page in (self.page_confirm, self.page_value, self.page_scan, self.page_reading):
            self.actions.addWidget(page)
        side.addWidget(self.actions, 1)
        body.addLayout(side)
        root.addLayout(body, 1)

        # One row of big buttons: Back · Skip · the step's action · Next.
        nav = QHBoxLayout()
        self.back_button = QPushButton(self.tr("◀  Back"), self)
        self.back_button.setObjectName("stepNav")
        self.next_button = QPushButton(self.tr("Next  ▶"), self)
        self.next_button.setObjectName("stepNav")
        self.back_button.clicked.connect(lambda: self.go(self._index - 1))
        self.next_button.clicked.connect(lambda: self.go(self._index + 1))
        self.skip_button = QPushButton(self.tr("Skip step"), self)
        self.skip_button.setObjectName("stepNav")
        self.skip_button.clicked.connect(self.do_skip)
        self.primary = QPushButton("", self)
        self.primary.setObjectName("stepNav")
        self.primary.setProperty("primary", True)
        self.primary.clicked.connect(self.do_primary)
        nav.addWidget(self.back_button, 2)
        nav.addWidget(self.skip_button, 2)
        nav.addWidget(self.primary, 3)
        nav.addWidget(self.next_button, 2)
        root.addLayout(nav)

        service.sig_changed.connect(self.refresh)
        service.sig_error.connect(self._alarm)
        self.refresh(jump=True)

    # -- scans (only while shown) -----------------------------------------------
    def take_scan(self, scan: Any) -> bool:
        step = self.current_step()
        if step is None or step.action != "scan":
            return False
        self.submit(getattr(scan, "text", str(scan)))
        return True

    # -- state ------------------------------------------------------------------
    def current_step(self) -> StepSpec | None:
        run = self._svc.run()
        if run is None or not run.steps:
            return None
        self._index = max(0, min(self._index, len(run.steps) - 1))
        return run.steps[self._index]

    def go(self, index: int) -> None:
        run = self._svc.run()
        if run is None or not run.steps:
            return
        if index > self._index:
            step = self.current_step()
            if step is not None and step.mandatory and not run.is_closed(step):
                self.message.say(self.tr("Finish this step first: it is mandatory."), "warning")
                return
        self._index = max(0, min(index, len(run.steps) - 1))
        self.message.say("", "ok")
        self.value.clear()
        self.refresh()

    def _jump(self, key: str) -> None:
        run = self._svc.run()
        if run is None:
            return
        for i, s in enumerate(run.steps):
            if str(s.position) == key:
                # Jumping ahead past an open mandatory step is not allowed either.
                first_open = run.first_open_index()
                if i > first_open and any(st.mandatory and not run.is_closed(st)
                                          for st in run.steps[:i]):
                    self.message.say(self.tr("Finish the open mandatory steps in order first."),
                                     "warning")
                    self.steps.select(str(run.steps[self._index].position))
                    return
                self._index = i
                self.message.say("", "ok")
                self.refresh()

    def _alarm(self, text: str) -> None:  # a bound slot: dropped with this screen
        self.message.say(text, "alarm")

    def refresh(self, jump: bool = False) -> None:
        run = self._svc.run()
        if run is None:
            self.title.setText(self.tr("No work instruction open"))
            self.progress.setText("")
            self.steps.set_cards([])
            for w in (self.warning, self.step_title, self.text, self.media, self.tools,
                      self.primary, self.skip_button, self.back_button, self.next_button):
                w.hide()
            self.actions.hide()
            self.action_title.setText(self.tr("Start or select an order on the Orders screen."))
            return
        if jump:
            self._index = run.first_open_index()
        for w in (self.step_title, self.text, self.back_button, self.next_button):
            w.show()
        self.actions.show()
        done = sum(1 for s in run.steps if run.is_closed(s))
        self.title.setText(f"{run.order_code} · {run.instruction_name} (v{run.instruction_version})")
        step = self.current_step()
        assert step is not None
        self.progress.setText(self.tr("Step %1 of %2 · %3 done")
                              .replace("%1", str(self._index + 1))
                              .replace("%2", str(len(run.steps))).replace("%3", str(done)))
        cards = []
        for s in run.steps:
            rec = run.records.get(s.position)
            mark = "✓" if rec and rec.result == "done" else "–" if rec and rec.result == "skipped" \
                else "●"
            detail = (self.tr("mandatory") if s.mandatory else self.tr("optional"))
            if s.requires_signoff:
                detail += " · " + self.tr("sign-off")
            if rec is not None and rec.value_text and rec.result == "done":
                detail += f" · {rec.value_text}"
            cards.append(Card(key=str(s.position), title=f"{mark} {s.position}. {s.title}",
                              detail=detail))
        self.steps.set_cards(cards)
        self.steps.select(str(step.position))
        self._show_step(run, step)

    def _show_step(self, run: Any, step: StepSpec) -> None:
        self.warning.setVisible(bool(step.warning))
        self.warning.setText("⚠  " + step.warning)
        self.step_title.setText(f"{step.position}. {step.title}")
        self.text.setMarkdown(step.text)
        path = None
        if step.media_ref:
            path = Path(step.media_ref)
            if not path.is_absolute() and self._media_root is not None:
                path = self._media_root / path
        self.media.set_media(path, step.media_page)
        self.tools.setVisible(bool(step.required_tools))
        self.tools.setText(self.tr("Tools needed: %1").replace("%1", ", ".join(step.required_tools)))
        rec = run.records.get(step.position)
        closed = run.is_closed(step)
        action = step.action
        if step.requires_signoff:
            self.action_title.setText(self.tr("A team lead signs this step off."))
        else:
            self.action_title.setText({
                "confirm": self.tr("Confirm when done."),
                "read": self.tr("Read, then go on."),
                "number": step.input_label or self.tr("Enter the value."),
                "text": step.input_label or self.tr("Enter the text."),
                "scan": self.tr("Scan to verify."),
                "reading": self.tr("Take the reading from the machine."),
            }.get(action, ""))
        if action in ("number", "text"):
            self.actions.setCurrentWidget(self.page_value)
            self.keypad.setVisible(action == "number")
            self.limits.setText(self.tr("Allowed: %1").replace("%1", step.limits_text())
                                if step.limits_text() else "")
        elif action == "scan" and self._typing_for == step.position:
            self.actions.setCurrentWidget(self.page_value)
            self.keypad.setVisible(False)
            self.limits.setText(self.tr("Type the code from the label:"))
        elif action == "scan":
            self.actions.setCurrentWidget(self.page_scan)
            wanted = step.expected_code or (self.tr("a part of this order")
                                            if step.scan_kind != "tool" else self.tr("the tool"))
            self.scan_prompt.setText(self.tr("Scan %1").replace("%1", wanted))
        elif action == "reading":
            self.actions.setCurrentWidget(self.page_reading)
            self.reading_value.setText(self._reading_text(step))
        else:
            self.actions.setCurrentWidget(self.page_confirm)
        if closed and rec is not None:
            who = rec.signoff_badge or rec.actor_badge or "?"
            when = rec.at.strftime("%H:%M")
            text = (self.tr("Done by %1 at %2") if rec.result == "done"
                    else self.tr("Skipped by %1 at %2")).replace("%1", who).replace("%2", when)
            if rec.value_text and rec.result == "done":
                text += f": {rec.value_text}"
            self.message.say(text, "ok")
        self.primary.setVisible(action != "read" or step.requires_signoff)
        self.primary.setEnabled(not closed)
        self.primary.setText(self._primary_text(step))
        # Scanning is the way; typing a code is the fallback, so it is not the dark button.
        self.primary.setProperty("primary", action != "scan" or step.requires_signoff)
        self.primary.style().unpolish(self.primary)
        self.primary.style().polish(self.primary)
        self.skip_button.setVisible(not step.mandatory and not closed)
        last = self._index >= len(run.steps) - 1
        self.back_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(not last and (closed or not step.mandatory
                                                  or action == "read"))

    def _reading_text(self, step: StepSpec) -> str:
        value, good = (None, False)
        if self._read_tag is not None and step.reading_tag:
            value, good = self._read_tag(step.reading_tag)
        shown = "—" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        unit = f" {step.unit}" if step.unit else ""
        text = self.tr("Machine now: %1").replace("%1", shown + unit)
        if not good:
            text += "\n" + self.tr("(no current value)")
        if step.limits_text():
            text += "\n" + self.tr("Allowed: %1").replace("%1", step.limits_text())
        return text

    def _primary_text(self, step: StepSpec) -> str:
        if step.requires_signoff:
            return self.tr("Sign off (team lead)")
        if step.action == "scan" and self._typing_for == step.position:
            return self.tr("Check code")
        return {
            "confirm": self.tr("Done  ✓"),
            "read": self.tr("Done  ✓"),
            "number": self.tr("Save value"),
            "text": self.tr("Save text"),
            "scan": self.tr("Type the code instead"),
            "reading": self.tr("Take reading"),
        }.get(step.action, self.tr("Done  ✓"))

    # -- actions ----------------------------------------------------------------
    def do_primary(self) -> None:
        step = self.current_step()
        if step is None:
            return
        if step.requires_signoff:
            self._sign_off(step)
            return
        if step.action == "scan":
            if self._typing_for == step.position:
                self.submit(self.value.text())  # checked exactly like a scan
            else:
                # A damaged label: the code may be typed instead (this step only).
                self._typing_for = step.position
                self.refresh()
            return
        value = self.value.text() if step.action in ("number", "text") else None
        self.submit(value)

    def submit(self, value: str | None) -> None:
        step = self.current_step()
        if step is None:
            return
        try:
            self._svc.complete_step(self._session.actor, step.position, value,
                                    on_done=lambda rec: self._after_done(step))
        except (InstructionError, PermissionDenied) as exc:
            self.message.say(str(exc), "alarm")
            if step.action == "reading":
                self.reading_value.setText(self._reading_text(step))

    def _after_done(self, step: StepSpec) -> None:
        self.value.clear()
        self._typing_for = None
        run = self._svc.run()
        if run is None:
            return
        self.message.say(self.tr("Step %1 done.").replace("%1", str(step.position)), "ok")
        if self._index < len(run.steps) - 1 and self.current_step() == step:
            self._index += 1
        self.refresh()

    def do_skip(self) -> None:
        step = self.current_step()
        if step is None:
            return
        dlg = self.skip_dialog_factory(self)
        if not dlg.exec():
            return
        try:
            self._svc.skip_step(self._session.actor, step.position, dlg.reason,
                                on_done=lambda rec: self._after_done(step))
        except (InstructionError, PermissionDenied) as exc:
            self.message.say(str(exc), "alarm")

    def _sign_off(self, step: StepSpec) -> None:
        value = self.value.text() if step.action in ("number", "text") else None
        result: dict[str, Any] = {}

        def on_sign(badge: str, pin: str) -> str | None:
            try:
                fut = self._svc.sign_off_step(self._session.actor, step.position, badge=badge,
                                              pin=pin, value=value,
                                              on_done=lambda rec: self._after_done(step))
                result["fut"] = fut
                fut.result(timeout=10)  # re-authentication is quick; the dialog shows errors
            except Exception as exc:  # wrong PIN, not a team lead, bad value
                return str(exc)
            return None

        run = self._svc.run()
        summary = self.tr("Step %1 “%2” of order %3").replace("%1", str(step.position)) \
            .replace("%2", step.title).replace("%3", run.order_code if run else "")
        dlg = self.dialog_factory(meaning=self.tr("Approved"), summary=summary, on_sign=on_sign,
                                  parent=self)
        dlg.exec()
