"""Done when: the simulator driven through a scripted shift gives exact downtime and OEE.

The real simulator (MachineModel + SimServer on a *manual* clock) is read over
OPC UA by the real driver; the values go to the real ProductionMonitor, whose
facts go (as in the app) to the DowntimeService and to the ProductionRecorder,
both writing to a real SQLite store through the DbWorker. Simulated time is
stepped to every scripted moment and the test waits until the driver has
received what the server published, so every timestamp below is exact.

The script, on Monday 2026-03-02 from 08:40 in Berlin (the demo station's Early
shift; its breakfast break is 09:00-09:15 local = 08:00-08:15 UTC = 1200-2100 s):

=====  ======================================================================
  0 s  good counter preset to 2**32 - 100: it wraps about 150 s later
 60 s  fault 103 for 120 s (real stop; the PLC code maps to MECH-HYD-LEAK)
240 s  micro-stop burst: starved 4 s, blocked 5 s (260 s), starved 3 s (280 s)
330 s  scrap spike: scrap rate 60 % until 420 s
1170 s the operators stop the machine 30 s before the break ... start 30 s after it
2400 s changeover for 300 s (planned)
2760 s fault 107 for 10 s: a micro-stop although its code maps to a reason
3000 s end (the last step is at 2980 s)
=====  ======================================================================
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop
from sqlalchemy import select

from hmi import config
from hmi.devices.base import Quality, Tag, open_driver
from hmi.devices.sim.clock import ManualClock
from hmi.devices.sim.model import UINT32_MOD, MachineModel
from hmi.devices.sim.scenario import parse_scenario
from hmi.devices.sim.server import SimServer
from hmi.services.audit import AuditWriter
from hmi.services.downtime import DowntimeService
from hmi.services.production import ProductionMonitor
from hmi.services.recorder import ProductionRecorder
from hmi.services.stops import load_timeline
from hmi.services.timeline import CountRecord, Interval, StopKind
from hmi.services.worker import DbWorker
from hmi.store.models import DowntimeEvent

STATION = "ST-10"
EPOCH = datetime(2026, 3, 2, 7, 40, tzinfo=UTC)
END = 3000.0
BREAK = (1200.0, 2100.0)
SCRIPT = parse_scenario({"scenario": {"seed": 5, "random": False}, "event": [
    {"at": 0, "action": "counter", "tag": "good_count", "value": UINT32_MOD - 100},
    {"at": "60s", "action": "fault", "code": 103, "duration": "120s"},
    {"at": "240s", "action": "starve", "duration": "4s"},
    {"at": "260s", "action": "block", "duration": "5s"},
    {"at": "280s", "action": "starve", "duration": "3s"},
    {"at": "330s", "action": "scrap_rate", "value": 0.6},
    {"at": "420s", "action": "scrap_rate", "value": 0.03},
    {"at": "1170s", "action": "stop"},
    {"at": "2130s", "action": "start"},
    {"at": "2400s", "action": "changeover", "duration": "300s"},
    {"at": "2760s", "action": "fault", "code": 107, "duration": "10s"},
]}, "<downtime scenario>")
#: every moment something changes, plus a step every 20 s for the counts; the last step is
#: before END (parts counted at END itself belong to the next window: windows are half-open)
CHANGES = [60, 180, 240, 244, 260, 265, 280, 283, 330, 420, 1170, 2130, 2400, 2700, 2760, 2770]
STEPS = sorted({float(s) for s in CHANGES} | {20.0 * i for i in range(1, int(END / 20))})

TAGS = [
    Tag("state", "ns=2;s=Machine.State", "int32", sampling_ms=10),
    Tag("good_count", "ns=2;s=Machine.GoodCount", "uint32", sampling_ms=10),
    Tag("scrap_count", "ns=2;s=Machine.ScrapCount", "uint32", sampling_ms=10),
    Tag("fault_code", "ns=2;s=Machine.FaultCode", "int32", sampling_ms=10),
]
ATTR = {"state": "state", "good_count": "good_count", "scrap_count": "scrap_count",
        "fault_code": "fault_code"}


def at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def wait_until(pred, timeout: float = 20.0) -> None:
    """Process Qt events (the worker's results) until ``pred()`` holds."""
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out waiting for the database worker"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


class Run:
    """Everything one scenario run produced."""

    model: MachineModel
    svc: DowntimeService
    sf: Any
    asked: list
    errors: list[str]
    counts: list[CountRecord]


@pytest.fixture(scope="module")
def scenario(qapp, demo_db_template, tmp_path_factory) -> Any:
    from hmi.store.engine import open_store

    db = tmp_path_factory.mktemp("downtime-scenario") / "station.sqlite"
    shutil.copy(demo_db_template, db)
    engine, sf = open_store(f"sqlite:///{db}")
    cfg = config.load(config.resources_dir() / "stations" / "demo.toml")
    worker = DbWorker()
    model = MachineModel(5, epoch=EPOCH, scenario=SCRIPT)

    def clock() -> datetime:
        return EPOCH + timedelta(seconds=model.sim_time)

    r = Run()
    r.model, r.sf, r.asked, r.errors, r.counts = model, sf, [], [], []
    svc = r.svc = DowntimeService(cfg, worker, sf, audit=AuditWriter(STATION, clock), clock=clock)
    svc.sig_error.connect(r.errors.append)
    svc.sig_stop_needs_reason.connect(r.asked.append)
    svc.start(tick_ms=0)
    wait_until(lambda: svc.ready)

    recorder = ProductionRecorder(sf, STATION)
    stored: list[concurrent.futures.Future] = []

    def sink(kind: str, fields: dict[str, Any]) -> None:  # what Station._record does
        stored.append(worker.submit(recorder.record, kind, fields))
        svc.on_fact(kind, fields)
        if kind == "production_count" and fields["increment"] > 0:
            n = fields["increment"]
            good = fields["kind"] == "good"
            r.counts.append(CountRecord(fields["source_ts"], n if good else 0, 0 if good else n))

    monitor = ProductionMonitor(cfg, sink=sink, clock=clock)
    latest: dict[str, Any] = {}
    changed = asyncio.Event()

    def on_value(tv) -> None:
        monitor.on_tag_value(tv)
        if tv.tag == "fault_code" and tv.quality == Quality.GOOD:  # what the app does too
            svc.on_fault_code(tv.source_ts, int(tv.value))
        latest[tv.tag] = tv.value
        changed.set()

    async def until_seen(snap) -> None:
        async with asyncio.timeout(10):
            while any(latest.get(n) != int(getattr(snap, a)) for n, a in ATTR.items()):
                changed.clear()
                await changed.wait()

    async def drive() -> None:
        sim = SimServer(model, port=0, clock=ManualClock())
        await sim.start()
        try:
            async with open_driver(sim.url, TAGS, on_value=on_value,
                                   on_state=monitor.on_connection_state):
                await until_seen(model.snapshot())
                for s in STEPS:
                    await until_seen(await sim.advance_to(s))
                    svc.tick()
        finally:
            await sim.stop()

    asyncio.run(asyncio.wait_for(drive(), 120))
    concurrent.futures.wait(stored)
    wait_until(lambda: not svc.busy)
    yield r
    svc.shutdown()
    worker.shutdown()
    engine.dispose()


def test_the_exact_downtime_events(scenario) -> None:
    r = scenario
    assert r.errors == []
    with r.sf() as s:
        rows = s.scalars(select(DowntimeEvent).order_by(DowntimeEvent.seq)).all()
    ids: dict[str, str] = {}
    got = []
    for e in rows:
        name = ids.setdefault(str(e.stop_id), f"S{len(ids) + 1}")
        got.append((e.kind, name, (e.occurred_at - EPOCH).total_seconds(), e.stop_kind,
                    e.reason_code, e.classified_by, e.cause if e.kind == "started" else None))
    assert got == [
        # the fault: auto-classified from PLC fault 103 when it became real (15 s in)
        ("started", "S1", 60, "unplanned", None, None, "faulted"),
        ("classified", "S1", 75, None, "MECH-HYD-LEAK", "auto", None),
        ("ended", "S1", 180, None, None, None, None),
        # the burst: three micro-stops
        ("started", "S2", 240, "unplanned", None, None, "starved"),
        ("ended", "S2", 244, "micro", None, None, None),
        ("started", "S3", 260, "unplanned", None, None, "blocked"),
        ("ended", "S3", 265, "micro", None, None, None),
        ("started", "S4", 280, "unplanned", None, None, "starved"),
        ("ended", "S4", 283, "micro", None, None, None),
        # stopped for the break: cut at its edges, the break itself planned
        ("started", "S5", 1170, "unplanned", None, None, "stopped"),
        ("ended", "S5", 1200, None, None, None, None),
        ("started", "S6", 1200, "planned", None, None, "stopped"),
        ("classified", "S6", 1200, "planned", "BREAK", "auto", None),
        ("ended", "S6", 2100, None, None, None, None),
        ("started", "S7", 2100, "unplanned", None, None, "stopped"),
        ("ended", "S7", 2130, None, None, None, None),
        # the changeover
        ("started", "S8", 2400, "planned", None, None, "changeover"),
        ("classified", "S8", 2400, "planned", "CHANGEOVER", "auto", None),
        ("ended", "S8", 2700, None, None, None, None),
        # a 10 s fault: a micro-stop, not classified although 107 maps to a reason
        ("started", "S9", 2760, "unplanned", None, None, "faulted"),
        ("ended", "S9", 2770, "micro", None, None, None),
    ]
    stops = r.svc.all_stops()[::-1]
    assert [(s.kind, s.reason_code, s.fault_code) for s in stops] == [
        (StopKind.UNPLANNED, "MECH-HYD-LEAK", 103),
        (StopKind.MICRO, None, None), (StopKind.MICRO, None, None), (StopKind.MICRO, None, None),
        (StopKind.UNPLANNED, None, None), (StopKind.PLANNED, "BREAK", None),
        (StopKind.UNPLANNED, None, None), (StopKind.PLANNED, "CHANGEOVER", None),
        (StopKind.MICRO, None, 107),
    ]


def test_only_real_stops_are_prompted_and_unplanned_ones_without_a_code_nag(scenario) -> None:
    r = scenario
    assert [((s.start - EPOCH).total_seconds(), s.reason_code) for s in r.asked] == [
        (60, "MECH-HYD-LEAK"), (1170, None), (2100, None)]
    assert [(s.start - EPOCH).total_seconds() for s in r.svc.unclassified()] == [2100, 1170]


def test_the_shift_so_far_gives_exact_oee_figures(scenario) -> None:
    from hmi.services import kpi

    r = scenario
    m = r.model
    # every part the machine made is counted once, across the counter wrap
    assert sum(c.good for c in r.counts) == m.made_good > 100
    assert sum(c.scrap for c in r.counts) == m.made_scrap
    total = m.made_good + m.made_scrap
    window = Interval(at(0), at(END))
    res = kpi.compute_oee(window, stops=r.svc.all_stops(), counts=r.counts, ideal_cycle_s=1.5,
                          breaks=[Interval(at(BREAK[0]), at(BREAK[1]))], now=at(END))
    assert (res.all_time_s, res.break_s, res.setup_s) == (3000, 900, 300)
    assert (res.planned_production_s, res.unplanned_stop_s, res.run_s) == (1800, 180, 1620)
    assert res.micro_stop_s == 4 + 5 + 3 + 10
    assert res.availability == 1620 / 1800
    assert res.performance == 1.5 * total / 1620
    assert res.quality == m.made_good / total
    assert res.oee == res.availability * res.performance * res.quality
    assert (res.failures, res.mtbf_s, res.mttr_s) == (3, 540, 60)
    assert 0.9 * 1620 / 1.5 < total < 1620 / 1.5 * 1.1  # the machine ran at its ideal pace


def test_the_store_gives_the_same_figures_as_the_station(scenario) -> None:
    from hmi.services import kpi

    r = scenario
    window = Interval(at(0), at(END))
    with r.sf() as s:
        tl = load_timeline(s, STATION, window, now=at(END))
    assert tl.stops == r.svc.all_stops()[::-1]
    assert tl.counts == r.counts
    assert [(sp.state, (sp.start - EPOCH).total_seconds()) for sp in tl.states
            if sp.state != "running"] == [
        ("faulted", 60), ("starved", 240), ("blocked", 260), ("starved", 280), ("stopped", 1170),
        ("changeover", 2400), ("faulted", 2760)]
    assert tl.states[-1].end == at(END)
    breaks = [Interval(at(BREAK[0]), at(BREAK[1]))]
    live = kpi.compute_oee(window, stops=r.svc.all_stops(), counts=r.counts, ideal_cycle_s=1.5,
                           breaks=breaks, now=at(END))
    stored = kpi.compute_oee(window, stops=tl.stops, counts=tl.counts, ideal_cycle_s=1.5,
                             breaks=breaks, now=at(END))
    assert stored == live
