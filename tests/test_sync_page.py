"""The administrator's Sync screen and the refused-row service behind it, on real parts: the
demo station's SQLite store, the session's PostgreSQL as the central database, a real sync
run that gets rows refused (an equipment code longer than the central column) and a real
master-data conflict, the DB worker, the audit chain and the real note dialog.

What a person would notice: refused rows listed with their reason in words; an operator
refused (and the refusal audited); a resolve needs a note, then the row leaves the list and
the audit trail says who and why; a retry after the central cause was fixed gets the row to
the central database exactly once; with the central database away a retry says so and
changes nothing; a pull conflict cannot be sent again; a standalone station says sync is
off; the screen fits the 1120×650 content area with 64-px touch targets.
"""

# ruff: noqa: F811
from __future__ import annotations

import datetime as dt
import socket
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from sqlalchemy import func, select

from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService
from hmi.services.permissions import PermissionDenied
from hmi.services.quarantine import (
    SENT_AGAIN,
    CentralUnreachable,
    QuarantineError,
    QuarantineService,
    RefusedAgain,
)
from hmi.services.sync import SyncStatus
from hmi.services.worker import DbWorker
from hmi.store.models import Recipe, RecipeParameter
from hmi.store.security import AuditEntry
from hmi.sync.engine import SyncEngine
from hmi.sync.models import SyncQuarantine
from hmi.sync.push import Pusher, resend_row
from hmi.views.syncpage import NoteDialog, SyncPage

# the central database fixtures are shared with tests/test_sync.py
from tests.test_sync import (  # noqa: F401
    central,
    central_template,
    drain,
    pg_conn,
    write_events,
)

STATION = "ST-10"
TZ = "Europe/Berlin"


# ---------------------------------------------------------------------------- set-up


def _recipe(code: str, value: float, name: str = "press") -> Recipe:
    r = Recipe(code=code, version=1, status="released", name=name, source="test")
    r.parameters = [RecipeParameter(position=1, name="temperature", tag="ns=2;s=Temp",
                                    value=value, unit="°C")]
    return r


def _refuse_rows(sf, central_url: str) -> None:
    """Two alarms the central side refuses (too long for its column) and one master-data
    version in conflict, through a real sync run."""
    from hmi.store.engine import make_engine, make_session_factory

    write_events(sf, STATION, 30, bad_at={7, 19})
    with sf.begin() as s:
        s.add(_recipe("R-CONFLICT", 180.0))
    engine = make_engine(central_url)
    try:
        with make_session_factory(engine).begin() as s:
            s.add(_recipe("R-CONFLICT", 999.0, name="press (central)"))
    finally:
        engine.dispose()
    sync = SyncEngine(sf, central_url, STATION)
    report = drain(sync)
    sync.close()
    assert report.quarantined == 3, report


def _unused_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on: refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/plant"


@pytest.fixture
def rig(demo_store, central, qtbot):
    _refuse_rows(demo_store, central)
    worker = DbWorker()
    audit = AuditWriter(STATION)
    svc = QuarantineService(worker, demo_store, STATION, audit=audit, central_url=central,
                            connect_timeout_s=2)
    admin = AuthService(demo_store, STATION).login("9001", "9999")
    r = SimpleNamespace(sf=demo_store, central=central, worker=worker, audit=audit, svc=svc,
                        admin=admin, session=SimpleNamespace(actor=admin))
    settle(qtbot, svc)
    yield r
    svc.shutdown()
    worker.shutdown()


def settle(qtbot, svc) -> None:
    svc.refresh()
    qtbot.waitUntil(lambda: not svc.busy, timeout=15_000)


def page_for(qtbot, svc, session) -> SyncPage:
    page = SyncPage(svc, session, TZ)
    qtbot.addWidget(page)
    page.resize(1120, 650)  # the content area of a 1280×800 panel
    page.show()
    qtbot.waitUntil(lambda: not svc.busy, timeout=15_000)
    return page


