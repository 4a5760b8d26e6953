"""Touch-first picker for the downtime reason tree.

Plain data in (:class:`ReasonNode` records or tuples of the same fields), one
signal out: ``sig_chosen(code, comment)``. From top to bottom: the suggested
reason (e.g. from a PLC fault-code mapping) one tap away, a row of recent /
frequent reasons, a search field that filters every level by name or code, a
Back button with the breadcrumb and "Choose <node>", then big tiles for the
children of the current node. Tapping a node with children opens it; tapping
a leaf chooses it. A reason that requires a comment opens a comment field and
is only confirmed once the comment is filled in.

Every button has an objectName for tests: ``reason:<code>`` (tiles),
``recent:<code>``, ``preselect``, ``reasonBack``, ``chooseCurrent``,
``confirmReason``, ``cancelReason``; the fields are ``reasonSearch`` and
``reasonComment``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from hmi.widgets.style import set_props

log = logging.getLogger(__name__)

#: Touch target height (px): >= 15 mm on the 1280x800 panel.
TOUCH_PX = 88
MAX_RESULTS = 30
MAX_RECENT = 6


@dataclass(frozen=True, slots=True)
class ReasonNode:
    code: str
    name: str
    parent_code: str | None = None
    category: str = "unplanned"  # "planned" | "unplanned"
    color: str | None = None
    requires_comment: bool = False


def _node(n: ReasonNode | Sequence) -> ReasonNode:
    if isinstance(n, ReasonNode):
        return n
    return ReasonNode(*n)


_PICKER_QSS = """
QLabel#pickerHeading { font-size: 18px; color: #3c3c3c; font-weight: bold; }
QLabel#breadcrumb { font-size: 20px; font-weight: bold; }
QFrame#preselectBox { background: #ffffff; border: 3px solid #1a1a1a; border-radius: 8px; }
QLabel#preselectWhy { font-size: 18px; color: #1a1a1a; }
QFrame#commentPanel { background: #ffffff; border: 3px solid #1a1a1a; border-radius: 8px; }
QLabel#pickerMessage { font-size: 20px; font-weight: bold; padding: 8px; border-radius: 6px; }
QLabel#pickerMessage[severity="alarm"] { background: #d0021b; color: #ffffff; }
QLabel#pickerMessage[severity="hint"] { background: #e6e6e6; color: #1a1a1a; }
"""


def _tile_style(node: ReasonNode, highlighted: bool) -> str:
    stripe = node.color or ("#2a6ebb" if node.category == "planned" else "#8a8a8a")
    border = "4px solid #1a1a1a" if highlighted else "2px solid #8a8a8a"
    bg = "#ffffff" if highlighted else "#ececec"
    weight = "bold" if highlighted else "normal"
    return (f"QPushButton {{ border: {border}; border-left: 14px solid {stripe}; "
            f"background: {bg}; font-weight: {weight}; text-align: left; "
            f"padding-left: 14px; font-size: 20px; border-radius: 0; }}"
            "QPushButton:pressed { background: #bcbcbc; }")


class ReasonTreePicker(QWidget):
    """Pick a downtime reason: suggested, recent, search, or walk the tree with big tiles."""

    #: (reason code, comment — "" when none was required or given)
    sig_chosen = Signal(str, str)

    def __init__(self, nodes: Iterable[ReasonNode | Sequence] = (), parent: QWidget | None = None,
                 *, columns: int = 3) -> None:
        super().__init__(parent)
        self.setObjectName("reasonPicker")
        self.setStyleSheet(_PICKER_QSS)
        self._columns = max(1, columns)
        self._nodes: dict[str, ReasonNode] = {}
        self._children: dict[str | None, list[str]] = {}
        self._current: str | None = None
        self._recent: list[str] = []
        self._preselected: str | None = None
        self._pending: str | None = None
        self._tiles: list[QPushButton] = []

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)

        # suggested reason (one tap)
        self.preselect_box = QFrame(self)
        self.preselect_box.setObjectName("preselectBox")
        pb = QHBoxLayout(self.preselect_box)
        pb.setContentsMargins(12, 6, 6, 6)
        self.preselect_why = QLabel("", self.preselect_box)
        self.preselect_why.setObjectName("preselectWhy")
        self.preselect_why.setWordWrap(True)
        self.preselect_button = QPushButton("", self.preselect_box)
        self.preselect_button.setObjectName("preselect")
        self.preselect_button.setMinimumHeight(TOUCH_PX)
        self.preselect_button.setProperty("primary", True)
        self.preselect_button.clicked.connect(
            lambda: self._preselected and self._choose(self._preselected))
        pb.addWidget(self.preselect_why, 1)
        pb.addWidget(self.preselect_button, 1)
        self.preselect_box.hide()
        lay.addWidget(self.preselect_box)

        # recent / frequent
        self.recent_box = QWidget(self)
        self.recent_box.setObjectName("recentBox")
        rb = QVBoxLayout(self.recent_box)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.setSpacing(2)
        heading = QLabel(self.tr("Recent"), self.recent_box)
        heading.setObjectName("pickerHeading")
        rb.addWidget(heading)
        self._recent_row = QHBoxLayout()
        self._recent_row.setSpacing(8)
        rb.addLayout(self._recent_row)
        self._recent_buttons: list[QPushButton] = []
        self.recent_box.hide()
        lay.addWidget(self.recent_box)

        # search, back, breadcrumb, choose current
        self.search = QLineEdit(self)
        self.search.setObjectName("reasonSearch")
        self.search.setPlaceholderText(self.tr("Search reason name or code"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumHeight(64)
        self.search.textChanged.connect(lambda _t: self._show_tiles())
        lay.addWidget(self.search)

        nav = QHBoxLayout()
        self.back_button = QPushButton(self.tr("\u2039 Back"), self)
        self.back_button.setObjectName("reasonBack")
        self.back_button.setMinimumSize(140, TOUCH_PX)
        self.back_button.clicked.connect(self.go_back)
        self.breadcrumb = QLabel("", self)
        self.breadcrumb.setObjectName("breadcrumb")
        self.breadcrumb.setWordWrap(True)
        self.choose_current = QPushButton("", self)
        self.choose_current.setObjectName("chooseCurrent")
        self.choose_current.setMinimumHeight(TOUCH_PX)
        self.choose_current.clicked.connect(
            lambda: self._current is not None and self._choose(self._current))
        nav.addWidget(self.back_button)
        nav.addWidget(self.breadcrumb, 1)
        nav.addWidget(self.choose_current)
        lay.addLayout(nav)

        # tiles
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.scroll.viewport(),
                              QScroller.ScrollerGestureType.TouchGesture)
        inner = QWidget(self.scroll)
        self._grid = QGridLayout(inner)
        self._grid.setSpacing(10)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        for c in range(self._columns):
            self._grid.setColumnStretch(c, 1)
        self.scroll.setWidget(inner)
        lay.addWidget(self.scroll, 1)

        # comment for reasons that require one
        self.comment_panel = QFrame(self)
        self.comment_panel.setObjectName("commentPanel")
        cp = QVBoxLayout(self.comment_panel)
        self.comment_label = QLabel("", self.comment_panel)
        self.comment_label.setWordWrap(True)
        row = QHBoxLayout()
        self.comment = QLineEdit(self.comment_panel)
        self.comment.setObjectName("reasonComment")
        self.comment.setPlaceholderText(self.tr("What happened?"))
        self.comment.setMinimumHeight(64)
        self.comment.returnPressed.connect(self.confirm)
        self.confirm_button = QPushButton(self.tr("Confirm"), self.comment_panel)
        self.confirm_button.setObjectName("confirmReason")
        self.confirm_button.setProperty("primary", True)
        self.confirm_button.setMinimumSize(160, TOUCH_PX)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = QPushButton(self.tr("Cancel"), self.comment_panel)
        self.cancel_button.setObjectName("cancelReason")
        self.cancel_button.setMinimumSize(140, TOUCH_PX)
        self.cancel_button.clicked.connect(self._cancel_comment)
        row.addWidget(self.comment, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.cancel_button)
        cp.addWidget(self.comment_label)
        cp.addLayout(row)
        self.comment_panel.hide()
        lay.addWidget(self.comment_panel)

        self.message = QLabel("", self)
        self.message.setObjectName("pickerMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)

        self.set_nodes(nodes)

    # ---- data in ------------------------------------------------------------------------------
    def set_nodes(self, nodes: Iterable[ReasonNode | Sequence]) -> None:
        """Replace the tree. Nodes whose parent is unknown are shown at the top level."""
        self._nodes = {}
        for raw in nodes:
            n = _node(raw)
            self._nodes[n.code] = n
        self._children = {}
        for n in self._nodes.values():
            parent = n.parent_code if n.parent_code in self._nodes else None
            if n.parent_code and parent is None:
                log.warning("reason %s: parent %s unknown, shown at the top", n.code,
                            n.parent_code)
            self._children.setdefault(parent, []).append(n.code)
        self._recent = [c for c in self._recent if c in self._nodes]
        if self._preselected not in self._nodes:
            self._preselected = None
        self._current = None
        self._refresh_all()

    def set_recent(self, codes: Sequence[str]) -> None:
        """Recent / frequent reasons, most relevant first (unknown codes are ignored)."""
        self._recent = [c for c in dict.fromkeys(codes) if c in self._nodes][:MAX_RECENT]
        self._build_recent()

    def preselect(self, code: str | None, why: str = "") -> None:
        """Suggest ``code`` (shown on top, one tap to choose) and open its parent."""
        if code is not None and code not in self._nodes:
            log.warning("preselected reason %s is not in the tree", code)
            code = None
        self._preselected = code
        if code is None:
            self.preselect_box.hide()
        else:
            n = self._nodes[code]
            self.preselect_why.setText(why or self.tr("Suggested reason"))
            self.preselect_button.setText(
                self.tr("Choose %1").replace("%1", f"{n.name} ({n.code})"))
            self.preselect_box.show()
            self._current = self._nodes[code].parent_code \
                if self._nodes[code].parent_code in self._nodes else None
        self._refresh_all()

    def reset(self) -> None:
        """Back to the top, search and comment cleared (for the next stop)."""
        self._current = None
        self._pending = None
        self.search.clear()
        self.comment.clear()
        self.comment_panel.hide()
        self._restore_boxes()
        self._set_message("")
        self._refresh_all()

    # ---- state out -----------------------------------------------------------------------------
    @property
    def current(self) -> str | None:
        return self._current

    @property
    def pending(self) -> str | None:
        """The reason waiting for its comment."""
        return self._pending

    def tile_codes(self) -> list[str]:
        return [b.objectName().split(":", 1)[1] for b in self._tiles]

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    # ---- navigation ----------------------------------------------------------------------------
    def open_node(self, code: str | None) -> None:
        self._current = code if code in self._nodes else None
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self._refresh_all()

    def go_back(self) -> None:
        if self.search.text():
            self.search.clear()
            return
        if self._current is not None:
            parent = self._nodes[self._current].parent_code
            self.open_node(parent if parent in self._nodes else None)

    def _tap(self, code: str) -> None:
        if self._children.get(code):
            self.open_node(code)
        else:
            self._choose(code)

    def _choose(self, code: str) -> None:
        node = self._nodes[code]
        if node.requires_comment:
            self._pending = code
            self.comment_label.setText(
                self.tr("%1 needs a comment: type what happened, then tap Confirm.")
                .replace("%1", f"{node.name} ({node.code})"))
            self.comment_panel.show()
            self.preselect_box.hide()  # room for the comment (and the on-screen keyboard)
            self.recent_box.hide()
            self.comment.setFocus()
            self._set_message("")
            return
        self._emit(code, "")

    def confirm(self) -> None:
        if self._pending is None:
            return
        text = self.comment.text().strip()
        node = self._nodes[self._pending]
        if not text:
            self._set_message(
                self.tr("No comment yet: %1 needs a comment. Type what happened, then tap "
                        "Confirm.").replace("%1", node.name), "alarm")
            self.comment.setFocus()
            return
        code = self._pending
        self._pending = None
        self.comment.clear()
        self.comment_panel.hide()
        self._restore_boxes()
        self._emit(code, text)

    def _cancel_comment(self) -> None:
        self._pending = None
        self.comment.clear()
        self.comment_panel.hide()
        self._restore_boxes()
        self._set_message("")

    def _restore_boxes(self) -> None:
        self.preselect_box.setVisible(self._preselected is not None)
        self.recent_box.setVisible(bool(self._recent))

    def _emit(self, code: str, comment: str) -> None:
        self._set_message("")
        log.info("reason chosen: %s", code)
        self.sig_chosen.emit(code, comment)

    def _set_message(self, text: str, severity: str = "hint") -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        set_props(self.message, severity=severity)

    # ---- building ------------------------------------------------------------------------------
    def _path(self, code: str) -> list[ReasonNode]:
        out: list[ReasonNode] = []
        seen: set[str] = set()
        cur: str | None = code
        while cur in self._nodes and cur not in seen:
            seen.add(cur)
            out.append(self._nodes[cur])
            cur = self._nodes[cur].parent_code
        return list(reversed(out))

    def _refresh_all(self) -> None:
        self._build_recent()
        self._show_tiles()

    def _button(self, node: ReasonNode, name: str, text: str, parent: QWidget) -> QPushButton:
        b = QPushButton(text, parent)
        b.setObjectName(name)
        b.setMinimumHeight(TOUCH_PX)
        b.setStyleSheet(_tile_style(node, node.code == self._preselected))
        b.setProperty("preselected", node.code == self._preselected)
        return b

    def _build_recent(self) -> None:
        for b in self._recent_buttons:
            b.setObjectName("")
            b.hide()
            b.deleteLater()
        self._recent_buttons = []
        for code in self._recent:
            n = self._nodes[code]
            b = self._button(n, f"recent:{code}", n.name, self.recent_box)
            b.setMinimumWidth(160)
            b.clicked.connect(lambda _=False, c=code: self._choose(c))
            self._recent_row.addWidget(b)
            b.show()  # at once, not when the layout gets round to it
            self._recent_buttons.append(b)
        self.recent_box.setVisible(bool(self._recent))

    def _show_tiles(self) -> None:
        for b in self._tiles:
            self._grid.removeWidget(b)
            b.setObjectName("")
            b.hide()
            b.deleteLater()
        self._tiles = []
        query = self.search.text().strip().lower()
        parent = self._grid.parentWidget()
        if query:
            codes = [c for c, n in self._nodes.items()
                     if query in n.name.lower() or query in c.lower()]
            more = len(codes) - MAX_RESULTS
            codes = codes[:MAX_RESULTS]
            self.breadcrumb.setText(
                self.tr("%1 found").replace("%1", str(len(codes))) if codes
                else self.tr("Nothing matches \u201c%1\u201d: try part of the name or the code")
                .replace("%1", self.search.text().strip()))
            if more > 0:
                self.breadcrumb.setText(self.breadcrumb.text() + " " + self.tr(
                    "(first %1; type more to narrow)").replace("%1", str(MAX_RESULTS)))
            self.choose_current.hide()
            self.back_button.setEnabled(True)
        else:
            codes = list(self._children.get(self._current, []))
            names = [self.tr("All reasons")] + [n.name for n in self._path(self._current or "")]
            self.breadcrumb.setText(" \u203a ".join(names))
            self.back_button.setEnabled(self._current is not None)
            if self._current is None:
                self.choose_current.hide()
            else:
                self.choose_current.setText(
                    self.tr("Choose %1").replace("%1", self._nodes[self._current].name))
                self.choose_current.show()
        if self._preselected in codes:  # the suggestion comes first
            codes.remove(self._preselected)
            codes.insert(0, self._preselected)
        for i, code in enumerate(codes):
            n = self._nodes[code]
            more_mark = " \u203a" if self._children.get(code) else ""
            planned = f"  \u00b7 {self.tr('planned')}" if n.category == "planned" else ""
            if query and n.parent_code:
                path = " \u203a ".join(p.name for p in self._path(code)[:-1])
                text = f"{n.name}{more_mark}\n{path} \u00b7 {code}"
            else:
                text = f"{n.name}{more_mark}\n{code}{planned}"
            b = self._button(n, f"reason:{code}", text, parent)
            b.clicked.connect(lambda _=False, c=code: self._tap(c))
            self._grid.addWidget(b, i // self._columns, i % self._columns)
            b.show()
            self._tiles.append(b)
