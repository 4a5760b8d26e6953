"""The reason-tree picker: tap through the tree, search, suggestion, recent row, comments."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from hmi.widgets.reason_picker import ReasonNode, ReasonTreePicker

# (code, name, parent_code, category, color, requires_comment) as the demo master data has them
NODES = [
    ("MECH", "Mechanical", None, "unplanned", "#8E6C3A", False),
    ("MECH-HYD", "Hydraulic", "MECH", "unplanned", None, False),
    ("MECH-HYD-LEAK", "Leak", "MECH-HYD", "unplanned", None, False),
    ("MECH-JAM", "Part jammed", "MECH", "unplanned", None, False),
    ("ELEC", "Electrical", None, "unplanned", None, False),
    ("MAT", "Material", None, "unplanned", None, False),
    ("MAT-STARVED", "Starved (no material)", "MAT", "unplanned", None, False),
    ("MAT-WRONG", "Wrong material", "MAT", "unplanned", None, True),
    ("SAFETY", "Safety stop", None, "unplanned", None, True),
    ("CHANGEOVER", "Changeover", None, "planned", None, False),
    ReasonNode("BREAK", "Break", None, "planned"),
]


@pytest.fixture
def picker(qtbot):
    p = ReasonTreePicker(NODES)
    qtbot.addWidget(p)
    p.resize(1120, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def button(p, name) -> QPushButton:
    b = p.findChild(QPushButton, name)
    assert b is not None, f"no button {name}; tiles: {p.tile_codes()}"
    assert b.isVisible(), f"{name} is not visible"
    return b


def tap(qtbot, p, name):
    qtbot.mouseClick(button(p, name), Qt.MouseButton.LeftButton)


def test_top_level_tiles_are_big_and_walk_down_to_a_choice(qtbot, picker):
    assert picker.tile_codes() == ["MECH", "ELEC", "MAT", "SAFETY", "CHANGEOVER", "BREAK"]
    for code in picker.tile_codes():
        assert button(picker, f"reason:{code}").height() >= 80
    tap(qtbot, picker, "reason:MECH")
    assert picker.tile_codes() == ["MECH-HYD", "MECH-JAM"]
    assert "Mechanical" in picker.breadcrumb.text()
    tap(qtbot, picker, "reason:MECH-HYD")
    assert picker.tile_codes() == ["MECH-HYD-LEAK"]
    assert picker.breadcrumb.text().endswith("Mechanical \u203a Hydraulic")
    # a node with children can itself be chosen
    assert button(picker, "chooseCurrent").text() == "Choose Hydraulic"
    with qtbot.waitSignal(picker.sig_chosen) as sig:
        tap(qtbot, picker, "chooseCurrent")
    assert sig.args == ["MECH-HYD", ""]
    # Back walks up one level at a time
    tap(qtbot, picker, "reasonBack")
    assert picker.tile_codes() == ["MECH-HYD", "MECH-JAM"]
    tap(qtbot, picker, "reasonBack")
    assert picker.current is None and not button(picker, "reasonBack").isEnabled()


def test_tapping_a_leaf_chooses_it(qtbot, picker):
    tap(qtbot, picker, "reason:MECH")
    with qtbot.waitSignal(picker.sig_chosen) as sig:
        tap(qtbot, picker, "reason:MECH-JAM")
    assert sig.args == ["MECH-JAM", ""]


def test_search_finds_nodes_on_every_level(qtbot, picker):
    field = picker.findChild(QLineEdit, "reasonSearch")
    qtbot.keyClicks(field, "leak")
    assert picker.tile_codes() == ["MECH-HYD-LEAK"]
    assert "Mechanical \u203a Hydraulic" in button(picker, "reason:MECH-HYD-LEAK").text()
    with qtbot.waitSignal(picker.sig_chosen) as sig:
        tap(qtbot, picker, "reason:MECH-HYD-LEAK")
    assert sig.args == ["MECH-HYD-LEAK", ""]
    field.clear()
    qtbot.keyClicks(field, "mat")  # code and name, any case
    assert set(picker.tile_codes()) == {"MAT", "MAT-STARVED", "MAT-WRONG"}
    field.clear()
    qtbot.keyClicks(field, "zzz")
    assert picker.tile_codes() == []
    assert "Nothing matches" in picker.breadcrumb.text()


def test_preselected_reason_is_one_tap_away(qtbot, picker):
    picker.preselect("MECH-HYD-LEAK", "Suggested from PLC fault 103")
    assert "PLC fault 103" in picker.preselect_why.text()
    assert "Leak" in button(picker, "preselect").text()
    # the tree is opened where the suggestion lives, the suggestion highlighted and first
    assert picker.tile_codes()[0] == "MECH-HYD-LEAK"
    assert button(picker, "reason:MECH-HYD-LEAK").property("preselected") is True
    with qtbot.waitSignal(picker.sig_chosen) as sig:
        tap(qtbot, picker, "preselect")
    assert sig.args == ["MECH-HYD-LEAK", ""]


def test_required_comment_is_refused_empty_and_accepted_filled(qtbot, picker):
    chosen = []
    picker.sig_chosen.connect(lambda c, t: chosen.append((c, t)))
    tap(qtbot, picker, "reason:SAFETY")
    assert chosen == [] and picker.pending == "SAFETY"
    assert picker.comment_panel.isVisible()
    tap(qtbot, picker, "confirmReason")
    assert chosen == []
    assert "needs a comment" in picker.message_text()
    assert picker.message.property("severity") == "alarm"
    qtbot.keyClicks(picker.findChild(QLineEdit, "reasonComment"), "   ")
    tap(qtbot, picker, "confirmReason")
    assert chosen == []  # blanks are no comment
    picker.comment.clear()
    qtbot.keyClicks(picker.comment, "guard door opened by setter")
    tap(qtbot, picker, "confirmReason")
    assert chosen == [("SAFETY", "guard door opened by setter")]
    assert not picker.comment_panel.isVisible() and picker.message_text() == ""


def test_recent_row_comes_first(qtbot, picker):
    picker.set_recent(["MAT-STARVED", "UNKNOWN-CODE", "MECH-JAM"])
    recent = [b for b in picker.findChildren(QPushButton) if b.objectName().startswith("recent:")]
    assert [b.objectName() for b in sorted(recent, key=lambda b: b.mapTo(picker, b.rect().topLeft()).x())] \
        == ["recent:MAT-STARVED", "recent:MECH-JAM"]
    first_tile = button(picker, "reason:MECH")
    for b in recent:
        assert b.height() >= 80
        assert b.mapTo(picker, b.rect().bottomLeft()).y() < first_tile.mapTo(picker, first_tile.rect().topLeft()).y()
    with qtbot.waitSignal(picker.sig_chosen) as sig:
        tap(qtbot, picker, "recent:MAT-STARVED")
    assert sig.args == ["MAT-STARVED", ""]

