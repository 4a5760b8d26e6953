"""Station upkeep: pruning synced events, the station lock, backup and restore, diagnostics.

Qt-free apart from :func:`hmi.services.i18n.tr` (QtCore). docs/upkeep.md explains the rules;
in short:

**Pruning** (:func:`prune_events`) is the one sanctioned delete of events. Events are
append-only everywhere else (the ORM guard in ``hmi.store.base`` refuses it), because a
station's events are its system of record *until the central database has them*. Once
an event is confirmed centrally (``seq <= SyncState(peer, "__events__").last_pushed_seq``)
and older than ``[upkeep] retention_days``, the central copy is the record and the local
one only costs disk. The delete runs as Core ``DELETE`` statements (so the ORM guard,
which watches ORM flushes, is not involved) from this module only.

What is removed is a **prefix of the station's sequence**: every event with
``seq <= horizon``, where the horizon is the lowest of

* the sync cursor (never an unsent event; a standalone station prunes only with
  ``prune_standalone``, and then without a cursor),
* the seq before the first event recorded at or after the retention cutoff,
* the seq before the oldest unresolved refused row (``sync_quarantine``, push): a
  refused row never reached the central side,
* the seq before the oldest event that live state still needs — an open order, an open
  hold, an open andon call, a running stop, an active alarm, a loaded lot and its
  consumption, a tool's life since its last reset (:data:`ANCHORS`); ``held_by`` in the
  report names it,

except a few rows below the horizon that are kept anyway (:data:`POLICY`): the newest
PIN per badge (else the person could not log in), the newest SPC limits per chart, the
newest machine state and counter reading per machine (restart baselines), material lots,
and master-data change/import events (small, and recipes' approvals are read from them).

Being a prefix keeps the audit chain checkable: the oldest remaining entry links to the
newest removed one, and a ``prune`` audit entry written in the same transaction as the
audit rows' delete records ``through_seq`` (every missing seq up to it was pruned, which
``hmi.services.audit.verify_station`` allows) and the removed entry's hash. The seq counter (``station_sequence``)
is never touched, so a number is never handed out twice. No VACUUM: the store runs in
WAL mode and SQLite reuses the freed pages (the freelist) for new rows, so the file
stops growing instead of shrinking, and a VACUUM would rewrite the whole file while the
station writes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import shutil
import sqlite3
import sys
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hmi.secrets import (
    MASK,
    Scrubber,
    is_secret_key,
    redact,
    redact_text,
    secret_file_status,
    secret_values,
    url_passwords,
)
from hmi.services.i18n import tr

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported inside the functions: the station takes its lock
# (hold_station_lock) before the first paint, when SQLAlchemy is not loaded yet.

log = logging.getLogger(__name__)

_CTX = "Upkeep"

#: Rows deleted per transaction (each batch is a short write lock on the store).
DEFAULT_BATCH = 2000
#: Audit action of the entry that records a prune (``new["through_seq"]``: every missing
#: seq up to it was pruned; hmi.services.audit.verify_station reads it).
PRUNE_ACTION = "prune"  # = hmi.services.audit.ACTION_PRUNE (tests/test_upkeep.py checks)
#: Name of the lock file a running station holds in its data directory.
LOCK_FILE = "station.lock"
#: Where a running station leaves its device buffers for ``hmi diagnostics``.
DEVICE_BUFFERS_FILE = Path("diag") / "devices.txt"


class UpkeepError(Exception):
    """An upkeep task refused or failed; the message says what happened and what to do."""


class StationLocked(UpkeepError):
    """The station (or another command holding its lock) is running."""


# =========================================================================== pruning

#: Per event table: "history" (pruned up to the horizon), ("latest", key columns)
#: (pruned up to the horizon except the newest row per key), or "keep" (never pruned
#: locally). Every event table must be listed (tests/test_upkeep.py checks it), so a new
#: event table forces a decision.
POLICY: dict[str, Any] = {
    "alarm_event": "history",
    "andon_event": "history",
    "audit_entry": "history",
    "disposition_event": "history",
    "downtime_event": "history",
    "genealogy_link": "history",
    "hold_event": "history",
    "inspection_result": "history",
    "login_attempt": "history",
    "machine_state_event": ("latest", ("equipment_code",)),
    "maintenance_log_event": "history",
    "master_change_event": "keep",
    "masterdata_import_event": "keep",
    "material_consumption_event": "history",
    "material_load_event": "history",
    "material_lot": "keep",
    "pin_credential": ("latest", ("badge",)),
    "process_snapshot_event": "history",
    "produced_unit": "history",
    "production_count_event": ("latest", ("equipment_code", "counter")),
    "recipe_deviation_event": "history",
    "recipe_download_event": "history",
    "recipe_validation_event": "history",
    "signature": "history",
    "spc_limits_event": ("latest", ("plan_code", "characteristic_code", "chart")),
    "step_completion_event": "history",
    "tool_event": "history",
    "work_order_event": "history",
}


@dataclass(frozen=True)
class Anchor:
    """Live state that needs events back to some seq: groups of ``table`` by ``group``
    columns are open unless their newest event's ``kind`` is in ``closed_by`` (or, with
    ``closed_if_any``, unless any of their events has such a kind). ``since_kind``: the
    group needs its events from its newest event of that kind on (a tool's last life
    reset), else from its first."""

    label: str
    table: str
    group: tuple[str, ...]
    closed_by: tuple[str, ...] = ()
    closed_if_any: bool = False
    since_kind: str | None = None


ANCHORS: tuple[Anchor, ...] = (
    Anchor("open order", "work_order_event", ("order_code",), ("completed", "aborted")),
    # Tool life = parts counted while mounted since the last life reset (hmi/services/tooling.py).
    Anchor("tool life", "tool_event", ("tool_code",), since_kind="life_reset"),
    Anchor("open hold", "hold_event", ("hold_id",), ("released",)),
    Anchor("open andon call", "andon_event", ("call_id",), ("resolved", "cancelled")),
    Anchor("running stop", "downtime_event", ("stop_id",), ("ended", "closed"), closed_if_any=True),
    Anchor("active alarm", "alarm_event", ("equipment_code", "alarm_code"), ("cleared",)),
    Anchor("loaded lot", "material_load_event", ("lot_code", "equipment_code", "slot"),
           ("unloaded",)),
)


@dataclass
class PruneReport:
    """What :func:`prune_events` did (or, with ``dry_run``, would do)."""

    station_id: str
    dry_run: bool = False
    skipped: str | None = None              # why nothing was looked at
    cutoff: dt.datetime | None = None
    cursor: int | None = None               # sync cursor (None: standalone)
    last_seq: int = 0
    horizon: int = 0                        # events with seq <= horizon are pruned
    held_by: str = ""                       # what keeps the horizon lower, if anything
    deleted: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.deleted.values())

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        verb = (tr(_CTX, "would remove %1 event(s)", self.total) if self.dry_run
                else tr(_CTX, "removed %1 event(s)", self.total))
        parts = [tr(_CTX, "Station %1: %2 recorded up to seq %3 and before %4.", self.station_id,
                    verb, self.horizon,
                    self.cutoff.isoformat(timespec="seconds") if self.cutoff else "-")]
        if self.held_by:
            parts.append(tr(_CTX, "Older events are kept for: %1.", self.held_by))
        for table, n in sorted(self.deleted.items()):
            if n:
                parts.append(f"  {table}: {n}")
        return "\n".join(parts)


def _tables() -> dict[str, Table]:
    from hmi.sync.push import event_tables

    return {t.name: t for t in event_tables()}


def _open_groups_min_seq(s: Session, t: Table, a: Anchor, station: str, upto: int) -> int | None:
    """The lowest seq an open group of anchor ``a`` needs (groups are matched NULL-safely:
    a lot loaded without a slot is a group too)."""
    from sqlalchemy import and_, case, func, select

    st = t.c.station_id == station
    g = [t.c[c] for c in a.group]
    if a.closed_if_any:
        opened = (select(*g).where(st).group_by(*g)
                  .having(func.sum(case((t.c.kind.in_(a.closed_by), 1), else_=0)) == 0)
                  .subquery())
    else:
        newest = select(*g, func.max(t.c.seq).label("m")).where(st).group_by(*g).subquery()
        last = t.alias("last_event")
        opened = select(*[newest.c[c] for c in a.group]).join(
            last, (last.c.seq == newest.c.m) & (last.c.station_id == station))
        if a.closed_by:
            opened = opened.where(last.c.kind.not_in(a.closed_by))
        opened = opened.subquery()
    same = and_(*[t.c[c].is_not_distinct_from(opened.c[c]) for c in a.group])
    if a.since_kind:
        from_seq = func.coalesce(func.max(case((t.c.kind == a.since_kind, t.c.seq))),
                                 func.min(t.c.seq))
        per_group = (select(from_seq.label("f")).select_from(t).join(opened, same).where(st)
                     .group_by(*g).subquery())
        v = s.scalar(select(func.min(per_group.c.f)))
    else:
        v = s.scalar(select(func.min(t.c.seq)).select_from(t).join(opened, same).where(st))
    return int(v) if v is not None and v <= upto else None


def _loaded_lot_min_seq(s: Session, tables: Mapping[str, Table], station: str) -> int | None:
    """The oldest material_lot row of a lot that is loaded now (its quantity minus its
    consumption is what remains)."""
    from sqlalchemy import func, select

    ml, lots = tables.get("material_load_event"), tables.get("material_lot")
    if ml is None or lots is None:
        return None
    st = ml.c.station_id == station
    g = (ml.c.lot_code, ml.c.equipment_code, ml.c.slot)
    newest = select(*g, func.max(ml.c.seq).label("m")).where(st).group_by(*g).subquery()
    loaded = (select(newest.c.lot_code).join(ml, (ml.c.seq == newest.c.m) & st)
              .where(ml.c.kind == "loaded"))
    v = s.scalar(select(func.min(lots.c.seq)).where(lots.c.station_id == station,
                                                   lots.c.lot_code.in_(loaded)))
    return int(v) if v is not None else None


def prune_horizon(s: Session, station: str, *, cutoff: dt.datetime, cursor: int | None,
                  tables: Mapping[str, Table] | None = None,
                  peer: str = "central") -> tuple[int, int, str]:
    """(horizon, last_seq, held_by): events of ``station`` with ``seq <= horizon`` may go."""
    from sqlalchemy import func, select

    from hmi.store.events import StationSequence
    from hmi.sync.models import SyncQuarantine

    tables = tables or _tables()
    last = int(s.scalar(select(StationSequence.last_seq)
                        .where(StationSequence.station_id == station)) or 0)
    horizon, held_by = last, ""

    def lower(to: int, why: str) -> None:
        nonlocal horizon, held_by
        if to < horizon:
            horizon, held_by = to, why

    if cursor is not None:
        lower(cursor, "")  # the cursor is the normal limit, not worth naming
    first_young = None
    for t in tables.values():
        v = s.scalar(select(func.min(t.c.seq)).where(t.c.station_id == station,
                                                     t.c.recorded_at >= cutoff))
        if v is not None and (first_young is None or v < first_young):
            first_young = int(v)
    if first_young is not None:
        lower(first_young - 1, "")
    q = s.scalar(select(func.min(SyncQuarantine.seq)).where(
        SyncQuarantine.peer == peer, SyncQuarantine.direction == "push",
        SyncQuarantine.station_id == station, SyncQuarantine.resolved_at.is_(None)))
    if q is not None:
        lower(int(q) - 1, tr(_CTX, "a row the central database refused (seq %1; see "
                                  "`hmi sync quarantine`)", q))
    for a in ANCHORS:
        t = tables.get(a.table)
        if t is None:
            continue
        v = _open_groups_min_seq(s, t, a, station, horizon)
        if v is not None:
            lower(v - 1, tr(_CTX, "%1 (since seq %2)", a.label, v))
    v = _loaded_lot_min_seq(s, tables, station)
    if v is not None:
        lower(v - 1, tr(_CTX, "%1 (since seq %2)", "loaded lot", v))
    return max(0, horizon), last, held_by


def _prunable(s: Session, t: Table, station: str, horizon: int):
    """The condition selecting ``t``'s rows to prune (the newest row per key of a
    ("latest", keys) table is excluded: looked up once, it is a short list)."""
    from sqlalchemy import func, select

    cond = (t.c.station_id == station) & (t.c.seq <= horizon)
    rule = POLICY.get(t.name, "keep")
    if isinstance(rule, tuple) and rule[0] == "latest":
        keys = [t.c[c] for c in rule[1]]
        newest = select(func.max(t.c.seq)).where(t.c.station_id == station).group_by(*keys)
        keep = [int(v) for v in s.scalars(newest) if v is not None and v <= horizon]
        if len(keep) <= 5000:
            cond = cond & t.c.seq.not_in(keep) if keep else cond
        else:
            cond = cond & t.c.seq.not_in(newest)
    return cond


def prune_events(session_factory: sessionmaker[Session], station_id: str, *,
                 retention_days: int, central: bool, prune_standalone: bool = False,
                 peer: str = "central", now: dt.datetime | None = None,
                 batch: int = DEFAULT_BATCH, dry_run: bool = False,
                 runner: Any = None) -> PruneReport:
    """Delete this station's events that the central database confirmed and that are older
    than ``retention_days`` (see the module docstring for exactly which). ``central``:
    the station has a central database (else it prunes only with ``prune_standalone``,
    and then by age alone). Safe while the station runs: each batch is its own short
    transaction. ``runner(fn)`` runs each writing transaction (the running station passes
    "on the DB worker and wait", so a prune never commits between another transaction's
    read and write on the one SQLite writer; default: here)."""
    run = runner or (lambda fn: fn())
    from sqlalchemy import delete, func, select

    from hmi.store.models.sync import SyncState
    from hmi.sync.push import EVENTS_CURSOR

    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    report = PruneReport(station_id=station_id, dry_run=dry_run)
    if retention_days <= 0:
        report.skipped = tr(_CTX, "Pruning is off ([upkeep] retention_days = 0): nothing removed.")
        return report
    if not central and not prune_standalone:
        report.skipped = tr(_CTX, "This station has no central database, so its store is the "
                                  "only copy: nothing removed. Set [upkeep] prune_standalone "
                                  "= true to prune it anyway.")
        return report
    report.cutoff = now - dt.timedelta(days=retention_days)
    tables = _tables()
    with session_factory() as s:
        if central:
            st = s.get(SyncState, (peer, EVENTS_CURSOR))
            report.cursor = int(st.last_pushed_seq) if st is not None else 0
        report.horizon, report.last_seq, report.held_by = prune_horizon(
            s, station_id, cutoff=report.cutoff, cursor=report.cursor, tables=tables, peer=peer)
    if report.horizon <= 0:
        report.duration_s = time.monotonic() - started
        return report
    prunable = [t for name, t in tables.items() if POLICY.get(name, "keep") != "keep"]
    conds = {}
    with session_factory() as s:
        for t in prunable:
            conds[t.name] = _prunable(s, t, station_id, report.horizon)
            report.deleted[t.name] = int(s.scalar(select(func.count()).select_from(t)
                                                  .where(conds[t.name])) or 0)
    if dry_run or report.total == 0:
        report.duration_s = time.monotonic() - started
        return report
    audit = tables["audit_entry"]
    for t in prunable:
        if t is audit or not report.deleted.get(t.name):
            continue
        cond = conds[t.name]
        def one_batch(t: Any = t, cond: Any = cond) -> int:
            with session_factory() as s:
                n = s.execute(delete(t).where(t.c.id.in_(
                    select(t.c.id).where(cond).limit(batch)))).rowcount
                s.commit()
            return n

        while run(one_batch):
            pass
    # The audit rows go in one transaction with the entry that records the prune, so the
    # shortened chain is never without its anchor.
    def audit_part() -> None:
        _prune_audit(session_factory, station_id, audit, conds["audit_entry"], report,
                     retention_days)

    run(audit_part)
    report.duration_s = time.monotonic() - started
    log.info("pruned %d event(s) of %s up to seq %d in %.1f s", report.total, station_id,
             report.horizon, report.duration_s)
    return report


def _prune_audit(session_factory: Any, station_id: str, audit: Any, cond: Any,
                 report: PruneReport, retention_days: int) -> None:
    from sqlalchemy import delete, select

    from hmi.services.audit import AuditWriter

    with session_factory() as s:
        s.execute(delete(audit).where(cond))
        first = s.execute(select(audit.c.seq, audit.c.prev_hash)
                          .where(audit.c.station_id == station_id)
                          .order_by(audit.c.seq).limit(1)).first()
        AuditWriter(station_id).record(
            s, actor_badge=None, action=PRUNE_ACTION, entity="station_store",
            entity_id=station_id,
            new={"through_seq": report.horizon, "cutoff": report.cutoff,
                 "deleted": {k: v for k, v in report.deleted.items() if v},
                 "audit_first_seq": first[0] if first else None,
                 "audit_anchor_hash": first[1] if first else None},
            detail=tr(_CTX, "Events confirmed by the central database up to seq %1 and "
                            "older than %2 day(s) removed from the station's store.",
                      report.horizon, retention_days))
        s.commit()


def prune_for_station(cfg: Any, session_factory: sessionmaker[Session], *,
                      dry_run: bool = False, now: dt.datetime | None = None,
                      runner: Any = None) -> PruneReport:
    """:func:`prune_events` with the station file's settings (the scheduled daily run)."""
    u = cfg.upkeep
    return prune_events(session_factory, cfg.station.id, retention_days=u.retention_days,
                        central=bool(cfg.database.central_url),
                        prune_standalone=u.prune_standalone, now=now, dry_run=dry_run,
                        runner=runner)


