"""The durable print queue: label jobs that survive an absent printer and a station restart.

Public API (design and guarantees: docs/labels.md):

* :class:`PrintQueue(spool_path, *, out_dir=None, renderer=None, confirm=True, …)` — a
  QObject living on the event-loop (GUI) thread.

  - ``enqueue_zpl(printer, zpl, *, title="") -> str`` — a raw ZPL job for the
    network printer ``printer`` (``"host:port"``); returns the job's uid. On
    return the job is on disk (committed, ``synchronous=FULL``).
  - ``enqueue_file(kind, payload, *, name, title="") -> str`` — a ``"pdf"`` or
    ``"png"`` job: ``renderer(kind, payload, path)`` draws ``payload`` (a JSON
    dict, e.g. ``hmi.services.labels.render_data``) into ``path``; the file
    appears in ``out_dir`` atomically, so "print to file" is durable too.
  - ``start()`` starts delivery on the running asyncio loop; ``await aclose()``
    (or ``close()``) stops it and closes the spool.
  - ``jobs(states=None, limit=200) -> list[PrintJob]``, ``job(uid)``,
    ``printer_status(target) -> (online, reason) | None``.
  - operator actions on a failed job: ``retry(uid)`` (send again),
    ``mark_printed(uid)`` (the label did come out), ``cancel(uid)`` (a queued or
    failed job is dropped, kept as failed "cancelled").
  - ``await wait_idle(timeout)`` — until nothing is queued or being sent.
  - signals: ``queue_changed()``, ``printer_state(target, online, reason)``,
    ``job_failed(uid, reason)``, ``job_done(uid)``.

* :class:`PrintJob` — a job as stored; :class:`JobState` — queued, sending, done, failed.
* :func:`wire_bytes(zpl, uid, marker)` — exactly what goes to the printer for a ZPL job.

The spool is a small SQLite file of its own (WAL, ``synchronous=FULL``, schema
made at open, ``PRAGMA user_version``), not the event store: like the process
history it is a device-side buffer, local to the station, never synced, with
rows that change state (an event table may not), and it must keep working
while the event store is busy or being migrated. What was printed for which
unit belongs in the event store, written by the caller.

Delivery is one job at a time per destination (each printer, and the output
folder), in the order they were queued. A printer that cannot be reached
keeps its jobs queued and is retried with backoff (``backoff`` first delay,
doubling to ``backoff_cap``); the other destinations go on.

A ZPL job is marked done only after every byte was written and the connection
ended cleanly: the station half-closes after the last byte and the printer
closes its side in turn (it read everything). Raw port 9100 has no acknowledgement, so each job carries
its uid in a ``^FX`` comment and ends with a *marker*: an empty stored format
``R:MJxxxxxx.ZPL`` written to the printer's RAM drive right after the label's
``^XZ`` (every job first deletes older markers with ``^IDR:MJ*.ZPL``). A job
whose send may have reached the printer but was not confirmed (the link broke
after connecting, or the station stopped in the middle) is *in doubt*; before
anything else goes to that printer, the queue asks the printer for the marker
with ``^HWR:MJxxxxxx.ZPL`` (host directory list): there → done without
resending; absent → resent; no answer (a printer without ``^HW``, or
``confirm=False``) → failed "in doubt" for a person to decide (``retry`` or
``mark_printed``) — never resent on a guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import json
import logging
import os
import re
import secrets
import sqlite3
import string
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.devices.labelprinter import (
    PrinterError,
    PrinterTimeout,
    RawPrinterLink,
    parse_target,
)
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr

__all__ = ["FILE_TARGET", "JobState", "PrintJob", "PrintQueue", "Renderer", "wire_bytes"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: The destination of PDF/PNG jobs (the output folder).
FILE_TARGET = "file"
#: ``renderer(kind, payload, path)`` writes a ``"pdf"``/``"png"`` job's file at ``path``.
Renderer = Callable[[str, Mapping[str, Any], Path], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('zpl', 'pdf', 'png')),
    target TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    marker TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'failed')),
    -- within 'sending': 'connecting' (nothing can have reached the printer yet) or
    -- 'transmitting' (bytes may have gone out: in doubt until confirmed)
    stage TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    output_path TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS job_open ON job (state, target, id);
"""

