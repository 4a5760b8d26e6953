"""The hash-chained audit trail: it verifies, tampering is found, concurrent writers are safe."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import threading
import time
import uuid

import pytest
import rfc8785
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from hmi.services.audit import (
    GENESIS_HASH,
    HASH_ALG,
    AuditWriter,
    entry_payload,
    json_safe,
    verify_chain,
)
from hmi.store.security import AuditEntry
from tests.test_auth import FakeClock, open_test_store

STATION = "ST-01"


@pytest.fixture
def db(tmp_path):
    engine, factory = open_test_store(tmp_path / "audit.db")
    yield engine, factory
    engine.dispose()


def write_entries(factory, n=5, station=STATION):
    writer = AuditWriter(station, clock=FakeClock())
    seqs = []
    for i in range(n):
        with factory() as s:
            e = writer.record(
                s, actor_badge="1001", action="change", entity="work_order",
                entity_id=f"WO-{i}", old={"qty": i}, new={"qty": i + 1}, detail=f"step {i}",
            )
            s.commit()
            seqs.append(e.seq)
    return seqs


def test_chain_of_entries_verifies_and_links(db):
    _engine, factory = db
    seqs = write_entries(factory, 5)
    with factory() as s:
        report = verify_chain(s, STATION)
        assert report.ok, report.reason
        assert (report.entries, report.first_bad_seq) == (5, None)
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == seqs
    assert entries[0].prev_hash == GENESIS_HASH
    for prev, cur in zip(entries, entries[1:], strict=False):
        assert cur.prev_hash == prev.entry_hash
    # entry_hash is exactly SHA-256 over the RFC 8785 form of the documented payload.
    e = entries[2]
    assert e.hash_alg == HASH_ALG
    assert e.entry_hash == hashlib.sha256(rfc8785.dumps(entry_payload(e))).hexdigest()
    assert entry_payload(e)["occurred_at"].endswith("+00:00")


def test_several_entries_in_one_transaction_chain_correctly(db):
    _engine, factory = db
    writer = AuditWriter(STATION)
    with factory() as s:
        for i in range(3):
            writer.record(s, actor_badge=None, action="create", entity="lot", entity_id=str(i))
        s.commit()
    with factory() as s:
        assert verify_chain(s, STATION).ok


def test_values_are_made_json_safe_before_storing_and_hashing(db):
    _engine, factory = db
    when = dt.datetime(2025, 3, 3, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    ident = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")
    value = {
        "at": when, "id": ident, "qty": decimal.Decimal("1.10"), "ok": True,
        "tags": {"b", "a"}, "pair": (1, 2), 7: "int key", "big": 2**60, "nan": float("nan"),
    }
    writer = AuditWriter(STATION)
    with factory() as s:
        writer.record(s, actor_badge="1001", action="change", entity="x", entity_id="1", new=value)
        s.commit()
    with factory() as s:
        stored = s.scalars(select(AuditEntry.new_value)).one()
        assert verify_chain(s, STATION).ok
    assert stored == {
        "at": "2025-03-03T14:30:00.000000+00:00", "id": str(ident), "qty": "1.10", "ok": True,
        "tags": ["a", "b"], "pair": [1, 2], "7": "int key", "big": str(2**60), "nan": "NaN",
    }


def test_values_that_cannot_be_recorded_are_refused():
    with pytest.raises(TypeError, match="cannot record a object"):
        json_safe({"x": object()})
    with pytest.raises(ValueError, match="naive datetime"):
        json_safe(dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="two keys"):
        json_safe({1: "a", "1": "b"})


@pytest.mark.parametrize(
    ("column", "sql_value"),
    [
        ("new_value", '{"qty": 999}'),
        ("actor_badge", "'6666'"),
        ("detail", "'nothing to see'"),
        ("occurred_at", "'2025-03-03 14:29:00.000000'"),
    ],
)
def test_changing_a_stored_entry_is_found_at_that_seq(db, column, sql_value):
    engine, factory = db
    seqs = write_entries(factory, 5)
    target = seqs[2]
    with engine.begin() as conn:
        value = f"'{sql_value}'" if column == "new_value" else sql_value
        conn.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE seq = {target}"))
    with factory() as s:
        report = verify_chain(s, STATION)
    assert not report.ok
    assert report.first_bad_seq == target
    assert report.reason == (
        f"Audit entry {target} was changed after it was recorded "
        "(its content no longer matches its hash)."
    )


def test_rewriting_an_entry_and_its_hash_breaks_the_next_link(db):
    engine, factory = db
    seqs = write_entries(factory, 4)
    # A forger who recomputes the changed entry's own hash still breaks the link after it.
    with factory() as s:
        e = s.scalars(select(AuditEntry).where(AuditEntry.seq == seqs[1])).one()
        payload = entry_payload(e) | {"new": {"qty": 999}}
        forged = hashlib.sha256(rfc8785.dumps(payload)).hexdigest()
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entry SET new_value = :v, entry_hash = :h WHERE seq = :s"),
            {"v": '{"qty": 999}', "h": forged, "s": seqs[1]},
        )
    with factory() as s:
        report = verify_chain(s, STATION)
    assert (report.ok, report.first_bad_seq) == (False, seqs[2])
    assert "chain link is broken" in report.reason


def test_deleting_an_entry_breaks_the_chain(db):
    engine, factory = db
    seqs = write_entries(factory, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seqs[2]})
    with factory() as s:
        report = verify_chain(s, STATION)
    assert not report.ok
    assert report.first_bad_seq == seqs[3]
    assert report.reason == (
        f"Audit entry {seqs[3]}: the entry before it is missing or was replaced "
        "(the chain link is broken)."
    )
    assert report.entries == 3


def test_deleting_the_first_entry_breaks_the_chain(db):
    engine, factory = db
    seqs = write_entries(factory, 3)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seqs[0]})
    with factory() as s:
        report = verify_chain(s, STATION)
    assert (report.ok, report.first_bad_seq) == (False, seqs[1])
    assert "earlier entries are missing" in report.reason


def test_stations_have_separate_chains(db):
    _engine, factory = db
    write_entries(factory, 2, station="ST-01")
    write_entries(factory, 3, station="ST-02")
    with factory() as s:
        assert verify_chain(s, "ST-01").entries == 2
        assert verify_chain(s, "ST-02").entries == 3
        assert verify_chain(s, "ST-02").ok
        assert verify_chain(s, "nowhere").ok


def test_two_threads_recording_at_once_keep_the_chain_valid(db):
    """Two threads take turns to start a record while the other one's entry is still
    uncommitted. The second writer must wait for the first and link to its entry; a
    writer that read the previous hash before reserving its seq would link to a stale
    predecessor and the chain would not verify."""
    _engine, factory = db
    writer = AuditWriter(STATION)
    rounds = 12
    leader_recorded = [threading.Event() for _ in range(rounds)]
    errors: list[BaseException] = []

    def work(name: str, leads_even_rounds: bool) -> None:
        try:
            for r in range(rounds):
                leading = (r % 2 == 0) == leads_even_rounds
                with factory() as s:
                    if leading:
                        writer.record(s, actor_badge=name, action="create", entity="count",
                                      entity_id=f"{name}-{r}", new={"round": r})
                        leader_recorded[r].set()
                        # Keep the transaction open while the other thread starts writing.
                        time.sleep(0.03)
                        s.commit()
                    else:
                        assert leader_recorded[r].wait(10), "the other thread never wrote"
                        writer.record(s, actor_badge=name, action="create", entity="count",
                                      entity_id=f"{name}-{r}", new={"round": r})
                        s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            for ev in leader_recorded:
                ev.set()

    threads = [
        threading.Thread(target=work, args=("A", True)),
        threading.Thread(target=work, args=("B", False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with factory() as s:
        report = verify_chain(s, STATION)
        rows = s.execute(
            select(AuditEntry.actor_badge, AuditEntry.new_value).order_by(AuditEntry.seq)
        ).all()
    assert report.ok, report.reason
    assert report.entries == 2 * rounds
    # Every round: the leader's entry first, then the follower's.
    expected = [("A" if r % 2 == 0 else "B", "B" if r % 2 == 0 else "A") for r in range(rounds)]
    assert [a for a, _ in rows] == [x for pair in expected for x in pair]


def test_writer_whose_view_went_stale_is_refused_not_misplaced(db):
    """A transaction that read before another writer committed may not write after it:
    SQLite refuses (the store's deferred BEGIN) instead of chaining to a stale hash."""
    _engine, factory = db
    writer = AuditWriter(STATION)
    write_entries(factory, 1)
    with factory() as stale:
        stale.scalars(select(AuditEntry.seq)).all()  # read snapshot taken here
        write_entries(factory, 1)  # another connection commits meanwhile
        with pytest.raises(OperationalError, match="database is locked"):
            writer.record(stale, actor_badge="1001", action="create", entity="x", entity_id="1")
        stale.rollback()
    with factory() as s:
        report = verify_chain(s, STATION)
    assert (report.ok, report.entries) == (True, 2)
