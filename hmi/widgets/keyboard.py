"""On-screen text keyboard and numeric keypad for panels without a keyboard.

Our own widgets (Qt Virtual Keyboard is GPLv3/QML). Both send **real key
events** (``QKeyEvent`` press + release through ``QCoreApplication.sendEvent``)
to their target widget, so validators, input masks, ``QCompleter``,
``textChanged``/``textEdited`` and ``returnPressed`` behave exactly as with a
physical keyboard — and application event filters (the keyboard-wedge scanner
filter, the idle timer) see them too. The keys never take focus, so the field
being typed into keeps it.

* :class:`OnScreenKeyboard` — letters (English QWERTY, German QWERTZ with
  Ä Ö Ü ß), one-shot Shift, Caps lock, a numbers/symbols page, Backspace with
  auto-repeat, Space, Enter and Hide. Keys are at least 64 px high.
* :class:`NumericKeypad` — digits, the decimal separator of the field's
  locale, a sign key, Backspace, Enter and Hide.

Where the panel appears and for which fields is decided by
``hmi.views.osk.OskController`` (docs/keyboard.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

__all__ = ["KEY_HEIGHT", "LAYOUTS", "NumericKeypad", "OnScreenKeyboard", "send_key", "send_text"]

#: Height of every key in px: 68 px is about 13 mm at the 135 dpi of a 12" 1280x800 panel,
#: above the 64 px asked for gloved fingers.
KEY_HEIGHT = 68
#: Gap between keys in px (the key pitch then is about 19 mm, like a desk keyboard's).
KEY_GAP = 12

_STYLE = f"""
QFrame#osk {{ background: #a8a8a8; border-top: 3px solid #3c3c3c; }}
QFrame#osk QPushButton {{
    min-height: {KEY_HEIGHT}px; max-height: {KEY_HEIGHT}px; min-width: 0; padding: 0 4px;
    background: #fafafa; color: #1a1a1a; border: 2px solid #5a5a5a; border-radius: 8px;
    font-size: 30px; font-weight: bold;
}}
QFrame#osk QPushButton:pressed {{ background: #bcbcbc; }}
QFrame#osk QPushButton[role="special"] {{ background: #dcdcdc; font-size: 24px; }}
QFrame#osk QPushButton[role="special"]:pressed {{ background: #bcbcbc; }}
QFrame#osk QPushButton[active="true"] {{ background: #3c3c3c; color: #ffffff; border-color: #1a1a1a; }}
QFrame#osk QPushButton[role="enter"] {{ background: #3c3c3c; color: #ffffff; border-color: #1a1a1a;
                                         font-size: 24px; }}
