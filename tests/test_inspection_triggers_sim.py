"""Every inspection frequency trigger, with the simulator at speed.

The real simulator (MachineModel + SimServer on a *manual* clock) is read over OPC UA by
the real driver; the values go to the real ProductionMonitor, whose facts go — as in
``hmi.app.Station._record`` — to the OrderStack and to the ProductionRecorder (a real
SQLite store through the DbWorker). Simulated time is stepped (1 s near a moment that
matters, coarser elsewhere); after each step the stack's 1 s tick runs, what is due is
logged, and an "inspector" records every due inspection (except where a test needs one
left undone). The demo plan IP-BRK: BUSH-DEPTH first piece / every 50 parts / changeover /
after downtime / recipe change / SPC alarm (reaction reinspect); VISUAL shift start /
every 60 minutes; grace 10 minutes. A UTC calendar with shifts at 06, 14 and 22 h.

=======  ======================================================================
   0 s   12:50 UTC: order WO-1001 started, machine running (first part ≈ 1.5 s)
 200 s   changeover for 60 s
 400 s   fault 103 for 120 s (a real stop)
 700 s   recipe RCP-BRK-100 v1 downloaded over OPC UA (written, read back)
 800 s   control limits frozen; a subgroup beyond the UCL (SPC alarm, reinspect)
 880 s   machine stopped
3600 s   13:50: VISUAL every 60 minutes
4100 s   machine started
4200 s   14:00: shift start — VISUAL left undone: overdue at 4800 s, parts suspect
4900 s   end
=======  ======================================================================
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from hmi import config
from hmi.devices.base import open_driver
from hmi.devices.sim.clock import ManualClock
from hmi.devices.sim.model import MachineModel
from hmi.devices.sim.scenario import parse_scenario
from hmi.devices.sim.server import SimServer
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.materials import LotLabel
from hmi.services.orderstack import OrderStack
from hmi.services.production import ProductionMonitor
from hmi.services.recorder import ProductionRecorder
from hmi.services.shiftcal import CalendarSpec, ShiftSpec
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker

STATION = "ST-10"
ORDER = "WO-1001"
EPOCH = datetime(2026, 3, 2, 12, 50, tzinfo=UTC)
CFG = config.load(config.demo_config_path())
EVERY_DAY = frozenset(range(1, 8))
CALENDAR = CalendarSpec("TEST-3", "UTC", (
    ShiftSpec("Early", "06:00", "14:00", EVERY_DAY),
    ShiftSpec("Late", "14:00", "22:00", EVERY_DAY),
    ShiftSpec("Night", "22:00", "06:00", EVERY_DAY)))
SCRIPT = parse_scenario({"scenario": {"seed": 5, "random": False}, "event": [
    {"at": "200s", "action": "changeover", "duration": "60s"},
    {"at": "400s", "action": "fault", "code": 103, "duration": "120s"},
    {"at": "880s", "action": "stop"},
    {"at": "4100s", "action": "start"},
]}, "<inspection triggers>")
RECIPE_AT, SPC_AT, SHIFT_AT, OVERDUE_AT, END = 700.0, 800.0, 4200.0, 4800.0, 4900.0


def _steps() -> list[float]:
    out: set[float] = set()

    def span(a: float, b: float, step: float) -> None:
        x = a
        while x <= b:
            out.add(round(x, 3))
            x += step

    span(1, 5, 1)
    span(10, 55, 5)
    span(56, 110, 1)  # the 50th part after the first-piece check
    span(115, 250, 5)
    span(251, 263, 1)  # the changeover ends at 260
    span(265, 510, 5)
    span(511, 523, 1)  # the fault ends at 520
    span(525, 875, 5)
    span(880, 3540, 60)
    span(3595, 3602, 1)  # an hour after the start
    span(3660, 4140, 60)
    span(4195, 4202, 1)  # the shift change
    span(4205, 4790, 5)
    span(4795, 4802, 1)  # the grace is over
    span(4805, END, 5)
    return sorted(out)


STEPS = _steps()
DEPTH_VALUES = [["12.01", "11.99", "12.02", "12.00", "11.98"],
                ["12.00", "12.02", "11.99", "12.01", "12.00"],
                ["11.99", "12.00", "12.01", "11.98", "12.02"]]
OUTLIER = ["12.15", "12.16", "12.14", "12.15", "12.15"]
ATTR = {"state": "state", "good_count": "good_count", "scrap_count": "scrap_count",
        "fault_code": "fault_code"}


def at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def run(qapp, demo_db_template, demo_people, tmp_path_factory) -> Any:
    from hmi.store.engine import open_store

    db = tmp_path_factory.mktemp("inspection-triggers") / "station.sqlite"
    shutil.copy(demo_db_template, db)
    engine, sf = open_store(f"sqlite:///{db}")
    model = MachineModel(5, epoch=EPOCH, scenario=SCRIPT)

    def clock() -> datetime:
        return EPOCH + timedelta(seconds=model.sim_time)

    anna, clara = demo_people["anna"], demo_people["clara"]
    worker = DbWorker()
    audit = AuditWriter(STATION, clock)
    auth = AuthService(sf, STATION, clock=clock)
    sigs = SignatureService(sf, auth, audit, STATION, clock=clock)
    stack = OrderStack(worker, sf, station_id=STATION, line_code="LINE-1", audit=audit,
                       signatures=sigs, tags={t.name: t for t in CFG.device_tags()},
                       clock=clock)
    r = SimpleNamespace(model=model, stack=stack, log={}, counts=[], depth_records=[],
                        errors=[], recipe=None, spc=None, overdue=None, outcome=None)
    for svc in stack.services():
        svc.sig_error.connect(r.errors.append)

    def pump(pred, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not pred():
            assert time.monotonic() < deadline, "timed out waiting for the services"
            QCoreApplication.processEvents()
            time.sleep(0.001)

    def idle() -> bool:
        return not any(getattr(s, "busy", False) for s in stack.services())

    stack.set_calendar(CALENDAR)
    stack.start(tick_ms=3_600_000)  # the test ticks, in simulated time
    stack.registry.unregister("recipe.ready")  # downloaded later, to test recipe_change
    pump(lambda: stack.orders.ready and stack.tools.ready and stack.holds.ready)
    eva = auth.login("4001", "5678")
    stack.recipes.approve(eva, "RCP-BRK-100", 1, pin="5678").result(20)
    for code in ("DIE-BRK-100-A", "FIX-NEST-01"):
        stack.tools.scan(anna, code, ORDER)
    pump(idle)
    # the BOM's lots (the material check is on): every part below consumes from them
    pump(lambda: stack.materials.ready)
    stack.materials.set_order(ORDER)
    for gtin, lot, qty in (("04012345100013", "STB-1", 10_000), ("04012345100020", "B12-1", 10_000),
                           ("04012345100051", "GR-1", 10_000)):
        stack.materials.load_lot(anna, LotLabel(lot=lot, gtin=gtin, quantity=qty))
        pump(idle)
    stack.orders.start(anna, ORDER)
    pump(lambda: stack.inspections.run() is not None and idle())

    recorder = ProductionRecorder(sf, STATION)

    def sink(kind: str, fields: dict[str, Any]) -> None:  # hmi.app.Station._record
        stack.on_fact(kind, fields)
        worker.submit(recorder.record, kind, fields)
        if kind == "production_count" and fields["increment"] > 0:
            r.counts.append((fields["source_ts"], fields["increment"]))

    monitor = ProductionMonitor(CFG, sink=sink, clock=clock)
    latest: dict[str, Any] = {}
    changed = asyncio.Event()

    def on_value(tv) -> None:  # hmi.app.Station.on_tag_value
        monitor.on_tag_value(tv)
        stack.on_tag_value(tv)
        latest[tv.tag] = tv.value
        changed.set()

    async def until_seen(snap) -> None:
        async with asyncio.timeout(10):
            while any(latest.get(n) != int(getattr(snap, a)) for n, a in ATTR.items()):
                changed.clear()
                await changed.wait()

    def record(char: str, values: list[str]) -> Any:
        got: list[Any] = []
        kw = {"gauge_code": "G-12"} if char == "BUSH-DEPTH" else {}
        stack.inspections.record(anna, char, values, on_done=got.append, **kw)
        pump(lambda: bool(got))
        if char == "BUSH-DEPTH":
            r.depth_records.append((clock(), got[0].result_id))
        return got[0]

    def inspector(s: float) -> None:
        for d in stack.inspections.due():
            if d.characteristic == "VISUAL" and SHIFT_AT <= s < END:
                continue  # left undone: it becomes overdue
            values = DEPTH_VALUES[len(r.depth_records) % 3] \
                if d.characteristic == "BUSH-DEPTH" else ["0"]
            record(d.characteristic, values)

    tags = [dataclasses.replace(t, sampling_ms=10) for t in CFG.device_tags()]

    async def drive() -> None:
        sim = SimServer(model, port=0, clock=ManualClock())
        await sim.start()
        try:
            async with open_driver(sim.url, tags, on_value=on_value,
                                   on_state=monitor.on_connection_state) as driver:
                await until_seen(model.snapshot())
                for s in STEPS:
                    await until_seen(await sim.advance_to(s))
                    pump(idle)
                    if s == RECIPE_AT:
                        r.recipe = await stack.recipes.download(
                            anna, "RCP-BRK-100", 1, order_code=ORDER, operation_sequence=10,
                            driver=driver)
                        pump(idle)
                    if s == SPC_AT:
                        ids = [rid for _t, rid in r.depth_records]
                        stack.inspections.freeze_limits(clara, "BUSH-DEPTH", ids, "baseline")
                        pump(idle)
                        r.spc = record("BUSH-DEPTH", OUTLIER)
                    stack.tick()
                    pump(idle)
                    r.log[s] = {d.characteristic: d for d in stack.inspections.due()}
                    if s == END:
                        r.overdue = [b for b in stack.orders.check_start(anna, "WO-1002")
                                     if b.check == "inspections.due"]
                        r.outcome = record("VISUAL", ["0"])
                    inspector(s)
        finally:
            await sim.stop()

    started = time.monotonic()
    asyncio.run(asyncio.wait_for(drive(), 60))
    stack.materials.flush()
    pump(idle)
    r.seconds = time.monotonic() - started
    r.sf = sf
    yield r
    stack.shutdown()
    worker.shutdown()
    engine.dispose()


def due_at(run, s: float, char: str) -> tuple[str, datetime] | None:
    d = run.log[s].get(char)
    return (d.reason.value, d.since) if d is not None else None


def before(s: float) -> float:
    return STEPS[STEPS.index(s) - 1]


def test_the_run_was_clean_and_fast(run) -> None:
    assert run.errors == []
    assert run.seconds < 25


def test_first_piece_with_the_first_part(run) -> None:
    first_part = run.counts[0][0]
    assert first_part > at(0)
    (s,) = [s for s in STEPS if at(s) >= first_part][:1]
    assert due_at(run, before(s), "BUSH-DEPTH") is None
    assert due_at(run, s, "BUSH-DEPTH") == ("first_piece", first_part)


def test_every_50_parts_since_the_last_check(run) -> None:
    checked = run.depth_records[0][0]  # the first-piece check
    made = 0
    for ts, n in run.counts:
        if ts > checked:
            made += n
            if made >= 50:
                fiftieth = ts
                break
    (s,) = [s for s in STEPS if at(s) >= fiftieth][:1]
    assert 56 <= s <= 110  # in the 1 s steps
    assert due_at(run, before(s), "BUSH-DEPTH") is None  # 49 parts: not yet
    assert due_at(run, s, "BUSH-DEPTH") == ("every_parts", fiftieth)


def test_changeover_when_it_ends(run) -> None:
    assert due_at(run, 259, "BUSH-DEPTH") is None
    assert due_at(run, 260, "BUSH-DEPTH") == ("changeover", at(260))


def test_after_downtime_when_a_real_fault_stop_ends(run) -> None:
    assert due_at(run, 519, "BUSH-DEPTH") is None
    assert due_at(run, 520, "BUSH-DEPTH") == ("after_downtime", at(520))


def test_recipe_change_after_a_good_download(run) -> None:
    assert run.recipe.ok, run.recipe.message
    assert due_at(run, before(RECIPE_AT), "BUSH-DEPTH") is None
    assert due_at(run, RECIPE_AT, "BUSH-DEPTH") == ("recipe_change", at(RECIPE_AT))


def test_an_spc_alarm_with_reaction_reinspect_makes_it_due_at_once(run) -> None:
    assert [h["rule"] for h in run.spc.rule_hits] == [1] and run.spc.passed
    assert due_at(run, before(SPC_AT), "BUSH-DEPTH") is None
    assert due_at(run, SPC_AT, "BUSH-DEPTH") == ("spc_alarm", at(SPC_AT))


def test_every_60_minutes_of_the_order(run) -> None:
    assert due_at(run, 3599, "VISUAL") is None
    assert due_at(run, 3600, "VISUAL") == ("every_minutes", at(3600))


def test_shift_start_from_the_calendar(run) -> None:
    assert due_at(run, SHIFT_AT - 1, "VISUAL") is None
    assert due_at(run, SHIFT_AT, "VISUAL") == ("shift_start", at(SHIFT_AT))
    # once per shift: still the same due at the next ticks
    assert due_at(run, SHIFT_AT + 2, "VISUAL") == ("shift_start", at(SHIFT_AT))


def test_overdue_after_the_grace_blocks_the_next_start_and_parts_are_suspect(run) -> None:
    assert not run.log[OVERDUE_AT - 1]["VISUAL"].overdue
    late = run.log[OVERDUE_AT]["VISUAL"]
    assert late.overdue and late.overdue_at == at(OVERDUE_AT)
    suspect = sum(n for ts, n in run.counts if ts >= at(OVERDUE_AT))
    assert suspect > 0
    assert run.log[END]["VISUAL"].suspect_parts == suspect
    (blocker,) = run.overdue
    assert "VISUAL" in blocker.reason and f"{suspect} part(s)" in blocker.what_to_do
    assert run.outcome.suspect_parts == suspect


def test_every_part_the_simulator_made_consumed_its_bom_and_has_its_genealogy(run) -> None:
    from collections import Counter

    from sqlalchemy import select

    from hmi.store.models import GenealogyLink, MaterialConsumptionEvent, ProducedUnit

    with run.sf() as s:
        units = list(s.scalars(select(ProducedUnit)))
        used = Counter()
        for c in s.scalars(select(MaterialConsumptionEvent)):
            used[c.lot_code] += c.quantity
        links = Counter(g.parent_identifier for g in s.scalars(select(GenealogyLink)))
    made = sum(n for _ts, n in run.counts)
    assert made > 900  # the simulated run makes close to a thousand parts
    assert len(units) == made and len({u.identifier for u in units}) == made
    assert used == {"STB-1": made, "B12-1": made, "GR-1": made * 0.5}
    assert set(links.values()) == {3} and len(links) == made
