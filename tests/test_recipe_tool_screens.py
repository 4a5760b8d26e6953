"""The recipe versions screen (side-by-side diff, signed approval, rollback) and the
tools screen (life used, warning and limit, maintenance reset), on real services and
a copy of the demo database."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from hmi import config
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.orderstack import OrderStack
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.models import (
    Recipe,
    RecipeDownloadEvent,
    RecipeParameter,
    RecipeValidationEvent,
    ToolEvent,
)
from hmi.store.security import AuditEntry
from hmi.views.recipes import RecipeVersionsView
from hmi.views.tools import ToolsView

STATION = "ST-10"
CFG = config.load(config.demo_config_path())


def tap(qtbot: Any, widget: Any) -> None:
    assert widget.isEnabled(), f"{widget.text()!r} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))


@pytest.fixture
def stack(qtbot, demo_store) -> Iterator[SimpleNamespace]:
    worker = DbWorker()
    audit = AuditWriter(STATION)
    auth = AuthService(demo_store, STATION)
    sigs = SignatureService(demo_store, auth, audit, STATION)
    st = OrderStack(worker, demo_store, verify_materials=False, station_id=STATION, line_code="LINE-1", audit=audit,
                    signatures=sigs, tags={t.name: t for t in CFG.device_tags()})
    st.start(tick_ms=100)
    qtbot.waitUntil(lambda: st.orders.ready and st.tools.ready, timeout=10_000)
    yield SimpleNamespace(sf=demo_store, stack=st, auth=auth, worker=worker)
    st.shutdown()
    worker.shutdown()


class Signer:
    """Stands in for the signature dialog: tries each (badge, PIN) in turn, like a person."""

    tries: list[tuple[str, str]] = []
    answers: list[str | None] = []

    def __init__(self, *, on_sign, **_kw) -> None:
        self.on_sign = on_sign

    def exec(self) -> bool:
        for badge, pin in self.tries:
            answer = self.on_sign(badge, pin)
            Signer.answers.append(answer)
            if answer is None:
                return True
        return False


def test_two_versions_side_by_side_then_approve_with_a_signature(qtbot, stack) -> None:
    sf = stack.sf
    with sf.begin() as s:  # v2: a higher force and a wider limit
        s.add(Recipe(code="RCP-BRK-100", version=2, status="draft", name="Press 10 - BRK-100",
                     product_code="BRK-100", equipment_code=STATION, source="test",
                     parameters=[RecipeParameter(position=1, name="press_force",
                                                 tag="press_force_sp", value=21.0, unit="kN",
                                                 min_value=10, max_value=30, tolerance=1.5,
                                                 actual_tag="press_force")]))
    session = SimpleNamespace(actor=stack.auth.login("4001", "5678"))  # Eva, engineer
    view = RecipeVersionsView(stack.stack.recipes, session, CFG.station.timezone)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.show_recipe("RCP-BRK-100")
    qtbot.waitUntil(lambda: len(view.infos) == 2, timeout=10_000)
    view.pick(1)  # A = v2 (newest), B = v1 …
    view.pick(2)  # … then A = v1, B = v2
    qtbot.waitUntil(lambda: "v1 (A) compared with v2 (B)" in view.compare_title.text(),
                    timeout=10_000)
    changed = [c for c in view._cells if c.objectName() == "diffCell"
               and c.property("severity") == "warning"]
    assert any("21 kN" in c.text() for c in changed)  # the new force stands out
    removed = [c.text() for c in view._cells if "not in this version" in c.text()]
    assert removed  # v2 has only press_force: the other parameters are shown as removed

    # Approve v2: a wrong PIN is refused inside the dialog, then Eva signs.
    Signer.tries, Signer.answers = [("4001", "0000"), ("4001", "5678")], []
    view.dialog_factory = Signer
    tap(qtbot, view.approve_button)
    assert Signer.answers[0] and "PIN" in Signer.answers[0]
    assert Signer.answers[1] is None
    with sf() as s:
        status = {r.version: r.status for r in s.scalars(select(Recipe).where(
            Recipe.code == "RCP-BRK-100"))}
    assert status == {1: "draft", 2: "released"}
    qtbot.waitUntil(lambda: any(i.status == "released" for i in view.infos), timeout=10_000)
    assert not view.approve_button.isEnabled() or view.b != 2

    # Rollback needs a known-good version (a download read back ok and validated).
    assert not view.rollback_button.isEnabled()
    from hmi.store.events import append_event

    with sf.begin() as s:
        dl = append_event(s, RecipeDownloadEvent(
            station_id=STATION, recipe_code="RCP-BRK-100", recipe_version=1, result="ok",
            order_code="WO-1001", operation_sequence=10, verified_values={}))
        s.flush()
        append_event(s, RecipeValidationEvent(
            station_id=STATION, recipe_code="RCP-BRK-100", recipe_version=1,
            order_code="WO-1001", operation_sequence=10, download_event_id=dl.id,
            result="validated"))
    view.show_recipe("RCP-BRK-100")
    qtbot.waitUntil(lambda: view.rollback_button.isEnabled(), timeout=10_000)
    Signer.tries, Signer.answers = [("4001", "5678")], []
    tap(qtbot, view.rollback_button)
    assert Signer.answers == [None]
    with sf() as s:
        rows = {r.version: r for r in s.scalars(select(Recipe).where(
            Recipe.code == "RCP-BRK-100"))}
    assert rows[3].status == "released" and rows[2].status == "retired"
    assert [(p.name, p.value) for p in rows[3].parameters] == \
        [(p.name, p.value) for p in rows[1].parameters]
    qtbot.waitUntil(lambda: len(view.infos) == 3, timeout=10_000)


def test_a_worn_tool_turns_amber_then_red_and_only_maintenance_resets_it(qtbot, stack) -> None:
    tools = stack.stack.tools
    anna = stack.auth.login("1001", "1234")
    david = stack.auth.login("3001", "4567")  # maintenance
    session = SimpleNamespace(actor=anna)
    tools.scan(anna, "DIE-BRK-100-A", "WO-1001")
    view = ToolsView(tools, session)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    warned: list[Any] = []
    limited: list[Any] = []
    tools.sig_tool_warning.connect(warned.append)
    tools.sig_tool_limit.connect(limited.append)

    def card(code: str) -> Any:
        return next(c for c in view.list.shown if c.key == code)

    tools.on_parts(45_000)  # the die's warning level
    assert [t.code for t in warned] == ["DIE-BRK-100-A"]
    assert card("DIE-BRK-100-A").severity == "warning"
    assert "NEAR LIMIT" in card("DIE-BRK-100-A").detail
    tools.on_parts(5_000)  # its limit
    assert [t.code for t in limited] == ["DIE-BRK-100-A"]
    assert card("DIE-BRK-100-A").severity == "alarm"
    assert view.list.shown[0].key == "DIE-BRK-100-A"  # worst first

    class Reason:
        reason = "Reground / repaired"

        def __init__(self, code: str, parent: Any) -> None:
            pass

        def exec(self) -> bool:
            return True

    view.reset_dialog_factory = Reason
    view.select("DIE-BRK-100-A")
    tap(qtbot, view.reset_button)  # Anna, an operator: refused
    assert "may not" in view.message.text()
    assert tools.tool("DIE-BRK-100-A").cycles == 50_000
    session.actor = david
    tap(qtbot, view.reset_button)
    assert tools.tool("DIE-BRK-100-A").cycles == 0
    assert card("DIE-BRK-100-A").severity == "normal"
    qtbot.waitUntil(lambda: not tools.busy, timeout=10_000)
    with stack.sf() as s:
        reset = s.scalars(select(ToolEvent).where(ToolEvent.kind == "life_reset")).one()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "tool.reset")).one()
    assert (reset.cycles, reset.actor_badge, reset.reason) == (50_000, "3001",
                                                               "Reground / repaired")
    assert audit.old_value == {"cycles": 50_000, "life_unit": "cycles"}