QFrame#osk QPushButton[role="enter"]:pressed {{ background: #5a5a5a; }}
QFrame#osk QPushButton:disabled {{ background: #c4c4c4; color: #8a8a8a; border-color: #9a9a9a; }}
QFrame#osk[kind="keypad"] QPushButton {{ min-width: 104px; }}
QFrame#osk[secret="true"] QPushButton:pressed {{ background: #fafafa; }}
QFrame#osk[secret="true"] QPushButton[role="special"]:pressed {{ background: #dcdcdc; }}
"""

_SPECIAL_KEYS = {
    # key name -> (Qt key, text sent)
    "back": (Qt.Key.Key_Backspace, ""),
    "enter": (Qt.Key.Key_Return, "\r"),
    "space": (Qt.Key.Key_Space, " "),
    "home": (Qt.Key.Key_Home, ""),
    "end": (Qt.Key.Key_End, ""),
    "delete": (Qt.Key.Key_Delete, ""),
}


def _qt_key(ch: str) -> int:
    """The Qt key code a physical keyboard reports for the character ``ch``."""
    if ch == "ß":
        return Qt.Key.Key_ssharp.value
    up = ch.upper()
    code = ord(up) if len(up) == 1 else ord(ch)
    # Qt key codes equal the (upper-case) Latin-1 code point; beyond it there is none.
    return code if code < 0x100 else Qt.Key.Key_unknown.value


def send_key(target: QWidget, key: str) -> None:
    """Press and release one key on ``target``: a character, or a name of ``_SPECIAL_KEYS``."""
    if key in _SPECIAL_KEYS:
        code, text = _SPECIAL_KEYS[key]
        code = code.value
    else:
        code, text = _qt_key(key), key
    mods = Qt.KeyboardModifier.NoModifier
    for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(target, QKeyEvent(etype, code, mods, text))


def send_text(target: QWidget, text: str) -> None:
    """Type ``text`` into ``target`` key by key."""
    for ch in text:
        send_key(target, ch)


@dataclass(frozen=True)
class _Key:
    key: str  # a character, or a special name: shift caps back enter space symbols letters hide
    units: float = 1.0  # width in standard keys (a row is 12.5 keys wide)


def _row(chars: str) -> list[_Key]:
    return [_Key(c) for c in chars]


_LETTERS_BOTTOM = [_Key("symbols", 2.5), _Key("caps", 2), _Key("space", 5.5), _Key("hide", 2.5)]
_SYMBOLS = [
    [*_row("1234567890"), _Key("back", 2.5)],
    [*_row("-_/:;()&@\""), _Key("enter", 2.5)],
    [*_row("#+*=%?!',.°"), _Key("€", 1.5)],
    [_Key("letters", 2.5), _Key("space", 7.5), _Key("hide", 2.5)],
]

#: Letter pages by language; both share the numbers/symbols page.
LAYOUTS: dict[str, list[list[_Key]]] = {
    "en": [
        [*_row("qwertyuiop"), _Key("back", 2.5)],
        [*_row("asdfghjkl@"), _Key("enter", 2.5)],
        [_Key("shift", 1.5), *_row("zxcvbnm,.-_")],
        _LETTERS_BOTTOM,
    ],
    "de": [
        [*_row("qwertzuiopü"), _Key("back", 1.5)],
        [*_row("asdfghjklöä"), _Key("enter", 1.5)],
        [_Key("shift", 1.5), *_row("yxcvbnmß,.-")],
        _LETTERS_BOTTOM,
    ],
}

_ROW_UNITS = 12.5  # a row is 12.5 letter keys wide


class _KeyButton(QPushButton):
    def __init__(self, key: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("oskKey")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        # Ignored: the grid alone sets the width, so equal keys are equal whatever their label
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(KEY_HEIGHT)
        self.setMinimumWidth(0)
        self.setAutoDefault(False)


def _polish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)


class _Panel(QFrame):
    """Common frame: the look, the target and the Enter/Hide signals."""

    #: Enter was pressed and the field takes it: whoever shows the panel hides it now
    #: (emitted *before* the Return key event, so a handler that moves the focus to the
    #: next field gets the panel back for that field).
    sig_done = Signal()
    #: The Hide key.
    sig_hide = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("osk")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        self._target: QWidget | None = None

    def target(self) -> QWidget | None:
        return self._target

    def set_target(self, widget: QWidget | None) -> None:
        self._target = widget

    def set_secret(self, secret: bool) -> None:
        """Password field: a pressed key looks like any other key (nothing to read over a
        shoulder); the keys never show what was typed in any case."""
        if bool(self.property("secret")) == secret:
            return
        self.setProperty("secret", secret)
        _polish(self)
        for b in self.findChildren(QPushButton):
            _polish(b)

    def _enter(self) -> None:
        target = self._target
        if target is None or not shiboken6.isValid(target):
            return
        # A line edit whose validator does not accept the text yet ignores Enter
        # (no returnPressed); the panel stays so the entry can be corrected.
        if not isinstance(target, QLineEdit) or target.hasAcceptableInput():
            if not _multi_line(target):
                self.sig_done.emit()
        send_key(target, "enter")

    def _send(self, key: str) -> None:
        if self._target is not None and shiboken6.isValid(self._target):
            send_key(self._target, key)


def _multi_line(w: QWidget) -> bool:
    return isinstance(w, (QPlainTextEdit, QTextEdit))


class OnScreenKeyboard(_Panel):
    """Full text keyboard. ``set_layout("de")`` switches to QWERTZ with umlauts.

    ``key(name)`` is the button for a key on the page shown (a character, or
    ``shift caps back enter space symbols letters hide``); ``press(name)`` taps it.
    Enter in a multi-line field types a line break and keeps the keyboard.
    """

    def __init__(self, parent: QWidget | None = None, *, layout: str = "en") -> None:
        super().__init__(parent)
        self._shift = False
        self._caps = False
        self._layout = ""
        self._pages = QStackedWidget(self)
        self._pages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(KEY_GAP, KEY_GAP, KEY_GAP, KEY_GAP)
        lay.addWidget(self._pages)
        self._letters: dict[str, QPushButton] = {}
        self._symbols: dict[str, QPushButton] = {}
        self._symbols_page = self._build_page(_SYMBOLS, self._symbols)
        self._letters_page = QWidget(self)
        self._pages.addWidget(self._letters_page)
        self._pages.addWidget(self._symbols_page)
        self.set_layout(layout)

    # -- building ---------------------------------------------------------------
    def _build_page(self, rows: list[list[_Key]], keys: dict[str, QPushButton],
                    page: QWidget | None = None) -> QWidget:
        page = page or QWidget(self)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(KEY_GAP)
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(KEY_GAP)
            # Widths by stretch (keys ignore their labels' size hints): a key of 1.5 units
            # is 1.5 times a letter key; a short row is centred.
            spare = round((_ROW_UNITS - sum(k.units for k in row)) * 10)
            if spare:
                line.addStretch(spare // 2)
            for k in row:
                btn = self._make_key(k.key, page)
                line.addWidget(btn, round(k.units * 10))
                keys[k.key] = btn
            if spare:
                line.addStretch(spare - spare // 2)
            col.addLayout(line)
        return page

    def _make_key(self, key: str, page: QWidget) -> QPushButton:
        btn = _KeyButton(key, page)
        labels = {
            "shift": ("⇧", self.tr("Shift: next letter upper case")),
            "caps": (self.tr("Caps"), self.tr("Caps lock: all letters upper case")),
            "back": ("⌫", self.tr("Delete the character before the cursor")),
            "enter": (self.tr("Enter"), self.tr("Enter: finish this field")),
            "space": (self.tr("Space"), self.tr("Space")),
            "symbols": (self.tr("?123"), self.tr("Numbers and symbols")),
            "letters": (self.tr("ABC"), self.tr("Letters")),
            "hide": (self.tr("Hide ▾"), self.tr("Hide the keyboard")),
        }
        if key in labels:
            text, name = labels[key]
            btn.setText(text)
            btn.setAccessibleName(name)
            btn.setProperty("role", "enter" if key == "enter" else "special")
        else:
            btn.setText(key.replace("&", "&&"))  # a lone & would be a mnemonic marker
        if key == "back":
            btn.setAutoRepeat(True)  # hold to delete more
            btn.setAutoRepeatDelay(500)
            btn.setAutoRepeatInterval(90)
        btn.clicked.connect(lambda _=False, k=key: self.press(k))
        return btn

    # -- public ------------------------------------------------------------------
    def set_layout(self, language: str) -> None:
        """``"en"`` (QWERTY) or ``"de"`` (QWERTZ, Ä Ö Ü ß); other languages fall back to
        English (``de_CH``, ``de-AT`` … count as German)."""
        name = "de" if language.lower().replace("-", "_").split("_")[0] == "de" else "en"
        if name == self._layout:
            return
        self._layout = name
        old = self._letters_page
        self._letters_page = QWidget(self)
        self._letters = {}
        self._build_page(LAYOUTS[name], self._letters, self._letters_page)
        self._pages.insertWidget(0, self._letters_page)
        self._pages.removeWidget(old)
        old.deleteLater()
        self._pages.setCurrentWidget(self._letters_page)
        self._relabel()

    def layout_name(self) -> str:
        return self._layout

    @property
    def keys(self) -> dict[str, QPushButton]:
        """The keys of the page shown, by name."""
        return self._symbols if self.page() == "symbols" else self._letters

    def key(self, name: str) -> QPushButton:
        return self.keys[name]

    def page(self) -> str:
        return "symbols" if self._pages.currentWidget() is self._symbols_page else "letters"

    def shifted(self) -> bool:
        return self._shift

    def caps(self) -> bool:
        return self._caps

    def reset(self) -> None:
        """Letters page, lower case (for each new field)."""
        self._shift = self._caps = False
        self._pages.setCurrentWidget(self._letters_page)
        self._relabel()

    def press(self, key: str) -> None:
        if key == "shift":
            self._shift = not self._shift
        elif key == "caps":
            self._caps = not self._caps
            self._shift = False
        elif key == "symbols":
            self._pages.setCurrentWidget(self._symbols_page)
        elif key == "letters":
            self._pages.setCurrentWidget(self._letters_page)
        elif key == "hide":
            self.sig_hide.emit()
        elif key == "enter":
            self._enter()
        elif key in ("back", "space"):
            self._send(key)
        else:
            upper = self._shift != self._caps  # Shift while Caps types one lower-case letter
            self._send(key.upper() if upper and key != "ß" else key)
            self._shift = False
        self._relabel()

    def _relabel(self) -> None:
        upper = self._shift != self._caps
        for key, btn in self._letters.items():
            if len(key) == 1 and key.isalpha():
                btn.setText(key.upper() if upper and key != "ß" else key)
        for key, on in (("shift", self._shift), ("caps", self._caps)):
            btn = self._letters.get(key)
            if btn is not None and bool(btn.property("active")) != on:
                btn.setProperty("active", on)
                _polish(btn)


class NumericKeypad(_Panel):
    """Digits, decimal separator, sign, Backspace, Enter and Hide.

    ``configure(decimal_point=",", decimals=True, negative=False)`` adapts it to the
    field: the separator key shows the field's own separator; keys the field cannot
    take (a separator for a whole number, a sign where only positive values are
    allowed) are disabled rather than silently refused.
    """

    _ORDER = (("1", 0, 0), ("2", 0, 1), ("3", 0, 2), ("back", 0, 3),
              ("4", 1, 0), ("5", 1, 1), ("6", 1, 2), ("minus", 1, 3),
              ("7", 2, 0), ("8", 2, 1), ("9", 2, 2), ("hide", 2, 3),
              ("decimal", 3, 0), ("0", 3, 1))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "keypad")
        self._decimal_point = "."
        grid = QGridLayout(self)
        grid.setContentsMargins(KEY_GAP, KEY_GAP, KEY_GAP, KEY_GAP)
        grid.setSpacing(KEY_GAP)
        self.keys: dict[str, QPushButton] = {}
        labels = {"back": ("⌫", self.tr("Delete the digit before the cursor")),
                  "minus": ("±", self.tr("Change the sign")),
                  "hide": (self.tr("Hide ▾"), self.tr("Hide the keypad")),
                  "enter": (self.tr("Enter"), self.tr("Enter: finish this field"))}
        for key, r, c in (*self._ORDER, ("enter", 3, 2)):
            btn = _KeyButton(key, self)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            text, name = labels.get(key, (key, ""))
            btn.setText(text)
            if name:
                btn.setAccessibleName(name)
                btn.setProperty("role", "enter" if key == "enter" else "special")
            if key == "back":
                btn.setAutoRepeat(True)
                btn.setAutoRepeatDelay(500)
                btn.setAutoRepeatInterval(90)
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(btn, r, c, 1, 2 if key == "enter" else 1)
            self.keys[key] = btn
        self.configure()

    def configure(self, *, decimal_point: str = ".", decimals: bool = True,
                  negative: bool = True) -> None:
        self._decimal_point = decimal_point
        self.keys["decimal"].setText(decimal_point)
        self.keys["decimal"].setAccessibleName(self.tr("Decimal separator"))
        self.keys["decimal"].setEnabled(decimals)
        self.keys["minus"].setEnabled(negative)

    def decimal_point(self) -> str:
        return self._decimal_point

    def press(self, key: str) -> None:
        if key == "hide":
            self.sig_hide.emit()
        elif key == "enter":
            self._enter()
        elif key == "back":
            self._send("back")
        elif key == "decimal":
            self._send(self._decimal_point)
        elif key == "minus":
            self._toggle_sign()
        else:
            self._send(key)

    def _toggle_sign(self) -> None:
        """The sign goes in front wherever the cursor is: Home, '-' (or Delete), End.

        A spin box keeps the cursor behind its prefix, so Home lands before the number."""
        target = self._target
        if not isinstance(target, (QAbstractSpinBox, QLineEdit)) or not shiboken6.isValid(target):
            return
        text = target.text()
        if isinstance(target, (QSpinBox, QDoubleSpinBox)) and target.prefix():
            text = text.removeprefix(target.prefix())
        send_key(target, "home")
        send_key(target, "delete" if text.lstrip().startswith("-") else "-")
        send_key(target, "end")
