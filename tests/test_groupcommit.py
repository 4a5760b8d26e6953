"""Group commit (hmi.store.groupcommit): many submitters, one transaction per group, every
confirmation only after its commit, seq gap-free, nothing lost or doubled."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from hmi.store.engine import open_store
from hmi.store.groupcommit import GroupCommitWriter, WriterClosed
from hmi.store.models import MachineStateEvent, ProcessSnapshotEvent, ProductionCountEvent

ST = "ST-10"
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "station.sqlite"
    engine, sf = open_store(f"sqlite:///{path}")
    yield path, sf
    engine.dispose()


def snapshot(i: int, station: str = ST, **kw) -> ProcessSnapshotEvent:
    return ProcessSnapshotEvent(station_id=station, kind="unit", equipment_code=station,
                                unit_serial=f"SN{i:06d}", values={"t": i},
                                source_ts=T0 + dt.timedelta(seconds=i), **kw)


def stored_seqs(sf, model=ProcessSnapshotEvent, station: str = ST) -> list[int]:
    with sf() as s:
        return list(s.scalars(select(model.seq).where(model.station_id == station)
                              .order_by(model.seq)))


def committed_in_other_connection(path, serial: str) -> bool:
    """What a second connection (another process, a reader after a crash) sees."""
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM process_snapshot_event WHERE unit_serial = ?",
                           (serial,)).fetchone()[0] == 1
    finally:
        con.close()


def test_threads_submitting_get_gap_free_seq_nothing_lost_nothing_doubled(store):
    path, sf = store
    threads, per_thread = 8, 400
    confirmed: dict[int, list] = {}
    confirmed_before_commit: list[str] = []

    def on_done(fut):
        # Runs when the future resolves: the event must already be readable by another
        # connection (committed), never just sitting in the writer's transaction.
        ev = fut.result()
        if not committed_in_other_connection(path, ev.unit_serial):
            confirmed_before_commit.append(ev.unit_serial)

    with GroupCommitWriter(sf) as writer:
        def submitter(k: int) -> None:
            futs = []
            for i in range(per_thread):
                f = writer.submit(snapshot(k * per_thread + i))
                if i % 50 == 0:
                    f.add_done_callback(on_done)
                futs.append(f)
            confirmed[k] = [f.result(30) for f in futs]

        ts = [threading.Thread(target=submitter, args=(k,)) for k in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)

    n = threads * per_thread
    events = [e for k in range(threads) for e in confirmed[k]]
    assert len(events) == n
    assert sorted(e.seq for e in events) == list(range(1, n + 1))
    assert stored_seqs(sf) == list(range(1, n + 1))  # nothing lost, nothing doubled
    assert confirmed_before_commit == []
    # Grouped: far fewer commits than events.
    assert writer.stats.commits < n / 4, writer.stats
    # Each thread's own events are numbered in the order it submitted them.
    for k in range(threads):
        seqs = [e.seq for e in confirmed[k]]
        assert seqs == sorted(seqs)
    # The confirmed object carries what was stored (id, recorded_at from the defaults).
    with sf() as s:
        row = s.scalars(select(ProcessSnapshotEvent).where(
            ProcessSnapshotEvent.seq == events[0].seq)).one()
    assert row.id == events[0].id and row.unit_serial == events[0].unit_serial
    assert row.recorded_at == events[0].recorded_at and row.values == events[0].values


def test_seq_continues_the_counter_that_append_event_uses(store):
    from hmi.store.events import append_event

    _, sf = store
    with sf.begin() as s:
        append_event(s, MachineStateEvent(station_id=ST, equipment_code=ST, state_code=1,
                                          state_name="running", source_ts=T0))
    with GroupCommitWriter(sf) as writer:
        mixed = writer.submit_many([
            ProductionCountEvent(station_id=ST, equipment_code=ST, good_increment=1,
                                 raw_counter=5, source_ts=T0),
            snapshot(1),
            MachineStateEvent(station_id=ST, equipment_code=ST, state_code=2,
                              state_name="idle", source_ts=T0)]).result(10)
    assert [e.seq for e in mixed] == [2, 3, 4]  # one counter across all event tables
    with sf.begin() as s:
        later = append_event(s, MachineStateEvent(station_id=ST, equipment_code=ST,
                                                  state_code=1, state_name="running",
                                                  source_ts=T0))
    assert later.seq == 5


def test_stations_are_numbered_separately_in_one_group(store):
    _, sf = store
    with GroupCommitWriter(sf, max_delay_s=0.05) as writer:
        futs = [writer.submit(snapshot(i, "ST-10" if i % 2 else "ST-20")) for i in range(10)]
        got = [f.result(10) for f in futs]
    assert [e.seq for e in got if e.station_id == "ST-10"] == [1, 2, 3, 4, 5]
    assert [e.seq for e in got if e.station_id == "ST-20"] == [1, 2, 3, 4, 5]


def test_a_bad_event_fails_alone_and_leaves_no_gap(store):
    """A row the database refuses (check constraint) fails its own submitter only; the
    neighbours in the same group are committed and the seq stays gap-free."""
    _, sf = store
    with GroupCommitWriter(sf, max_delay_s=0.05) as writer:
        good1 = writer.submit(snapshot(1))
        bad = writer.submit(ProcessSnapshotEvent(station_id=ST, kind="not-a-kind",
                                                 equipment_code=ST, values={}))
        good2 = writer.submit_many([snapshot(2), snapshot(3)])
        assert good1.result(10).seq >= 1
        with pytest.raises(Exception, match="CHECK constraint failed"):
            bad.result(10)
        assert len(good2.result(10)) == 2
    assert stored_seqs(sf) == [1, 2, 3]
    assert writer.stats.failed_events == 1


def test_confirmation_waits_for_the_commit(store):
    """While the database is locked by another writer the future stays pending (nothing is
    confirmed that is not on disk); it resolves once the commit went through."""
    path, sf = store
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        with GroupCommitWriter(sf) as writer:
            fut = writer.submit(snapshot(1))
            time.sleep(0.5)
            assert not fut.done()  # waiting on the lock: not confirmed
            assert not committed_in_other_connection(path, "SN000001")
            blocker.execute("COMMIT")
            ev = fut.result(10)
            assert ev.seq == 1
            assert committed_in_other_connection(path, "SN000001")
    finally:
        blocker.close()


def test_close_writes_everything_submitted_then_refuses(store):
    _, sf = store
    writer = GroupCommitWriter(sf, max_batch=7)
    futs = [writer.submit(snapshot(i)) for i in range(100)]
    writer.close()
    assert all(f.done() and f.exception() is None for f in futs)
    assert stored_seqs(sf) == list(range(1, 101))
    assert writer.stats.largest_batch <= 7
    with pytest.raises(WriterClosed, match="not recorded"):
        writer.submit(snapshot(101))


def test_submit_many_is_all_or_nothing_with_consecutive_seq(store):
    _, sf = store
    with GroupCommitWriter(sf) as writer:
        first = writer.submit_many([snapshot(i) for i in range(5)]).result(10)
        bad = writer.submit_many([snapshot(10), ProcessSnapshotEvent(
            station_id=ST, kind="nope", equipment_code=ST, values={})])
        with pytest.raises(Exception, match="CHECK constraint"):
            bad.result(10)
        after = writer.submit(snapshot(20)).result(10)
    assert [e.seq for e in first] == [1, 2, 3, 4, 5]
    assert after.seq == 6  # the refused pair left no gap
    with sf() as s:
        assert s.scalar(select(func.count()).select_from(ProcessSnapshotEvent)) == 6


def test_mixed_stations_in_one_submission_are_refused(store):
    _, sf = store
    with GroupCommitWriter(sf) as writer, pytest.raises(ValueError, match="one station"):
        writer.submit_many([snapshot(1, "ST-10"), snapshot(2, "ST-20")])


def test_rows_and_objects_are_stored_alike_in_submission_order(store):
    """``submit_row`` (the machine-data path: no ORM object) stores exactly what the ORM
    would: the same columns, timestamps in UTC read back aware, defaults filled in and
    handed back to the submitter, seq in submission order across both kinds."""
    path, sf = store
    berlin = dt.timezone(dt.timedelta(hours=1))
    local_ts = dt.datetime(2026, 3, 2, 7, 0, 0, 250, tzinfo=berlin)  # 06:00:00.000250 UTC
    with GroupCommitWriter(sf) as writer:
        a = writer.submit(snapshot(1))
        b = writer.submit_row(ProcessSnapshotEvent, {
            "station_id": ST, "kind": "unit", "equipment_code": ST, "unit_serial": "SN-ROW",
            "values": {"t": 2.5, "ok": True}, "source_ts": local_ts, "actor_badge": "B-7"})
        c = writer.submit_row(MachineStateEvent, {
            "station_id": ST, "equipment_code": ST, "state_code": 3, "state_name": "faulted",
            "source_ts": T0})
        row, state_row = b.result(10), c.result(10)
        assert a.result(10).seq == 1 and row["seq"] == 2 and state_row["seq"] == 3
    assert row["recorded_at"].tzinfo is not None and row["id"] is not None
    with sf() as s:
        got = s.scalars(select(ProcessSnapshotEvent).where(
            ProcessSnapshotEvent.unit_serial == "SN-ROW")).one()
        assert got.id == row["id"] and got.seq == 2 and got.actor_badge == "B-7"
        assert got.values == {"t": 2.5, "ok": True}
        assert got.source_ts == local_ts and got.source_ts.tzinfo is not None
        assert got.recorded_at == row["recorded_at"]
        assert s.scalars(select(MachineStateEvent.state_name)).one() == "faulted"
    # The text in the file is SQLAlchemy's own format (what its queries compare against).
    con = sqlite3.connect(path)
    try:
        (text_ts,) = con.execute("SELECT source_ts FROM process_snapshot_event "
                                 "WHERE unit_serial = 'SN-ROW'").fetchone()
        (orm_ts,) = con.execute("SELECT source_ts FROM process_snapshot_event "
                                "WHERE unit_serial = 'SN000001'").fetchone()
    finally:
        con.close()
    assert text_ts == "2026-03-02 06:00:00.000250"
    assert orm_ts == "2026-03-02 06:00:01.000000"


def test_fast_timestamp_text_matches_sqlalchemy(store):
    """The one-call timestamp text equals SQLAlchemy's bind processors' over awkward
    values (microseconds 0, offsets, DST-free zones, leap day); naive ones are refused."""
    from sqlalchemy.dialects import sqlite

    from hmi.store.base import UTCDateTime
    from hmi.store.rows import _fast_processor

    dialect = sqlite.dialect()
    col = ProcessSnapshotEvent.__table__.c.source_ts
    proc = col.type.dialect_impl(dialect).bind_processor(dialect)
    fast = _fast_processor(dialect, col, proc)
    assert fast is not proc and isinstance(col.type, UTCDateTime)
    zones = [dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=45)),
             dt.timezone(dt.timedelta(hours=-9, minutes=-30))]
    values = [dt.datetime(2028, 2, 29, 23, 59, 59, 999_999, tzinfo=z) for z in zones]
    values += [dt.datetime(2026, 1, 1, 0, 0, 0, 0, tzinfo=z) for z in zones]
    values += [dt.datetime(2026, 12, 31, 23, 30, 0, 1, tzinfo=z) for z in zones]
    for v in values:
        assert fast(v) == proc(v), v
    with pytest.raises(ValueError, match="naive"):
        fast(dt.datetime(2026, 1, 1))
