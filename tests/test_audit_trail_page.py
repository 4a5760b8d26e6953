"""The Audit trail screen and its service, on real parts: the demo station's SQLite store,
real logins (a wrong PIN, a lockout), a real refused service call audited by the refusal
recorder, AuditWriter entries for the rest, the DB worker and ``verify_station``.

What a team lead would notice: the entries newest first with the action in words, the
time in station time and the person's name; filters narrow the list; Older… pages back
without losing or repeating an entry; an operator is refused in words, sees no entry, and
the refusal is in the trail; an entry changed in SQL turns the verdict red naming its seq;
the page fits the 1120×650 content area with ≥ 56 px touch targets.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from sqlalchemy import select, text

from hmi.services import permissions as P
from hmi.services.audit import (
    ACTION_PERMISSION_REFUSED,
    AuditWriter,
    RefusalAuditor,
    local_last_seq,
)
from hmi.services.audittrail import AuditTrailService, action_text, categories
from hmi.services.auth import AuthService, LoginError
from hmi.services.permissions import PermissionDenied, set_refusal_recorder
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry
from hmi.views.audittrail import AuditTrailPage, changed_keys

STATION = "ST-10"
TZ = "Europe/Berlin"
#: AuditWriter entries are written at this instant: 13:00:00 station time (CET).
WRITTEN_AT = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


# ---------------------------------------------------------------------------- set-up


@pytest.fixture
def station(demo_store):
    """The demo store with the refusal recorder writing at once (the app uses the worker)."""
    audit = AuditWriter(STATION, clock=lambda: WRITTEN_AT)
    auth = AuthService(demo_store, STATION)
    previous = set_refusal_recorder(RefusalAuditor(demo_store, AuditWriter(STATION)))
    worker = DbWorker()
    services: list[AuditTrailService] = []
    try:
        yield SimpleNamespace(sf=demo_store, audit=audit, auth=auth, worker=worker,
                              services=services, clara=auth.login("2001", "3456"))
    finally:
        set_refusal_recorder(previous)
        for svc in services:
            svc.shutdown()
        worker.shutdown()


def record(st, action: str, badge: str | None, entity: str = "thing", entity_id: str = "1",
           **kw) -> int:
    with st.sf.begin() as s:
        return st.audit.record(s, actor_badge=badge, action=action, entity=entity,
                               entity_id=entity_id, **kw).seq


def seed(st) -> dict[str, int]:
    """A mixed trail: real sign-in events and a real refusal, and entries of every kind."""
    seqs: dict[str, int] = {}
    with pytest.raises(LoginError):
        st.auth.login("1001", "0000")  # Anna, wrong PIN
    anna = st.auth.login("1001", "1234")
    with pytest.raises(PermissionDenied):
        st.auth.unlock(anna, "1002")  # an operator may not end a lockout: audited
    seqs["hold"] = record(st, "hold.place", "2001", "hold", "H-1",
                          new={"order": "PO-1", "reason": "Suspect dimension"})
    seqs["order"] = record(st, "order.start", "1001", "work_order", "PO-1",
                           old={"status": "released", "qty": 10},
                           new={"status": "running", "qty": 10})
    seqs["sync"] = record(st, "sync.quarantine_resolved", "9001", "sync_quarantine", "q-1",
                          new={"resolution": "Duplicate"})
    seqs["machine"] = record(st, "material.units_recovered", None, "material_lot", "L-7")
    seqs["unknown"] = record(st, "press.calibrated", "7777", "press", "P-2",
                             detail="calibrated by the vendor")
    return seqs


def open_page(qtbot, st, actor, **svc_kw) -> tuple[AuditTrailPage, AuditTrailService]:
    svc = AuditTrailService(st.worker, st.sf, STATION, **svc_kw)
    st.services.append(svc)
    page = AuditTrailPage(svc, SimpleNamespace(actor=actor), TZ)
    qtbot.addWidget(page)
    page.resize(1120, 650)  # the content area of a 1280×800 panel
    page.show()
    settle(qtbot, svc)
    return page, svc


def settle(qtbot, svc) -> None:
    qtbot.waitUntil(lambda: not svc.busy, timeout=10_000)


def tap(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget.text()!r} cannot be tapped"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def shown(page) -> list:
    """The cards on screen: (seq, title, detail, severity)."""
    out = []
    for card in page.list.shown:
        w = page.list.card_widget(card.key)
        assert w is not None and w.isVisible()
        out.append((int(card.key), card.title, card.detail, card.severity))
    return out


def stored(sf) -> list[AuditEntry]:
    with sf() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.station_id == STATION)
                              .order_by(AuditEntry.seq.desc())))


def assert_fits_and_targets(page) -> None:
    for _ in range(5):  # let the layouts settle (word-wrapped text needs a few passes)
        QApplication.processEvents()
    assert page.minimumSizeHint().width() <= 1120, page.minimumSizeHint()
    assert page.minimumSizeHint().height() <= 650, page.minimumSizeHint()
    assert page.width() <= 1120 and page.height() <= 650, page.size()
    for btn in page.findChildren(QPushButton):
        if btn.isVisible():
            assert btn.height() >= 56 and btn.width() >= 56, (btn.text(), btn.size())
    for card in page.list.shown:
        assert page.list.card_widget(card.key).height() >= 56, card
    for label in page.findChildren(QLabel):  # no text squeezed out of sight
        if label.isVisible() and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            assert label.height() >= need - 2, (label.objectName(), label.text(),
                                                label.height(), need)


# ---------------------------------------------------------------------------- the list


def test_entries_show_newest_first_in_words_and_station_time(station, qtbot, themed):
    seqs = seed(station)
    page, svc = open_page(qtbot, station, station.clara)
    cards = shown(page)
    entries = stored(station.sf)
    assert [c[0] for c in cards] == [e.seq for e in entries]  # every entry, newest first
    by_seq = {c[0]: c for c in cards}

    # actions in words; an unknown code as it is
    titles = [c[1] for c in cards]
    assert "Login failed" in titles and "Logged in" in titles
    assert "Refused: manage users and PINs" in titles
    assert by_seq[seqs["hold"]][1] == "Quality hold placed"
    assert by_seq[seqs["order"]][1] == "Order started"
    assert by_seq[seqs["unknown"]][1] == "press.calibrated"
    assert "Master data imported" in titles
    # who: the name, else the badge, else machine / system; the time in station time
    assert by_seq[seqs["order"]][2] == "2025-03-01 13:00:00 · Anna Berg · work order PO-1"
    assert by_seq[seqs["unknown"]][2].startswith("2025-03-01 13:00:00 · badge 7777 · press P-2")
    assert "machine / system" in by_seq[seqs["machine"]][2]
    # refusals and failed sign-ins stand out
    sev = {c[1]: c[3] for c in cards}
    assert sev["Login failed"] == "warning"
    assert sev["Refused: manage users and PINs"] == "warning"
    assert sev["Order started"] == "normal"

    # the chain is intact: the tile says so with the numbering
    with station.sf() as s:
        last = local_last_seq(s, STATION)
    assert page.verdict_box.property("severity") == "ok"
    assert page.verdict_head.text() == (
        f"Audit trail intact — {len(entries)} entries checked, numbering 1..{last} complete")
    assert page.count_label.text().endswith("the whole trail")
    assert not page.older_button.isEnabled()
    assert_fits_and_targets(page)


def test_the_selected_entry_shows_every_field_the_changed_keys_and_its_hash(
        station, qtbot, themed):
    seqs = seed(station)
    page, svc = open_page(qtbot, station, station.clara)
    page.select(seqs["order"])
    assert page.entry_title.text() == f"#{seqs['order']} · Order started"
    facts = page.facts.text()
    for part in ("2025-03-01 13:00:00 (station time, Europe/Berlin)", "Anna Berg (badge 1001)",
                 "Order started (order.start)", "work order PO-1"):
        assert part in facts, facts
    # only what changed: status, not the unchanged qty
    assert page.changes.isVisible()
    assert page.change_rows() == [["status", "released", "running"]]
    entry = next(e for e in stored(station.sf) if e.seq == seqs["order"])
    assert page.hash_line.text() == f"Hash {entry.entry_hash[:12]}… · link OK"
    assert page.hash_line.property("severity") == "ok"

    # the oldest entry of the trail says it starts the chain
    oldest = shown(page)[-1][0]
    page.select(oldest)
    assert page.hash_line.text().endswith("link OK (the first entry of the trail)")
    assert_fits_and_targets(page)


def test_filters_narrow_the_list(station, qtbot, themed):
    seqs = seed(station)
    page, _svc = open_page(qtbot, station, station.clara)
    everything = shown(page)

    tap(qtbot, page.filter_buttons["security"])
    titles = [c[1] for c in shown(page)]
    assert titles and set(titles) <= {"Login failed", "Logged in",
                                      "Refused: manage users and PINs"}
    assert "Login failed" in titles and "Refused: manage users and PINs" in titles
    assert page.count_label.text().startswith(f"{len(titles)} of {len(everything)} loaded")

    tap(qtbot, page.filter_buttons["quality"])
    assert [c[0] for c in shown(page)] == [seqs["hold"]]
    tap(qtbot, page.filter_buttons["orders"])  # orders, material, tools, labels …
    assert [c[0] for c in shown(page)] == [seqs["machine"], seqs["order"]]
    tap(qtbot, page.filter_buttons["sync"])
    assert {c[1] for c in shown(page)} == {"Refused sync row marked resolved",
                                           "Master data imported"}

    # only one person: the selected entry's badge, on top of "All"
    tap(qtbot, page.filter_buttons[None])
    assert len(shown(page)) == len(everything)
    assert not page.person_button.isEnabled() or page.selected_row() is not None
    page.select(seqs["order"])  # Anna's
    assert page.person_button.text() == "Only Anna Berg"
    tap(qtbot, page.person_button)
    annas = shown(page)
    assert {c[1] for c in annas} == {"Login failed", "Logged in", "Order started",
                                     "Refused: manage users and PINs"}
    assert all("Anna Berg" in c[2] for c in annas)
    tap(qtbot, page.filter_buttons["orders"])  # both filters at once
    assert [c[0] for c in shown(page)] == [seqs["order"]]
    tap(qtbot, page.person_button)  # off again
    tap(qtbot, page.filter_buttons[None])
    assert len(shown(page)) == len(everything)
    assert_fits_and_targets(page)


def test_older_pages_back_without_losing_or_repeating_an_entry(station, qtbot, themed):
    for i in range(34):
        record(station, "order.start", "1001", "work_order", f"PO-{i}")
    total = [e.seq for e in stored(station.sf)]
    page, svc = open_page(qtbot, station, station.clara, page_size=10)
    assert [c[0] for c in shown(page)] == total[:10]
    assert page.older_button.isEnabled()
    assert page.count_label.text().startswith("10 entries · back to ")
    while page.older_button.isEnabled():
        tap(qtbot, page.older_button)
        settle(qtbot, svc)
    assert [c[0] for c in shown(page)] == total  # all of them, in order, each once
    assert page.count_label.text().endswith("the whole trail")
    # each link was checked across the page boundaries
    assert all(r.link_ok for r in svc.rows())


def test_with_a_filter_older_reads_on_until_entries_match(station, qtbot):
    first = record(station, "hold.place", "2001", "hold", "H-old")
    for i in range(40):
        record(station, "order.start", "1001", "work_order", f"PO-{i}")
    page, svc = open_page(qtbot, station, station.clara, page_size=10, want_matches=1)
    tap(qtbot, page.filter_buttons["quality"])
    assert shown(page) == []
    assert "Tap Older… to look further back" in page.list.empty.text()
    tap(qtbot, page.older_button)  # one tap: it pages through the 40 orders to the hold
    settle(qtbot, svc)
    assert [c[0] for c in shown(page)] == [first]


def test_an_operator_is_refused_in_words_sees_nothing_and_is_audited(station, qtbot, themed):
    seed(station)
    anna = station.auth.login("1001", "1234")
    before = len(stored(station.sf))
    page, svc = open_page(qtbot, station, anna)
    assert page.message.isVisible()
    assert page.message.text() == ("Anna Berg (badge 1001) may not view the audit trail. "
                                   "Ask a team lead or an administrator.")
    assert page.message.property("severity") == "alarm"
    assert shown(page) == [] and svc.rows() == []
    assert page.verdict_head.text() == "The audit trail is not shown"
    assert "intact" not in page.verdict_note.text()
    assert not page.older_button.isEnabled()
    assert not page.entry_title.isVisible() and not page.changes.isVisible()
    refusal = stored(station.sf)[0]
    assert len(stored(station.sf)) == before + 1  # the refusal, once (not twice)
    assert (refusal.action, refusal.actor_badge, refusal.entity_id) == (
        ACTION_PERMISSION_REFUSED, "1001", P.AUDIT_VIEW)
    assert_fits_and_targets(page)


@pytest.mark.parametrize("on_worker", [False, True], ids=["own-thread", "db-worker"])
def test_an_entry_changed_in_sql_turns_the_verdict_red_naming_its_seq(
        station, qtbot, themed, on_worker):
    seqs = seed(station)
    with station.sf.begin() as s:  # someone edits the database file behind the station
        s.execute(text("UPDATE audit_entry SET detail = 'nothing happened' WHERE seq = :seq"),
                  {"seq": seqs["order"]})
    page, svc = open_page(qtbot, station, station.clara, verify_on_worker=on_worker)
    assert page.verdict_box.property("severity") == "alarm"
    assert page.verdict_head.text() == (
        f"AUDIT TRAIL BROKEN at seq {seqs['order']}: entry was changed after it was written: "
        "its hash does not match its content")
    assert "hmi audit verify" in page.verdict_note.text()
    # the entry itself is red in the list and says why
    card = next(c for c in shown(page) if c[0] == seqs["order"])
    assert card[3] == "alarm" and card[2].startswith("CHANGED")
    page.select(seqs["order"])
    assert "CHANGED: its content no longer matches its hash" in page.hash_line.text()
    assert page.hash_line.property("severity") == "alarm"
    # its neighbours still verify
    others = [r for r in svc.rows() if r.seq != seqs["order"]]
    assert all(r.link_ok for r in others)
    assert_fits_and_targets(page)


def test_a_removed_entry_breaks_the_next_entrys_link(station, qtbot):
    seqs = seed(station)
    with station.sf.begin() as s:
        s.execute(text("DELETE FROM audit_entry WHERE seq = :seq"), {"seq": seqs["sync"]})
    page, svc = open_page(qtbot, station, station.clara)
    assert page.verdict_head.text().startswith(f"AUDIT TRAIL BROKEN at seq {seqs['sync']}: ")
    after = next(r for r in svc.rows() if r.seq == seqs["machine"])
    assert not after.link_ok and after.prev_seq == seqs["order"]
    page.select(seqs["machine"])
    assert (f"LINK BROKEN: it does not link to the entry before it (#{seqs['order']})"
            in page.hash_line.text())


def test_a_lockout_is_red_and_a_new_person_starts_from_nothing(station, qtbot):
    for _ in range(5):
        with pytest.raises(LoginError):
            station.auth.login("1002", "0000")  # Ben: the fifth wrong PIN locks the badge
    session = SimpleNamespace(actor=station.clara)
    svc = AuditTrailService(station.worker, station.sf, STATION)
    station.services.append(svc)
    page = AuditTrailPage(svc, session, TZ)
    qtbot.addWidget(page)
    page.resize(1120, 650)
    page.show()
    settle(qtbot, svc)
    lock = shown(page)[0]
    assert lock[1] == "Badge locked after wrong PINs" and lock[3] == "alarm"
    assert "Ben Kraus" in lock[2]
    # the team lead leaves; an operator opens the page: nothing of the last view stays
    session.actor = station.auth.login("1001", "1234")
    page.refresh()
    assert shown(page) == []  # at once, before the refusal is back
    settle(qtbot, svc)
    assert shown(page) == [] and "may not view the audit trail" in page.message.text()


# ---------------------------------------------------------------------------- words


def test_changed_keys_lists_only_what_changed():
    assert changed_keys({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == [
        ("b", 2, 3), ("c", None, 4)]
    assert changed_keys(None, {"x": 1}) == [("x", None, 1)]
    assert changed_keys(None, None) == []
    assert changed_keys("on", "off") == [("value", "on", "off")]


def test_every_action_the_station_writes_has_words_and_a_filter():
    written = ["login", "login_failed", "reauthenticate", "reauthenticate_failed", "lockout",
               "unlock", "logout", "permission_refused", "kiosk_exit", "kiosk_exit_refused",
               "session_lock", "session_unlock"]
    for action in written:
        assert action_text(action) != action, action
        assert "security" in categories(action), action
    assert "quality" in categories("disposition.scrap")
    assert "orders" in categories("recipe_download")
    assert "sync" in categories("prune")
    assert categories("press.calibrated") == frozenset()


def test_refresh_checks_again_and_says_so_while_checking(station, qtbot):
    seqs = seed(station)
    page, svc = open_page(qtbot, station, station.clara)
    assert page.verdict_box.property("severity") == "ok"
    with station.sf.begin() as s:
        s.execute(text("UPDATE audit_entry SET new_value = '{\"qty\": 1}' WHERE seq = :seq"),
                  {"seq": seqs["hold"]})
    tap(qtbot, page.refresh_button)
    tap(qtbot, page.refresh_button)  # twice: the second check follows the first
    assert page.verdict_head.text() == "Checking the audit trail…"
    assert page.verdict_box.property("severity") == "checking"
    settle(qtbot, svc)
    assert page.verdict_head.text().startswith(f"AUDIT TRAIL BROKEN at seq {seqs['hold']}: ")


def test_the_page_fits_in_german_too(station, qtbot, themed):
    from PySide6.QtCore import QTranslator

    from hmi.services.i18n import i18n_dir

    seqs = seed(station)
    translator = QTranslator()
    assert translator.load(str(i18n_dir() / "hmi_de.qm"))
    themed.installTranslator(translator)
    try:
        page, _svc = open_page(qtbot, station, station.clara)
        page.select(seqs["order"])
        assert page.filter_buttons["security"].text() == "Anmeldung && Sicherheit"
        assert page.entry_title.text() == f"#{seqs['order']} · Auftrag gestartet"
        assert page.verdict_head.text().startswith("Audit-Trail intakt — ")
        assert_fits_and_targets(page)
    finally:
        themed.removeTranslator(translator)