def audit_verdict(session: Session, station_id: str) -> tuple[bool, str]:
    """(ok, text) of :func:`hmi.services.audit.verify_station` — the audit chain and the
    gap-free numbering, with the seqs the ``prune`` audit entries account for allowed to
    be missing."""
    from hmi.services.audit import verify_station

    v = verify_station(session, station_id)
    return v.ok, v.summary()


# =========================================================================== station lock


class StationLock:
    """An exclusive ``flock`` on ``<data_dir>/station.lock`` (holder's pid written inside),
    held for as long as the station runs. Released by :meth:`release` or process exit."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StationLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold_station_lock(data_dir: Path, *, purpose: str = "station") -> StationLock:
    """Take the station's lock, or raise :class:`StationLocked` naming the holder.

    The station takes it at start-up (a second station on the same data directory is
    refused); ``hmi restore`` takes it so that the station cannot start mid-restore."""
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        finally:
            os.close(fd)
        raise StationLocked(tr(
            _CTX, "The station using %1 is running (%2). Stop it first (e.g. `systemctl stop "
                  "openmes-station`), then try again.", data_dir, holder or "pid unknown"
        )) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} ({purpose}, since "
                  f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC)\n".encode(), 0)
    return StationLock(path, fd)


# =========================================================================== backup / restore


@dataclass(frozen=True)
class StoreFacts:
    """What a store file says about itself."""

    schema: str | None                  # alembic revision
    stations: dict[str, int]            # station_sequence: station id -> last seq
    integrity: str                      # "ok" or SQLite's first complaint


def _sqlite_header_ok(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def store_facts(con: sqlite3.Connection) -> StoreFacts:
    rows = con.execute("PRAGMA integrity_check").fetchall()
    integrity = "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    schema = None
    if "alembic_version" in names:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        schema = row[0] if row else None
    stations = ({sid: int(n) for sid, n in con.execute(
        "SELECT station_id, last_seq FROM station_sequence")}
        if "station_sequence" in names else {})
    return StoreFacts(schema, stations, integrity)


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    facts: StoreFacts
    seconds: float

    def summary(self, station_id: str) -> str:
        return tr(_CTX, "%1: %2 MB, integrity %3, last seq %4 (station %5), schema %6, %7 s",
                  self.path, f"{self.size / 1e6:.1f}", self.facts.integrity,
                  self.facts.stations.get(station_id, 0), station_id, self.facts.schema or "-",
                  f"{self.seconds:.1f}")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_store(db_path: Path, out: Path) -> BackupReport:
    """Copy the live store ``db_path`` to ``out`` with SQLite's online backup API.

    The copy is one consistent snapshot (one read transaction; in WAL mode the station
    keeps writing meanwhile), checked with ``PRAGMA integrity_check``, switched to a
    single self-contained file (journal_mode DELETE), written under a temporary name and
    renamed into place, mode 0600 (it holds PIN hashes and the audit trail)."""
    started = time.monotonic()
    db_path, out = Path(db_path), Path(out)
    if not db_path.is_file():
        raise UpkeepError(tr(_CTX, "There is no station store at %1: check --config/--data-dir.",
                             db_path))
    if out.resolve() == db_path.resolve():
        raise UpkeepError(tr(_CTX, "The backup cannot overwrite the store itself: give another "
                                   "file with --out."))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite3.connect(db_path, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # pages=-1: every page in one step, one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")
            facts = store_facts(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise UpkeepError(tr(_CTX, "The backup of %1 failed: %2. Nothing was written to %3.",
                             db_path, exc, out)) from None
    finally:
        src.close()
    if facts.integrity != "ok":
        tmp.unlink(missing_ok=True)
        raise UpkeepError(tr(_CTX, "The copy of %1 failed its integrity check (%2); nothing was "
                                   "written. The store itself may be damaged: keep the last good "
                                   "backup.", db_path, facts.integrity))
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, out)
    _fsync_dir(out.parent)
    return BackupReport(out, out.stat().st_size, facts, time.monotonic() - started)


def default_backup_path(data_dir: Path, station_id: str, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now(dt.UTC)
    return data_dir / "backups" / f"station-{station_id}-{now:%Y%m%dT%H%M%SZ}.sqlite"


@dataclass(frozen=True)
class RestoreReport:
    restored: Path
    kept_as: Path | None
    facts: StoreFacts
    seq_continues_at: int         # the next event gets this seq + 1

    def summary(self, station_id: str) -> str:
        lines = [tr(_CTX, "Restored %1 (station %2, last seq %3, schema %4).", self.restored,
                    station_id, self.facts.stations.get(station_id, 0), self.facts.schema or "-")]
        if self.kept_as is not None:
            lines.append(tr(_CTX, "The previous store is kept as %1.", self.kept_as))
        if self.seq_continues_at > self.facts.stations.get(station_id, 0):
            lines.append(tr(_CTX, "Events after the backup (up to seq %1) are not in it; the "
                                  "station continues numbering after %1 so no number is used "
                                  "twice.", self.seq_continues_at))
        return "\n".join(lines)


def _known_schema(rev: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from hmi.store.engine import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(rev) is not None
    except (CommandError, KeyError, Exception):  # noqa: BLE001 - alembic raises several kinds
        return False


def check_backup(path: Path, station_id: str) -> StoreFacts:
    """Refuse a file that is no intact station store of ``station_id`` from this hmi."""
    if not path.is_file():
        raise UpkeepError(tr(_CTX, "%1 does not exist.", path))
    if not _sqlite_header_ok(path):
        raise UpkeepError(tr(_CTX, "%1 is not an SQLite database (not made by `hmi backup`).",
                             path))
    con = sqlite3.connect(path)
    try:
        facts = store_facts(con)
    except sqlite3.Error as exc:
        raise UpkeepError(tr(_CTX, "%1 cannot be read as a station store: %2.", path, exc)) from None
    finally:
        con.close()
    if facts.integrity != "ok":
        raise UpkeepError(tr(_CTX, "%1 is damaged (integrity check: %2); use another backup.",
                             path, facts.integrity))
    if facts.schema is None:
        raise UpkeepError(tr(_CTX, "%1 is not a station store (it has no schema version).", path))
    if not _known_schema(facts.schema):
        raise UpkeepError(tr(_CTX, "%1 was written by a newer hmi (schema %2 is unknown to this "
                                   "version): update the station's software first, then restore.",
                             path, facts.schema))
    others = sorted(s for s in facts.stations if s != station_id)
    if facts.stations and station_id not in facts.stations:
        raise UpkeepError(tr(_CTX, "%1 is the store of station %2, not of %3: restore a backup "
                                   "of this station.", path, ", ".join(others), station_id))
    return facts


def restore_store(backup: Path, db_path: Path, station_id: str, *, data_dir: Path,
                  now: dt.datetime | None = None) -> RestoreReport:
    """Swap the backup in as the station's store (the station must not run).

    Holds the station lock throughout (refused with :class:`StationLocked` while the
    station runs), checks the backup (:func:`check_backup`), keeps the current store as
    ``<name>.before-restore-<time>`` (its WAL checkpointed first, so nothing committed is
    left behind in a side file), and renames a checked copy into place. If the current
    store had handed out higher sequence numbers than the backup, the restored counter
    continues after them: a number is never used twice (sync would take a reused number
    for a conflicting event)."""
    now = now or dt.datetime.now(dt.UTC)
    backup, db_path = Path(backup), Path(db_path)
    with hold_station_lock(data_dir, purpose="hmi restore"):
        facts = check_backup(backup, station_id)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = db_path.with_name(f".{db_path.name}.restoring")
        tmp.unlink(missing_ok=True)
        shutil.copyfile(backup, tmp)
        os.chmod(tmp, 0o600)
        current_last = 0
        kept: Path | None = None
        if db_path.exists():
            try:
                con = sqlite3.connect(db_path, timeout=10)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    row = con.execute("SELECT last_seq FROM station_sequence WHERE station_id=?",
                                      (station_id,)).fetchone()
                    current_last = int(row[0]) if row else 0
                finally:
                    con.close()
            except sqlite3.Error as exc:  # a damaged store is the usual reason to restore
                log.warning("cannot read the current store %s (%s); its sequence counter is "
                            "unknown", db_path, exc)
        con = sqlite3.connect(tmp)
        try:
            backup_last = facts.stations.get(station_id, 0)
            if current_last > backup_last:
                con.execute("UPDATE station_sequence SET last_seq=? WHERE station_id=?",
                            (current_last, station_id))
                con.commit()
            check = con.execute("PRAGMA integrity_check").fetchone()
        finally:
            con.close()
        if check != ("ok",):
            tmp.unlink(missing_ok=True)
            raise UpkeepError(tr(_CTX, "The copy of %1 failed its integrity check; the store "
                                       "was not changed.", backup))
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
            os.replace(db_path, kept)
            for side in ("-wal", "-shm"):
                extra = db_path.with_name(db_path.name + side)
                if extra.exists():
                    os.replace(extra, kept.with_name(kept.name + side))
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    return RestoreReport(db_path, kept, facts, max(current_last, facts.stations.get(station_id, 0)))


# =========================================================================== diagnostics


def write_device_buffers(data_dir: Path, buffers: Mapping[str, Iterable[str]],
                         now: dt.datetime | None = None) -> Path:
    """Write the running station's device ring buffers (link events, raw Modbus frames,
    scanner events) to ``<data_dir>/diag/devices.txt`` for ``hmi diagnostics``: they live
    in the station's memory, which another process cannot read. Redacted, mode 0600,
    replaced atomically. The station calls this periodically and at shutdown."""
    now = now or dt.datetime.now(dt.UTC)
    path = data_dir / DEVICE_BUFFERS_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = [f"# device buffers written {now.isoformat(timespec='seconds')} by pid {os.getpid()}"]
    for name, entries in buffers.items():
        lines.append(f"\n[{name}]")
        lines.extend(redact_text(str(e)) for e in entries)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path


def versions() -> dict[str, str]:
    """Versions of everything a support engineer asks about first."""
    from importlib.metadata import PackageNotFoundError, version

    import hmi

    out = {"hmi": hmi.__version__, "python": sys.version.replace("\n", " "),
           "sqlite": sqlite3.sqlite_version, "os": platform.platform()}
    try:
        from PySide6.QtCore import qVersion

        out["qt"] = qVersion()
    except Exception as exc:  # noqa: BLE001 - a server may lack Qt's libraries
        out["qt"] = f"unavailable ({exc})"
    for name, dist in (("pyside6", "PySide6-Essentials"), ("asyncua", "asyncua"),
                       ("pymodbus", "pymodbus"), ("sqlalchemy", "SQLAlchemy"),
                       ("alembic", "alembic"), ("psycopg", "psycopg")):
        try:
            out[name] = version(dist)
        except PackageNotFoundError:
            out[name] = "not installed"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                out["distribution"] = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return out


_ENV_PREFIXES = ("HMI_", "QT_", "PG", "CREDENTIALS_DIRECTORY", "XDG_SESSION", "WAYLAND_DISPLAY",
                 "DISPLAY", "LANG", "LC_", "TZ", "INVOCATION_ID")


def _secret_files(cfg: Any, data_dir: Path) -> list[Path]:
    out = []
    if cfg.machine.opcua.password_file:
        out.append(cfg.resolve_path(cfg.machine.opcua.password_file, data_dir))
    if cfg.database.central_password_file:
        out.append(cfg.resolve_path(cfg.database.central_password_file, data_dir))
    for env in ("HMI_CENTRAL_PASSWORD_FILE", "PGPASSFILE"):
        if os.environ.get(env):
            out.append(Path(os.environ[env]))
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds and Path(creds).is_dir():
        out.extend(p for p in sorted(Path(creds).iterdir()) if p.is_file())
    return out


def known_secrets(cfg: Any, data_dir: Path) -> Scrubber:
    """Every secret value this station could leak: the contents of its password files and
    credentials, and the values of secret-named environment variables (held in memory
    only, to scrub them from a bundle)."""
    scrub = Scrubber(secret_values(cfg))
    for p in _secret_files(cfg, data_dir):
        try:
            text = p.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            scrub.add(line)
            scrub.add(line.rsplit(":", 1)[-1])  # a libpq passfile line: host:port:db:user:PASSWORD
    for k, v in os.environ.items():
        if is_secret_key(k):
            scrub.add(v)
        for pw in url_passwords(v):
            scrub.add(pw)
    return scrub


def _tail(path: Path, lines: int) -> str:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - lines * 400))
            data = f.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc})\n"
    return "\n".join(data.splitlines()[-lines:]) + "\n"


def _store_report(cfg: Any, db_path: Path) -> tuple[dict[str, Any], str]:
    """(sync state, audit verdict) read from the store without migrating or creating it."""
    from sqlalchemy import func, select

    if not db_path.is_file():
        return {"store": f"{db_path}: missing"}, "no store"
    from hmi.store.engine import make_engine, make_session_factory
    from hmi.store.models.sync import SyncQuarantine, SyncState
    from hmi.sync.push import EVENTS_CURSOR

    engine = make_engine(f"sqlite:///{db_path}")
    try:
        sf = make_session_factory(engine)
        station = cfg.station.id
        sync: dict[str, Any] = {"central_url": redact_text(cfg.database.central_url) or None,
                                "standalone": not cfg.database.central_url}
        with sf() as s:
            try:
                from hmi.store.events import StationSequence

                last = int(s.scalar(select(StationSequence.last_seq)
                                    .where(StationSequence.station_id == station)) or 0)
                cursors = {f"{r.peer}/{r.table_name}": {
                    "last_pushed_seq": r.last_pushed_seq,
                    "last_success_at": r.last_success_at.isoformat() if r.last_success_at else None,
                    "last_error": redact_text(r.last_error or "") or None,
                } for r in s.scalars(select(SyncState))}
                st = s.get(SyncState, ("central", EVENTS_CURSOR))
                cursor = int(st.last_pushed_seq) if st is not None else 0
                sync.update(last_seq=last, cursor=cursor, backlog=max(0, last - cursor),
                            quarantined=int(s.scalar(select(func.count()).select_from(
                                SyncQuarantine).where(SyncQuarantine.resolved_at.is_(None))) or 0),
                            sync_state=cursors)
            except Exception as exc:  # noqa: BLE001 - a damaged or old store: say so
                sync["error"] = redact_text(str(exc))
            try:
                ok, text = audit_verdict(s, station)
                audit = f"{'INTACT' if ok else 'BROKEN'}: {text}"
            except Exception as exc:  # noqa: BLE001
                audit = f"cannot verify: {redact_text(str(exc))}"
        return sync, audit
    finally:
        engine.dispose()


def write_diagnostics(cfg: Any, data_dir: Path, out: Path, *, log_lines: int = 2000,
                      now: dt.datetime | None = None) -> Path:
    """Write the support bundle ``out`` (a zip, mode 0600) and return its path.

    Members: ``versions.json``, ``config.json`` (the effective configuration, redacted),
    ``secrets.txt`` (which secret files are configured and whether their modes are safe —
    never their content), ``environment.txt`` (selected variables, secret ones masked),
    ``sync.json`` (cursor, backlog, refused rows), ``audit.txt`` (chain verdict),
    ``disk.txt``, ``devices.txt`` (the running station's device buffers, if it left them),
    ``logs/…`` (the newest ``log_lines`` lines of the current and the previous log file).
    Every member is redacted and then scrubbed of every known secret value."""
    from hmi.logsetup import LOG_FILE, log_dir_of

    now = now or dt.datetime.now(dt.UTC)
    scrub = known_secrets(cfg, data_dir)
    members: dict[str, str] = {}
    members["versions.json"] = json.dumps(versions(), indent=2)
    members["config.json"] = json.dumps(
        {"source": str(cfg.source) if cfg.source else None,
         "data_dir": str(data_dir), "config": redact(cfg)}, indent=2, default=str)
    members["secrets.txt"] = "\n".join(
        [f"{secret_file_status(p)}" for p in _secret_files(cfg, data_dir)]
        or ["no password files or credentials configured"]) + "\n"
    members["environment.txt"] = "\n".join(
        f"{k}={MASK if is_secret_key(k) else redact_text(v)}"
        for k, v in sorted(os.environ.items()) if k.startswith(_ENV_PREFIXES)) + "\n"
    db_path = cfg.resolve_path(cfg.database.local, data_dir)
    sync, audit = _store_report(cfg, db_path)
    members["sync.json"] = json.dumps(sync, indent=2, default=str)
    members["audit.txt"] = audit + "\n"
    disk = []
    for label, p in (("store", db_path.parent), ("data_dir", data_dir)):
        try:
            u = shutil.disk_usage(p)
        except OSError as exc:
            disk.append(f"{label} {p}: {exc}")
            continue
        warn = (" LOW (below [upkeep] audit_min_free_mb)"
                if u.free < cfg.upkeep.audit_min_free_mb * 1024 * 1024 else "")
        disk.append(f"{label} {p}: {u.free / 2**20:.0f} MiB free of {u.total / 2**20:.0f} MiB{warn}")
    for side in ("", "-wal"):
        f = db_path.with_name(db_path.name + side)
        if f.exists():
            disk.append(f"{f}: {f.stat().st_size / 2**20:.1f} MiB")
    members["disk.txt"] = "\n".join(disk) + "\n"
    dev = data_dir / DEVICE_BUFFERS_FILE
    if dev.is_file():
        age = time.time() - dev.stat().st_mtime
        members["devices.txt"] = (f"# {dev}, {age:.0f} s old\n"
                                  + dev.read_text(encoding="utf-8", errors="replace"))
    else:
        members["devices.txt"] = ("No device buffers: the link events and raw frames live in "
                                  "the running station's memory, and it has not written "
                                  f"{dev} (the station is not running, or is an older version).\n")
    log_dir = log_dir_of(cfg, data_dir)
    for name in (LOG_FILE, f"{LOG_FILE}.1"):
        p = log_dir / name
        if p.is_file():
            members[f"logs/{name}"] = _tail(p, log_lines)
    if not any(k.startswith("logs/") for k in members):
        members["logs/README.txt"] = f"no log files in {log_dir}\n"
    members["manifest.txt"] = (f"hmi diagnostics for station {cfg.station.id}, "
                               f"{now.isoformat(timespec='seconds')}\n" + "\n".join(sorted(members)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, scrub.data(scrub.text(text).encode("utf-8")))
    os.replace(tmp, out)
    return out


def default_diagnostics_path(data_dir: Path, station_id: str,
                             now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now(dt.UTC)
    return data_dir / "diagnostics" / f"hmi-diagnostics-{station_id}-{now:%Y%m%dT%H%M%SZ}.zip"


#: For the app's timer (see docs/upkeep.md): run once a day.
PRUNE_INTERVAL_S = 24 * 3600

__all__ = [
    "ANCHORS", "POLICY", "PRUNE_ACTION", "BackupReport", "PruneReport", "RestoreReport",
    "StationLock", "StationLocked", "UpkeepError", "backup_store", "check_backup",
    "default_backup_path", "default_diagnostics_path", "hold_station_lock", "known_secrets",
    "prune_events", "prune_for_station", "restore_store", "audit_verdict", "versions",
    "write_device_buffers", "write_diagnostics",
]
