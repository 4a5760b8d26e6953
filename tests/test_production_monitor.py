"""ProductionMonitor: signals in, snapshot and recorded facts out."""

import datetime as dt

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