def tap(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget.text()!r} cannot be tapped"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def in_note_dialog(qtbot, *, preset: str | None = None, text: str | None = None,
                   seen: list | None = None) -> dict:
    """While the real NoteDialog is open: tap a preset or type, then Mark resolved.

    Looks for the dialog every 20 ms for at most 5 s; ``stop["stop"] = True`` ends it."""
    state = {"stop": False, "tries": 0}

    def drive() -> None:
        if state["stop"] or state["tries"] > 250:
            return
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, NoteDialog):
            state["tries"] += 1
            QTimer.singleShot(20, drive)
            return
        if seen is not None:
            seen.append(dlg)
        if preset is not None:
            qtbot.mouseClick(dlg.presets[preset], Qt.MouseButton.LeftButton)
        if text is not None:
            dlg.field.setText(text)
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    return state


def entry_for(svc, table: str, direction: str = "push"):
    return next(e for e in svc.entries() if e.table == table and e.direction == direction)


def audit_actions(sf, action: str) -> list[AuditEntry]:
    with sf() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.seq)))


def stored(sf, entry_id: str) -> SyncQuarantine:
    import uuid

    with sf() as s:
        return s.get(SyncQuarantine, uuid.UUID(entry_id))


def central_copies(url: str, row_id: str) -> int:
    with pg_conn(url) as conn:
        return conn.execute("SELECT count(*) FROM alarm_event WHERE id = %s",
                            (row_id,)).fetchone()[0]


def status(**kw) -> SyncStatus:
    base = dict(online=True, backlog=0, oldest_unsent_s=None, quarantined=3,
                last_run_at=dt.datetime.now(dt.UTC), clock_skew_s=0.4,
                backlog_budget=10_000_000)
    return SyncStatus(**{**base, **kw})


def assert_fits_and_targets(page: SyncPage) -> None:
    assert page.minimumSizeHint().width() <= 1120, page.minimumSizeHint()
    assert page.minimumSizeHint().height() <= 650, page.minimumSizeHint()
    assert page.width() <= 1120 and page.height() <= 650, page.size()
    for btn in page.findChildren(QPushButton):
        if btn.isVisible():
            assert btn.height() >= 56 and btn.width() >= 56, (btn.text(), btn.size())
    for label in page.findChildren(QLabel):  # no text squeezed out of sight
        if label.isVisible() and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            assert label.height() >= need - 2, (label.objectName(), label.text(),
                                                label.height(), need)


# ---------------------------------------------------------------------------- the list


def test_refused_rows_show_on_the_page_with_their_reason(rig, qtbot, themed):
    page = page_for(qtbot, rig.svc, rig.session)
    page.show_status(status(backlog=1234, oldest_unsent_s=900, online=False,
                            last_error="central database unreachable: connection refused",
                            clock_skew_s=7.5))
    entries = rig.svc.entries()
    assert sorted((e.direction, e.table) for e in entries) == [
        ("pull", "recipe"), ("push", "alarm_event"), ("push", "alarm_event")]
    assert page.list_title.text() == "Refused rows (3)"
    cards = {c.title: c for c in page.list.shown}
    push = entry_for(rig.svc, "alarm_event")
    card = cards[f"Alarm event · {push.row_key}"]
    assert card.severity == "alarm"
    assert card.detail == "refused: A value is longer than the central column allows."
    pull = cards["Recipe · R-CONFLICT/v1"]
    assert pull.severity == "warning" and pull.detail == (
        "conflict: The central database has another version of recipe R-CONFLICT/v1; the "
        "station keeps its own.")

    # tap the refused alarm: why in words, the server's words, the row's fields, station time
    tap(qtbot, page.list.card_widget(push.id))
    assert page.reason.text() == "A value is longer than the central column allows."
    assert page.reason.property("severity") == "alarm"
    assert "value too long for type character varying(64)" in page.server.text()
    fields = {page.fields.item(i, 0).text(): page.fields.item(i, 1).text()
              for i in range(page.fields.rowCount())}
    # the field the reason is about comes first, in red, with its length against the limit
    assert page.suspects == ["equipment_code"] and page.fields.item(0, 0).text() == \
        "equipment_code"
    assert fields["equipment_code"] == "100 characters, the central column takes 64: " + "X" * 100
    assert page.fields.item(0, 1).background().color().name() == "#d0021b"
    assert fields["station_id"] == STATION and fields["seq"] == str(push.seq)
    assert fields["id"] == push.row_id
    seen = push.first_seen_at.astimezone(ZoneInfo(TZ))
    assert page.facts.text() == f"Attempts 1 · first seen {seen:%Y-%m-%d %H:%M} · last seen " \
        f"{push.last_seen_at.astimezone(ZoneInfo(TZ)):%H:%M} (station time)"
    assert page.retry_button.isVisible() and page.resolve_button.isVisible()

    # abnormal health stands out: offline amber, skew amber, refused red, the error in words
    t = page.tiles
    assert (t["link"].value.text(), t["link"].property("severity")) == ("OFFLINE", "warning")
    assert t["unsent"].value.text() == "1\u2009234" and t["oldest"].value.text() == "15:00"
    assert t["oldest"].property("severity") == "warning"
    assert t["skew"].property("severity") == "warning"
    assert (t["refused"].value.text(), t["refused"].property("severity")) == ("3", "alarm")
    assert page.health.isVisible() and "connection refused" in page.health.text()
    assert page.health.property("severity") == "warning"
    qtbot.wait(20)
    page.grab().save("/tmp/syncpage.png")
    assert_fits_and_targets(page)

    # the pull conflict: no Send again, and what to do instead
    tap(qtbot, page.list.card_widget(entry_for(rig.svc, "recipe", "pull").id))
    assert not page.retry_button.isVisible() and page.resolve_button.isVisible()
    assert "Make a new version centrally; the station keeps its own" in page.todo.text()
    assert "differs from the station's (name, recipe_parameter)" in page.server.text()
    assert page.suspects == ["name"]
    assert page.fields.item(0, 1).text() == "differs from the station's: press (central)"
    qtbot.wait(20)
    page.grab().save("/tmp/syncpage-pull.png")
    assert_fits_and_targets(page)


