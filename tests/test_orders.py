"""Order dispatch at the station: queue, start/pause/resume/complete, partial quantities.

Real demo store (SQLite copy), real DbWorker, real audit writer, real tool service and
production recorder; time from a manual clock. qtbot only waits for the worker.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.masterdata import import_file
from hmi.services.orders import (
    OrderBlocked,
    OrderError,
    OrderEvent,
    OrderService,
    SeqSpan,
    project_order,
)
from hmi.services.permissions import PermissionDenied
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry
from hmi.services.recorder import ProductionRecorder
from hmi.services.tooling import ToolService, register_checks
from hmi.services.worker import DbWorker
from hmi.store.models import WorkOrderEvent
from hmi.store.security import AuditEntry

STATION = "ST-10"
LINE = "LINE-1"
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def t(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


# --------------------------------------------------------------------------- projection (pure)


def ev(kind: str, s: float, seq: int, **kw) -> OrderEvent:
    return OrderEvent(kind, t(s), seq, **kw)


def test_projection_sums_running_spans_only():
    events = [
        ev("started", 0, 10),
        ev("reported", 50, 11, quantity_good=20, quantity_scrap=1),
        ev("paused", 100, 14, reason="no blanks"),
    ]
    p = project_order(events, t(130))
    assert (p.state, p.worked_s, p.paused_s, p.pause_reason) == ("paused", 100, 30, "no blanks")
    assert (p.reported_good, p.reported_scrap) == (20, 1)
    assert p.spans == (SeqSpan(10, 14),)

    events += [ev("resumed", 160, 20), ev("reported", 170, 21, quantity_good=5)]
    p = project_order(events, t(200))
    assert (p.state, p.worked_s, p.paused_s, p.pause_reason) == ("running", 140, 60, "")
    assert p.spans == (SeqSpan(10, 14), SeqSpan(20, None))
    assert 25 in p.spans[1] and 15 not in p.spans[1] and 14 not in p.spans[0] and 12 in p.spans[0]
    assert p.reported_good == 25

    events.append(ev("completed", 260, 30))
    done = project_order(events, t(10_000))  # time after completion adds nothing
    assert (done.state, done.worked_s, done.paused_s) == ("completed", 200, 60)
    assert done.completed_at == t(260) and done.started_at == t(0)
    # events that make no sense after completion change nothing
    events += [ev("resumed", 300, 31), ev("started", 310, 32)]
    assert replace(project_order(events, t(20_000)), last_event_at=None) == replace(
        done, last_event_at=None)


def test_projection_order_by_seq_and_clock_going_back():
    # given out of order: seq decides; a timestamp before the start counts as 0 s, not negative
    events = [ev("paused", -5, 3, reason="x"), ev("started", 0, 2)]
    p = project_order(events, t(100))
    assert (p.state, p.worked_s) == ("paused", 0)
    assert project_order([], t(0)).state == "planned"
    # an unstored event (seq None) sorts after the stored ones
    p = project_order([OrderEvent("resumed", t(40)), *events], t(100))
    assert (p.state, p.worked_s, p.paused_s) == ("running", 60, 45)


# --------------------------------------------------------------------------- service harness


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


class Station:
    """The order service wired like the app wires it: registry with the tooling check."""

    def __init__(self, qtbot, worker, sf, clock: Clock | None = None) -> None:
        self.qtbot, self.worker, self.sf = qtbot, worker, sf
        self.clock = clock or Clock()
        self.errors: list[str] = []
        self.registry = PrerequisiteRegistry()
        self.completion = PrerequisiteRegistry()
        audit = AuditWriter(STATION, self.clock)
        self.orders = OrderService(worker, sf, STATION, LINE, self.registry, audit, self.clock,
                                   completion_checks=self.completion)
        self.tools = ToolService(worker, sf, STATION, LINE, audit, self.clock,
                                 running_order=self.orders.running_operation)
        register_checks(self.registry, self.tools)
        self.recorder = ProductionRecorder(sf, STATION)
        for svc in (self.orders, self.tools):
            svc.sig_error.connect(self.errors.append)
        self.orders.reload()
        self.tools.reload()
        self.settle()

    def at(self, s: float) -> None:
        self.clock.now = t(s)

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.orders.busy and not self.tools.busy,
                             timeout=10_000)
        assert self.errors == []

    def count(self, good: int = 1, scrap: int = 0) -> None:
        """A count from the machine: recorded as the app records it, and passed live."""
        for kind, n in (("good", good), ("scrap", scrap)):
            if n:
                self.worker.submit(self.recorder.record, "production_count", {
                    "kind": kind, "increment": n, "raw": 0, "source_ts": self.clock.now})
        self.orders.on_count(good, scrap)
        self.tools.on_parts(good + scrap)

    def set_up_tools(self, anna, order: str = "WO-1001",
                     tools: tuple[str, ...] = ("DIE-BRK-100-A", "FIX-NEST-01")) -> None:
        for code in tools:
            self.tools.scan(anna, code, order)
        self.settle()

    def row(self, code: str):
        return next(r for r in self.orders.all_rows() if r.code == code)

    def stored(self) -> list[tuple]:
        self.settle()
        with self.sf() as s:
            return [(e.order_code, e.kind, (e.recorded_at - T0).total_seconds(), e.actor_badge,
                     e.reason, e.quantity_good, e.quantity_scrap)
                    for e in s.scalars(select(WorkOrderEvent).order_by(WorkOrderEvent.seq))]

    def audit(self) -> list[tuple]:
        self.settle()
        with self.sf() as s:
            assert verify_chain(s, STATION).ok
            return [(a.action, a.actor_badge, a.entity_id)
                    for a in s.scalars(select(AuditEntry).where(AuditEntry.entity == "work_order")
                                       .order_by(AuditEntry.seq))]


@pytest.fixture
def st(qtbot, worker, demo_store):
    return Station(qtbot, worker, demo_store)


# --------------------------------------------------------------------------- queue


def test_queue_is_in_dispatch_order_with_what_is_next(st, people):
    rows = st.orders.queue()
    # priority, then due date, then code; WO-1006 is dispatched to the line, not a station
    assert [r.code for r in rows] == ["WO-1004", "WO-1001", "WO-1002", "WO-1003", "WO-1006",
                                      "WO-1005"]
    assert [r.is_next for r in rows] == [True] + [False] * 5
    first = rows[0]
    assert (first.product_code, first.product_name, first.quantity, first.unit,
            first.priority) == ("BRK-100", "Bracket 100 with 12 mm bushing", 800, "pcs", 2)
    assert (first.operation_sequence, first.operation_name, first.recipe_code,
            first.instruction_code, first.tool_list_code, first.inspection_plan_code) == (
        10, "Press bushing", "RCP-BRK-100", "WI-PRESS-BUSH", "TL-BRK-100", "IP-BRK")
    assert first.due == datetime(2026, 3, 3, 5, 0, tzinfo=UTC)
    assert (first.state, first.good, first.worked_s) == ("planned", 0, 0)

    # a running order comes first; what is next is the best planned one
    st.set_up_tools(people["anna"], "WO-1003", ("DIE-BRK-300-A", "FIX-NEST-01"))
    st.orders.start(people["anna"], "WO-1003")
    st.settle()
    rows = st.orders.queue()
    assert [(r.code, r.state, r.is_next) for r in rows[:2]] == [
        ("WO-1003", "running", False), ("WO-1004", "planned", True)]
    assert st.orders.active().code == "WO-1003"


def test_another_station_of_the_line_sees_only_line_dispatched_orders(qtbot, worker, demo_store):
    audit = AuditWriter("ST-20")
    svc = OrderService(worker, demo_store, "ST-20", LINE, PrerequisiteRegistry(), audit)
    with qtbot.waitSignal(svc.sig_queue_changed, timeout=10_000) as blocker:
        svc.reload()
    assert [r.code for r in blocker.args[0]] == ["WO-1006"]
    other_line = OrderService(worker, demo_store, "ST-90", "LINE-9", PrerequisiteRegistry(), audit)
    with qtbot.waitSignal(other_line.sig_queue_changed, timeout=10_000) as blocker:
        other_line.reload()
    assert blocker.args[0] == []


# --------------------------------------------------------------------------- life cycle


def test_start_pause_resume_complete_is_stored_and_audited(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.at(0)
    with st.qtbot.waitSignal(st.orders.sig_queue_changed, timeout=10_000):
        st.orders.start(anna, "WO-1001")
    st.at(30)
    st.count(3)
    st.at(60)
    st.orders.pause(anna, "WO-1001", "  waiting for   blanks ")
    st.at(90)
    st.count(2)  # the machine counted while paused: not the order's parts
    st.at(120)
    st.orders.resume(anna, "WO-1001")
    st.at(150)
    st.count(1, scrap=1)
    st.orders.report(anna, "WO-1001", 6, 2)
    st.at(180)
    st.orders.complete(anna, "WO-1001")

    assert st.stored() == [
        ("WO-1001", "started", 0, "1001", "", None, None),
        ("WO-1001", "paused", 60, "1001", "waiting for blanks", None, None),
        ("WO-1001", "resumed", 120, "1001", "", None, None),
        ("WO-1001", "reported", 150, "1001", "", 6, 2),
        ("WO-1001", "completed", 180, "1001", "", 4, 1),  # what the machine counted
    ]
    assert st.audit() == [("order.start", "1001", "WO-1001"), ("order.pause", "1001", "WO-1001"),
                          ("order.resume", "1001", "WO-1001"), ("order.report", "1001", "WO-1001"),
                          ("order.complete", "1001", "WO-1001")]
    row = st.row("WO-1001")
    assert (row.state, row.worked_s, row.paused_s, row.good, row.scrap) == (
        "completed", 120, 60, 4, 1)
    assert (row.reported_good, row.reported_scrap) == (6, 2)
    assert "WO-1001" not in [r.code for r in st.orders.queue()]
    # a completed order cannot start again
    with pytest.raises(OrderError, match="WO-1001 is completed; it cannot be changed or started"):
        st.orders.start(anna, "WO-1001")


def test_restart_mid_order_neither_loses_nor_doubles_time_or_counts(st, people, qtbot, worker,
                                                                    demo_store):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.count(5)  # before the start: not the order's
    st.at(0)
    st.orders.start(anna, "WO-1001")
    st.settle()
    for i in range(1, 8):
        st.at(i * 10)
        st.count(1, scrap=1 if i == 3 else 0)
    st.settle()
    assert st.orders.counted("WO-1001") == (7, 1)

    # The station restarts at 150 s (a crash after 70 s: nothing was written since).
    clock = Clock()
    clock.now = t(150)
    again = Station(qtbot, worker, demo_store, clock)
    row = again.row("WO-1001")
    assert (row.state, row.worked_s, row.good, row.scrap) == ("running", 150, 7, 1)
    assert again.orders.running_operation() == ("WO-1001", 10)
    # the same count goes to the store and to the live figure once
    again.at(160)
    again.count(2)
    assert again.orders.counted("WO-1001") == (9, 1)
    again.at(200)
    again.orders.pause(anna, "WO-1001", "break")
    again.settle()
    again.at(230)
    again.count(4)  # paused: not counted for the order

    clock3 = Clock()
    clock3.now = t(500)
    third = Station(qtbot, worker, demo_store, clock3)
    row = third.row("WO-1001")
    assert (row.state, row.worked_s, row.paused_s, row.pause_reason) == ("paused", 200, 300,
                                                                         "break")
    assert (row.good, row.scrap) == (9, 1)
    # one started event only: the restart did not start the order again
    assert [k for _c, k, *_ in third.stored()] == ["started", "paused"]


def test_reload_while_an_action_is_being_saved_keeps_it(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.reload()
    st.orders.start(anna, "WO-1001")  # submitted after the reload's query
    st.settle()
    assert st.row("WO-1001").state == "running"
    st.orders.reload()
    st.settle()
    assert st.row("WO-1001").state == "running"
    # counts that arrive while the orders are being reloaded count once
    st.count(1)
    st.orders.reload()
    st.count(2)
    st.settle()
    assert st.orders.counted("WO-1001") == (3, 0)


def test_pause_needs_a_reason(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    for reason in ("", "   ", None):
        with pytest.raises(OrderError, match="Say why order WO-1001 is paused"):
            st.orders.pause(anna, "WO-1001", reason)
    with pytest.raises(OrderError, match="too long"):
        st.orders.pause(anna, "WO-1001", "x" * 201)
    assert [k for _c, k, *_ in st.stored()] == ["started"]
    assert st.row("WO-1001").state == "running"
    with pytest.raises(OrderError, match="WO-1002 is not running"):
        st.orders.pause(anna, "WO-1002", "break")


def test_report_validation(st, people):
    anna = people["anna"]
    with pytest.raises(OrderError, match="has not been started"):
        st.orders.report(anna, "WO-1001", 5, 0)
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    bad = [((-1, 0), "good quantity cannot be negative"),
           ((3, -2), "scrap quantity cannot be negative"),
           ((0, 0), "at least one good or scrap part"),
           ((1.5, 0), "good quantity must be a whole number"),
           ((True, 0), "good quantity must be a whole number"),
           (("3", 0), "good quantity must be a whole number")]
    for (good, scrap), message in bad:
        with pytest.raises(OrderError, match=message):
            st.orders.report(anna, "WO-1001", good, scrap)
    st.orders.report(anna, "WO-1001", 0, 2)
    st.orders.report(anna, "WO-1001", 10, 0)
    st.settle()
    row = st.row("WO-1001")
    assert (row.reported_good, row.reported_scrap) == (10, 2)
    assert [k for _c, k, *_ in st.stored()] == ["started", "reported", "reported"]


def test_state_errors(st, people):
    anna, david = people["anna"], people["david"]
    with pytest.raises(PermissionDenied, match="David Lenz"):
        st.orders.start(david, "WO-1001")
    with pytest.raises(OrderError, match="WO-9999 is not in this station's queue"):
        st.orders.start(anna, "WO-9999")
    with pytest.raises(OrderError, match="has not been started"):
        st.orders.complete(anna, "WO-1001")
    with pytest.raises(OrderError, match="is not paused"):
        st.orders.resume(anna, "WO-1001")
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    with pytest.raises(OrderError, match="already running"):  # a double tap starts once
        st.orders.start(anna, "WO-1001")
    st.settle()
    # only one order runs at a station
    with pytest.raises(OrderError, match="Order WO-1001 is running at this station. Pause or "
                                         "complete it before you start WO-1004"):
        st.orders.start(anna, "WO-1004")
    st.orders.pause(anna, "WO-1001", "rush order")
    st.settle()
    with pytest.raises(OrderError, match="is paused. Resume it"):
        st.orders.start(anna, "WO-1001")
    assert [k for _c, k, *_ in st.stored()] == ["started", "paused"]


def test_a_paused_order_waits_while_another_runs(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    st.orders.pause(anna, "WO-1001", "rush order")
    st.settle()
    st.set_up_tools(anna, "WO-1004")  # same die type: already mounted, verified for WO-1004
    st.orders.start(anna, "WO-1004")
    st.settle()
    with pytest.raises(OrderError, match="Order WO-1004 is running at this station"):
        st.orders.resume(anna, "WO-1001")
    assert [r.code for r in st.orders.queue()[:2]] == ["WO-1004", "WO-1001"]


# --------------------------------------------------------------------------- start checks


def test_start_is_blocked_by_each_registered_check_with_its_reason(st, people):
    anna = people["anna"]
    recipe_ok = {"value": False}

    def recipe_ready(ctx):
        assert ctx.extra["recipe_code"] == "RCP-BRK-100"
        assert ctx.extra["order_version"] == 1 and ctx.extra["operation_sequence"] == 10
        assert ctx.extra["tool_list_code"] == "TL-BRK-100" and ctx.extra["action"] == "start"
        if recipe_ok["value"]:
            return None
        return Blocker("recipe.ready", "Recipe RCP-BRK-100 v1 is not approved.",
                       "Ask the process engineer to approve it.")

    st.registry.register("recipe.ready", recipe_ready)
    with pytest.raises(OrderBlocked) as caught:
        st.orders.start(anna, "WO-1001")
    assert [b.check for b in caught.value.blockers] == ["tooling.verified", "recipe.ready"]
    text = caught.value.operator_message
    assert text.startswith("WO-1001 cannot start yet:")
    assert "Recipe RCP-BRK-100 v1 is not approved. Ask the process engineer" in text
    assert "Tools not verified for WO-1001: DIE-BRK100, NEST-BRK." in text
    assert [b.check for b in st.orders.check_start(anna, "WO-1001")] == [
        "tooling.verified", "recipe.ready"]

    st.set_up_tools(anna, tools=("DIE-BRK-100-A",))  # the fixture is still missing
    with pytest.raises(OrderBlocked, match="Tools not verified for WO-1001: NEST-BRK") as caught:
        st.orders.start(anna, "WO-1001")
    assert [b.check for b in caught.value.blockers] == ["tooling.verified", "recipe.ready"]

    st.set_up_tools(anna, tools=("FIX-NEST-01",))
    with pytest.raises(OrderBlocked) as caught:
        st.orders.start(anna, "WO-1001")
    assert [b.check for b in caught.value.blockers] == ["recipe.ready"]

    recipe_ok["value"] = True
    assert st.orders.check_start(anna, "WO-1001") == []
    st.orders.start(anna, "WO-1001")
    assert [k for _c, k, *_ in st.stored()] == ["started"]


def short_lived_die(st: Station, tmp_path) -> None:
    """A die close to its end of life (real import of a tool with a small limit)."""
    (tmp_path / "die.toml").write_text(
        'format_version = 1\n[[tools]]\ncode = "DIE-BRK-100-T"\nname = "Worn die"\n'
        'tool_type = "DIE-BRK100"\nlife_limit = 5\nwarn_at = 3\n', encoding="utf-8")
    import_file(st.sf, tmp_path / "die.toml", station_id=STATION)
    st.tools.reload()
    st.settle()


def test_a_mounted_tool_at_its_life_limit_blocks_the_start(st, people, tmp_path):
    anna = people["anna"]
    short_lived_die(st, tmp_path)
    st.set_up_tools(anna, tools=("DIE-BRK-100-T", "FIX-NEST-01"))
    for _ in range(5):  # try-out strokes before the order starts wear the die too
        st.count(1)
    with pytest.raises(OrderBlocked) as caught:
        st.orders.start(anna, "WO-1001")
    assert [(b.check, b.reason) for b in caught.value.blockers] == [
        ("tooling.verified", "At its life limit: DIE-BRK-100-T (5 of 5 cycles). Tools not "
                             "verified for WO-1001: DIE-BRK100.")]
    assert "Have maintenance service the tool and reset its counter" in (
        caught.value.blockers[0].what_to_do)
    assert st.stored() == []


def test_tool_at_its_life_limit_blocks_the_next_resume(st, people, tmp_path):
    anna = people["anna"]
    short_lived_die(st, tmp_path)
    limits = []
    st.tools.sig_tool_limit.connect(limits.append)
    st.set_up_tools(anna, tools=("DIE-BRK-100-T", "FIX-NEST-01"))
    st.orders.start(anna, "WO-1001")
    st.settle()
    for _ in range(5):
        st.count(1)
    assert [s.code for s in limits] == ["DIE-BRK-100-T"]
    st.orders.pause(anna, "WO-1001", "die worn")
    st.settle()
    with pytest.raises(OrderBlocked) as caught:
        st.orders.resume(anna, "WO-1001")
    assert caught.value.operator_message.startswith("WO-1001 cannot resume yet:")
    assert "At its life limit: DIE-BRK-100-T (5 of 5 cycles)." in caught.value.operator_message
    assert [b.check for b in caught.value.blockers] == ["tooling.verified"]

    # another die of the type replaces it: the order may resume
    result = st.tools.scan(anna, "DIE-BRK-100-A", "WO-1001")
    assert result.unmounted == ("DIE-BRK-100-T",)
    st.orders.resume(anna, "WO-1001")
    st.settle()
    assert st.row("WO-1001").state == "running"


def test_completion_checks_block_complete(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    st.completion.register("instructions.done", lambda ctx: Blocker(
        "instructions.done", "Step 8 “First-part approval” is open.",
        "Finish the mandatory steps.") if ctx.extra["action"] == "complete" else None)
    with pytest.raises(OrderBlocked, match="WO-1001 cannot be completed yet:\n• Step 8"):
        st.orders.complete(anna, "WO-1001")
    st.completion.unregister("instructions.done")
    st.orders.complete(anna, "WO-1001")
    assert [k for _c, k, *_ in st.stored()] == ["started", "completed"]


def test_a_failed_write_is_taken_back_and_reported(st, people, qtbot):
    anna = people["anna"]
    st.set_up_tools(anna)
    with st.sf() as s:  # the store refuses the next order event
        from sqlalchemy import text

        s.execute(text("CREATE TRIGGER refuse_orders BEFORE INSERT ON work_order_event "
                       "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
        s.commit()
    errors = []
    st.orders.sig_error.connect(errors.append)
    st.orders.start(anna, "WO-1001")
    qtbot.waitUntil(lambda: not st.orders.busy, timeout=10_000)
    assert errors and "WO-1001 was not started: saving failed" in errors[0]
    assert st.row("WO-1001").state == "planned"
    st.errors.clear()
