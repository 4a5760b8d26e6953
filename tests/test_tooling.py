"""Tools and fixtures: scan to mount and verify, life counters from machine counts, reset.

Real demo store, real DbWorker, the real production recorder writing the counts, and
the order service wired as in the app (tests/test_orders.py ``Station``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hmi.services.audit import verify_chain
from hmi.services.masterdata import import_file
from hmi.services.permissions import PermissionDenied
from hmi.services.prerequisites import StartContext
from hmi.services.tooling import ToolError, ToolRefused
from hmi.services.worker import DbWorker
from hmi.store.models import ToolEvent
from hmi.store.security import AuditEntry
from tests.test_orders import STATION, Clock, Station, t

SMALL_TOOLS = """format_version = 1

[[tools]]
code = "DIE-BRK-100-T"
name = "Test die, short life"
tool_type = "DIE-BRK100"
life_limit = 10
warn_at = 6

[[tools]]
code = "DIE-2CAV"
name = "Two-cavity die"
tool_type = "DIE-BRK100"
life_limit = 100
parts_per_cycle = 2
"""


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


@pytest.fixture
def st(qtbot, worker, demo_store, tmp_path):
    (tmp_path / "tools.toml").write_text(SMALL_TOOLS, encoding="utf-8")
    import_file(demo_store, tmp_path / "tools.toml", station_id=STATION)
    return Station(qtbot, worker, demo_store)


def tool_events(st: Station) -> list[tuple]:
    st.settle()
    with st.sf() as s:
        return [(e.tool_code, e.kind, e.order_code, e.cycles, e.reason, e.actor_badge)
                for e in s.scalars(select(ToolEvent).order_by(ToolEvent.seq))]


def by_code(st: Station) -> dict:
    return {s.code: s for s in st.tools.status()}


# --------------------------------------------------------------------------- scanning


def test_unknown_code_and_wrong_type_are_refused_with_a_reason_and_recorded(st, people):
    anna = people["anna"]
    with pytest.raises(ToolRefused, match="DIE-XYZ is not a known tool or fixture"):
        st.tools.scan(anna, " DIE-XYZ ", "WO-1001")
    with pytest.raises(ToolRefused) as caught:
        st.tools.scan(anna, "DIE-BRK-200-A", "WO-1001")
    assert caught.value.operator_message == (
        "Wrong tool: DIE-BRK-200-A is a DIE-BRK200, but order WO-1001 needs DIE-BRK100, "
        "NEST-BRK (tool list TL-BRK-100). Take the right tool and scan it.")
    events = tool_events(st)
    assert [(c, k, o, b) for c, k, o, _n, _r, b in events] == [
        ("DIE-XYZ", "refused", "WO-1001", "1001"), ("DIE-BRK-200-A", "refused", "WO-1001", "1001")]
    assert events[1][4] == caught.value.operator_message
    assert not by_code(st)["DIE-BRK-200-A"].mounted
    with pytest.raises(ToolError, match="scan was empty"):
        st.tools.scan(anna, "  ", "WO-1001")
    with pytest.raises(ToolError, match="WO-9999 is not in this station's queue"):
        st.tools.scan(anna, "DIE-BRK-100-A", "WO-9999")
    with pytest.raises(PermissionDenied):
        st.tools.scan(people["david"], "DIE-BRK-100-A", "WO-1001")
    assert len(tool_events(st)) == 2


def test_scan_mounts_verifies_and_sets_the_station_up_for_the_operation(st, people):
    anna = people["anna"]
    changed = []
    st.tools.sig_tools_changed.connect(changed.append)
    assert [(r.tool_type, r.qty, r.ready) for r in st.tools.required("WO-1001")] == [
        ("DIE-BRK100", 1, False), ("NEST-BRK", 1, False)]

    result = st.tools.scan(anna, "DIE-BRK-100-A", "WO-1001")
    assert result.message == "DIE-BRK-100-A (DIE-BRK100) is mounted and verified for order WO-1001."
    assert result.warning == "" and result.unmounted == ()
    assert changed and changed[-1][0].code == "DIE-BRK-100-A" and changed[-1][0].mounted
    st.tools.scan(anna, "FIX-NEST-01", "WO-1001")
    req = st.tools.required("WO-1001")
    assert [(r.tool_type, r.ready, [m.code for m in r.mounted]) for r in req] == [
        ("DIE-BRK100", True, ["DIE-BRK-100-A"]), ("NEST-BRK", True, ["FIX-NEST-01"])]
    ctx = StartContext(STATION, "WO-1001", "BRK-100", anna,
                       {"tool_list_code": "TL-BRK-100", "operation_sequence": 10})
    assert st.tools.check_tooling(ctx) is None
    # verified for WO-1001, not for WO-1004 (same tool list, another order)
    other = StartContext(STATION, "WO-1004", "BRK-100", anna,
                         {"tool_list_code": "TL-BRK-100", "operation_sequence": 10})
    assert "Tools not verified for WO-1004: DIE-BRK100, NEST-BRK" in st.tools.check_tooling(
        other).reason

    # the spare die replaces the mounted one (the list wants one die)
    result = st.tools.scan(anna, "DIE-BRK-100-B", "WO-1001")
    assert result.unmounted == ("DIE-BRK-100-A",)
    # changing over to BRK-200: the BRK-100 die comes off, the fixture stays
    result = st.tools.scan(anna, "DIE-BRK-200-A", "WO-1002")
    assert result.unmounted == ("DIE-BRK-100-B",)
    assert [s.code for s in st.tools.mounted()] == ["DIE-BRK-200-A", "FIX-NEST-01"]
    assert [(c, k, o) for c, k, o, *_ in tool_events(st)] == [
        ("DIE-BRK-100-A", "mounted", "WO-1001"), ("DIE-BRK-100-A", "verified", "WO-1001"),
        ("FIX-NEST-01", "mounted", "WO-1001"), ("FIX-NEST-01", "verified", "WO-1001"),
        ("DIE-BRK-100-A", "unmounted", "WO-1001"), ("DIE-BRK-100-B", "mounted", "WO-1001"),
        ("DIE-BRK-100-B", "verified", "WO-1001"),
        ("DIE-BRK-100-B", "unmounted", "WO-1002"), ("DIE-BRK-200-A", "mounted", "WO-1002"),
        ("DIE-BRK-200-A", "verified", "WO-1002"),
    ]
    # a restart shows the same set-up
    again = Station(st.qtbot, st.worker, st.sf)
    assert [(s.code, s.verified_for) for s in again.tools.mounted()] == [
        ("DIE-BRK-200-A", ("WO-1002", 10)), ("FIX-NEST-01", ("WO-1001", 10))]


def test_tools_cannot_be_changed_for_another_order_while_one_runs(st, people):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    with pytest.raises(ToolError, match="Order WO-1001 is running. Pause or complete it before "
                                        "you change tools for order WO-1002"):
        st.tools.scan(anna, "DIE-BRK-200-A", "WO-1002")
    assert by_code(st)["DIE-BRK-100-A"].mounted


# --------------------------------------------------------------------------- life


def test_warn_then_limit_then_refused_until_maintenance_resets_it(st, people):
    anna, david = people["anna"], people["david"]
    warned, limited = [], []
    st.tools.sig_tool_warning.connect(warned.append)
    st.tools.sig_tool_limit.connect(limited.append)
    st.set_up_tools(anna, tools=("DIE-BRK-100-T", "FIX-NEST-01"))
    for _ in range(5):
        st.count(1)
    assert (by_code(st)["DIE-BRK-100-T"].cycles, by_code(st)["DIE-BRK-100-T"].state) == (5, "ok")
    st.count(1)
    assert [(s.code, s.cycles, s.state) for s in warned] == [("DIE-BRK-100-T", 6, "warn")]
    st.count(2, scrap=1)  # scrap parts wear the die too
    assert warned[1:] == [] and limited == []
    # scanning it again now is accepted, with a warning
    result = st.tools.scan(anna, "DIE-BRK-100-T", "WO-1004")
    assert result.warning == ("DIE-BRK-100-T is near its life limit: 9 of 10 cycles used, 1 "
                              "left. Plan its maintenance.")
    st.count(1)
    assert [(s.code, s.cycles, s.state) for s in limited] == [("DIE-BRK-100-T", 10, "limit")]
    st.count(1)
    assert len(limited) == 1  # announced once
    with pytest.raises(ToolRefused, match=r"DIE-BRK-100-T has reached its life limit \(11 of 10 "
                                          r"cycles\) and may not be used until maintenance"):
        st.tools.scan(anna, "DIE-BRK-100-T", "WO-1001")

    with pytest.raises(PermissionDenied, match="Anna Berg"):
        st.tools.reset_life(anna, "DIE-BRK-100-T", "reground")
    with pytest.raises(ToolError, match="Say what was done to DIE-BRK-100-T"):
        st.tools.reset_life(david, "DIE-BRK-100-T", "   ")
    st.tools.reset_life(david, "DIE-BRK-100-T", "die reground, MA-4711")
    st.settle()
    assert (by_code(st)["DIE-BRK-100-T"].cycles, by_code(st)["DIE-BRK-100-T"].state) == (0, "ok")
    st.tools.scan(anna, "DIE-BRK-100-T", "WO-1001")

    events = [e for e in tool_events(st) if e[1] in ("warned", "life_reset", "refused")]
    assert [(k, n, b) for _c, k, _o, n, _r, b in events] == [
        ("warned", 6, None), ("warned", 10, None), ("refused", 11, "1001"),
        ("life_reset", 11, "3001")]
    with st.sf() as s:
        assert verify_chain(s, STATION).ok
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "tool.reset")).all()
    assert [(a.actor_badge, a.entity_id, a.old_value["cycles"], a.new_value["cycles"], a.detail)
            for a in audit] == [("3001", "DIE-BRK-100-T", 11, 0, "die reground, MA-4711")]

    # a restart counts from the reset on
    st.count(2)
    again = Station(st.qtbot, st.worker, st.sf)
    assert by_code(again)["DIE-BRK-100-T"].cycles == 2


def test_life_counts_only_while_mounted_and_survive_a_restart(st, people, qtbot, worker):
    anna = people["anna"]
    st.count(7)  # nothing mounted yet
    st.tools.scan(anna, "DIE-2CAV", "WO-1001")
    st.tools.scan(anna, "FIX-NEST-01", "WO-1001")
    for _ in range(3):
        st.count(2)  # two parts per press cycle
    st.count(1, scrap=1)
    assert by_code(st)["DIE-2CAV"].cycles == 4
    st.tools.unmount(anna, "DIE-2CAV", "end of shift")
    st.count(10)  # not mounted: not its cycles
    assert by_code(st)["DIE-2CAV"].cycles == 4
    assert by_code(st)["FIX-NEST-01"].cycles == 8 + 10
    with pytest.raises(ToolError, match="DIE-2CAV is not mounted"):
        st.tools.unmount(anna, "DIE-2CAV")
    st.tools.scan(anna, "DIE-2CAV", "WO-1001")
    st.count(3)  # half a cycle is not a cycle yet
    assert by_code(st)["DIE-2CAV"].cycles == 5
    st.settle()

    clock = Clock()
    clock.now = t(3600)
    again = Station(qtbot, worker, st.sf, clock)
    status = by_code(again)
    assert (status["DIE-2CAV"].cycles, status["DIE-2CAV"].mounted) == (5, True)
    assert status["FIX-NEST-01"].cycles == 21
    assert status["DIE-BRK-100-A"].cycles == 0
    again.count(1)
    assert by_code(again)["DIE-2CAV"].cycles == 6
    third = Station(qtbot, worker, st.sf, clock)
    assert by_code(third)["DIE-2CAV"].cycles == 6  # the live part is found once, not twice

    # counts arriving while the tools are being reloaded count once
    third.count(2)
    third.tools.reload()
    third.count(2)
    third.settle()
    assert by_code(third)["DIE-2CAV"].cycles == 8


def test_check_reports_an_unknown_tool_list(st, people):
    ctx = StartContext(STATION, "WO-1001", "BRK-100", people["anna"],
                       {"tool_list_code": "TL-NOPE", "operation_sequence": 10})
    blocker = st.tools.check_tooling(ctx)
    assert blocker.check == "tooling.verified"
    assert "The tool list TL-NOPE is not in this station's master data." == blocker.reason
    no_list = StartContext(STATION, "WO-1001", "BRK-100", None, {"tool_list_code": None})
    assert st.tools.check_tooling(no_list) is None
