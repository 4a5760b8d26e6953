"""Pushing the station's events to the central PostgreSQL (store and forward).

The events are their own outbox. Every event table carries the station's one gap-free
sequence (``seq``, shared by all event tables, see docs/architecture.md "Data"), so one
cursor says what the central side has: ``SyncState(peer, "__events__").last_pushed_seq``.
A push takes the next window of sequence numbers ``(cursor, cursor + batch]`` from every
event table, sends it in ONE PostgreSQL transaction (per table: ``COPY`` into a temporary
staging table, then ``INSERT … SELECT … ON CONFLICT DO NOTHING``), commits there, and only
then moves the cursor in SQLite. A crash between the two commits replays the window, which
inserts nothing twice: the event's ``id`` is its identity and ``(station_id, seq)`` its
place, both unique centrally.

Why global sequence order and not per table: the central database then always holds a
gap-free prefix of each station's history (except quarantined rows), so a report or the
plant view on the central side never sees, say, an order's completion without the counts
before it, the backlog is exactly ``last_seq - cursor``, and a missing number is visible.

A refused row (constraint, bad data, another event already at that station/seq) is found
by bisecting the chunk with savepoints, recorded in ``sync_quarantine`` with the reason,
and skipped; the rest of the window goes through. Many refusals in one window mean a
configuration fault (schema, permissions), not bad rows: the window is then not pushed at
all and the error is reported instead (:class:`CentralRefusal`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from hmi.store.base import Base, EventMixin, utcnow
from hmi.store.events import StationSequence
from hmi.store.models.sync import SyncState

log = logging.getLogger(__name__)

#: ``SyncState.table_name`` of the one event cursor (events go in global sequence order).
EVENTS_CURSOR = "__events__"
DEFAULT_BATCH = 20_000
#: More refused rows than this in one window is a fault of the link, not of the rows.
MAX_QUARANTINE_PER_WINDOW = 50


class SyncError(RuntimeError):
    """Sync cannot go on; the message says what happened and what to do."""


class CentralSchemaError(SyncError):
    """The central database lacks a table or column the station sends."""


class CentralRefusal(SyncError):
    """The central side refuses so many rows that the cause is not the rows."""


def event_tables() -> list[Table]:
    """Every table whose model subclasses :class:`EventMixin`, by name."""
    from hmi.store.engine import load_all_models

    load_all_models()
    tables = {
        m.class_.__table__.name: m.class_.__table__
        for m in Base.registry.mappers
        if issubclass(m.class_, EventMixin)
    }
    return [tables[name] for name in sorted(tables)]


@dataclass
class QuarantinedRow:
    direction: str
    table_name: str
    row_key: str
    reason: str
    row_id: str | None = None
    station_id: str | None = None
    seq: int | None = None
    row_data: dict | None = None


@dataclass
class PushResult:
    pushed: dict[str, int] = field(default_factory=dict)   # rows new at the central side
    sent: int = 0                                          # rows sent (new or already there)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    cursor: int = 0                                        # last_pushed_seq afterwards
    last_seq: int = 0                                      # the station's newest seq

    def merge(self, other: PushResult) -> None:
        for k, v in other.pushed.items():
            self.pushed[k] = self.pushed.get(k, 0) + v
        self.sent += other.sent
        self.quarantined.extend(other.quarantined)
        self.cursor, self.last_seq = other.cursor, other.last_seq


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_safe(value):
    if isinstance(value, bytes):
        return value.hex()
    return value


def record_quarantine(session: Session, peer: str, rows: Sequence[QuarantinedRow]) -> None:
    """Insert or refresh quarantine entries (a replayed refusal counts as one more attempt)."""
    from hmi.sync.models import SyncQuarantine

    now = utcnow()
    for r in rows:
        existing = session.scalars(select(SyncQuarantine).where(
            SyncQuarantine.peer == peer, SyncQuarantine.direction == r.direction,
            SyncQuarantine.table_name == r.table_name, SyncQuarantine.row_key == r.row_key,
        )).first()
        if existing is not None:
            existing.attempts += 1
            existing.last_seen_at = now
            existing.reason = r.reason
            continue
        session.add(SyncQuarantine(
            peer=peer, direction=r.direction, table_name=r.table_name, row_key=r.row_key,
            row_id=r.row_id, station_id=r.station_id, seq=r.seq, reason=r.reason[:4000],
            row_data=r.row_data, first_seen_at=now, last_seen_at=now,
        ))


def _is_row_error(exc: BaseException) -> bool:
    """Errors a row can cause (and bisecting can pin on one row)."""
    import psycopg.errors as pe

    return isinstance(exc, (pe.IntegrityError, pe.DataError)) and not isinstance(
        exc, pe.InsufficientPrivilege)


class Pusher:
    """Pushes one station's events, window by window, to one central database."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        station_id: str,
        peer: str,
        *,
        batch_size: int = DEFAULT_BATCH,
        max_quarantine: int = MAX_QUARANTINE_PER_WINDOW,
    ) -> None:
        self._sf = session_factory
        self.station_id = station_id
        self.peer = peer
        self.batch_size = batch_size
        self.max_quarantine = max_quarantine
        self.tables = event_tables()
        self._cols = {t.name: [c.name for c in t.columns] for t in self.tables}
        self._prepared_on = None  # the central connection the staging tables exist on

    # ------------------------------------------------------------------ local side

    def cursor_and_last(self) -> tuple[int, int]:
        """(last_pushed_seq, the station's newest seq)."""
        with self._sf() as s:
            return self._cursor(s), self._last_seq(s)

    def _cursor(self, s: Session) -> int:
        st = s.get(SyncState, (self.peer, EVENTS_CURSOR))
        return int(st.last_pushed_seq) if st is not None else 0

    def _last_seq(self, s: Session) -> int:
        v = s.scalar(select(StationSequence.last_seq)
                     .where(StationSequence.station_id == self.station_id))
        return int(v or 0)

    def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest event not yet confirmed by the central side was recorded."""
        with self._sf() as s:
            cur, last = self._cursor(s), self._last_seq(s)
            if last <= cur:
                return None
            raw = s.connection().exec_driver_sql
            # The counter moves in the event's own transaction, so cur + 1 exists; a few
            # numbers ahead are looked at only to be robust against a store repaired by hand.
            for seq in range(cur + 1, min(cur + 4, last) + 1):
                for t in self.tables:
                    row = raw(f"SELECT recorded_at FROM {_q(t.name)} "
                              "WHERE station_id = ? AND seq = ?", (self.station_id, seq)).first()
                    if row is not None:
                        return t.c.recorded_at.type.process_result_value(
                            _parse_sqlite_dt(row[0]), None)
        return None

    def _read_window(self, s: Session, lo: int, hi: int) -> dict[str, list[tuple]]:
        raw = s.connection().connection.driver_connection  # sqlite3: rows as stored
        out: dict[str, list[tuple]] = {}
        for t in self.tables:
            cols = ", ".join(_q(c) for c in self._cols[t.name])
            rows = raw.execute(
                f"SELECT {cols} FROM {_q(t.name)} WHERE station_id = ? AND seq > ? AND seq <= ? "
                "ORDER BY seq", (self.station_id, lo, hi)).fetchall()
            if rows:
                out[t.name] = rows
        return out

    # ------------------------------------------------------------------ central side

    def prepare(self, pg, *, recheck: bool = False) -> None:
        """Check the central tables and make the staging tables (once per connection, and
        the check again when ``recheck``: the central schema may change under a station)."""
        if self._prepared_on is pg and not recheck:
            return
        with pg.cursor() as cur:
            cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()")
            central: dict[str, set[str]] = {}
            for tn, cn in cur.fetchall():
                central.setdefault(tn, set()).add(cn)
            for t in self.tables:
                have = central.get(t.name)
                if have is None:
                    raise CentralSchemaError(
                        f"the central database has no table {t.name}: run `hmi central upgrade` "
                        "on the central database (it must be at least at the station's schema)")
                missing = [c for c in self._cols[t.name] if c not in have]
                if missing:
                    raise CentralSchemaError(
                        f"the central table {t.name} lacks column(s) {', '.join(missing)}: the "
                        "central database is older than this station; run `hmi central upgrade`")
            if self._prepared_on is pg:
                return
            for t in self.tables:
                cur.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {_q('_stage_' + t.name)} "
                    f"(LIKE {_q(t.name)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        pg.commit()
        self._prepared_on = pg

    def _send_chunk(self, cur, table: str, rows: Sequence[tuple]) -> tuple[int, list[tuple]]:
        """Stage and insert ``rows``; return (new rows, rows whose place another event holds)."""
        cols = self._cols[table]
        collist = ", ".join(_q(c) for c in cols)
        stage = _q("_stage_" + table)
        with cur.copy(f"COPY {stage} ({collist}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        cur.execute(f"INSERT INTO {_q(table)} ({collist}) SELECT {collist} FROM {stage} "
                    "ON CONFLICT DO NOTHING")
        inserted = cur.rowcount
        taken: list[tuple] = []
        if inserted < len(rows):
            # Already there (a replay) is fine; another event at our (station_id, seq) is not.
            cur.execute(f"SELECT s.id::text, s.seq FROM {stage} s WHERE NOT EXISTS "
                        f"(SELECT 1 FROM {_q(table)} t WHERE t.id = s.id)")
            taken = cur.fetchall()
        cur.execute(f"TRUNCATE {stage}")
        return inserted, taken

    def _row_entry(self, table: str, row: tuple, reason: str) -> QuarantinedRow:
        cols = self._cols[table]
        data = {c: _json_safe(v) for c, v in zip(cols, row, strict=True)}
        rid = data.get("id")
        return QuarantinedRow(
            direction="push", table_name=table, row_key=f"{data.get('station_id')}/{data.get('seq')}",
            reason=reason, row_id=str(rid) if rid is not None else None,
            station_id=data.get("station_id"), seq=data.get("seq"), row_data=data)

    def _push_table(self, pg, table: str, rows: list[tuple], bad: list[QuarantinedRow]) -> int:
        """Send ``rows`` inside the open transaction, bisecting around refused rows."""
        with pg.cursor() as cur:
            # Fast path (a window the central side has never seen, i.e. nearly always): COPY
            # straight into the table. Any refusal, a replayed row included, rolls back to the
            # savepoint and the window takes the staging path below, row by row if need be.
            collist = ", ".join(_q(c) for c in self._cols[table])
            try:
                with pg.transaction():
                    with cur.copy(f"COPY {_q(table)} ({collist}) FROM STDIN") as cp:
                        for row in rows:
                            cp.write_row(row)
                return len(rows)
            except Exception as exc:
                if not _is_row_error(exc):
                    raise
        inserted = 0
        stack: list[list[tuple]] = [rows]
        with pg.cursor() as cur:
            while stack:
                chunk = stack.pop()
                try:
                    with pg.transaction():  # a savepoint inside the window's transaction
                        n, taken = self._send_chunk(cur, table, chunk)
                except Exception as exc:
                    if not _is_row_error(exc):
                        raise
                    if len(chunk) == 1:
                        reason = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
                        bad.append(self._row_entry(table, chunk[0], reason))
                        log.warning("central refused %s %s: %s", table, bad[-1].row_key, reason)
                        if len(bad) > self.max_quarantine:
                            raise CentralRefusal(
                                f"the central database refuses more than {self.max_quarantine} "
                                f"rows in one batch (last: {table} {bad[-1].row_key}: {reason}); "
                                "this is a schema or permission fault, not bad rows: check the "
                                "central database and the station's role") from exc
                        continue
                    mid = len(chunk) // 2
                    stack.append(chunk[mid:])
                    stack.append(chunk[:mid])
                    continue
                inserted += n
                if taken:
                    at = self._cols[table].index("id")
                    by_id = {str(r[at]).replace("-", ""): r for r in chunk}
                    for rid, seq in taken:
                        bad.append(self._row_entry(
                            table, by_id[rid.replace("-", "")],
                            f"the central database already holds a different event as station "
                            f"{self.station_id} seq {seq}: was this station's store replaced or "
                            "its station id given to another station?"))
                    if len(bad) > self.max_quarantine:
                        raise CentralRefusal(
                            f"the central database already holds other events under station "
                            f"{self.station_id}'s sequence numbers (e.g. {table} seq "
                            f"{taken[0][1]}): this store is not the one that sent them; give "
                            "the station a new station id or restore its own store")
        return inserted

    def read_window(self, lo: int | None = None) -> tuple[int, int, int, dict[str, list[tuple]]]:
        """(lo, hi, last_seq, rows per table) of the window after ``lo`` (default: the cursor).

        One SQLite read transaction: every event numbered up to the ``last_seq`` it sees is
        visible in it (the counter moves in the event's own transaction)."""
        with self._sf() as s:
            if lo is None:
                lo = self._cursor(s)
            last = self._last_seq(s)
            hi = min(lo + self.batch_size, last)
            rows = self._read_window(s, lo, hi) if hi > lo else {}
        return lo, hi, last, rows

    def send_window(self, pg, lo: int, hi: int, last: int,
                    rows: dict[str, list[tuple]]) -> PushResult:
        """Push one window read by :meth:`read_window`, then move the cursor from lo to hi."""
        result = PushResult(cursor=lo, last_seq=last)
        if hi <= lo:
            return result
        bad: list[QuarantinedRow] = []
        with pg.transaction():
            for table, trows in rows.items():
                result.pushed[table] = self._push_table(pg, table, trows, bad)
                result.sent += len(trows)
        # The central commit is done: only now does the station's cursor move.
        with self._sf.begin() as s:
            st = s.get(SyncState, (self.peer, EVENTS_CURSOR))
            if st is None:
                st = SyncState(peer=self.peer, table_name=EVENTS_CURSOR)
                s.add(st)
            if int(st.last_pushed_seq or 0) != lo:
                # Someone moved the cursor meanwhile (an administrator asking for a replay):
                # theirs stands; this window was harmless either way.
                log.info("sync cursor moved to %s during a push of %s..%s; left as it is",
                         st.last_pushed_seq, lo, hi)
                result.cursor = int(st.last_pushed_seq or 0)
                return result
            st.last_pushed_seq = hi
            st.last_success_at = utcnow()
            st.last_error = None
            if bad:
                record_quarantine(s, self.peer, bad)
        result.cursor = hi
        result.quarantined = bad
        return result

    def push_window(self, pg) -> PushResult:
        """Push the next window; return what happened (nothing when all is sent)."""
        self.prepare(pg)
        return self.send_window(pg, *self.read_window())

    def push(self, pg, *, until: Callable[[], bool] | None = None) -> PushResult:
        """Push windows until everything is sent (or ``until()`` says stop).

        The next window is read from SQLite on a helper thread while the central server
        takes the current one (reading and the server's inserts overlap)."""
        from concurrent.futures import ThreadPoolExecutor

        total = PushResult()
        self.prepare(pg, recheck=True)
        with ThreadPoolExecutor(1, thread_name_prefix="hmi-sync-read") as pool:
            window = pool.submit(self.read_window)
            while True:
                lo, hi, last, rows = window.result()
                if hi <= lo:
                    total.cursor, total.last_seq = lo, last
                    return total
                window = pool.submit(self.read_window, hi)
                r = self.send_window(pg, lo, hi, last, rows)
                total.merge(r)
                if r.cursor != hi or (until is not None and until()):
                    window.cancel()
                    return total


def _parse_sqlite_dt(v):
    if isinstance(v, str):
        return dt.datetime.fromisoformat(v)
    return v


@dataclass
class Resent:
    """What :func:`resend_row` did with one station event."""

    #: "sent" (new centrally), "already_there" (the same event was there: nothing to do) or
    #: "refused" (``reason`` says why, in the server's words as the push records them)
    outcome: str
    reason: str = ""


def resend_row(pusher: Pusher, pg, table: str, seq: int) -> Resent:
    """Send one of the station's events again (an administrator's retry of a refused row).

    The row is read from the station's own table by ``(station_id, seq)`` — as it is now,
    not from the quarantine entry's copy — and sent through the push's own per-table path
    (staging table, ``INSERT … ON CONFLICT DO NOTHING``) in one central transaction, so a
    row already there is never doubled. A refusal the row can cause comes back as
    ``Resent("refused", reason)``; anything else (unreachable, schema, permission) raises."""
    if table not in pusher._cols:
        raise SyncError(f"{table} is not an event table of this station: it cannot be sent")
    cols = pusher._cols[table]
    with pusher._sf() as s:
        raw = s.connection().connection.driver_connection  # sqlite3: the row as stored
        row = raw.execute(
            f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(table)} "
            "WHERE station_id = ? AND seq = ?", (pusher.station_id, seq)).fetchone()
    if row is None:
        raise SyncError(f"the station's store holds no {table} row with station "
                        f"{pusher.station_id} seq {seq}: there is nothing to send")
    pusher.prepare(pg, recheck=True)
    try:
        with pg.transaction(), pg.cursor() as cur:
            inserted, taken = pusher._send_chunk(cur, table, [tuple(row)])
    except Exception as exc:
        if not _is_row_error(exc):
            raise
        return Resent("refused", f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
    if inserted:
        return Resent("sent")
    if taken:
        return Resent("refused", f"the central database already holds a different event as "
                                 f"station {pusher.station_id} seq {seq}: was this station's "
                                 "store replaced or its station id given to another station?")
    return Resent("already_there")