def test_sync_now_asks_the_sync_service_and_the_budget_turns_red(rig, qtbot, themed):
    page = page_for(qtbot, rig.svc, rig.session)
    asked: list[bool] = []
    page.sig_sync_now.connect(lambda: asked.append(True))
    tap(qtbot, page.sync_button)
    assert asked == [True]
    page.show_status(status(backlog=8_500_000, oldest_unsent_s=30, disk_warning=True))
    t = page.tiles
    assert (t["budget"].value.text(), t["budget"].property("severity")) == ("85 %", "alarm")
    assert page.health.property("severity") == "alarm"
    assert "used 85 % of its budget" in page.health.text()
    page.show_status(status(quarantined=3))
    assert (t["link"].value.text(), t["link"].property("severity")) == ("ONLINE", "normal")
    assert t["unsent"].value.text() == "0" and not page.health.isVisible()
    assert t["success"].value.text() != "never"


# ---------------------------------------------------------------------------- permissions


def test_an_operator_may_neither_resolve_nor_retry_and_is_audited(
        rig, qtbot, themed, demo_people):
    anna = demo_people["anna"]
    page = page_for(qtbot, rig.svc, SimpleNamespace(actor=anna))
    push = entry_for(rig.svc, "alarm_event")
    page.select(push.id)
    tap(qtbot, page.retry_button)
    assert page.message.text() == ("Anna Berg (badge 1001) may not settle rows the central "
                                   "database refused (send again or mark resolved). Ask a "
                                   "team lead or an administrator.")
    assert page.message.property("severity") == "alarm"
    opened: list = []
    driver = in_note_dialog(qtbot, text="should never be asked", seen=opened)
    tap(qtbot, page.resolve_button)
    assert "may not settle rows" in page.message.text()
    qtbot.waitUntil(lambda: not rig.svc.busy, timeout=10_000)
    qtbot.wait(100)
    driver["stop"] = True
    assert opened == []  # no note asked of someone who may not resolve
    with pytest.raises(PermissionDenied):
        rig.svc.resolve(anna, push.id, "tried anyway")
    qtbot.waitUntil(lambda: not rig.svc.busy, timeout=10_000)
    refused = audit_actions(rig.sf, "sync.quarantine_refused")
    assert [(a.actor_badge, a.new_value["action"]) for a in refused] == [
        ("1001", "send again"), ("1001", "resolve"), ("1001", "resolve")]
    assert f"alarm_event {push.row_key}" in refused[0].detail
    assert stored(rig.sf, push.id).resolved_at is None
    assert stored(rig.sf, push.id).attempts == 1
    with rig.sf() as s:
        assert verify_chain(s, STATION).ok