_MARKER_ALPHABET = string.ascii_uppercase + string.digits
#: Marker files are R:MJ<6 chars>.ZPL (ZPL object names have at most 8 characters).
_MARKER_PREFIX = "MJ"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintJob:
    """One job as stored in the spool."""

    id: int
    uid: str
    kind: str
    target: str
    title: str
    state: JobState
    stage: str | None
    attempts: int
    reason: str | None
    output_path: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    done_at: dt.datetime | None

    @property
    def in_doubt(self) -> bool:
        """The job may or may not have printed (sent, not confirmed)."""
        return self.state == JobState.SENDING and self.stage == "transmitting"


def wire_bytes(zpl: str, uid: str, marker: str) -> bytes:
    """What goes to the printer for one ZPL job: old markers deleted, the label with its
    uid in a ``^FX`` comment, then this job's marker (stored only once the label was read)."""
    body = zpl.strip()
    at = body.find("^XA")
    body = body[: at + 3] + f"^FXmes-job:{uid}" + body[at + 3 :]
    return (
        f"^XA^IDR:{_MARKER_PREFIX}*.ZPL^FS^XZ\n"
        f"{body}\n"
        f"^XA^DFR:{marker}.ZPL^FS^XZ\n"
    ).encode()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds")


def _new_marker() -> str:
    return _MARKER_PREFIX + "".join(secrets.choice(_MARKER_ALPHABET) for _ in range(6))


