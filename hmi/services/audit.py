"""The station's audit trail: an append-only, hash-chained list of who did what.

Every entry is an :class:`~hmi.store.security.AuditEntry` event. Its ``entry_hash`` is

    SHA-256( RFC 8785 canonical JSON of :func:`entry_payload` )

where the payload holds every column of the entry except ``entry_hash`` itself:
``station_id, seq, id, occurred_at, recorded_at, actor, action, entity, entity_id,
old, new, detail, prev_hash, hash_alg, supersedes_id``. Timestamps are ISO 8601 in
UTC with microseconds (``2025-03-01T12:34:56.000001+00:00``); ids are lowercase
hyphenated UUID strings. ``prev_hash`` is the ``entry_hash`` of the station's
previous audit entry (by ``seq``), ``"0" * 64`` for the first one. The algorithm id
stored in ``hash_alg`` is :data:`HASH_ALG` (``"sha256+rfc8785"``).

Changing any stored field breaks that entry's hash; deleting or inserting an entry
breaks the next entry's link. :func:`verify_chain` finds the first such break.
(Deleting the *newest* entries cannot be seen from the chain alone; the copy pushed
to the central database is the witness for those.)

Concurrency: :meth:`AuditWriter.record` first reserves the entry's ``seq`` with
``append_event`` — an ``UPDATE`` of the station's sequence row, which takes the
write lock on SQLite and a row lock on PostgreSQL until commit — and only *then*
reads the previous entry's hash, in the same transaction. A second writer therefore
waits for the first to commit before it can read, so it always sees the true
predecessor. (On PostgreSQL this needs READ COMMITTED, the default.) On SQLite with
the store's deferred ``BEGIN``, a transaction that *read* before another writer
committed cannot write at all ("database is locked"): it fails loudly and never links
to a stale predecessor. Start write transactions with their write (or run writes on
the one writer thread) to let the busy timeout wait instead.

Values given as ``old``/``new`` are converted by :func:`json_safe` before they are
stored *and* hashed, so what is stored is exactly what was hashed.

Security events are entries of the same chain; their action names are the ``ACTION_*``
constants below (docs/audit.md lists them with who writes each). :func:`verify_station`
is the complete check behind ``hmi audit verify`` (hmi/auditcli.py): the chain, and the
station's gap-free event numbering, which is what shows a removed newest entry.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from sqlalchemy import select
from sqlalchemy.orm import Session

from hmi.services.i18n import tr
from hmi.services.permissions import (
    AUDIT_VIEW,
    PERMISSION_TEXT,
    Actor,
    PermissionDenied,
    require,
)
from hmi.store.base import new_id, utcnow
from hmi.store.events import StationSequence, append_event
from hmi.store.security import AuditEntry

log = logging.getLogger(__name__)

HASH_ALG = "sha256+rfc8785"
GENESIS_HASH = "0" * 64

# Security events in the chain (docs/audit.md says who writes each and what it holds).
ACTION_LOGIN = "login"                              # AuthService.login, accepted
ACTION_LOGIN_FAILED = "login_failed"                # wrong PIN, unknown badge, locked …
ACTION_REAUTHENTICATE = "reauthenticate"            # badge + PIN again (signature, kiosk exit)
ACTION_REAUTHENTICATE_FAILED = "reauthenticate_failed"
ACTION_LOCKOUT = "lockout"                          # the wrong PIN that locked the badge
ACTION_BADGE_UNLOCKED = "unlock"                    # AuthService.unlock (user.manage)
ACTION_LOGOUT = "logout"
ACTION_PERMISSION_REFUSED = "permission_refused"    # RefusalAuditor, for every require()
ACTION_KIOSK_EXIT = "kiosk_exit"
ACTION_KIOSK_EXIT_REFUSED = "kiosk_exit_refused"
ACTION_SESSION_LOCK = "session_lock"
ACTION_SESSION_UNLOCK = "session_unlock"
#: Written by pruning (docs/upkeep.md) with ``new={"through_seq": N, …}``: every event
#: with seq <= N that is missing was pruned after the central database confirmed it.
ACTION_PRUNE = "prune"

# RFC 8785 numbers are IEEE doubles: integers beyond this lose precision.
_MAX_SAFE_INT = 2**53 - 1


# --------------------------------------------------------------------------- canonical JSON


def json_safe(value: Any) -> Any:
    """Convert ``value`` into plain JSON data, deterministically.

    * ``datetime`` (must be timezone-aware) → ISO 8601 string in UTC; ``date``/``time`` → ISO.
    * ``UUID`` → lowercase hyphenated string; ``Decimal`` → its exact string (``"1.10"``).
    * ``Enum`` → its value; ``bytes`` → base64 string; dataclasses → dicts.
    * tuples → lists; sets → lists sorted by their canonical JSON.
    * integers beyond ±(2**53−1) → strings (JSON numbers are doubles);
      NaN/±Infinity → the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
    * mapping keys become strings; two keys that become the same string are refused.

    Anything else raises :class:`TypeError` naming the type, rather than being
    stringified in some way that might change between versions.
    """
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return value if -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            skey = key if isinstance(key, str) else str(json_safe(key))
            if skey in out:
                raise ValueError(f"two keys both become {skey!r} in JSON")
            out[skey] = json_safe(item)
        return out
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [json_safe(item) for item in value]
        return sorted(items, key=rfc8785.dumps)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe(dataclasses.asdict(value))
    raise TypeError(f"cannot record a {type(value).__name__} in the audit trail: {value!r}")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON (UTF-8 bytes) of ``json_safe(value)``."""
    return rfc8785.dumps(json_safe(value))


