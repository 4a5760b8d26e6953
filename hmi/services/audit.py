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

from hmi.store.base import new_id, utcnow
from hmi.store.events import append_event
from hmi.store.security import AuditEntry

log = logging.getLogger(__name__)

HASH_ALG = "sha256+rfc8785"
GENESIS_HASH = "0" * 64

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


def verify_chain(session: Session, station_id: str) -> ChainReport:
    """Recompute every entry hash and link of ``station_id``'s audit chain.

    Stops at the first entry that does not verify and reports its ``seq``.
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