class PrintQueue(QObject):
    """The durable print queue. All methods run on the loop (GUI) thread."""

    queue_changed = Signal()
    printer_state = Signal(str, bool, str)
    job_failed = Signal(str, str)
    job_done = Signal(str)

    def __init__(
        self,
        spool_path: str | Path,
        *,
        out_dir: str | Path | None = None,
        renderer: Renderer | None = None,
        confirm: bool = True,
        connect_timeout: float = 3.0,
        send_timeout: float = 10.0,
        query_timeout: float = 3.0,
        backoff: float = 0.5,
        backoff_cap: float = 30.0,
        keep_done: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = Path(spool_path)
        self._out_dir = Path(out_dir) if out_dir is not None else None
        self._renderer = renderer
        self._confirm = confirm
        self._timeouts = {"connect_timeout": connect_timeout, "send_timeout": send_timeout}
        self._query_timeout = query_timeout
        self._backoff0 = backoff
        self._backoff_cap = backoff_cap
        self._keep_done = keep_done
        #: per destination: (monotonic time it may be tried again, current delay)
        self._backoff: dict[str, tuple[float, float]] = {}
        self._status: dict[str, tuple[bool, str]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._db = self._open(self._path)

    # ------------------------------------------------------------------ spool

    def _open(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            db.close()
            raise OperatorError(
                tr(
                    "PrintQueue",
                    "The print spool %1 was written by a newer version of the station. "
                    "Update the station software or move the file aside.",
                    path,
                )
            )
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        # Keep the spool small: only the newest finished jobs are kept.
        db.execute(
            "DELETE FROM job WHERE state = 'done' AND id NOT IN "
            "(SELECT id FROM job WHERE state = 'done' ORDER BY id DESC LIMIT ?)",
            (self._keep_done,),
        )
        return db

    def _update(self, job_id: int, **cols: Any) -> None:
        cols["updated_at"] = _iso(_now())
        sets = ", ".join(f"{k} = ?" for k in cols)
        self._db.execute(f"UPDATE job SET {sets} WHERE id = ?", (*cols.values(), job_id))

    _COLS = "id, uid, kind, target, title, state, stage, attempts, reason, output_path, created_at, updated_at, done_at"

    @staticmethod
    def _row(r: tuple[Any, ...]) -> PrintJob:
        return PrintJob(
            id=r[0], uid=r[1], kind=r[2], target=r[3], title=r[4], state=JobState(r[5]),
            stage=r[6], attempts=r[7], reason=r[8], output_path=r[9],
            created_at=dt.datetime.fromisoformat(r[10]),
            updated_at=dt.datetime.fromisoformat(r[11]),
            done_at=dt.datetime.fromisoformat(r[12]) if r[12] else None,
        )

    def jobs(self, states: Iterable[JobState | str] | None = None, limit: int = 200) -> list[PrintJob]:
        """Jobs, newest first (``states`` filters)."""
        sql = f"SELECT {self._COLS} FROM job"
        args: list[Any] = []
        if states is not None:
            st = [str(s) for s in states]
            sql += f" WHERE state IN ({', '.join('?' * len(st))})"
            args += st
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        return [self._row(r) for r in self._db.execute(sql, args)]

    def job(self, uid: str) -> PrintJob | None:
        r = self._db.execute(f"SELECT {self._COLS} FROM job WHERE uid = ?", (uid,)).fetchone()
        return self._row(r) if r else None

    def printer_status(self, target: str) -> tuple[bool, str] | None:
        """(online, reason) as last seen, or None before the first attempt."""
        return self._status.get(target)

    # ------------------------------------------------------------------ enqueue

    def _insert(self, kind: str, target: str, title: str, payload: str) -> str:
        uid = str(uuid.uuid4())
        now = _iso(_now())
        self._db.execute(
            "INSERT INTO job (uid, kind, target, title, payload, marker, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
            (uid, kind, target, title, payload, _new_marker(), now, now),
        )
        self._changed()
        return uid

    def enqueue_zpl(self, printer: str, zpl: str, *, title: str = "") -> str:
        """Queue raw ZPL for the printer at ``printer`` (``host:port``). Durable on return."""
        try:
            host, port = parse_target(printer)
        except ValueError:
            raise OperatorError(
                tr("PrintQueue", "The printer address %1 is not host:port (for example 10.0.0.5:9100). "
                   "Correct the station's label printer setting.", printer)
            ) from None
        text = zpl.strip()
        if not text.startswith("^XA") or not text.endswith("^XZ"):
            raise OperatorError(
                tr("PrintQueue", "The label for %1 is not ZPL (it must start with ^XA and end with ^XZ); "
                   "nothing was queued.", title or printer)
            )
        target = RawPrinterLink(host, port).target
        return self._insert("zpl", target, title, text)

    def enqueue_file(self, kind: str, payload: Mapping[str, Any], *, name: str, title: str = "") -> str:
        """Queue a PDF or PNG label to be drawn into the output folder. Durable on return."""
        if kind not in ("pdf", "png"):
            raise OperatorError(tr("PrintQueue", "A label file is PDF or PNG, not %1.", kind))
        if self._out_dir is None or self._renderer is None:
            raise OperatorError(
                tr("PrintQueue", "Printing to a file is not set up at this station (no output folder).")
            )
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "label"
        body = json.dumps({"name": safe[:80], "data": dict(payload)}, sort_keys=True, default=str)
        return self._insert(kind, FILE_TARGET, title, body)

    # ------------------------------------------------------------------ operator actions

    def _need(self, uid: str, states: tuple[JobState, ...]) -> PrintJob:
        job = self.job(uid)
        if job is None:
            raise OperatorError(tr("PrintQueue", "There is no print job %1.", uid))
        if job.state not in states:
            raise OperatorError(
                tr("PrintQueue", "Print job %1 is %2; this is only possible for a %3 job.",
                   job.title or uid, job.state.value, " / ".join(s.value for s in states))
            )
        return job

    def retry(self, uid: str) -> None:
        """Send a failed job again (the person decided it did not print)."""
        job = self._need(uid, (JobState.FAILED,))
        self._update(job.id, state="queued", stage=None, reason=None)
        self._backoff.pop(job.target, None)
        self._changed()

    def mark_printed(self, uid: str) -> None:
        """A failed (in doubt) job did print: close it without sending."""
        job = self._need(uid, (JobState.FAILED,))
        self._update(job.id, state="done", stage=None, reason="marked printed by the operator",
                     done_at=_iso(_now()))
        self._changed()
        self.job_done.emit(uid)

    def cancel(self, uid: str) -> None:
        """Drop a queued or failed job (kept in the spool as failed "cancelled")."""
        job = self._need(uid, (JobState.QUEUED, JobState.FAILED))
        self._update(job.id, state="failed", stage=None, reason="cancelled")
        self._changed()

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start delivering on the current asyncio loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
            self._wake.set()

    async def aclose(self) -> None:
        """Stop delivering (a send in progress is abandoned and stays in doubt) and close the spool."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._db.close()

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._db.close()

    async def wait_idle(self, timeout: float) -> None:
        """Until no job is queued or being sent (failed and done ones do not count)."""
        async with asyncio.timeout(timeout):
            while self._open_count():
                await asyncio.sleep(0.02)

    def _open_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM job WHERE state IN ('queued', 'sending')").fetchone()[0]

    def _changed(self) -> None:
        self._wake.set()
        self.queue_changed.emit()

    # ------------------------------------------------------------------ delivery

    def _heads(self) -> list[tuple[int, str, str, str, str, str | None, int, str]]:
        """The oldest open job of each destination, oldest first."""
        return self._db.execute(
            "SELECT j.id, j.uid, j.kind, j.target, j.state, j.stage, j.attempts, j.marker FROM job j "
            "JOIN (SELECT target, min(id) AS id FROM job WHERE state IN ('queued', 'sending') "
            "GROUP BY target) h ON h.id = j.id ORDER BY j.id"
        ).fetchall()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
            ready, soonest = None, None
            for head in self._heads():
                until = self._backoff.get(head[3], (0.0, 0.0))[0]
                if until <= now:
                    ready = head
                    break
                soonest = until if soonest is None else min(soonest, until)
            if ready is None:
                wait = None if soonest is None else max(0.0, soonest - now)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            try:
                await self._deliver(*ready)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not stop the queue for good
                log.exception("print job %s: unexpected error", ready[1])
                self._delay(ready[3])

    def _delay(self, target: str) -> None:
        _, delay = self._backoff.get(target, (0.0, 0.0))
        delay = self._backoff0 if not delay else min(self._backoff_cap, delay * 2)
        self._backoff[target] = (time.monotonic() + delay, delay)

    def _set_status(self, target: str, online: bool, reason: str = "") -> None:
        if self._status.get(target) != (online, reason):
            self._status[target] = (online, reason)
            self.printer_state.emit(target, online, reason)

    def _fail(self, job_id: int, uid: str, reason: str) -> None:
        self._update(job_id, state="failed", stage=None, reason=reason)
        self._changed()
        self.job_failed.emit(uid, reason)

    def _done(self, job_id: int, uid: str, reason: str | None = None, output_path: str | None = None) -> None:
        self._update(job_id, state="done", stage=None, reason=reason, output_path=output_path,
                     done_at=_iso(_now()))
        self._changed()
        self.job_done.emit(uid)

    async def _deliver(
        self, job_id: int, uid: str, kind: str, target: str, state: str, stage: str | None,
        attempts: int, marker: str,
    ) -> None:
        if kind == "zpl":
            await self._deliver_zpl(job_id, uid, target, stage, attempts, marker)
        else:
            self._deliver_file(job_id, uid, kind, attempts)

    async def _deliver_zpl(
        self, job_id: int, uid: str, target: str, stage: str | None, attempts: int, marker: str
    ) -> None:
        link = RawPrinterLink.from_target(target, **self._timeouts)
        if stage == "transmitting":
            # In doubt: an earlier attempt may have reached the printer.
            if not self._confirm:
                self._fail(job_id, uid, self._doubt_reason(target))
                return
            try:
                printed = await self._marker_present(link, marker)
            except PrinterError as exc:
                if isinstance(exc, PrinterTimeout) and exc.stage != "connecting":
                    # Connected, but no directory list came back: this printer cannot confirm.
                    self._set_status(target, True)
                    self._fail(job_id, uid, self._doubt_reason(target))
                else:
                    self._set_status(target, False, exc.operator_message)
                    self._delay(target)
                return
            self._set_status(target, True)
            if printed:
                log.info("print job %s: the printer confirms it was received before the interruption", uid)
                self._done(job_id, uid, reason="confirmed by the printer after an interrupted send")
                self._backoff.pop(target, None)
                return
            log.info("print job %s: the printer never received it completely; sending again", uid)

        payload = self._db.execute("SELECT payload FROM job WHERE id = ?", (job_id,)).fetchone()[0]
        data = wire_bytes(payload, uid, marker)
        self._update(job_id, state="sending", stage="connecting", attempts=attempts + 1)
        self._changed()
        try:
            conn = await link.connect()
        except PrinterError as exc:
            # Nothing left the station: the job is simply queued again.
            self._update(job_id, state="queued", stage=None, reason=exc.operator_message)
            self._set_status(target, False, exc.operator_message)
            self._delay(target)
            self._changed()
            return
        try:
            self._update(job_id, stage="transmitting")
            await conn.send_all(data)
            await conn.finish()
        except PrinterError as exc:
            # In doubt: stays 'sending/transmitting'; the next round asks the printer first.
            self._update(job_id, reason=exc.operator_message)
            self._set_status(target, False, exc.operator_message)
            self._delay(target)
            self._changed()
            return
        finally:
            if not conn._closed:
                conn.abort()
        self._backoff.pop(target, None)
        self._set_status(target, True)
        self._done(job_id, uid)

    def _doubt_reason(self, target: str) -> str:
        return tr(
            "PrintQueue",
            "This label may or may not have printed on %1 (the connection broke while it was "
            "sent and the printer cannot confirm). Look at the printer: reprint it, or mark it printed.",
            target,
        )

    async def _marker_present(self, link: RawPrinterLink, marker: str) -> bool:
        answer = await link.query(f"^XA^HWR:{marker}.ZPL^XZ\n".encode(), timeout=self._query_timeout)
        return marker.encode().upper() in answer.upper()

    def _deliver_file(self, job_id: int, uid: str, kind: str, attempts: int) -> None:
        assert self._out_dir is not None and self._renderer is not None
        body = json.loads(self._db.execute("SELECT payload FROM job WHERE id = ?", (job_id,)).fetchone()[0])
        final = self._out_dir / f"{job_id:06d}-{body['name']}.{kind}"
        self._update(job_id, state="sending", stage="writing", attempts=attempts + 1)
        if final.exists():
            # Written completely (atomic rename) before the station stopped: do not write twice.
            self._done(job_id, uid, output_path=str(final))
            return
        tmp = final.with_name(final.name + ".part")
        try:
            self._out_dir.mkdir(parents=True, exist_ok=True)
            self._renderer(kind, body["data"], tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
                dfd = os.open(self._out_dir, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        except OSError as exc:
            reason = tr("PrintQueue", "The label file could not be written to %1 (%2); it is retried.",
                        self._out_dir, exc.strerror or exc)
            self._update(job_id, state="queued", stage=None, reason=reason)
            self._set_status(FILE_TARGET, False, reason)
            self._delay(FILE_TARGET)
            self._changed()
            return
        except Exception as exc:  # the renderer refused the data: retrying will not help
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._fail(job_id, uid, tr("PrintQueue", "The label could not be drawn: %1", exc))
            return
        self._backoff.pop(FILE_TARGET, None)
        self._set_status(FILE_TARGET, True)
        self._done(job_id, uid, output_path=str(final))