def iso_utc(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds; naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: give timestamps with a timezone (UTC)")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields of ``entry`` that its ``entry_hash`` covers (everything but the hash)."""
    return {
        "station_id": entry.station_id,
        "seq": entry.seq,
        "id": str(entry.id),
        "occurred_at": iso_utc(entry.occurred_at),
        "recorded_at": iso_utc(entry.recorded_at),
        "actor": entry.actor_badge,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "old": entry.old_value,
        "new": entry.new_value,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "hash_alg": entry.hash_alg,
        "supersedes_id": str(entry.supersedes_id) if entry.supersedes_id else None,
    }


def compute_entry_hash(entry: AuditEntry) -> str:
    """SHA-256 hex over the canonical JSON of :func:`entry_payload`."""
    if entry.hash_alg != HASH_ALG:
        raise ValueError(f"unsupported audit hash algorithm {entry.hash_alg!r}")
    return hashlib.sha256(rfc8785.dumps(entry_payload(entry))).hexdigest()


# --------------------------------------------------------------------------- writer


class AuditWriter:
    """Appends entries to one station's audit chain. Stateless; safe to share between threads."""

    def __init__(self, station_id: str, clock: Callable[[], dt.datetime] = utcnow) -> None:
        if not station_id:
            raise ValueError("AuditWriter needs a station_id")
        self.station_id = station_id
        self._clock = clock

    def record(
        self,
        session: Session,
        *,
        actor_badge: str | None,
        action: str,
        entity: str,
        entity_id: str,
        old: Any = None,
        new: Any = None,
        detail: str = "",
    ) -> AuditEntry:
        """Append one audit entry in ``session``'s transaction (the caller commits).

        Write the audit entry in the same transaction as the change it describes,
        so that both are committed or neither is.
        """
        if not action:
            raise ValueError("an audit entry needs an action")
        now = self._clock()
        # Push anything pending (earlier entries of this transaction included) so the
        # predecessor query below sees them even with autoflush switched off.
        session.flush()
        entry = AuditEntry(
            id=new_id(),
            station_id=self.station_id,
            occurred_at=now,
            recorded_at=now,
            actor_badge=actor_badge,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            old_value=json_safe(old),
            new_value=json_safe(new),
            detail=detail,
            hash_alg=HASH_ALG,
        )
        # Reserve seq first: this takes the station's write lock until commit ...
        append_event(session, entry)
        # ... so the predecessor read here cannot be overtaken by another writer.
        with session.no_autoflush:
            prev = session.scalars(
                select(AuditEntry.entry_hash)
                .where(AuditEntry.station_id == self.station_id, AuditEntry.seq < entry.seq)
                .order_by(AuditEntry.seq.desc())
                .limit(1)
            ).first()
            entry.prev_hash = prev or GENESIS_HASH
            entry.entry_hash = compute_entry_hash(entry)
        log.debug(
            "audit %s seq=%d %s %s/%s by %s",
            self.station_id, entry.seq, action, entity, entity_id, actor_badge,
        )
        return entry


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`. ``reason`` is readable by a person."""

    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str


def verify_chain(session: Session, station_id: str, *,
                 pruned_through: int | None = None) -> ChainReport:
    """Recompute every entry hash and link of ``station_id``'s audit chain.

    Stops at the first entry that does not verify and reports its ``seq``. With
    ``pruned_through`` (> 0: older entries were pruned, see :data:`ACTION_PRUNE`) the
    chain may start at the oldest remaining entry when that entry's predecessor could
    have been pruned. :func:`verify_station` checks more (the numbering) and says more.
    """
    expected_prev = GENESIS_HASH
    count = 0
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.station_id == station_id)
        .order_by(AuditEntry.seq)
        .execution_options(populate_existing=True)
    )
    for entry in rows:
        count += 1
        if count == 1 and pruned_through and entry.prev_hash != GENESIS_HASH:
            expected_prev = entry.prev_hash  # its predecessor was pruned
        if entry.prev_hash != expected_prev:
            if count == 1:
                why = "it is not the start of the chain: earlier entries are missing"
            else:
                why = "the entry before it is missing or was replaced (the chain link is broken)"
            return _bad(station_id, count, entry.seq, f"Audit entry {entry.seq}: {why}.")
        try:
            actual = compute_entry_hash(entry)
        except (ValueError, TypeError, rfc8785.CanonicalizationError) as exc:
            return _bad(
                station_id, count, entry.seq,
                f"Audit entry {entry.seq} cannot be checked: {exc}.",
            )
        if actual != entry.entry_hash:
            return _bad(
                station_id, count, entry.seq,
                f"Audit entry {entry.seq} was changed after it was recorded "
                "(its content no longer matches its hash).",
            )
        expected_prev = entry.entry_hash
    return ChainReport(True, count, None, f"{count} audit entries checked, the chain is intact.")


def _bad(station_id: str, count: int, seq: int, reason: str) -> ChainReport:
    log.error("audit chain of station %s broken: %s", station_id, reason)
    return ChainReport(False, count, seq, reason)


# --------------------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    """What :class:`RefusalAuditor` writes for one :class:`PermissionDenied`."""

    permission: str
    actor_badge: str | None
    actor_label: str
    roles: tuple[str, ...]
    where: str


class RefusalAuditor:
    """The process-wide refusal recorder (``permissions.set_refusal_recorder``).

    Each refused ``require()`` becomes one audit entry ``permission_refused`` (entity
    ``permission``, entity id the permission's name, actor the badge or none). With a
    ``worker`` (the :class:`~hmi.services.worker.DbWorker`) the entry is written there, in
    call order with the station's other writes, and the refusing call never waits;
    without one it is written at once (command-line tools).
    """

    def __init__(self, session_factory: Callable[[], Session], writer: AuditWriter, *,
                 worker: Any = None) -> None:
        self._sf = session_factory
        self._writer = writer
        self._worker = worker

    def __call__(self, exc: PermissionDenied) -> None:
        actor = exc.actor
        refusal = Refusal(
            permission=exc.permission,
            actor_badge=actor.badge if actor is not None else None,
            actor_label=actor.label if actor is not None else "nobody logged in",
            roles=tuple(actor.roles) if actor is not None else (),
            where=exc.where,
        )
        if self._worker is None:
            self.write(refusal)
        else:
            self._worker.submit(self.write, refusal, on_error=self._failed)

    def write(self, refusal: Refusal) -> AuditEntry:
        """Write the entry for ``refusal`` in its own transaction."""
        what = PERMISSION_TEXT.get(refusal.permission, f"use {refusal.permission}")
        with self._sf() as session:
            entry = self._writer.record(
                session,
                actor_badge=refusal.actor_badge,
                action=ACTION_PERMISSION_REFUSED,
                entity="permission",
                entity_id=refusal.permission,
                new={"permission": refusal.permission, "where": refusal.where,
                     "roles": list(refusal.roles)},
                detail=f"{refusal.actor_label} may not {what}"
                       + (f" (refused in {refusal.where})" if refusal.where else ""),
            )
            session.commit()
        return entry

    @staticmethod
    def _failed(exc: BaseException) -> None:
        log.error("a permission refusal could not be written to the audit trail", exc_info=exc)


# --------------------------------------------------------------------------- reading


def recent_entries(session: Session, actor: Actor | None, station_id: str, *,
                   limit: int = 200, before_seq: int | None = None) -> list[AuditEntry]:
    """The station's newest audit entries, newest first (needs ``audit.view``)."""
    require(actor, AUDIT_VIEW, where="audit.recent_entries")
    q = select(AuditEntry).where(AuditEntry.station_id == station_id)
    if before_seq is not None:
        q = q.where(AuditEntry.seq < before_seq)
    return list(session.scalars(q.order_by(AuditEntry.seq.desc()).limit(limit)))


# --------------------------------------------------------------------------- full verification


@dataclass(frozen=True)
class Problem:
    """One thing :func:`verify_station` found wrong, and where."""

    station_id: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"station {self.station_id}: {self.message}"


@dataclass
class StationVerdict:
    """What :func:`verify_station` found for one station in one database."""

    station_id: str
    place: str                    # "local" or "central", for the report
    entries: int = 0              # audit entries checked
    events: int = 0               # event rows (every table) numbered for the station
    last_seq: int | None = None   # the station's counter (local only)
    pruned_through: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, seq: int | None, message: str) -> None:
        self.problems.append(Problem(self.station_id, seq, message))

    def summary(self) -> str:
        head = f"station {self.station_id} ({self.place}): "
        if self.ok:
            pruned = (f"; older events pruned through seq {self.pruned_through}"
                      if self.pruned_through else "")
            return (head + f"intact — {self.entries} audit entries chained, {self.events} "
                    f"events numbered without a gap{pruned}.")
        return head + f"BROKEN — {len(self.problems)} problem(s):\n" + "\n".join(
            f"  - {p.message}" for p in self.problems)


def event_tables() -> list[Any]:
    """Every event table (models subclassing ``EventMixin``), by name."""
    from hmi.store.base import Base, EventMixin
    from hmi.store.engine import load_all_models

    load_all_models()
    tables = {m.class_.__table__.name: m.class_.__table__ for m in Base.registry.mappers
              if issubclass(m.class_, EventMixin)}
    return [tables[n] for n in sorted(tables)]


def _numbered(station_id: str):
    """(table, seq) of every event of the station, over all event tables (a subquery)."""
    from sqlalchemy import literal, union_all

    parts = [select(literal(t.name).label("tbl"), t.c.seq.label("seq"))
             .where(t.c.station_id == station_id) for t in event_tables()]
    return union_all(*parts).subquery("numbered")


def local_last_seq(session: Session, station_id: str) -> int | None:
    """The station's sequence counter (``station_sequence.last_seq``), None if it has none."""
    return session.scalar(select(StationSequence.last_seq)
                          .where(StationSequence.station_id == station_id))


def pruned_through(session: Session, station_id: str) -> int:
    """The highest seq pruning removed, from the ``prune`` audit entries (0: never pruned)."""
    highest = 0
    for new in session.scalars(select(AuditEntry.new_value).where(
            AuditEntry.station_id == station_id, AuditEntry.action == ACTION_PRUNE)):
        try:
            highest = max(highest, int((new or {}).get("through_seq") or 0))
        except (TypeError, ValueError, AttributeError):
            continue
    return highest


_MAX_LISTED = 20  # problems of one kind listed before "… and N more"


def _check_numbering(session: Session, v: StationVerdict) -> list[tuple[int, int]]:
    """Seqs used twice, gaps, and the count against the counter; returns the gaps
    ``(last seq before, first seq after)`` that are not explained by pruning."""
    from sqlalchemy import func

    num = _numbered(v.station_id)
    total, low, high = session.execute(
        select(func.count(), func.min(num.c.seq), func.max(num.c.seq))).one()
    v.events = int(total or 0)
    # The same seq in two rows: one of them was inserted.
    dupes = session.execute(
        select(num.c.seq).group_by(num.c.seq).having(func.count() > 1).order_by(num.c.seq)
        .limit(_MAX_LISTED + 1)).scalars().all()
    for seq in dupes[:_MAX_LISTED]:
        tables = sorted(session.execute(select(num.c.tbl).where(num.c.seq == seq)).scalars())
        v.add(seq, f"seq {seq} is used twice ({', '.join(tables)}): one of these entries was "
                   "inserted afterwards.")
    if len(dupes) > _MAX_LISTED:
        v.add(None, "… and more seqs used twice.")
    gaps: list[tuple[int, int]] = []
    if not total:
        if v.last_seq:
            v.add(None, f"every event is missing: the station numbered {v.last_seq} but holds "
                        "none.")
        return gaps
    floor = v.pruned_through
    if low > 1 and low - 1 > floor:
        gaps.append((0, int(low)))
    lagged = select(num.c.seq.label("seq"),
                    func.lag(num.c.seq).over(order_by=num.c.seq).label("prev")).subquery()
    for seq, prev in session.execute(
            select(lagged.c.seq, lagged.c.prev)
            .where(lagged.c.prev.is_not(None), lagged.c.seq - lagged.c.prev > 1)
            .order_by(lagged.c.seq)):
        if seq - 1 > floor:  # some seq in the gap lies above what pruning removed
            gaps.append((max(int(prev), floor), int(seq)))
    if v.last_seq is not None:
        if high < v.last_seq:
            gaps.append((int(high), v.last_seq + 1))
        elif high > v.last_seq:
            v.add(int(high), f"seq {high} is beyond the station's counter ({v.last_seq}): "
                             f"the entries after seq {v.last_seq} were inserted afterwards.")
    return gaps


def _gap_text(before: int, after: int, last_seq: int | None, what: str = "entry") -> str:
    first, last = before + 1, after - 1
    if last_seq is not None and after == last_seq + 1:
        plural = "audit entries" if what == "audit entry" else "entries"
        return (f"the newest {plural} after seq {before} are missing: the station numbered "
                f"{last_seq} events but the newest stored is seq {before}")
    span = f"seq {first}" if first == last else f"seqs {first}–{last}"
    where = f"after seq {before}" if before else "at the start"
    return f"{what} {where} is missing ({span} in no event table)"


def _check_chain(session: Session, v: StationVerdict, gaps: list[tuple[int, int]]) -> None:
    """Hashes and links of the audit entries; a broken link is explained by a gap (a
    removed entry), an insertion or a rewritten entry."""
    import bisect

    befores = [b for b, _a in gaps]

    def gap_between(p: int, x: int) -> tuple[int, int] | None:
        i = bisect.bisect_left(befores, p)
        return gaps[i] if i < len(gaps) and gaps[i][1] <= x else None

    explained: set[tuple[int, int]] = set()
    t = AuditEntry.__table__
    rows = list(session.execute(select(t).where(t.c.station_id == v.station_id)
                                .order_by(t.c.seq)))
    v.entries = len(rows)
    # Content first: an entry whose stored hash is not its content's hash was changed.
    content_ok: list[bool] = []
    for r in rows:
        try:
            good = compute_entry_hash(r) == r.entry_hash
        except (ValueError, TypeError, rfc8785.CanonicalizationError) as exc:
            v.add(r.seq, f"entry seq {r.seq} cannot be checked: {exc}.")
            good = False
        else:
            if not good:
                v.add(r.seq, f"entry seq {r.seq} was changed after it was written: its hash "
                             "does not match its content.")
        content_ok.append(good)

    chain: list[int] = []  # indexes of the entries as they link (inserted ones taken out)
    for i, r in enumerate(rows):
        if not chain:
            if r.prev_hash != GENESIS_HASH and not v.pruned_through:
                gap = gap_between(0, r.seq)
                if gap is not None:
                    explained.add(gap)
                v.add(r.seq, f"entry seq {r.seq} is not the start of the chain: the audit "
                             "entries before it are missing.")
            chain.append(i)  # (with pruning, its predecessor was pruned after the sync)
            continue
        prev = rows[chain[-1]]
        if r.prev_hash == prev.entry_hash:
            chain.append(i)
            continue
        # Links past the entry before it: that one was inserted.
        if len(chain) >= 2 and r.prev_hash == rows[chain[-2]].entry_hash:
            v.add(prev.seq, f"entry seq {prev.seq} was inserted: the entry after it (seq "
                            f"{r.seq}) links to the entry before it (seq "
                            f"{rows[chain[-2]].seq}).")
            chain[-1] = i
            continue
        # The next entry links to the one before this: this one was inserted.
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is not None and nxt.prev_hash == prev.entry_hash:
            v.add(r.seq, f"entry seq {r.seq} was inserted: its link does not match the entry "
                         f"before (seq {prev.seq}).")
            continue
        gap = gap_between(prev.seq, r.seq)
        if gap is not None:
            explained.add(gap)
            v.add(gap[0] + 1, _gap_text(gap[0], gap[1], None, "audit entry")
                  + f": seq {r.seq} links to an entry that is no longer there.")
        elif content_ok[i] and content_ok[chain[-1]]:
            v.add(prev.seq, f"entry seq {prev.seq} was rewritten with a new hash after it was "
                            f"written: the next entry (seq {r.seq}) links to a different hash.")
        else:
            v.add(r.seq, f"entry seq {r.seq}: its link does not match the entry before "
                         f"(seq {prev.seq}).")
        chain.append(i)
    for gap in gaps:
        if gap not in explained:
            v.add(gap[0] + 1, _gap_text(gap[0], gap[1], v.last_seq) + ".")


def verify_station(session: Session, station_id: str, *, place: str = "local",
                   use_counter: bool = True, pruned: int | None = None) -> StationVerdict:
    """Check ``station_id``'s audit chain and event numbering in ``session``'s database.

    * every audit entry's hash matches its content (else: changed);
    * every entry links to the one before (else: an entry is missing — a gap in the
      numbering says where —, was inserted, or was rewritten with a new hash);
    * the station's event seqs over every event table are each used once and have no
      gap; with ``use_counter`` (the station's own store) they run up to the station's
      counter ``station_sequence.last_seq``, so a removed newest entry shows as a short
      count. The central database has no counter (``use_counter=False``).
    * ``pruned`` (default: read from the ``prune`` audit entries): seqs up to it may be
      missing — they were pruned after the central database confirmed them.

    Works on any SQLAlchemy session: the station's SQLite or the central PostgreSQL.
    """
    last_seq = local_last_seq(session, station_id) if use_counter else None
    floor = pruned_through(session, station_id) if pruned is None else pruned
    v = StationVerdict(station_id, place, last_seq=last_seq, pruned_through=floor)
    gaps = _check_numbering(session, v)
    _check_chain(session, v, gaps)
    v.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return v


def compare_copies(local: Session, central: Session, station_id: str,
                   confirmed_through: int) -> list[Problem]:
    """The central copy holds what the station pushed, and the same audit entries.

    ``confirmed_through`` is the station's sync cursor: every event up to it is central.
    A station's whole chain can be rewritten consistently by someone with its database
    file (the hashes have no key); the central copy is the witness for that.
    """
    from sqlalchemy import func

    problems: list[Problem] = []
    num = _numbered(station_id)
    high = central.scalar(select(func.max(num.c.seq))) or 0
    if high < confirmed_through:
        problems.append(Problem(station_id, high + 1, (
            f"the central database lacks the entries after seq {high}: the station had them "
            f"confirmed through seq {confirmed_through}.")))
    t = AuditEntry.__table__
    q = (select(t.c.seq, t.c.entry_hash)
         .where(t.c.station_id == station_id, t.c.seq <= confirmed_through).order_by(t.c.seq))
    theirs = dict(central.execute(q).all())
    differ = 0
    for seq, mine in local.execute(q):
        other = theirs.get(seq)
        if other is not None and other != mine:
            differ += 1
            if differ <= _MAX_LISTED:
                problems.append(Problem(station_id, seq, (
                    f"entry seq {seq} differs between the station and the central database: "
                    "one of the two copies was changed after it was synced.")))
    return problems


# --------------------------------------------------------------------------- disk space


def audit_storage_warning(cfg: Any, data_dir: Any, *,
                          disk_usage: Callable[[Any], Any] | None = None) -> str | None:
    """A warning for the administrator when the disk holding the station's store (and so
    its audit trail) has less than ``[upkeep] audit_min_free_mb`` free; None when enough.

    ``cfg`` is the :class:`~hmi.config.StationConfig`, ``data_dir`` the station's data
    directory (as given to the app).
    """
    import shutil
    from pathlib import Path

    path = Path(cfg.resolve_path(cfg.database.local, Path(data_dir)))
    probe = path if path.exists() else path.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = (disk_usage or shutil.disk_usage)(probe).free
    except OSError as exc:
        return tr("audit", "The free space for the audit trail cannot be checked (%1: %2). "
                  "Ask IT to look at the station's disk.", probe, exc)
    need_mb = int(cfg.upkeep.audit_min_free_mb)
    free_mb = free // (1024 * 1024)
    if free_mb >= need_mb:
        return None
    return tr("audit", "Only %1 MB free on the disk that holds the station's records and audit "
              "trail (%2); at least %3 MB should be free. Delete old files there or ask IT "
              "for more space before the station stops recording.", free_mb, probe, need_mb)
