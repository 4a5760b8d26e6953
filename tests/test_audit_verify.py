"""`hmi audit verify`: an intact trail passes; a changed, removed (middle and newest) or
inserted entry is found and named by station and seq — in the station's SQLite store and in
the central PostgreSQL copy the sync engine pushed. Also: lockout and disk-space warnings.

The logs are real: the demo store (master-data import entries included), audit entries
interleaved with production counts (one seq per station over every event table), tampered
with the way someone with the database file would (raw SQL, or a forged entry whose hash
and link are computed correctly).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, text

from hmi import config
from hmi.auditcli import main as audit_main
from hmi.services.audit import (
    ACTION_LOCKOUT,
    ACTION_PRUNE,
    HASH_ALG,
    AuditWriter,
    audit_storage_warning,
    compute_entry_hash,
    verify_chain,
    verify_station,
)
from hmi.services.auth import AuthService, BadgeLocked, WrongPin
from hmi.store.base import new_id
from hmi.store.engine import make_engine, make_session_factory
from hmi.store.events import append_event, append_events
from hmi.store.models import ProductionCountEvent
from hmi.store.security import AuditEntry
from hmi.sync.engine import SyncEngine
from tests import test_sync
from tests.test_sync import drain

# The central PostgreSQL fixtures of the sync tests (a fresh database per test).
central = test_sync.central
central_template = test_sync.central_template

STATION = "ST-10"  # the demo station file's id
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


class Store:
    """The demo station's store in a data directory, as `hmi --demo --data-dir D` uses it."""

    def __init__(self, template: Path, data_dir: Path) -> None:
        self.dir = data_dir
        cfg = config.load(config.demo_config_path())
        path = cfg.resolve_path(cfg.database.local, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, path)
        self.engine = make_engine(f"sqlite:///{path}")
        self.sf = make_session_factory(self.engine)
        self.writer = AuditWriter(STATION)

    def write_log(self, n: int = 8) -> None:
        """``n`` rounds of: an audit entry, then a production count."""
        for i in range(n):
            with self.sf() as s:
                self.writer.record(s, actor_badge="1001", action="change", entity="work_order",
                                   entity_id=f"WO-{i}", old={"qty": i}, new={"qty": i + 1},
                                   detail=f"quantity {i} -> {i + 1}")
                s.commit()
            with self.sf.begin() as s:
                append_events(s, [ProductionCountEvent(
                    station_id=STATION, equipment_code="PRESS", good_increment=1, raw_counter=i,
                    source_ts=T0 + dt.timedelta(seconds=i), recorded_at=T0)])

    def audit_seqs(self) -> list[int]:
        with self.sf() as s:
            return list(s.scalars(select(AuditEntry.seq).where(AuditEntry.station_id == STATION)
                                  .order_by(AuditEntry.seq)))

    def count_seqs(self) -> list[int]:
        with self.sf() as s:
            return list(s.scalars(select(ProductionCountEvent.seq).order_by(
                ProductionCountEvent.seq)))

    def sql(self, statement: str, **params) -> None:
        with self.engine.begin() as c:
            c.execute(text(statement), params)

    def verify(self, *extra: str) -> int:
        return audit_main(["verify", "--demo", "--data-dir", str(self.dir), *extra])

    def verdict(self):
        with self.sf() as s:
            return verify_station(s, STATION)


@pytest.fixture
def store(demo_db_template, tmp_path):
    st = Store(demo_db_template, tmp_path / "data")
    st.write_log()
    yield st
    st.engine.dispose()


def forged_entry(prev: AuditEntry | None, seq: int, *, prev_hash: str | None = None,
                 detail: str = "forged") -> AuditEntry:
    """An audit entry made by hand: the algorithm is public, so its hash is right."""
    e = AuditEntry(id=new_id(), station_id=STATION, seq=seq, occurred_at=T0, recorded_at=T0,
                   actor_badge="9001", action="change", entity="work_order",
                   entity_id="WO-X", old_value=None, new_value={"qty": 999}, detail=detail,
                   hash_alg=HASH_ALG)
    e.prev_hash = prev_hash if prev_hash is not None else prev.entry_hash
    e.entry_hash = compute_entry_hash(e)
    return e


def entry(sf, seq: int) -> AuditEntry:
    with sf() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.seq == seq)).one()


