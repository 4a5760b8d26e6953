"""Shows the on-screen keyboard or keypad for the input that has the focus.

``OskController.install(window, enabled=cfg.ui.on_screen_keyboard, language=cfg.ui.language)``
watches ``QApplication.focusChanged``. When a text or number input inside
``window`` (or inside a dialog opened over it) gets the focus, the right panel
appears as a **child of that window** — never a separate top-level window, so
kiosk mode stays one window — raised above everything else:

* text (QLineEdit, QPlainTextEdit/QTextEdit, an editable QComboBox) → the
  :class:`~hmi.widgets.keyboard.OnScreenKeyboard`, full width;
* numbers (QSpinBox, QDoubleSpinBox, a QLineEdit with a QIntValidator,
  QDoubleValidator, a digits-only QRegularExpressionValidator, or the dynamic
  property ``keypad=True``) → the :class:`~hmi.widgets.keyboard.NumericKeypad`;
  its separator key is the field's locale's, and when it opens the field's
  text is selected so the first digit replaces the old value (a second tap
  places the cursor).

Where it goes, so the focused field stays visible:

* main window: docked at the bottom (the keypad bottom-right); if it would
  cover the field, it goes to the top (the keypad: bottom-left, then the top
  corners) instead. The window's layout is never squeezed;
* a dialog: space is reserved — the dialog grows by the panel's height (and
  to the keyboard's width), its layout gets that much bottom margin, and the
  panel sits in it; both are restored when the panel hides.

It hides when the focus leaves inputs, on Hide, and on Enter (a field that
moves the focus to the next field on Enter gets the panel back for that
field). Tapping a focused field whose panel was hidden shows it again.

Nothing for: read-only or disabled fields, fields with the property
``osk=False`` on themselves or any parent (a whole view can opt out), and
fields that a visible :class:`hmi.widgets.keypad.Keypad` on their screen types
into (login, andon, inspection, signature … have their own keypad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from hmi.widgets.keyboard import NumericKeypad, OnScreenKeyboard
from hmi.widgets.keypad import Keypad

__all__ = ["InputNeed", "OskController", "input_need"]

#: Room kept between the panel and the field it must not cover.
_MARGIN = 8
_DIGITS_ONLY = re.compile(r"\^?(?:\\d|\[0-9\])(?:[*+]|\{\d+(?:,\d*)?\})?\$?")


@dataclass(frozen=True)
class InputNeed:
    """What a focused widget needs: ``"keyboard"`` or ``"keypad"`` (with its options)."""

    panel: str
    decimals: bool = False
    negative: bool = False
    decimal_point: str = "."
    secret: bool = False


def _field(widget: QWidget) -> QWidget:
    """The input a focus widget belongs to (a spin box's or combo box's inner line edit)."""
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return parent
    return widget


def input_need(widget: QWidget | None) -> InputNeed | None:
    """The panel ``widget`` needs, or None (not an input, read-only, disabled)."""
    if widget is None or not widget.isEnabled():
        return None
    w = _field(widget)
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        if w.isReadOnly():
            return None
        dec = isinstance(w, QDoubleSpinBox) and w.decimals() > 0
        return InputNeed("keypad", decimals=dec, negative=w.minimum() < 0,
                         decimal_point=w.locale().decimalPoint())
    if isinstance(w, QAbstractSpinBox):  # dates and times: typed on the keyboard
        return None if w.isReadOnly() else InputNeed("keyboard")
    if isinstance(w, QComboBox):
        return InputNeed("keyboard") if w.isEditable() else None
    if isinstance(w, (QPlainTextEdit, QTextEdit)):
        return None if w.isReadOnly() else InputNeed("keyboard")
    if not isinstance(w, QLineEdit) or w.isReadOnly():
        return None
    secret = w.echoMode() in (QLineEdit.EchoMode.Password,
                              QLineEdit.EchoMode.PasswordEchoOnEdit)
    v = w.validator()
    if isinstance(v, QIntValidator):
        return InputNeed("keypad", negative=v.bottom() < 0, secret=secret,
                         decimal_point=v.locale().decimalPoint())
    if isinstance(v, QDoubleValidator):
        return InputNeed("keypad", decimals=v.decimals() > 0, negative=v.bottom() < 0,
                         secret=secret, decimal_point=v.locale().decimalPoint())
    if isinstance(v, QRegularExpressionValidator) and _DIGITS_ONLY.fullmatch(
            v.regularExpression().pattern()):
        return InputNeed("keypad", secret=secret)
    if w.property("keypad") is True:
        return InputNeed("keypad", decimals=True, negative=True, secret=secret,
                         decimal_point=w.locale().decimalPoint())
    return InputNeed("keyboard", secret=secret)


def _opted_out(widget: QWidget) -> bool:
    w: QWidget | None = widget
    while w is not None:
        if w.property("osk") is False:
            return True
        w = w.parentWidget()
    return False


def _own_keypad(widget: QWidget) -> bool:
    """A visible keypad of the screen itself types into this field."""
    return any(k.isVisible() and k.target() is widget
               for k in widget.window().findChildren(Keypad))


class OskController(QObject):
    """Shows :attr:`keyboard` or :attr:`keypad` for the focused input of ``window``."""

    #: "keyboard" or "keypad", when a panel appears for a field.
    sig_shown = Signal(str)
    sig_hidden = Signal()

    def __init__(self, window: QWidget, *, enabled: bool = True, language: str = "en") -> None:
        super().__init__(window)
        self._window = window
        self.keyboard = OnScreenKeyboard(window, layout=language)
        self.keypad = NumericKeypad(window)
        for panel in (self.keyboard, self.keypad):
            panel.hide()
            panel.sig_done.connect(self.hide)
            panel.sig_hide.connect(self.hide)
        self._enabled = False
        self._target: QWidget | None = None
        self._panel: OnScreenKeyboard | NumericKeypad | None = None  # the one shown
        self._host: QWidget | None = None  # window or dialog holding the panel
        self._dialog_saved: tuple[QDialog, QRect, tuple[int, int, int, int]] | None = None
        self._watched: list[QWidget] = []
        window.installEventFilter(self)
        self.set_enabled(enabled)

    @classmethod
    def install(cls, window: QWidget, *, enabled: bool = True,
                language: str = "en") -> OskController:
        """The controller for ``window`` (does nothing while ``enabled`` is false)."""
        return cls(window, enabled=enabled, language=language)

    # -- public ------------------------------------------------------------------
    def set_enabled(self, enabled: bool) -> None:
        app = QApplication.instance()
        if enabled and not self._enabled:
            app.focusChanged.connect(self._on_focus_changed)
        elif not enabled and self._enabled:
            app.focusChanged.disconnect(self._on_focus_changed)
            self.hide()
        self._enabled = enabled

    def is_enabled(self) -> bool:
        return self._enabled

    def set_language(self, language: str) -> None:
        self.keyboard.set_layout(language)

    def target(self) -> QWidget | None:
        return self._target

    def panel(self) -> QWidget | None:
        """The panel on screen, or None."""
        return self._panel if self._panel is not None and self._panel.isVisible() else None

    def show_for(self, widget: QWidget) -> bool:
        """Show the right panel for ``widget`` if it wants one; True if shown."""
        if not self._enabled or not shiboken6.isValid(widget):
            return False
        field = _field(widget)
        need = input_need(field)
        host = self._host_for(field)
        if need is None or host is None or _opted_out(field) or _own_keypad(field):
            self.hide()
            return False
        new_target = field is not self._target
        self._target = field
        panel = self.keyboard if need.panel == "keyboard" else self.keypad
        other = self.keypad if panel is self.keyboard else self.keyboard
        other.hide()
        other.set_target(None)
        if isinstance(panel, NumericKeypad):
            panel.configure(decimal_point=need.decimal_point, decimals=need.decimals,
                            negative=need.negative)
        elif new_target:
            panel.reset()
        panel.set_target(field)
        panel.set_secret(need.secret)
        self._panel = panel
        self._dock(panel, host, field)
        if need.panel == "keypad" and new_target:
            self._select_all(field)
            QTimer.singleShot(0, lambda f=field: self._select_all(f))  # after the tap's press
        self.sig_shown.emit(need.panel)
        return True

    def hide(self) -> None:
        """Hide the panel (the field keeps the focus; a tap on it brings the panel back)."""
        was = self.panel() is not None
        for panel in (self.keyboard, self.keypad):
            if shiboken6.isValid(panel):
                panel.hide()
        self._restore_dialog()
        host, self._host = self._host, None
        if host is not None and host is not self._window and shiboken6.isValid(host):
            host.removeEventFilter(self)
        if was:
            self.sig_hidden.emit()

    # -- focus -------------------------------------------------------------------
    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and input_need(_field(new)) is not None:
            self._watch(_field(new))  # a tap on it can bring a panel (back) later
        else:
            self._unwatch()
        if new is not None and self.show_for(new):
            return
        self._target = None
        self.hide()

    def _host_for(self, field: QWidget) -> QWidget | None:
        """The main window, or a dialog opened over it, that holds ``field``; else None."""
        win = field.window()
        if win is self._window:
            return win
        if isinstance(win, QDialog):
            w = win.parentWidget()
            while w is not None:
                if w is self._window:
                    return win
                w = w.parentWidget()
        return None

    def _watch(self, field: QWidget) -> None:
        if self._watched and self._watched[0] is field:
            return
        self._unwatch()
        self._watched = [field]
        if isinstance(field, QAbstractScrollArea):
            self._watched.append(field.viewport())
        for w in self._watched:
            w.installEventFilter(self)

    def _unwatch(self) -> None:
        for w in self._watched:
            if shiboken6.isValid(w):
                w.removeEventFilter(self)
        self._watched = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        et = event.type()
        if et == QEvent.Type.MouseButtonRelease and obj in self._watched:
            # a tap on the focused field whose panel was put away: bring it back
            field = self._watched[0]
            if self.panel() is None and shiboken6.isValid(field) and field.hasFocus():
                self.show_for(field)
        elif et == QEvent.Type.Resize and obj is self._host and self.panel() is not None:
            if self._dialog_saved is None:  # a dialog's size is ours while the panel is in it
                self._dock(self._panel, self._host, self._target)
        elif et in (QEvent.Type.Hide, QEvent.Type.Close) and obj is self._host \
                and obj is not self._window:
            self.hide()  # the dialog closed: the panel leaves it before it can be deleted
        return False

    @staticmethod
    def _select_all(field: QWidget) -> None:
        if shiboken6.isValid(field) and field.hasFocus() and isinstance(
                field, (QLineEdit, QAbstractSpinBox)):
            field.selectAll()

    # -- placement ---------------------------------------------------------------
    def _dock(self, panel: QWidget, host: QWidget, field: QWidget) -> None:
        if host is not self._host:
            self._restore_dialog()
            if self._host is not None and shiboken6.isValid(self._host) \
                    and self._host is not self._window:
                self._host.removeEventFilter(self)
            self._host = host
            if host is not self._window:
                host.installEventFilter(self)
        if panel.parentWidget() is not host:
            panel.setParent(host)
        if isinstance(host, QDialog):
            self._dock_in_dialog(panel, host)
        else:
            panel.setGeometry(self._place(panel, host, field))
        panel.show()
        panel.raise_()

    def _panel_size(self, panel: QWidget, host_width: int) -> tuple[int, int]:
        panel.ensurePolished()  # the look (key sizes) counts before the first show
        hint = panel.sizeHint()
        width = host_width if panel is self.keyboard else min(hint.width(), host_width)
        return width, hint.height()

    def _place(self, panel: QWidget, host: QWidget, field: QWidget) -> QRect:
        """Bottom (keypad: bottom-right) unless that covers the field; then the other spots."""
        w, h = self._panel_size(panel, host.width())
        hw, hh = host.width(), host.height()
        if panel is self.keyboard:
            spots = [QRect(0, hh - h, w, h), QRect(0, 0, w, h)]
        else:
            spots = [QRect(hw - w, hh - h, w, h), QRect(0, hh - h, w, h),
                     QRect(hw - w, 0, w, h), QRect(0, 0, w, h)]
        keep = self._keep_visible(field, host).adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)
        for spot in spots:
            if not spot.intersects(keep):
                return spot
        # A field taller than what is left (a big text box): cover the least of it.
        return min(spots, key=lambda s: _area(s.intersected(keep)))

    @staticmethod
    def _keep_visible(field: QWidget, host: QWidget) -> QRect:
        """The part of ``field`` that must stay visible, in ``host`` coordinates."""
        if isinstance(field, (QPlainTextEdit, QTextEdit)) and field.height() > 200:
            cursor = field.cursorRect()  # a tall text box: the line being typed
            top_left = field.viewport().mapTo(host, cursor.topLeft())
            return QRect(QPoint(0, top_left.y()), cursor.size()).adjusted(0, -40, 0, 40)
        return QRect(field.mapTo(host, QPoint(0, 0)), field.size())

    def _dock_in_dialog(self, panel: QWidget, dialog: QDialog) -> None:
        """Reserve room at the dialog's bottom: grow it by the panel and pad its layout."""
        if self._dialog_saved is None or self._dialog_saved[0] is not dialog:
            self._restore_dialog()
            lay = dialog.layout()
            m = lay.contentsMargins() if lay is not None else None
            margins = (m.left(), m.top(), m.right(), m.bottom()) if m is not None else (0, 0, 0, 0)
            self._dialog_saved = (dialog, dialog.geometry(), margins)
        _, geo, (ml, mt, mr, mb) = self._dialog_saved
        win = self._window
        win_geo = QRect(win.mapToGlobal(QPoint(0, 0)), win.size())
        pw, ph = self._panel_size(panel, win.width())
        width = max(geo.width(), pw)
        height = min(geo.height() + ph, win_geo.height())
        lay = dialog.layout()
        if lay is not None:
            lay.setContentsMargins(ml, mt, mr, mb + ph)
        x = win_geo.x() + (win_geo.width() - width) // 2
        y = min(max(geo.y(), win_geo.y()), win_geo.bottom() + 1 - height)
        dialog.setGeometry(x, y, width, height)
        panel.setGeometry((width - pw) // 2 if panel is self.keyboard else width - pw,
                          height - ph, pw, ph)

    def _restore_dialog(self) -> None:
        saved, self._dialog_saved = self._dialog_saved, None
        if saved is None:
            return
        dialog, geo, margins = saved
        for panel in (self.keyboard, self.keypad):
            if shiboken6.isValid(panel) and panel.parentWidget() is not self._window:
                panel.hide()
                panel.setParent(self._window)  # never deleted along with the dialog
        if shiboken6.isValid(dialog):
            lay = dialog.layout()
            if lay is not None:
                lay.setContentsMargins(*margins)
                lay.activate()  # the smaller minimum size first, or the dialog cannot shrink
            dialog.setGeometry(geo)


def _area(r: QRect) -> int:
    return max(0, r.width()) * max(0, r.height())
