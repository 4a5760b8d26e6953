"""ProductionMonitor: signals in, snapshot and recorded facts out."""

import asyncio
import datetime as dt
import time

import pytest

from hmi import config
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services.production import ProductionMonitor

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
OK = ConnectionState.CONNECTED


def tv(tag, value, sec=0, quality=Quality.GOOD, conn=OK):
    ts = T0 + dt.timedelta(seconds=sec)
    return TagValue(tag, value, quality, ts, ts, conn)


@pytest.fixture
def monitor(qapp):
    facts = []
    m = ProductionMonitor(config.load(config.demo_config_path()),
                          sink=lambda kind, f: facts.append((kind, f)), clock=lambda: T0)
    m.on_connection_state(OK)
    return m, facts


def test_counts_and_state_become_snapshot_and_facts(monitor):
    m, facts = monitor
    for v in (tv("state", 1), tv("good_count", 500), tv("good_count", 503, 5),
              tv("scrap_count", 7), tv("scrap_count", 8, 6), tv("state", 6, 7)):
        m.on_tag_value(v)
    s = m.snapshot
    assert (s.good, s.scrap, s.state, s.state_since) == (3, 1, "faulted", T0 + dt.timedelta(seconds=7))
    assert [f["state"] for k, f in facts if k == "machine_state"] == ["running", "faulted"]
    counts = [(f["kind"], f["increment"], f["raw"]) for k, f in facts if k == "production_count"]
    assert counts == [("good", 0, 500), ("good", 3, 503), ("scrap", 0, 7), ("scrap", 1, 8)]
    assert s.has_live_data


def test_link_loss_makes_every_value_not_current(monitor):
    m, _ = monitor
    m.on_tag_value(tv("state", 1))
    m.on_tag_value(tv("good_count", 10))
    assert m.snapshot.has_live_data
    m.on_connection_state(ConnectionState.RECONNECTING, "connection refused")
    s = m.snapshot
    assert not s.has_live_data and not s.is_current("state")
    assert s.values["good_count"].value == 10  # kept, but marked
    assert s.last_error == "connection refused"


def test_bad_quality_value_is_not_current_and_not_counted(monitor):
    m, facts = monitor
    m.on_tag_value(tv("good_count", 10))
    m.on_tag_value(tv("good_count", 99, 1, quality=Quality.BAD))
    assert not m.snapshot.is_current("good_count") and m.snapshot.good == 0
    m.on_tag_value(tv("good_count", 12, 2))
    assert m.snapshot.good == 2


def test_counts_wait_for_stored_baseline(qapp):
    facts = []
    m = ProductionMonitor(config.load(config.demo_config_path()), baseline_known=False,
                          sink=lambda kind, f: facts.append((kind, f)))
    m.on_connection_state(OK)
    m.on_tag_value(tv("good_count", 1040))
    m.on_tag_value(tv("good_count", 1042, 1))
    assert facts == [] and m.snapshot.good == 0
    m.restore_baseline(1000, None)  # 1000 was the last value recorded before the restart
    assert m.snapshot.good == 42
    assert [(f["increment"], f["raw"]) for _, f in facts] == [(42, 1042)]


# -- rate of snapshots (issue 3: 1,000 tags at 100 ms) ---------------------------------

def cfg_at(max_fps):
    cfg = config.load(config.demo_config_path())
    return cfg.model_copy(update={"ui": cfg.ui.model_copy(update={"max_fps": max_fps})})


def watched(max_fps=10):
    facts, emitted = [], []
    m = ProductionMonitor(cfg_at(max_fps), sink=lambda kind, f: facts.append((kind, f)),
                          clock=lambda: T0)
    m.on_connection_state(OK)
    m.sig_snapshot_changed.connect(emitted.append)
    return m, facts, emitted


def test_a_thousand_values_become_one_snapshot_but_every_count_is_recorded_at_once(qtbot):
    m, facts, emitted = watched()
    m.on_tag_value(tv("good_count", 0))
    for i in range(1, 1001):
        m.on_tag_value(tv(f"T{i:04d}", i, i / 1000))
        if i % 100 == 0:
            m.on_tag_value(tv("good_count", i // 100, i / 1000))
    # recorded facts are not throttled: all there, in order, before any event is processed
    assert [f["raw"] for k, f in facts if k == "production_count"] == list(range(11))
    assert emitted == []
    qtbot.waitUntil(lambda: len(emitted) >= 1, timeout=1_000)
    qtbot.wait(250)
    assert len(emitted) == 1
    snap = emitted[-1]
    assert snap is m.snapshot
    assert snap.good == 10 and len(snap.values) == 1001
    assert all(snap.is_current(f"T{i:04d}") for i in range(1, 1001))


def test_snapshots_are_emitted_at_most_max_fps_and_carry_the_latest_values(qtbot):
    m, _, emitted = watched(max_fps=10)
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < 0.55:
        i += 1
        m.on_tag_value(tv("T0001", i))
        qtbot.wait(2)
    qtbot.wait(150)
    # ≈ 0.55 s at 10 fps: the first at once, then one per 100 ms
    assert 5 <= len(emitted) <= 7, len(emitted)
    assert emitted[-1].values["T0001"].value == i


def test_link_loss_and_a_value_turning_bad_are_not_held_back(qtbot):
    m, _, emitted = watched(max_fps=1)  # an ordinary change may wait up to a second
    m.on_tag_value(tv("state", 1))
    m.on_tag_value(tv("temperature", 180.0))
    m.flush()
    n = len(emitted)
    m.on_tag_value(tv("temperature", 181.0, 1))
    m.on_tag_value(tv("state", 1, 1, quality=Quality.BAD))
    qtbot.waitUntil(lambda: len(emitted) > n, timeout=200)  # well before the second is up
    assert not emitted[-1].is_current("state") and emitted[-1].values["temperature"].value == 181.0
    n = len(emitted)
    m.on_connection_state(ConnectionState.RECONNECTING, "connection refused")
    assert len(emitted) == n + 1  # synchronously
    assert not emitted[-1].is_current("temperature") and not emitted[-1].connected


def test_without_qt_the_running_asyncio_loop_paces_the_snapshots(monkeypatch):
    """Headless (the benchmarks): no QApplication, the monitor uses the asyncio loop."""
    from hmi.services import production

    monkeypatch.setattr(production.QCoreApplication, "instance", staticmethod(lambda: None))
    m, facts, emitted = watched(max_fps=20)

    async def until(pred, timeout=1.0):
        async with asyncio.timeout(timeout):
            while not pred():
                await asyncio.sleep(0.005)

    async def feed():
        for i in range(500):
            m.on_tag_value(tv(f"T{i:04d}", i))
        assert emitted == []
        await until(lambda: emitted)
        assert len(emitted) == 1 and len(emitted[-1].values) == 500
        m.on_tag_value(tv("T0000", -1))
        await asyncio.sleep(0)
        assert len(emitted) == 1  # 1/20 s has not passed since the last one
        await until(lambda: len(emitted) == 2)
        assert emitted[-1].values["T0000"].value == -1
        assert facts == []

    asyncio.run(feed())