# ---------------------------------------------------------------------------- resolve


def test_resolve_needs_a_note_then_leaves_the_list_with_an_audit_entry(rig, qtbot, themed):
    page = page_for(qtbot, rig.svc, rig.session)
    pull = entry_for(rig.svc, "recipe", "pull")
    page.select(pull.id)

    in_note_dialog(qtbot, text="   ")  # nothing written: refused on the screen
    tap(qtbot, page.resolve_button)
    assert page.message.text().startswith("Write a note saying what was done about recipe "
                                          "R-CONFLICT/v1")
    assert page.message.property("severity") == "alarm"
    assert stored(rig.sf, pull.id).resolved_at is None
    assert audit_actions(rig.sf, "sync.quarantine_resolved") == []

    in_note_dialog(qtbot, preset="New version made centrally")
    tap(qtbot, page.resolve_button)
    qtbot.waitUntil(lambda: not rig.svc.busy and len(page.list.shown) == 2, timeout=10_000)
    assert page.message.text() == "recipe R-CONFLICT/v1 marked resolved."
    assert pull.id not in {c.key for c in page.list.shown}
    assert page.list_title.text() == "Refused rows (2)"
    row = stored(rig.sf, pull.id)
    assert (row.resolved_by, row.resolution) == ("9001", "New version made centrally")
    assert row.resolved_at is not None
    entry, = audit_actions(rig.sf, "sync.quarantine_resolved")
    assert (entry.actor_badge, entry.entity, entry.entity_id) == ("9001", "sync_quarantine",
                                                                  pull.id)
    assert entry.new_value == {"resolution": "New version made centrally"}
    assert entry.old_value["row_key"] == "R-CONFLICT/v1"
    with rig.sf() as s:
        assert verify_chain(s, STATION).ok
    # resolved is resolved: a second resolve of the same entry is refused before writing
    with pytest.raises(QuarantineError, match="already resolved"):
        rig.svc.resolve(rig.admin, pull.id, "again")
    assert rig.svc.entries(include_resolved=True)[-1].resolution == "New version made centrally"


def test_a_pull_conflict_cannot_be_sent_again(rig, qtbot):
    pull = entry_for(rig.svc, "recipe", "pull")
    with pytest.raises(QuarantineError, match="Make a new version centrally"):
        rig.svc.retry(rig.admin, pull.id)
    assert stored(rig.sf, pull.id).attempts == 1


# ---------------------------------------------------------------------------- retry


def test_retry_is_refused_again_until_the_central_cause_is_fixed_then_sent_once(
        rig, qtbot, themed):
    page = page_for(qtbot, rig.svc, rig.session)
    push = entry_for(rig.svc, "alarm_event")
    page.select(push.id)
    assert central_copies(rig.central, push.row_id) == 0

    # the central column is still too narrow: refused again, counted, the reason shown
    tap(qtbot, page.retry_button)
    assert not page.retry_button.isEnabled()  # no second tap while it runs
    qtbot.waitUntil(lambda: not rig.svc.busy and page.retry_button.isEnabled(), timeout=15_000)
    assert page.message.text() == (
        f"The central database refused alarm_event {push.row_key} again (StringDataRight"
        "Truncation: value too long for type character varying(64)). Fix the cause centrally "
        "first, or mark the row resolved.")
    assert page.message.property("severity") == "alarm"
    row = stored(rig.sf, push.id)
    assert row.attempts == 2 and row.resolved_at is None and row.last_seen_at > push.last_seen_at
    assert "too long" in row.reason
    assert page.facts.text().startswith("Attempts 2 · ")
    qtbot.wait(20)
    page.grab().save("/tmp/syncpage-refused-again.png")
    assert_fits_and_targets(page)
    assert [a.actor_badge for a in audit_actions(rig.sf, "sync.quarantine_retry_refused")] == \
        ["9001"]

    # the central side widens the column; Send again gets the row there, once
    with pg_conn(rig.central) as conn:
        conn.execute("ALTER TABLE alarm_event ALTER COLUMN equipment_code TYPE varchar(200)")
    tap(qtbot, page.retry_button)
    qtbot.waitUntil(lambda: not rig.svc.busy and len(page.list.shown) == 2, timeout=15_000)
    assert page.message.text() == (f"alarm_event {push.row_key} was sent again: the central "
                                   "database took it. Entry resolved.")
    assert central_copies(rig.central, push.row_id) == 1
    with pg_conn(rig.central) as conn:
        code, seq = conn.execute("SELECT equipment_code, seq FROM alarm_event WHERE id = %s",
                                 (push.row_id,)).fetchone()
    assert (code, seq) == ("X" * 100, push.seq)
    row = stored(rig.sf, push.id)
    assert (row.resolution, row.resolved_by) == (SENT_AGAIN, "9001")
    done, = audit_actions(rig.sf, "sync.quarantine_resolved")
    assert done.new_value == {"resolution": SENT_AGAIN, "result": "sent"}

    # sending it once more (a crash before the entry was resolved) and the next sync run
    # double nothing
    pg = pg_conn(rig.central)
    try:
        assert resend_row(Pusher(rig.sf, STATION, "central"), pg, "alarm_event",
                          push.seq).outcome == "already_there"
    finally:
        pg.close()
    sync = SyncEngine(rig.sf, rig.central, STATION)
    drain(sync)
    sync.close()
    assert central_copies(rig.central, push.row_id) == 1
    with rig.sf() as s:
        assert verify_chain(s, STATION).ok