def run(store: Store, capsys, *extra: str) -> tuple[int, str]:
    code = store.verify(*extra)
    out = capsys.readouterr()
    return code, out.out + out.err


# ----------------------------------------------------------------------------- locally


def test_an_intact_log_verifies(store, capsys):
    code, out = run(store, capsys)
    assert code == 0, out
    v = store.verdict()
    assert v.ok and v.entries == len(store.audit_seqs()) and v.events == v.last_seq
    assert f"station {STATION} (local): intact — {v.entries} audit entries chained, " \
           f"{v.events} events numbered without a gap." in out


def test_a_changed_entry_is_named_by_its_seq(store, capsys):
    seq = store.audit_seqs()[-4]
    store.sql("UPDATE audit_entry SET detail = 'quantity 0 -> 1000' WHERE seq = :s", s=seq)
    code, out = run(store, capsys)
    assert code == 1
    assert f"entry seq {seq} was changed after it was written: its hash does not match" in out
    assert "BROKEN — 1 problem(s)" in out


def test_an_entry_rewritten_with_a_new_hash_is_found_by_the_next_link(store, capsys):
    seqs = store.audit_seqs()
    victim = entry(store.sf, seqs[-3])
    victim.new_value = {"qty": 1000}
    new_hash = compute_entry_hash(victim)
    store.sql("UPDATE audit_entry SET new_value = :v, entry_hash = :h WHERE seq = :s",
              v='{"qty": 1000}', h=new_hash, s=seqs[-3])
    code, out = run(store, capsys)
    assert code == 1
    assert (f"entry seq {seqs[-3]} was rewritten with a new hash after it was written: the next "
            f"entry (seq {seqs[-2]}) links to a different hash.") in out


def test_a_deleted_entry_in_the_middle_is_named(store, capsys):
    seqs = store.audit_seqs()
    gone = seqs[-4]
    store.sql("DELETE FROM audit_entry WHERE seq = :s", s=gone)
    code, out = run(store, capsys)
    assert code == 1
    assert (f"audit entry after seq {gone - 1} is missing (seq {gone} in no event table): "
            f"seq {seqs[-3]} links to an entry that is no longer there.") in out
    assert "1 problem(s)" in out


def test_a_deleted_newest_audit_entry_is_found_by_the_numbering(store, capsys):
    # The chain alone cannot see this: nothing links to the newest entry.
    seqs = store.audit_seqs()
    store.sql("DELETE FROM audit_entry WHERE seq = :s", s=seqs[-1])
    with store.sf() as s:
        assert verify_chain(s, STATION).ok
    code, out = run(store, capsys)
    assert code == 1
    assert f"entry after seq {seqs[-1] - 1} is missing (seq {seqs[-1]} in no event table)." in out


def test_deleting_the_newest_events_leaves_a_short_count(store, capsys):
    seqs = store.audit_seqs()
    last_count = store.count_seqs()[-1]
    store.sql("DELETE FROM production_count_event WHERE seq = :s", s=last_count)
    store.sql("DELETE FROM audit_entry WHERE seq = :s", s=seqs[-1])
    code, out = run(store, capsys)
    assert code == 1
    assert (f"the newest entries after seq {seqs[-1] - 1} are missing: the station numbered "
            f"{last_count} events but the newest stored is seq {seqs[-1] - 1}.") in out


def test_an_inserted_entry_with_a_correct_link_is_named(store, capsys):
    # Forged between two real entries, at the seq of a production count (the only free
    # numbers are taken by other tables), hash and link computed correctly.
    seqs = store.audit_seqs()
    prev = entry(store.sf, seqs[-3])
    at = prev.seq + 1  # the production count after it
    with store.sf() as s:
        s.add(forged_entry(prev, at))
        s.commit()
    code, out = run(store, capsys)
    assert code == 1
    assert (f"seq {at} is used twice (audit_entry, production_count_event): one of these "
            "entries was inserted afterwards.") in out
    assert (f"entry seq {at} was inserted: the entry after it (seq {seqs[-2]}) links to the "
            f"entry before it (seq {seqs[-3]}).") in out


def test_an_inserted_entry_with_a_wrong_link_is_named(store, capsys):
    seqs = store.audit_seqs()
    prev = entry(store.sf, seqs[-3])
    at = prev.seq + 1
    with store.sf() as s:
        s.add(forged_entry(prev, at, prev_hash=entry(store.sf, seqs[-5]).entry_hash))
        s.commit()
    code, out = run(store, capsys)
    assert code == 1
    assert (f"entry seq {at} was inserted: its link does not match the entry before "
            f"(seq {seqs[-3]}).") in out


