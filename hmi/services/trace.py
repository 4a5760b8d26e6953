"""Genealogy at the station: traces and recall reports off the GUI thread.

:class:`TraceService` runs the Qt-free queries of :mod:`hmi.services.genealogy` on the
station's :class:`~hmi.services.worker.DbWorker` and hands the answers back on the GUI
thread, to the caller's ``on_done`` callback and as a signal:

``backward(identifier, on_done=None, *, kind=None, on_error=None) -> Future``
    Everything that went into a unit or lot (:class:`~hmi.services.genealogy.TraceTree`).
``forward(lot, page=0, on_done=None, *, kind=None, on_error=None) -> Future``
    Every lot and unit it reached: totals and one page of ``page_size``
    (:class:`~hmi.services.genealogy.ForwardResult`).
``recall(lot, actor, on_done=None, *, kind=None, on_error=None) -> Future``
    The recall report as CSV and PDF in ``reports_dir`` (:class:`RecallFiles`: the paths
    and the counts), recorded in the audit trail as ``trace.recall_report``.

``kind`` is ``"serial"`` or ``"lot"`` when the caller knows it (a GS1 label says which);
``None`` looks the code up, and a code that is unknown or both a serial and a lot is
refused with a :class:`~hmi.services.genealogy.TraceError` whose message says what to do.
A refusal goes to ``on_error(message)`` when one is given, else to ``sig_error``; an
unexpected failure (the store) is logged and reported the same way in words.

The recall report: the query runs on the DB worker; the files are then written on a
thread of their own (a PDF of thousands of rows takes seconds, and the DB worker must
keep recording production meanwhile), each to a temporary file renamed when complete;
last the audit entry is written on the DB worker. If that fails the files are removed,
so a report exists exactly when it is recorded. File names are made of the code and
the time (``recall-<code>-<YYYYmmddTHHMMSSZ>.csv``; characters other than letters,
digits, ``.``, ``_`` and ``-`` become ``_``) and never overwrite an earlier report.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services import genealogy as gen
from hmi.services.audit import AuditWriter
from hmi.services.genealogy import TraceError
from hmi.services.i18n import tr
from hmi.store.base import utcnow

log = logging.getLogger(__name__)

CTX = "trace"
#: Items per page of a forward trace on the panel.
DEFAULT_PAGE_SIZE = 25
#: Longest code kept in a report's file name.
MAX_NAME = 60
AUDIT_ACTION = "trace.recall_report"

__all__ = ["AUDIT_ACTION", "RecallFiles", "TraceError", "TraceService", "report_name"]


@dataclass(frozen=True)
class RecallFiles:
    """A recall report written to disk."""

    kind: str
    identifier: str
    csv: Path
    pdf: Path
    units: int
    lots: int
    orders: int
    #: Data rows in the CSV (one per affected unit or lot).
    rows: int
    scope: str
    generated_at: dt.datetime

    @property
    def folder(self) -> Path:
        return self.csv.parent


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def report_name(identifier: str, at: dt.datetime) -> str:
    """``recall-<code>-<UTC time>`` without extension, safe on every file system."""
    safe = _UNSAFE.sub("_", identifier.strip()).strip("._-")[:MAX_NAME] or "code"
    return f"recall-{safe}-{at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def _message(exc: BaseException) -> str:
    text = getattr(exc, "operator_message", None)
    if text:
        return str(text)
    return tr(CTX, "The trace could not be answered (%1: %2). Try again; if it fails again, "
                   "tell maintenance.", type(exc).__name__, exc)


class TraceService(QObject):
    """Backward and forward traces and recall reports for the station's screens."""

    sig_backward = Signal(object)  # TraceTree
    sig_forward = Signal(object)  # ForwardResult
    sig_recall = Signal(object)  # RecallFiles, once the files and the audit entry exist
    sig_error = Signal(str)  # a refusal or failure nobody asked to hear through on_error
    _sig_written = Signal(object, object, object)  # report thread → GUI thread

    def __init__(self, worker: Any, session_factory: Any, station_id: str, reports_dir: Path,
                 audit: AuditWriter | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, *,
                 page_size: int = DEFAULT_PAGE_SIZE, tz: dt.tzinfo = dt.UTC,
                 central: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._worker = worker
        self._sf = session_factory
        self.station_id = station_id
        self.reports_dir = Path(reports_dir)
        self._audit = audit
        self._clock = clock
        self.page_size = page_size
        self._tz = tz
        self._central = central
        self._files: ThreadPoolExecutor | None = None
        self._sig_written.connect(self._written)

    def shutdown(self) -> None:
        """Wait for a report being written (call before the DB worker shuts down)."""
        if self._files is not None:
            self._files.shutdown(wait=True)
            self._files = None

    # -- plumbing ------------------------------------------------------------------
    def _fail(self, on_error: Callable[[str], None] | None) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            if not isinstance(exc, TraceError):
                log.error("trace failed", exc_info=exc)
            text = _message(exc)
            if on_error is not None:
                on_error(text)
            else:
                self.sig_error.emit(text)
        return failed

    def _done(self, signal: Any, on_done: Callable[[Any], None] | None) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if on_done is not None:
                on_done(result)
            signal.emit(result)
        return done

    @staticmethod
    def _code(identifier: str) -> str:
        code = (identifier or "").strip()
        if not code:
            raise TraceError(tr(CTX, "No code given: scan the label of the unit or lot, or "
                                     "type its number."))
        return code

    def _kind(self, session: Any, code: str, kind: str | None) -> str:
        # the same look-up (and refusals) as backward(kind=None)
        return gen.resolve_kind(session, code, kind)

    # -- traces --------------------------------------------------------------------
    def backward(self, identifier: str, on_done: Callable[[Any], None] | None = None, *,
                 kind: str | None = None,
                 on_error: Callable[[str], None] | None = None) -> Future:
        """Everything that went into ``identifier`` (a :class:`genealogy.TraceTree`)."""
        def run() -> Any:
            code = self._code(identifier)
            with self._sf() as s:
                return gen.backward(s, code, kind, central=self._central)

        return self._worker.submit(run, on_done=self._done(self.sig_backward, on_done),
                                   on_error=self._fail(on_error))

    def forward(self, lot: str, page: int = 0, on_done: Callable[[Any], None] | None = None, *,
                kind: str | None = None,
                on_error: Callable[[str], None] | None = None) -> Future:
        """Page ``page`` (0-based) of everything ``lot`` reached (a :class:`ForwardResult`)."""
        def run() -> Any:
            code = self._code(lot)
            with self._sf() as s:
                k = self._kind(s, code, kind)
                result = gen.forward(s, code, page, self.page_size, kind=k,
                                     central=self._central)
                if page > 0 and not result.items and result.total:
                    # the last page shrank (or a stale page number): show the last one
                    last = result.pages - 1
                    result = gen.forward(s, code, last, self.page_size, kind=k,
                                         central=self._central)
                return result

        return self._worker.submit(run, on_done=self._done(self.sig_forward, on_done),
                                   on_error=self._fail(on_error))

    # -- recall report ---------------------------------------------------------------
    def recall(self, lot: str, actor: Any, on_done: Callable[[Any], None] | None = None, *,
               kind: str | None = None,
               on_error: Callable[[str], None] | None = None) -> Future:
        """Write the recall report of ``lot`` (CSV and PDF) and record who made it.

        Returns the future of the query; ``on_done(RecallFiles)`` once the files are
        written and the audit entry is committed."""
        failed = self._fail(on_error)
        if actor is None:
            fut: Future = Future()
            exc = TraceError(tr(CTX, "Nobody is logged in. Log in with your badge to make a "
                                     "recall report: the audit trail records who made it."))
            fut.set_exception(exc)
            failed(exc)
            return fut
        at = self._clock()

        def query() -> Any:
            code = self._code(lot)
            with self._sf() as s:
                k = self._kind(s, code, kind)
                return gen.recall_report(s, code, kind=k, central=self._central)

        def queried(recall: Any) -> None:
            if self._files is None:
                self._files = ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix="hmi-report")
            f = self._files.submit(self._write_files, recall, at)
            f.add_done_callback(lambda f: self._sig_written.emit(
                (recall, actor, on_done), failed, f))

        return self._worker.submit(query, on_done=queried, on_error=failed)

    def _write_files(self, recall: Any, at: dt.datetime) -> tuple[Path, Path]:
        """Both files, under names no earlier report has (report thread)."""
        folder = self.reports_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TraceError(tr(CTX, "The report folder %1 cannot be made (%2). Tell "
                                     "maintenance; nothing was written.", folder,
                                exc.strerror or exc)) from exc
        base = report_name(recall.identifier, at)
        n = 1
        while True:
            stem = base if n == 1 else f"{base}-{n}"
            csv_path, pdf_path = folder / f"{stem}.csv", folder / f"{stem}.pdf"
            if not csv_path.exists() and not pdf_path.exists():
                break
            n += 1
        try:
            gen.write_csv(recall, csv_path, tz=self._tz)
            gen.write_pdf(recall, pdf_path, tz=self._tz)
        except OSError as exc:
            csv_path.unlink(missing_ok=True)
            pdf_path.unlink(missing_ok=True)
            raise TraceError(tr(CTX, "The recall report could not be written to %1 (%2). "
                                     "Check the disk and try again; nothing was kept.",
                                folder, exc.strerror or exc)) from exc
        return csv_path, pdf_path

    def _written(self, request: tuple[Any, Any, Any], failed: Callable[[BaseException], None],
                 fut: Future) -> None:
        """Files done (GUI thread): record them in the audit trail on the DB worker."""
        recall, actor, on_done = request
        exc = fut.exception()
        if exc is not None:
            failed(exc)
            return
        csv_path, pdf_path = fut.result()
        files = RecallFiles(
            kind=recall.kind, identifier=recall.identifier, csv=csv_path, pdf=pdf_path,
            units=recall.total_units, lots=recall.total_lots, orders=len(recall.orders),
            rows=len(recall.items), scope=recall.scope, generated_at=recall.generated_at)

        def record() -> RecallFiles:
            if self._audit is not None:
                with self._sf.begin() as s:
                    self._audit.record(
                        s, actor_badge=actor.badge, action=AUDIT_ACTION, entity=files.kind,
                        entity_id=files.identifier,
                        new={"csv": str(files.csv), "pdf": str(files.pdf),
                             "units": files.units, "lots": files.lots,
                             "orders": files.orders, "rows": files.rows},
                        detail=tr(CTX, "Recall report of %1 %2: %3 units, %4 lots.",
                                  files.kind, files.identifier, files.units, files.lots))
            return files

        def unrecorded(exc: BaseException) -> None:
            # not in the audit trail: the report must not exist either
            files.csv.unlink(missing_ok=True)
            files.pdf.unlink(missing_ok=True)
            failed(exc)

        self._worker.submit(record, on_done=self._done(self.sig_recall, on_done),
                            on_error=unrecorded)