def test_retry_while_the_central_database_is_away_says_so_and_changes_nothing(
        rig, qtbot, themed):
    away = QuarantineService(rig.worker, rig.sf, STATION, audit=rig.audit,
                             central_url=_unused_url(), connect_timeout_s=2)
    settle(qtbot, away)
    try:
        page = page_for(qtbot, away, rig.session)
        push = entry_for(away, "alarm_event")
        page.select(push.id)
        with rig.sf() as s:
            audits_before = s.scalar(select(func.count()).select_from(AuditEntry))
        tap(qtbot, page.retry_button)
        qtbot.waitUntil(lambda: not away.busy and page.retry_button.isEnabled(), timeout=15_000)
        text = page.message.text()
        assert text.startswith("The central database is not reachable: ")
        assert text.endswith("try again when the header shows online. Nothing was changed.")
        qtbot.wait(20)
        page.grab().save("/tmp/syncpage-away.png")
        assert_fits_and_targets(page)
        row = stored(rig.sf, push.id)
        assert (row.attempts, row.reason, row.resolved_at) == (1, push.reason, None)
        assert row.last_seen_at == push.last_seen_at
        with rig.sf() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits_before
        # the service's own future says the same
        fut = away.retry(rig.admin, push.id)
        qtbot.waitUntil(fut.done, timeout=15_000)
        with pytest.raises(CentralUnreachable):
            fut.result()
        qtbot.waitUntil(lambda: not away.busy, timeout=10_000)
    finally:
        away.shutdown()


def test_refused_again_reaches_the_caller_as_operator_text(rig, qtbot):
    push = entry_for(rig.svc, "alarm_event")
    fut = rig.svc.retry(rig.admin, push.id)
    qtbot.waitUntil(fut.done, timeout=15_000)
    with pytest.raises(RefusedAgain) as info:
        fut.result()
    assert "value too long" in info.value.operator_message
    qtbot.waitUntil(lambda: not rig.svc.busy, timeout=10_000)
    assert stored(rig.sf, push.id).attempts == 2


# ---------------------------------------------------------------------------- standalone


def test_a_standalone_station_says_sync_is_off_and_shows_the_empty_state(
        demo_store, qtbot, themed):
    worker = DbWorker()
    svc = QuarantineService(worker, demo_store, STATION, audit=AuditWriter(STATION))
    try:
        assert svc.standalone
        page = page_for(qtbot, svc, SimpleNamespace(actor=None))
        page.show_status(None)
        assert page.health.isVisible()
        assert page.health.text().startswith("Sync with the central database is off")
        assert not page.tiles_box.isVisible() and not page.sync_button.isVisible()
        assert page.list.empty.isVisible()
        assert page.list.empty.text() == ("No refused rows. Everything the central side "
                                          "refused would be listed here with its reason.")
        assert not page.retry_button.isVisible() and not page.resolve_button.isVisible()
        page.grab().save("/tmp/syncpage-standalone.png")
        assert_fits_and_targets(page)
    finally:
        svc.shutdown()
        worker.shutdown()