def test_an_entry_appended_beyond_the_counter_is_named(store, capsys):
    seqs = store.audit_seqs()
    last = store.verdict().last_seq
    with store.sf() as s:
        s.add(forged_entry(entry(store.sf, seqs[-1]), last + 1))
        s.commit()
    code, out = run(store, capsys)
    assert code == 1
    assert (f"seq {last + 1} is beyond the station's counter ({last}): the entries after seq "
            f"{last} were inserted afterwards.") in out


def test_a_pruned_store_verifies_from_its_oldest_remaining_entry(store, capsys):
    seqs = store.audit_seqs()
    through = seqs[-5] + 1  # an audit entry and a count pruned together
    for table in ("audit_entry", "production_count_event", "masterdata_import_event",
                  "master_change_event"):
        store.sql(f"DELETE FROM {table} WHERE station_id = :st AND seq <= :n",
                  st=STATION, n=through)
    code, out = run(store, capsys)
    assert code == 1 and "not the start of the chain" in out  # a prune must say so …
    with store.sf() as s:  # … in the trail itself, as pruning does
        store.writer.record(s, actor_badge=None, action=ACTION_PRUNE, entity="event",
                            entity_id="*", new={"through_seq": through}, detail="pruned")
        s.commit()
    code, out = run(store, capsys)
    assert code == 0, out
    assert f"older events pruned through seq {through}" in out
    with store.sf() as s:
        assert verify_chain(s, STATION, pruned_through=through).ok
    # A removal above the pruned range is still found.
    store.sql("DELETE FROM audit_entry WHERE seq = :s", s=seqs[-2])
    code, out = run(store, capsys)
    assert code == 1 and f"audit entry after seq {seqs[-2] - 1} is missing" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert audit_main(["verify", "--demo", "--data-dir", str(tmp_path / "none")]) == 2
    assert "no station store at" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        audit_main(["check"])
    assert exc.value.code == 2


# ----------------------------------------------------------------------------- centrally


def push(store: Store, url: str) -> None:
    engine = SyncEngine(store.sf, url, STATION)
    try:
        drain(engine)
    finally:
        engine.close()


def pg(url: str, statement: str, *params) -> None:
    from hmi.sync.engine import central_conninfo

    with psycopg.connect(central_conninfo(url), autocommit=True) as c:
        c.execute(statement, params)


def test_the_central_copy_is_verified_too_and_says_where(store, central, capsys):
    push(store, central)
    code, out = run(store, capsys, "--central", central)
    assert code == 0, out
    assert f"station {STATION} (central): intact" in out and f"station {STATION} (local): intact" in out

    seqs = store.audit_seqs()
    # Changed centrally: the central chain says where, and the local copy disagrees.
    pg(central, "UPDATE audit_entry SET detail = 'edited' WHERE station_id = %s AND seq = %s",
       STATION, seqs[-4])
    code, out = run(store, capsys, "--central", central)
    assert code == 1
    assert f"station {STATION} (local): intact" in out
    assert f"station {STATION} (central): BROKEN" in out
    assert f"entry seq {seqs[-4]} was changed after it was written: its hash does not match" in out

    # Removed centrally in the middle, and the newest.
    pg(central, "DELETE FROM audit_entry WHERE station_id = %s AND seq = %s", STATION, seqs[-3])
    newest = store.verdict().last_seq
    pg(central, "DELETE FROM production_count_event WHERE station_id = %s AND seq = %s",
       STATION, newest)
    code, out = run(store, capsys, "--central", central)
    assert code == 1
    assert f"audit entry after seq {seqs[-3] - 1} is missing (seq {seqs[-3]} in no event table)" in out
    assert (f"station {STATION} (station vs central): the central database lacks the entries "
            f"after seq {newest - 1}: the station had them confirmed through seq {newest}.") in out


