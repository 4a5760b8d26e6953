"""Work instructions at the panel: each action checked, every outcome recorded, restart-proof.

The instruction, order, BOM and tools are written into a copy of the demo store
here (not taken from demo.toml), so the test says exactly what it needs. The
screen is driven with qtbot the way a finger drives it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPageSize, QPainter, QPdfWriter
from sqlalchemy import func, select

from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.instructions import (
    InstructionError,
    InstructionService,
    StepSpec,
    check_number,
    check_scan,
)
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.models import (
    StepCompletionEvent,
    Tool,
    ToolList,
    ToolListItem,
    WorkInstruction,
    WorkInstructionStep,
    WorkOrder,
    WorkOrderOperation,
)
from hmi.store.security import Role
from hmi.views.instructions import InstructionView

STATION = "ST-10"
ORDER = "WO-T-1"


def _steps() -> list[WorkInstructionStep]:
    return [
        WorkInstructionStep(position=1, title="Check the die", text="Check the **die**.",
                            warning="Keep hands out of the press area.",
                            requires_confirmation=True, media_ref="manual.pdf", media_page=2),
        WorkInstructionStep(position=2, title="Bushing", text="Scan the bushing.",
                            input_kind="scan", scan_kind="component", expected_code="BUSH-12"),
        WorkInstructionStep(position=3, title="Force", text="Enter the peak force.",
                            input_kind="number", input_label="Peak force", input_unit="kN",
                            input_min=10, input_max=40),
        WorkInstructionStep(position=4, title="Die", text="Scan the die.", input_kind="scan",
                            scan_kind="tool", expected_code="DIE-BRK"),
        WorkInstructionStep(position=5, title="Temperature", text="Take the reading.",
                            input_kind="reading", reading_tag="temperature", input_unit="°C",
                            input_min=170, input_max=190),
        WorkInstructionStep(position=6, title="Clean", text="Optional clean.", mandatory=False,
                            requires_confirmation=True),
        WorkInstructionStep(position=7, title="First part", text="Team lead checks.",
                            requires_signoff=True),
    ]


@pytest.fixture
def station(qtbot, demo_store, tmp_path):
    sf = demo_store
    with sf.begin() as s:
        s.add(WorkInstruction(code="WI-T", name="Test instruction", product_code="BRK-100",
                              steps=_steps()))
        s.add(Tool(code="DIE-0001", name="Die 1", tool_type="DIE-BRK", life_limit=1000))
        s.add(Tool(code="FIX-0001", name="Fixture", tool_type="FIX-BRK", kind="fixture"))
        s.add(ToolList(code="TL-T", name="Tools", items=[
            ToolListItem(position=1, tool_type="DIE-BRK"),
            ToolListItem(position=2, tool_type="FIX-BRK")]))
        s.add(WorkOrder(code=ORDER, product_code="BRK-100", bom_code="BRK-100", quantity=10,
                        operations=[WorkOrderOperation(
                            sequence=10, name="Press", station_code=STATION,
                            work_instruction_code="WI-T", tool_list_code="TL-T")]))
    pdf = tmp_path / "manual.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
    painter = QPainter(writer)
    painter.drawText(100, 100, "page one")
    writer.newPage()
    painter.drawText(100, 100, "page two")
    painter.end()
    assert QGuiApplication.instance() is not None

    worker = DbWorker()
    audit = AuditWriter(STATION)
    auth = AuthService(sf, STATION)
    sigs = SignatureService(sf, auth, audit, STATION)
    live = {"temperature": (200.0, True)}
    svc = InstructionService(worker, sf, STATION, audit, sigs,
                             read_tag=lambda name: live.get(name, (None, False)))
    session = SimpleNamespace(actor=auth.login("1001", "1234"))
    yield SimpleNamespace(sf=sf, svc=svc, worker=worker, session=session, live=live,
                          media=tmp_path, auth=auth)
    worker.shutdown()


def _grant_signoff(sf) -> None:
    """Clara (team lead) gets instruction.signoff if the demo roles do not have it yet."""
    with sf.begin() as s:
        role = s.scalars(select(Role).where(Role.code == "team_lead")
                         .order_by(Role.version.desc())).first()
        if "instruction.signoff" not in role.permissions:
            s.add(Role(code="team_lead", version=role.version + 1, name=role.name,
                       permissions=[*role.permissions, "instruction.signoff"]))


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))


def events(sf) -> list[StepCompletionEvent]:
    with sf() as s:
        return list(s.scalars(select(StepCompletionEvent).order_by(StepCompletionEvent.seq)))


# --------------------------------------------------------------------------- pure checks


def test_number_entry_is_checked_with_a_message_that_says_what_to_do() -> None:
    step = StepSpec(3, "Force", "", input_kind="number", unit="kN", min_value=10, max_value=40)
    assert check_number(step, " 12,5 ") == 12.5
    with pytest.raises(InstructionError, match="“abc” is not a number"):
        check_number(step, "abc")
    with pytest.raises(InstructionError, match="above the maximum 40 kN"):
        check_number(step, "41")
    with pytest.raises(InstructionError, match="below the minimum 10 kN"):
        check_number(step, "9.99")
    with pytest.raises(InstructionError, match="Enter a value"):
        check_number(step, "")


def test_scans_are_verified_against_the_bom_and_the_tool_list() -> None:
    part = StepSpec(2, "", "", input_kind="scan", scan_kind="component", expected_code="BUSH-12")
    kw = {"bom_materials": {"BUSH-12", "BOLT-M8"}, "tool_type_of": {"DIE-1": "DIE"}.get,
          "tool_types": {"DIE"}}
    assert check_scan(part, "BUSH-12", **kw) == "BUSH-12"
    with pytest.raises(InstructionError, match="Wrong part: scanned BUSH-16, this step needs"):
        check_scan(part, "BUSH-16", **kw)
    tool = StepSpec(4, "", "", input_kind="scan", scan_kind="tool", expected_code="DIE")
    assert check_scan(tool, "DIE-1", **kw) == "DIE"
    with pytest.raises(InstructionError, match="not a known tool"):
        check_scan(tool, "DIE-9", **kw)


# --------------------------------------------------------------------------- the screen


def test_an_order_driven_through_its_instruction_on_the_screen(qtbot, station) -> None:
    svc, sf = station.svc, station.sf
    _grant_signoff(sf)
    with qtbot.waitSignal(svc.sig_changed, timeout=10_000):
        svc.open(ORDER)
    view = InstructionView(svc, station.session, media_root=station.media,
                           read_tag=lambda n: station.live.get(n, (None, False)))
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    assert view.progress.text().startswith("Step 1 of 7")
    assert view.warning.isVisible() and "press area" in view.warning.text()
    assert view.media.problem == ""  # page 2 of the PDF rendered
    assert not view.next_button.isEnabled()  # mandatory step open
    assert svc.completion_blocker(ORDER) is not None

    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        tap(qtbot, view.primary)  # Done
    assert view.progress.text().startswith("Step 2 of 7")

    # A wrong component is refused loudly and recorded; the right one passes.
    view.take_scan(SimpleNamespace(text="BUSH-16"))
    assert "Wrong part" in view.message.text()
    qtbot.waitUntil(lambda: len(svc.run().refusals) == 1, timeout=5_000)
    assert view.take_scan(SimpleNamespace(text="BUSH-12"))
    qtbot.waitUntil(lambda: 2 in svc.run().records, timeout=5_000)
    assert view.progress.text().startswith("Step 3 of 7")

    # Value entry: out of limits refused, nothing stored as done; then a good value.
    for key in "45":
        view.keypad.press(key)
    tap(qtbot, view.primary)
    assert "above the maximum 40 kN" in view.message.text()
    assert svc.run().records.get(3) is None
    view.value.clear()
    for key in "22.5":
        view.keypad.press(key)
    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        tap(qtbot, view.primary)
    assert svc.run().records[3].value_number == 22.5

    # Tool scan: a fixture is the wrong type for this step.
    view.take_scan(SimpleNamespace(text="FIX-0001"))
    assert "Wrong tool" in view.message.text()
    qtbot.waitUntil(lambda: len(svc.run().refusals) == 2, timeout=5_000)
    view.take_scan(SimpleNamespace(text="DIE-0001"))
    qtbot.waitUntil(lambda: 4 in svc.run().records, timeout=5_000)
    assert view.progress.text().startswith("Step 5 of 7")

    # Machine reading: 200 °C is outside 170-190 → refused; after it settles, taken.
    tap(qtbot, view.primary)
    assert "above the maximum 190 °C" in view.message.text()
    qtbot.waitUntil(lambda: len(svc.run().refusals) == 3, timeout=5_000)
    station.live["temperature"] = (181.5, True)
    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        tap(qtbot, view.primary)
    assert svc.run().records[5].value_number == 181.5

    # Optional step skipped with a reason.
    class Skip:
        reason = "Not needed for this part"

        def __init__(self, parent) -> None:
            pass

        def exec(self) -> bool:
            return True

    view.skip_dialog_factory = Skip
    assert view.skip_button.isVisible()
    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        tap(qtbot, view.skip_button)

    # Sign-off: an operator's PIN is refused, the team lead's accepted.
    errors: list[str | None] = []

    class Dialog:
        def __init__(self, *, on_sign, **kw) -> None:
            self.on_sign = on_sign

        def exec(self) -> None:
            errors.append(self.on_sign("1002", "2345"))  # Ben, operator
            errors.append(self.on_sign("2001", "3456"))  # Clara, team lead

    view.dialog_factory = Dialog
    assert view.primary.text() == "Sign off (team lead)"
    with qtbot.waitSignal(svc.sig_changed, timeout=10_000):
        tap(qtbot, view.primary)
    assert errors[0] is not None and "Ben Kraus (badge 1002) may not sign off" in errors[0]
    assert errors[1] is None
    assert svc.run().records[7].signoff_badge == "2001"
    assert svc.completion_blocker(ORDER) is None

    recorded = [(e.step_position, e.result) for e in events(sf)]
    assert recorded == [(1, "done"), (2, "refused"), (2, "done"), (3, "done"), (4, "refused"),
                        (4, "done"), (5, "refused"), (5, "done"), (6, "skipped"), (7, "done")]
    assert all(e.actor_badge == "1001" for e in events(sf) if e.result != "refused")


def test_a_restart_shows_where_the_order_was_and_keeps_the_version(qtbot, station) -> None:
    svc, sf = station.svc, station.sf
    svc.open(ORDER).result(10)
    qtbot.waitUntil(lambda: svc.run() is not None, timeout=5_000)
    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        svc.complete_step(station.session.actor, 1)
    # A new instruction version is released meanwhile: the order keeps version 1.
    with sf.begin() as s:
        s.add(WorkInstruction(code="WI-T", version=2, name="Changed", steps=[
            WorkInstructionStep(position=1, title="Only", text="x", requires_confirmation=True)]))
    again = InstructionService(station.worker, sf, STATION, AuditWriter(STATION))
    run = again.load(ORDER)
    assert run is not None and run.instruction_version == 1 and len(run.steps) == 7
    assert run.first_open_index() == 1  # step 2 is next
    assert [s.position for s in run.open_mandatory()] == [2, 3, 4, 5, 7]
    with sf() as s:
        assert s.scalar(select(func.count()).select_from(StepCompletionEvent)) == 1


def test_nobody_logged_in_cannot_complete_a_step(qtbot, station) -> None:
    from hmi.services.permissions import PermissionDenied

    svc = station.svc
    svc.open(ORDER).result(10)
    qtbot.waitUntil(lambda: svc.run() is not None, timeout=5_000)
    with pytest.raises(PermissionDenied):
        svc.complete_step(None, 1)
    assert events(station.sf) == []



def test_a_code_typed_for_a_damaged_label_is_checked_like_a_scan(qtbot, station) -> None:
    svc = station.svc
    with qtbot.waitSignal(svc.sig_changed, timeout=10_000):
        svc.open(ORDER)
    view = InstructionView(svc, station.session, media_root=station.media)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    with qtbot.waitSignal(svc.sig_changed, timeout=5_000):
        tap(qtbot, view.primary)  # step 1 confirmed; step 2 is the bushing scan
    assert view.primary.text() == "Type the code instead"
    tap(qtbot, view.primary)
    assert view.primary.text() == "Check code" and view.actions.currentWidget() is view.page_value
    view.value.setText("BUSH-16")
    tap(qtbot, view.primary)
    assert "Wrong part" in view.message.text()
    qtbot.waitUntil(lambda: len(svc.run().refusals) == 1, timeout=5_000)
    assert view.primary.text() == "Check code"  # still typing for this step
    view.value.setText("BUSH-12")
    tap(qtbot, view.primary)
    qtbot.waitUntil(lambda: 2 in svc.run().records, timeout=5_000)
    assert view.progress.text().startswith("Step 3 of 7")
    assert view.primary.text() == "Save value"  # the typing mode belonged to step 2 only
