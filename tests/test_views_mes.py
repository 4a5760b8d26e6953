"""The MES screens driven the way a person drives them, on real services and a real store.

Downtime, alarms, andon and the shift KPIs run on a copy of the demo database
with the real database worker; time comes from a manual clock so every figure
is exact. qtbot clicks the same buttons a finger would.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from PySide6.QtCore import QPoint, Qt

from hmi import config
from hmi.devices.base import ConnectionState, Quality, TagValue
from hmi.services import kpi
from hmi.services.alarms import AlarmService
from hmi.services.andon import AndonService
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.downtime import DowntimeService
from hmi.services.production import ProductionMonitor
from hmi.services.recorder import ProductionRecorder
from hmi.services.shiftkpi import RunningOrder, ShiftKpiService
from hmi.services.timeline import CountRecord
from hmi.services.worker import DbWorker
from hmi.views.alarms import AlarmsView
from hmi.views.andon import AndonView
from hmi.views.dashboard import DashboardView
from hmi.views.downtime import DowntimeView
from hmi.views.live import LiveView
from hmi.views.summary import ShiftSummaryView

STATION = "ST-10"
# Monday 2026-03-02 07:00 Berlin time: inside the Early shift (06:00-14:00).
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def t(s: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=s)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class Session:
    """The slice of StationSession the views use: who is logged in."""

    def __init__(self) -> None:
        self.actor = None


@pytest.fixture(scope="module")
def cfg():
    return config.load(config.demo_config_path())


class Plant:
    def __init__(self, qtbot, cfg, sf) -> None:
        self.qtbot, self.cfg, self.sf = qtbot, cfg, sf
        self.clock = Clock()
        self.worker = DbWorker()
        audit = AuditWriter(STATION, self.clock)
        self.auth = AuthService(sf, STATION)
        self.session = Session()
        self.downtime = DowntimeService(cfg, self.worker, sf, audit=audit, clock=self.clock)
        self.alarms = AlarmService(cfg, self.worker, sf, audit=audit, clock=self.clock)
        self.andon = AndonService(cfg, self.worker, sf, self.auth, audit=audit, clock=self.clock)
        self.kpis = ShiftKpiService(cfg, downtime=self.downtime, clock=self.clock)
        # Facts are stored as the app stores them (the recorder on the one DB worker).
        self.recorder = ProductionRecorder(sf, STATION)
        with qtbot.waitSignal(self.downtime.sig_ready, timeout=10_000):
            self.downtime.start(tick_ms=0)
        self.kpis.set_calendar(self.downtime.calendar)
        for svc in (self.alarms, self.andon):
            svc.start().result(10)
        qtbot.waitUntil(lambda: self.alarms.ready, timeout=5_000)

    def login(self, badge: str, pin: str) -> None:
        self.session.actor = self.auth.login(badge, pin)

    def state(self, s: float, name: str, fault: int | None = None) -> None:
        self.clock.now = t(s)
        fields = {"state_code": 0, "state": name, "fault_code": fault, "source_ts": t(s)}
        self.worker.submit(self.recorder.record, "machine_state", fields)
        self.downtime.on_fact("machine_state", fields)
        self.kpis.on_fact("machine_state", fields)
        if fault is not None:
            self.downtime.on_fault_code(t(s), fault)

    def count(self, s: float, n: int = 1, kind: str = "good") -> None:
        self.clock.now = t(s)
        fields = {"kind": kind, "increment": n, "raw": 0, "how": "count", "source_ts": t(s)}
        self.worker.submit(self.recorder.record, "production_count", fields)
        self.downtime.on_fact("production_count", fields)
        self.kpis.on_fact("production_count", fields)

    def tick(self, s: float) -> None:
        self.clock.now = t(s)
        self.downtime.tick()

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.downtime.busy, timeout=10_000)

    def close(self) -> None:
        self.downtime.shutdown()
        self.worker.shutdown()


@pytest.fixture
def plant(qtbot, cfg, demo_store):
    p = Plant(qtbot, cfg, demo_store)
    yield p
    p.close()


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))


def a_jam(plant: Plant, state: str = "faulted", fault: int | None = 104) -> None:
    """Running from 0 s, a jam (fault 104) from 60 s to 400 s, running again."""
    plant.state(0, "running")
    plant.count(30, 20)
    plant.state(60, state, fault)
    plant.tick(90)
    plant.state(400, "running")
    plant.count(430, 10)
    plant.settle()


# ------------------------------------------------------------------- downtime
def test_a_mapped_fault_is_classified_automatically_and_shown_as_such(qtbot, plant):
    a_jam(plant)
    view = DowntimeView(plant.downtime, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.show()
    [stop] = [s for s in plant.downtime.stops() if s.kind == "unplanned"]
    assert stop.reason_code == "MECH-JAM" and stop.classified_by == "auto"
    card = view.list.card_widget(stop.stop_id)
    assert "Part jammed (automatic)" in card.detail.text()
    view.select_stop(stop.stop_id)
    assert "104" in view.picker.preselect_why.text()  # one tap confirms, or the tree corrects


def test_operator_gives_a_stop_its_reason_through_the_tree(qtbot, plant):
    a_jam(plant, "stopped", None)
    plant.login("1001", "1234")
    view = DowntimeView(plant.downtime, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.resize(1120, 700)
    view.show()
    [stop] = [s for s in plant.downtime.stops() if s.kind == "unplanned"]
    card = view.list.card_widget(stop.stop_id)
    assert card is not None and card.property("severity") == "warning"
    assert "NO REASON YET" in card.detail.text()
    assert [s.stop_id for s in plant.downtime.unclassified()] == [stop.stop_id]
    tap(qtbot, card)
    for code in ("MECH", "MECH-HYD"):
        qtbot.mouseClick(view.picker.findChild(type(view.stops_tab), f"reason:{code}"),
                         Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.picker.findChild(type(view.stops_tab), "reason:MECH-HYD-LEAK"),
                     Qt.MouseButton.LeftButton)
    plant.settle()
    rec = plant.downtime.record(stop.stop_id)
    assert rec.reason_code == "MECH-HYD-LEAK" and rec.classified_by == "operator"
    qtbot.waitUntil(lambda: "Leak" in view.list.card_widget(stop.stop_id).detail.text())
    assert view.list.card_widget(stop.stop_id).property("severity") == "normal"
    assert "Saved" in view.message.text()


def test_a_stop_is_split_and_each_part_gets_its_own_reason(qtbot, plant):
    a_jam(plant, "stopped", None)
    plant.login("2001", "3456")  # team lead
    view = DowntimeView(plant.downtime, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.show()
    [stop] = [s for s in plant.downtime.stops() if s.kind == "unplanned"]
    view.select_stop(stop.stop_id)
    tap(qtbot, view.split_button)
    assert view.split_panel.isVisible()
    view.split_slider.setValue(100)  # 60 s + 100 s: the jam was cleared, then waiting
    assert view.split_time.text() == t(160).astimezone(view._tz).strftime("%H:%M:%S")
    tap(qtbot, view.split_do)
    plant.settle()
    parts = sorted((s for s in plant.downtime.stops() if s.kind == "unplanned"),
                   key=lambda s: s.start)
    assert [(p.start, p.end) for p in parts] == [(t(60), t(160)), (t(160), t(400))]
    qtbot.waitUntil(lambda: len(view.list.shown) == 2)
    for part, code in zip(parts, ("MECH-JAM", "MAT-STARVED"), strict=True):
        view.select_stop(part.stop_id)
        view.picker.open_node(plant.downtime.reason(code).parent_code)
        qtbot.mouseClick(view.picker.findChild(type(view.stops_tab), f"reason:{code}"),
                         Qt.MouseButton.LeftButton)
        plant.settle()
    assert [plant.downtime.record(p.stop_id).reason_code for p in parts] == \
        ["MECH-JAM", "MAT-STARVED"]
    # The Pareto of the shift now shows both reasons with their exact durations.
    tap(qtbot, view.pareto_tab)
    assert view.stack.currentIndex() == 1
    assert view.pareto.sorted_rows() == [("Starved (no material)", 240.0), ("Part jammed", 100.0)]


def test_nobody_logged_in_cannot_classify_and_is_told_why(qtbot, plant):
    a_jam(plant)  # fault 104: the suggestion is one tap away
    view = DowntimeView(plant.downtime, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.show()
    [stop] = [s for s in plant.downtime.stops() if s.kind == "unplanned"]
    view.select_stop(stop.stop_id)
    qtbot.mouseClick(view.picker.preselect_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible() and view.message.property("severity") == "alarm"
    assert plant.downtime.record(stop.stop_id).classified_by == "auto"  # unchanged


# ------------------------------------------------------------------- alarms
def fault_value(code: int, s: float, quality=Quality.GOOD) -> TagValue:
    return TagValue("fault_code", code, quality, t(s), t(s), ConnectionState.CONNECTED)


def test_alarm_is_listed_with_its_text_and_acknowledged_by_the_logged_in_user(qtbot, plant):
    view = AlarmsView(plant.alarms, plant.session, "Europe/Berlin")
    qtbot.addWidget(view)
    view.show()
    plant.clock.now = t(10)
    plant.alarms.on_tag_value(fault_value(103, 10))
    qtbot.waitUntil(lambda: len(view.list.shown) == 1, timeout=5_000)
    [card] = view.list.shown
    assert "Hydraulic oil temperature high" in card.title and card.severity == "alarm"
    assert "NOT ACKNOWLEDGED" in card.detail
    # Nobody logged in: refused, with the reason on screen; nothing acknowledged.
    tap(qtbot, view.list.card_widget(card.key))
    tap(qtbot, view.ack_button)
    assert view.message.isVisible() and "log in" in view.message.text().lower()
    assert plant.alarms.unacknowledged()[0] == 1
    plant.login("1001", "1234")
    tap(qtbot, view.ack_button)
    qtbot.waitUntil(lambda: plant.alarms.unacknowledged()[0] == 0, timeout=5_000)
    qtbot.waitUntil(lambda: "acknowledged by Anna Berg" in view.list.shown[0].detail,
                    timeout=5_000)
    # Back to normal: the acknowledged, cleared alarm leaves the list.
    plant.alarms.on_tag_value(fault_value(0, 40))
    qtbot.waitUntil(lambda: view.list.shown == [], timeout=5_000)


# ------------------------------------------------------------------- andon
def test_andon_call_is_answered_at_the_station_by_badge_and_pin(qtbot, plant):
    plant.login("1001", "1234")
    view = AndonView(plant.andon, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.resize(1120, 700)
    view.show()
    plant.clock.now = t(100)
    tap(qtbot, view.call_buttons["maintenance"])
    qtbot.waitUntil(lambda: len(view.list.shown) == 1, timeout=5_000)
    [card] = view.list.shown
    assert card.title == "Maintenance" and "nobody has answered" in card.detail
    tap(qtbot, view.list.card_widget(card.key))
    # Wrong PIN: refused, nothing recorded.
    view.badge.setText("3001")
    view.pin.setText("0000")
    tap(qtbot, view.ack_button)
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5_000)
    assert plant.andon.open_calls()[0].acknowledged_at is None
    # David (maintenance) types badge and PIN on the keypad, three minutes later.
    plant.clock.now = t(280)
    view.badge.clear()
    view.keypad.set_target(view.badge)
    for k in "3001":
        tap(qtbot, view.keypad.keys[k])
    view.keypad.set_target(view.pin)
    for k in "4567":
        tap(qtbot, view.keypad.keys[k])
    assert (view.badge.text(), view.pin.text()) == ("3001", "4567")
    tap(qtbot, view.ack_button)
    qtbot.waitUntil(lambda: plant.andon.open_calls()[0].acknowledged_at is not None,
                    timeout=10_000)
    call = plant.andon.open_calls()[0]
    assert call.acknowledged_by == "David Lenz" and call.response_s == 180.0
    qtbot.waitUntil(lambda: "answered by David Lenz" in view.list.shown[0].detail)
    plant.clock.now = t(880)
    view.badge.setText("3001")
    tap(qtbot, view.resolve_button)
    qtbot.waitUntil(lambda: plant.andon.open_calls() == [], timeout=10_000)
    [done] = plant.andon.calls_between(t(0), t(1000)).result(10)
    assert done.resolution_s == 780.0


# ------------------------------------------------------------------- KPIs
def test_dashboard_and_handover_show_the_shift_figures(qtbot, plant):
    a_jam(plant, "stopped", None)
    plant.count(500, 5, "scrap")
    plant.clock.now = t(600)
    plant.settle()
    k = plant.kpis.recompute()
    expected = kpi.compute_oee(k.window, stops=plant.downtime.stops(), counts=[
        CountRecord(t(30), 20), CountRecord(t(430), 10), CountRecord(t(500), 0, 5)],
        ideal_cycle_s=1.5, now=t(600), startup_window_s=300.0)
    assert k.oee.oee == pytest.approx(expected.oee) and k.good == 30 and k.scrap == 5
    dash = DashboardView(plant.kpis, "Europe/Berlin")
    qtbot.addWidget(dash)
    dash.show_kpis(k)
    assert dash.oee.value.text() == f"{expected.oee * 100:.1f}"
    assert dash.availability.value.text() == f"{expected.availability * 100:.1f}"
    assert dash.good.value.text() == "30"
    assert dash.fpy.value.text() == "—"
    summary = ShiftSummaryView(plant.kpis, plant.downtime, plant.alarms, plant.andon,
                               "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(summary)
    titles = [c.title for c in summary.items()]
    assert any(title.startswith("Stop without reason") for title in titles)


def test_dashboard_shows_a_stored_day_with_the_same_arithmetic(qtbot, plant):
    """"Today" on the dashboard: loaded from the stored events, computed like the shift."""
    from hmi.services.stops import load_timeline

    a_jam(plant, "stopped", None)
    plant.count(500, 5, "scrap")
    plant.clock.now = t(600)
    plant.settle()
    plant.kpis.recompute()

    def loader(window):
        with plant.sf() as s:
            return load_timeline(s, STATION, window, now=t(600))

    plant.kpis.set_loader(lambda w: ([], []), plant.worker.submit)
    plant.kpis.set_range_loader(loader)
    dash = DashboardView(plant.kpis, "Europe/Berlin")
    qtbot.addWidget(dash)
    tap(qtbot, dash.range_buttons["today"])
    qtbot.waitUntil(lambda: dash.title.text() == "KPIs · Today", timeout=10_000)
    from hmi.services import shiftcal

    day = shiftcal.day_interval(t(0).astimezone(plant.kpis._tz).date(), plant.kpis._tz)
    with plant.sf() as s:
        tl = load_timeline(s, STATION, day, now=t(600))
    expected = kpi.oee_for_range(day, stops=tl.stops, counts=tl.counts, ideal_cycle_s=1.5,
                                 spec=plant.downtime.calendar, now=t(600),
                                 startup_window_s=300.0)
    assert expected.good == 30 and expected.scrap == 5
    assert dash.oee.value.text() == f"{expected.oee * 100:.1f}"
    assert dash.good.value.text() == "30"
    # Back to the live shift: the live figures again.
    tap(qtbot, dash.range_buttons["shift"])
    assert dash.title.text().startswith("KPIs · Early")


def test_shift_kpis_after_a_restart_count_stored_parts_once(qtbot, cfg):
    """Stored counts of the shift are loaded; live ones after the cut-off are not doubled."""
    clock = Clock()
    clock.now = t(3600)
    svc = ShiftKpiService(cfg, clock=clock)
    stored = [CountRecord(t(60), 10), CountRecord(t(1800), 5)]

    def submit(fn, window, on_done, on_error):
        assert window.end == t(3600)
        svc.on_fact("production_count", {"kind": "good", "increment": 3, "source_ts": t(3601)})
        on_done(fn(window))

    from hmi.services import shiftcal
    from hmi.store.models import ShiftCalendar  # noqa: F401 - the demo calendar's shape

    spec = shiftcal.CalendarSpec(
        code="X", timezone="Europe/Berlin",
        shifts=(shiftcal.ShiftSpec("Early", "06:00", "14:00", frozenset({1, 2, 3, 4, 5}), ()),))
    svc.set_calendar(spec)
    svc.recompute()
    svc.set_loader(lambda w: (stored, [(w.start, "running", None)]), submit)
    assert svc.last.good == 18 and svc.last.states[0].state == "running"
    svc.set_order(RunningOrder("WO-1001", "BRK-100", "Bracket", 500, t(0), 1.5))
    k = svc.recompute()
    assert k.remaining == 500 - 18
    assert k.expected_end() is not None and k.expected_end() > k.now


# ------------------------------------------------------------------- live screen
def test_trend_marks_a_value_stale_when_the_link_drops(qtbot, cfg):
    monitor = ProductionMonitor(cfg)
    view = LiveView(cfg, monitor)
    qtbot.addWidget(view)
    view.resize(1120, 700)
    view.show()
    now = dt.datetime.now(dt.UTC)
    monitor.on_connection_state(ConnectionState.CONNECTED)
    for i in range(5):
        monitor.on_tag_value(TagValue("temperature", 180.0 + i, Quality.GOOD,
                                      now + dt.timedelta(seconds=i), now,
                                      ConnectionState.CONNECTED))
    monitor.flush()
    qtbot.waitUntil(lambda: view.pv_tiles["temperature"].value.text() == "184.0")
    assert not view.trend.is_stale("temperature")
    monitor.on_connection_state(ConnectionState.RECONNECTING, "server gone")
    qtbot.waitUntil(lambda: view.trend.is_stale("temperature"), timeout=3_000)
    assert "STALE" in view.trend.stale_text("temperature")
    assert view.pv_tiles["temperature"].is_stale
    t_, v_ = view.trend.buffered("temperature")
    assert math.isnan(v_[-1])  # the line breaks where the data stopped
    monitor.on_connection_state(ConnectionState.CONNECTED)
    monitor.on_tag_value(TagValue("temperature", 181.0, Quality.GOOD, now + dt.timedelta(seconds=9),
                                  now, ConnectionState.CONNECTED))
    monitor.flush()
    qtbot.waitUntil(lambda: not view.trend.is_stale("temperature"), timeout=3_000)


def test_every_screen_fits_the_1280x800_panel_even_with_a_message_banner(qtbot, plant, themed):
    from types import SimpleNamespace

    from hmi.services.session import StationSession
    from hmi.views.main_window import MainWindow

    monitor = ProductionMonitor(plant.cfg)
    win = MainWindow(plant.cfg, StationSession(plant.worker), monitor)
    qtbot.addWidget(win)
    win.attach_services(SimpleNamespace(
        downtime=plant.downtime, alarms=plant.alarms, andon=plant.andon, kpis=plant.kpis,
        load_history=None, load_stops=None))
    win.show_error("The machine connection was lost. The station is reconnecting; values shown "
                   "are the last ones received. Call maintenance if it stays like this for "
                   "more than a few minutes. " * 2, "warning")  # a two-line banner
    win.login_view.show_message("Wrong PIN. 3 attempts left before the badge is locked for 5 "
                                "minutes.", "alarm")
    win.show()
    plant.login("1001", "1234")
    win._session.actor = plant.session.actor
    win._session.sig_user_logged_in.emit(plant.session.actor)  # the navigation shows
    assert win.nav.isVisible()
    from hmi.services.audittrail import AuditTrailService

    trail = AuditTrailService(plant.worker, plant.sf, "ST-10")
    win.attach_audit_page(trail)
    for key in ("live", "downtime", "alarms", "andon", "kpi", "handover"):
        win.show_screen(key)
        qtbot.wait(10)
        size = win.minimumSizeHint().expandedTo(win.minimumSize())
        assert size.width() <= 1280 and size.height() <= 800, (key, size)
        assert (win.width(), win.height()) == (1280, 800), key
    # The Handover screen leads to the Audit trail, which fits too.
    handover = win.screens["handover"]
    assert handover.audit_button.isVisible()
    qtbot.mouseClick(handover.audit_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.audit_page
    qtbot.wait(10)
    size = win.minimumSizeHint().expandedTo(win.minimumSize())
    assert size.width() <= 1280 and size.height() <= 800, ("audit", size)
    trail.shutdown()


def test_maintenance_logs_a_repair_and_a_bad_quantity_is_refused_with_nothing_saved(qtbot, plant):
    a_jam(plant, "stopped", None)
    plant.login("3001", "4567")  # David, maintenance
    view = DowntimeView(plant.downtime, plant.session, "Europe/Berlin", clock=plant.clock)
    qtbot.addWidget(view)
    view.resize(1120, 700)
    view.show()
    [stop] = [s for s in plant.downtime.stops() if s.kind == "unplanned"]
    view.select_stop(stop.stop_id)
    assert view.ack_button.isEnabled() and not view.repair_button.isEnabled()
    tap(qtbot, view.ack_button)
    plant.settle()
    qtbot.waitUntil(lambda: view.repair_button.isEnabled(), timeout=5_000)
    tap(qtbot, view.repair_button)
    dlg = view.repair_dialog
    dlg.action.setText("Replaced the seal on the press cylinder")
    dlg.parts.setText("seal kit x 1, hose x two")
    tap(qtbot, dlg.save)
    assert dlg.isVisible() and "not a quantity" in dlg.message.text()
    plant.settle()
    assert plant.downtime.record(stop.stop_id).repaired_at is None
    dlg.parts.setText("seal kit x 1, hose x 2")
    tap(qtbot, dlg.save)
    plant.settle()
    assert not dlg.isVisible()
    assert plant.downtime.record(stop.stop_id).repaired_at is not None
    qtbot.waitUntil(lambda: view.close_button.isEnabled(), timeout=5_000)