def test_an_entry_inserted_centrally_and_a_rewritten_station_are_found(store, central, capsys):
    push(store, central)
    seqs = store.audit_seqs()
    prev = entry(store.sf, seqs[-3])
    forged = forged_entry(prev, prev.seq + 1)
    pg(central, "INSERT INTO audit_entry (id, station_id, seq, recorded_at, actor_badge, "
       "occurred_at, action, entity, entity_id, old_value, new_value, detail, prev_hash, "
       "entry_hash, hash_alg) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, %s)",
       forged.id, STATION, forged.seq, T0, "9001", T0, "change", "work_order", "WO-X",
       '{"qty": 999}', "forged", forged.prev_hash, forged.entry_hash, HASH_ALG)
    code, out = run(store, capsys, "--central", central, "--all-stations")
    assert code == 1
    assert (f"station {STATION} (central): BROKEN") in out
    assert f"entry seq {forged.seq} was inserted: the entry after it (seq {seqs[-2]})" in out

    # Someone rewrites the station's whole chain consistently (no key: it can be done);
    # locally it verifies, the central copy is the witness.
    pg(central, "DELETE FROM audit_entry WHERE id = %s", forged.id)
    _rewrite_whole_chain(store, seqs[2])
    with store.sf() as s:
        assert verify_station(s, STATION).ok
    code, out = run(store, capsys, "--central", central)
    assert code == 1
    assert (f"entry seq {seqs[2]} differs between the station and the central database: one "
            "of the two copies was changed after it was synced.") in out


def _rewrite_whole_chain(store: Store, from_seq: int) -> None:
    with store.sf() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        s.expunge_all()
    prev_hash = None
    for e in rows:
        if e.seq == from_seq:
            e.detail = "rewritten"
        if e.seq >= from_seq:
            e.prev_hash = prev_hash or e.prev_hash
            e.entry_hash = compute_entry_hash(e)
            store.sql("UPDATE audit_entry SET detail = :d, prev_hash = :p, entry_hash = :h "
                      "WHERE seq = :s", d=e.detail, p=e.prev_hash, h=e.entry_hash, s=e.seq)
        prev_hash = e.entry_hash


def test_central_without_a_reachable_server_is_a_usage_error(store, capsys):
    code, out = run(store, capsys, "--central", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == 2 and "cannot connect to the central database" in out


# ----------------------------------------------------------------------------- security events


def test_lockout_is_its_own_audit_entry_in_the_chain(demo_store):
    clock_now = [T0]
    auth = AuthService(demo_store, STATION, max_failures=3, clock=lambda: clock_now[0],
                       audit=AuditWriter(STATION, lambda: clock_now[0]))
    for _ in range(2):
        with pytest.raises(WrongPin):
            auth.login("1001", "0000")
    with pytest.raises(BadgeLocked):
        auth.login("1001", "0000")
    with pytest.raises(BadgeLocked):
        auth.login("1001", "1234")  # while locked: refused, no second lockout
    with demo_store() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.new_value)
                         .where(AuditEntry.entity_id == "1001").order_by(AuditEntry.seq)).all()
        assert verify_station(s, STATION).ok
    assert [r.action for r in rows] == ["login_failed", "login_failed", "login_failed",
                                        ACTION_LOCKOUT, "login_failed"]
    lock = rows[3].new_value
    assert lock["failures"] == 3 and lock["locked_until"] == "2026-03-02T06:05:00.000000+00:00"


def test_audit_storage_warning_says_how_much_is_free(tmp_path):
    cfg = config.load(config.demo_config_path())
    assert audit_storage_warning(cfg, tmp_path) is None  # 2 GB asked by default … if free
    free = shutil.disk_usage(tmp_path).free // (1024 * 1024)
    tight = cfg.model_copy(update={"upkeep": cfg.upkeep.model_copy(
        update={"audit_min_free_mb": free + 10_000})})
    text_ = audit_storage_warning(tight, tmp_path)
    assert text_ is not None and f"at least {free + 10_000} MB should be free" in text_
    assert str(tmp_path) in text_  # where: the store's directory (not created yet)


def test_appending_with_the_writer_keeps_every_check_green(store):
    # The ordinary path (writer + append_event in one transaction) never trips the checks.
    with store.sf() as s:
        store.writer.record(s, actor_badge="9001", action="kiosk_exit", entity="station",
                            entity_id=STATION, detail="left kiosk")
        append_event(s, ProductionCountEvent(station_id=STATION, equipment_code="PRESS",
                                             good_increment=1, raw_counter=99, source_ts=T0,
                                             recorded_at=T0))
        s.commit()
    assert store.verdict().ok
