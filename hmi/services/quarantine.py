"""Rows the central database refused, for the administrator's Sync screen: inspect, retry, resolve.

The sync engine records what it could not deliver in ``sync_quarantine`` (docs/sync.md): a
station event the central PostgreSQL refused (``push``) or a central master-data version in
conflict with the station's own (``pull``). Until now only ``hmi sync quarantine`` showed
them. :class:`QuarantineService` gives the screen the same list and two actions, both
needing ``sync.resolve`` (administrators):

* **resolve** — an administrator says, in a note, what was done (fixed centrally, not
  needed, a new version made centrally). The entry's ``resolved_at/by/resolution`` and an
  audit entry (``sync.quarantine_resolved``) are written in one transaction on the DB worker.
* **retry** (``push`` entries only) — the row is read again from the station's own event
  table (by station and seq: the row as it is, not the entry's copy) and sent through the
  push's own per-table path with ``ON CONFLICT DO NOTHING`` (:func:`hmi.sync.push.resend_row`),
  so it can never arrive twice. Taken: the entry is resolved ("sent again on retry") and
  audited. Refused again: one more attempt, the server's new reason, audited, and the caller
  gets the reason in words. Central database away: said, nothing changed.

  The central round trip runs on the service's own thread (a slow or absent server must
  hold up neither the screen nor the DB worker); the local write then goes through the DB
  worker like every other write. A ``pull`` entry cannot be retried: the station keeps its
  own version, and the fix is a new version made centrally.

A refused permission raises :class:`~hmi.services.permissions.PermissionDenied` (before
anything else) and is audited (``sync.quarantine_refused``), like the other services'
refusals. Other refusals raise :class:`QuarantineError` with a message for the screen.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import SYNC_RESOLVE, Actor, PermissionDenied, require

log = logging.getLogger(__name__)
CTX = "QuarantineService"

#: The resolution written when a retry got the row into the central database.
SENT_AGAIN = "sent again on retry"
#: Resolved entries kept in the list (the newest), for "what was done" look-ups.
RESOLVED_SHOWN = 50
#: Clock difference to the central server that the screen marks (the engine warns beyond it).
CLOCK_SKEW_WARN_S = 5.0

AUDIT_RESOLVED = "sync.quarantine_resolved"
AUDIT_RETRY_REFUSED = "sync.quarantine_retry_refused"
AUDIT_REFUSED = "sync.quarantine_refused"


class QuarantineError(OperatorError):
    """An action on a refused row was refused or failed; the message is for the screen."""


class CentralUnreachable(QuarantineError):
    """The central database could not be reached: nothing was changed."""


class RefusedAgain(QuarantineError):
    """The central database refused the row again (the entry now says so)."""


@dataclass(frozen=True)
class QuarantineEntry:
    """One refused row, as plain data for the screen."""

    id: str
    direction: str                  # "push": a station event; "pull": a central version
    table: str
    row_key: str                    # "<station>/<seq>" or "<code>/v<version>"
    reason: str                     # the server's (or the pull's) own words
    attempts: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    row_data: dict | None = None
    row_id: str | None = None
    station_id: str | None = None
    seq: int | None = None
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def can_retry(self) -> bool:
        """Only a station event can be sent again (a pull conflict needs a new version)."""
        return self.direction == "push" and self.seq is not None and self.is_open

    def reason_in_words(self) -> str:
        return reason_in_words(self)

    def what_to_do(self) -> str:
        return what_to_do(self)


# --------------------------------------------------------------------------- words

#: PostgreSQL's error classes (as the push records them, "ClassName: server text") in words.
_REASONS = {
    "StringDataRightTruncation": "A value is longer than the central column allows.",
    "NumericValueOutOfRange": "A number is too large for the central column.",
    "NotNullViolation": "A value the central database requires is missing.",
    "CheckViolation": "A value breaks a rule (a check) of the central database.",
    "UniqueViolation": "The central database already holds a row with the same identity.",
    "ExclusionViolation": "The row clashes with a row the central database already holds.",
    "ForeignKeyViolation": "The row refers to something the central database does not have.",
    "InvalidTextRepresentation": "A value has a form the central database does not accept.",
    "InvalidDatetimeFormat": "A time has a form the central database does not accept.",
    "DatetimeFieldOverflow": "A time lies outside what the central database accepts.",
    "CharacterNotInRepertoire": "A text holds a character the central database cannot store.",
    "UntranslatableCharacter": "A text holds a character the central database cannot store.",
    "InvalidParameterValue": "A value is not valid for the central database.",
}


def _table_words(table: str) -> str:
    words = table.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def reason_in_words(entry: QuarantineEntry) -> str:
    """Why the row was refused, for a person (the server's own words are shown beside it)."""
    if entry.direction == "pull":
        return tr(CTX, "The central database has another version of %1 %2; the station "
                  "keeps its own.", _table_words(entry.table).lower(), entry.row_key)
    if entry.reason.startswith("the central database already holds a different event"):
        return tr(CTX, "The central database already holds another event under this "
                  "station's sequence number %1: this store may have been replaced, or the "
                  "station id given to another station.", entry.seq)
    kind = entry.reason.partition(":")[0].strip()
    text = _REASONS.get(kind)
    if text:
        return tr(CTX, text)
    return tr(CTX, "The central database refused the row.")


def what_to_do(entry: QuarantineEntry) -> str:
    if not entry.is_open:
        return ""
    if entry.direction == "pull":
        return tr(CTX, "Make a new version centrally; the station keeps its own. Then mark "
                  "this entry resolved with a note.")
    return tr(CTX, "Have the cause fixed centrally, then tap Send again; if the central side "
              "does not need the row, mark it resolved. It stays in the station's store.")


def _entry(row: Any) -> QuarantineEntry:
    return QuarantineEntry(
        id=str(row.id), direction=row.direction, table=row.table_name, row_key=row.row_key,
        reason=row.reason or "", attempts=int(row.attempts or 1),
        first_seen_at=row.first_seen_at, last_seen_at=row.last_seen_at,
        row_data=dict(row.row_data) if row.row_data else None, row_id=row.row_id,
        station_id=row.station_id, seq=row.seq, resolved_at=row.resolved_at,
        resolved_by=row.resolved_by, resolution=row.resolution)


@dataclass(frozen=True)
class _Loaded:
    entries: list[QuarantineEntry]
    last_success_at: dt.datetime | None


# --------------------------------------------------------------------------- service


class QuarantineService(QObject):
    """The refused rows of one station towards one central database, and what an
    administrator does about them."""

    #: list[QuarantineEntry]: the entries were (re)loaded (open ones first, oldest first).
    sig_changed = Signal(object)
    #: str: an action succeeded (for the screen's message line).
    sig_done = Signal(str)
    #: str: an action failed after it was accepted (central away, refused again, a write).
    sig_error = Signal(str)
    # the retry thread's result, handed to the GUI thread (queued: the service lives there)
    _sig_hop = Signal(object)

    def __init__(self, worker: Any, session_factory: Any, station_id: str, *,
                 audit: AuditWriter, central_url: str = "", password_file: Any = None,
                 connect: Callable[[], Any] | None = None, peer: str = "central",
                 connect_timeout_s: int = 5,
                 clock: Callable[[], dt.datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self.station_id = station_id
        self._audit = audit
        self._url = central_url
        self._password_file = password_file
        self._connect = connect
        self.peer = peer
        self._timeout = connect_timeout_s
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._entries: list[QuarantineEntry] = []
        self.last_success_at: dt.datetime | None = None
        self._pending = 0
        self._pusher: Any = None
        self._net: ThreadPoolExecutor | None = None
        # queued even when the round trip ended before retry() returned: never re-entrant
        self._sig_hop.connect(self._on_hop, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ state

    @property
    def standalone(self) -> bool:
        """No central database configured: sync is off (entries can still be resolved)."""
        return not self._url and self._connect is None

    @property
    def busy(self) -> bool:
        """True while a load, a write or a retry is still running."""
        return self._pending > 0

    def entries(self, include_resolved: bool = False) -> list[QuarantineEntry]:
        """The entries as last loaded (:meth:`refresh`): open ones, or all shown."""
        return [e for e in self._entries if include_resolved or e.is_open]

    def entry(self, entry_id: str) -> QuarantineEntry | None:
        return next((e for e in self._entries if e.id == entry_id), None)

    # ------------------------------------------------------------------ loading

    def refresh(self) -> Future:
        """Load the entries on the DB worker; ``sig_changed`` when they are in."""
        self._pending += 1
        return self._worker.submit(self._load, on_done=self._loaded, on_error=self._load_failed)

    def _load(self) -> _Loaded:
        from sqlalchemy import select

        from hmi.store.models.sync import SyncQuarantine, SyncState
        from hmi.sync.push import EVENTS_CURSOR

        q = SyncQuarantine
        with self._sf() as s:
            rows = list(s.scalars(select(q).where(q.peer == self.peer, q.resolved_at.is_(None))
                                  .order_by(q.first_seen_at, q.table_name, q.row_key)))
            rows += list(s.scalars(select(q).where(q.peer == self.peer,
                                                   q.resolved_at.is_not(None))
                                   .order_by(q.resolved_at.desc()).limit(RESOLVED_SHOWN)))
            st = s.get(SyncState, (self.peer, EVENTS_CURSOR))
            return _Loaded([_entry(r) for r in rows], st.last_success_at if st else None)

    def _loaded(self, loaded: _Loaded) -> None:
        self._pending -= 1
        self._entries = loaded.entries
        self.last_success_at = loaded.last_success_at
        self.sig_changed.emit(self.entries())

    def _load_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        log.error("refused rows not loaded", exc_info=exc)
        self.sig_error.emit(tr(CTX, "The refused rows could not be read from the station's "
                               "store: %1", exc))

    # ------------------------------------------------------------------ checks

    def _allowed(self, actor: Actor | None, what: str, entry_id: str) -> Actor:
        """``sync.resolve`` or PermissionDenied; a refused person is audited."""
        if actor is not None and not actor.can(SYNC_RESOLVE):
            self._pending += 1
            self._worker.submit(self._write_refusal, actor, what, str(entry_id),
                                on_done=self._write_done, on_error=self._write_failed)
        # Someone logged in is audited above with the entry; nobody: the refusal recorder.
        return require(actor, SYNC_RESOLVE, record=actor is None)

    def _write_refusal(self, actor: Actor, what: str, entry_id: str) -> None:
        e = self.entry(entry_id)
        with self._sf.begin() as s:
            self._audit.record(
                s, actor_badge=actor.badge, action=AUDIT_REFUSED, entity="sync_quarantine",
                entity_id=entry_id, new={"action": what},
                detail=f"{actor.label} may not {what} the refused row "
                       f"{e.table + ' ' + e.row_key if e else entry_id} (needs {SYNC_RESOLVE})")
        return None

    def _open_entry(self, entry_id: str) -> QuarantineEntry:
        e = self.entry(str(entry_id))
        if e is None:
            raise QuarantineError(tr(CTX, "This refused row is no longer listed. Refresh the "
                                     "list."))
        if not e.is_open:
            raise QuarantineError(tr(CTX, "%1 %2 is already resolved (%3). Nothing to do.",
                                     e.table, e.row_key, e.resolution or ""))
        return e

    # ------------------------------------------------------------------ resolve

    def resolve(self, actor: Actor | None, entry_id: str, note: str) -> Future:
        """Mark an entry resolved with a note (``sync.resolve``); returns the write's future."""
        self._allowed(actor, "resolve", entry_id)
        assert actor is not None
        e = self._open_entry(entry_id)
        note = (note or "").strip()
        if not note:
            raise QuarantineError(tr(CTX, "Write a note saying what was done about %1 %2 "
                                     "(e.g. fixed centrally, not needed centrally), then mark it "
                                     "resolved again.", e.table, e.row_key))
        if len(note) > 2000:
            raise QuarantineError(tr(CTX, "The note is too long (%1 characters; at most 2000). "
                                     "Shorten it.", len(note)))
        self._pending += 1
        return self._worker.submit(
            self._write_resolved, actor, e, note, {},
            on_done=lambda _r: self._action_done(tr(CTX, "%1 %2 marked resolved.", e.table,
                                                    e.row_key)),
            on_error=self._write_failed)

    def _write_resolved(self, actor: Actor, e: QuarantineEntry, note: str,
                        extra: dict) -> None:
        from sqlalchemy import update

        from hmi.store.models.sync import SyncQuarantine as Q

        now = self._clock()
        with self._sf.begin() as s:
            # The write first: it takes SQLite's write lock before anything is read (the sync
            # thread writes this store too), and only an open entry is changed.
            done = s.execute(update(Q).where(Q.id == uuid.UUID(e.id), Q.resolved_at.is_(None))
                             .values(resolved_at=now, resolved_by=actor.badge, resolution=note))
            if done.rowcount != 1:
                raise QuarantineError(tr(CTX, "%1 %2 was resolved meanwhile (by someone else). "
                                         "Nothing was changed.", e.table, e.row_key))
            self._audit.record(
                s, actor_badge=actor.badge, action=AUDIT_RESOLVED, entity="sync_quarantine",
                entity_id=e.id,
                old={"direction": e.direction, "table": e.table, "row_key": e.row_key,
                     "reason": e.reason, "attempts": e.attempts},
                new={"resolution": note, **extra},
                detail=f"{e.direction} {e.table} {e.row_key} resolved by {actor.label}: {note}")

    # ------------------------------------------------------------------ retry

    def retry(self, actor: Actor | None, entry_id: str) -> Future:
        """Send a refused station event again (``sync.resolve``).

        Returns a future that ends with the message for the screen, or fails with
        :class:`QuarantineError` (:class:`CentralUnreachable`: nothing changed;
        :class:`RefusedAgain`: the entry counts one more attempt). ``sig_done`` /
        ``sig_error`` say the same to the screen."""
        self._allowed(actor, "send again", entry_id)
        assert actor is not None
        e = self._open_entry(entry_id)
        if e.direction != "push":
            raise QuarantineError(tr(CTX, "%1 %2 is a central master-data version in conflict "
                                     "with the station's own: it cannot be sent again. Make a "
                                     "new version centrally (the station keeps its own), then "
                                     "mark this entry resolved.", e.table, e.row_key))
        if e.seq is None:
            raise QuarantineError(tr(CTX, "%1 %2 names no sequence number: it cannot be sent "
                                     "again. Mark it resolved with a note.", e.table, e.row_key))
        if self.standalone:
            raise QuarantineError(tr(CTX, "Sync with the central database is off at this "
                                     "station (no central_url): nothing can be sent."))
        result: Future = Future()
        self._pending += 1
        if self._net is None:
            self._net = ThreadPoolExecutor(1, thread_name_prefix="hmi-quarantine")
        net = self._net.submit(self._send_again, e)
        net.add_done_callback(lambda f: self._sig_hop.emit((actor, e, f, result)))
        return result

    def _open_central(self) -> Any:
        if self._connect is not None:
            return self._connect()
        import psycopg

        from hmi.sync.engine import central_conninfo

        pg = psycopg.connect(central_conninfo(self._url, self._password_file), autocommit=True,
                             connect_timeout=self._timeout,
                             application_name=f"hmi-retry {self.station_id}"[:63])
        pg.execute("SET TIME ZONE 'UTC'")
        pg.execute("SET synchronous_commit TO on")  # the entry is resolved after the commit
        return pg

    def _send_again(self, e: QuarantineEntry) -> Any:
        """On the retry thread: the central round trip only (no local write)."""
        import psycopg

        from hmi.sync.push import Pusher, SyncError, resend_row

        try:
            pg = self._open_central()
        except (psycopg.OperationalError, SyncError, OSError) as exc:
            raise CentralUnreachable(tr(
                CTX, "The central database is not reachable: %1; try again when the header "
                "shows online. Nothing was changed.", _first_line(exc))) from exc
        try:
            if self._pusher is None or self._pusher.station_id != self.station_id:
                self._pusher = Pusher(self._sf, self.station_id, self.peer)
            return resend_row(self._pusher, pg, e.table, int(e.seq))
        except psycopg.OperationalError as exc:
            raise CentralUnreachable(tr(
                CTX, "The central database is not reachable: %1; try again when the header "
                "shows online. Nothing was changed.", _first_line(exc))) from exc
        except SyncError as exc:
            raise QuarantineError(tr(CTX, "The row was not sent: %1. Nothing was changed.",
                                     exc)) from exc
        except psycopg.Error as exc:
            raise QuarantineError(tr(CTX, "The central database refused the retry: %1. "
                                     "Nothing was changed; check the station's central role.",
                                     _first_line(exc))) from exc
        finally:
            try:
                pg.close()
            except Exception:  # noqa: BLE001 - closing a dead link
                pass

    def _on_hop(self, args: tuple) -> None:
        """GUI thread: the central round trip is over; write what it means locally."""
        actor, e, net, result = args
        exc = net.exception()
        if exc is not None:
            self._pending -= 1
            if not isinstance(exc, QuarantineError):
                log.error("sending %s %s again failed", e.table, e.row_key, exc_info=exc)
                exc = QuarantineError(tr(CTX, "Sending %1 %2 again failed: %3. Nothing was "
                                         "changed.", e.table, e.row_key, _first_line(exc)))
            self.sig_error.emit(str(exc))
            result.set_exception(exc)
            return
        outcome = net.result()

        def done(message: str) -> None:
            self._action_done(message)
            result.set_result(message)

        def failed(err: BaseException) -> None:
            self._write_failed(err)
            result.set_exception(err if isinstance(err, QuarantineError)
                                 else QuarantineError(str(err)))

        self._worker.submit(self._write_outcome, actor, e, outcome,
                            on_done=done, on_error=failed)

    def _write_outcome(self, actor: Actor, e: QuarantineEntry, outcome: Any) -> str:
        """DB worker: resolve the entry (sent) or count the new refusal; audited either way."""
        if outcome.outcome in ("sent", "already_there"):
            self._write_resolved(actor, e, SENT_AGAIN, {"result": outcome.outcome})
            if outcome.outcome == "sent":
                return tr(CTX, "%1 %2 was sent again: the central database took it. Entry "
                          "resolved.", e.table, e.row_key)
            return tr(CTX, "%1 %2 was already at the central database (once). Entry resolved.",
                      e.table, e.row_key)
        from sqlalchemy import update

        from hmi.store.models.sync import SyncQuarantine as Q

        now = self._clock()
        reason = outcome.reason[:4000]
        with self._sf.begin() as s:
            done = s.execute(update(Q).where(Q.id == uuid.UUID(e.id), Q.resolved_at.is_(None))
                             .values(attempts=Q.attempts + 1, last_seen_at=now, reason=reason))
            if done.rowcount != 1:
                raise QuarantineError(tr(CTX, "%1 %2 was resolved meanwhile (by someone else).",
                                         e.table, e.row_key))
            self._audit.record(
                s, actor_badge=actor.badge, action=AUDIT_RETRY_REFUSED,
                entity="sync_quarantine", entity_id=e.id,
                old={"reason": e.reason, "attempts": e.attempts},
                new={"reason": reason, "attempts": e.attempts + 1},
                detail=f"{e.table} {e.row_key} sent again by {actor.label}, refused: {reason}")
        raise RefusedAgain(tr(CTX, "The central database refused %1 %2 again (%3). Fix the "
                              "cause centrally first, or mark the row resolved.",
                              e.table, e.row_key, reason))

    # ------------------------------------------------------------------ results

    def _action_done(self, message: str) -> None:
        self._pending -= 1
        self.sig_done.emit(message)
        self.refresh()

    def _write_done(self, _result: Any = None) -> None:
        self._pending -= 1

    def _write_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        if isinstance(exc, OperatorError):
            text = str(exc)
        else:
            log.error("refused-row write failed", exc_info=exc)
            text = tr(CTX, "Saving failed: %1. Nothing was changed; try again.", exc)
        self.sig_error.emit(text)
        self.refresh()

    def shutdown(self) -> None:
        if self._net is not None:
            self._net.shutdown(wait=True, cancel_futures=False)
            self._net = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


__all__ = ["CLOCK_SKEW_WARN_S", "SENT_AGAIN", "CentralUnreachable", "PermissionDenied",
           "QuarantineEntry", "QuarantineError", "QuarantineService", "RefusedAgain",
           "reason_in_words", "what_to_do"]
