"""Labels for what the station makes, sent through the durable print queue.

:class:`LabelService` turns produced units into label jobs (docs/labels.md, "At the station"):

* ``on_units_written(units)`` — connected to ``MaterialService.sig_units_written``
  (units already committed to the store). With ``print_on = "unit"`` every *good*
  serial unit gets one label at once; scrapped units, lots and the other modes get
  nothing here.
* ``print_lot(actor, order_code, lot, quantity=None)`` — a lot label on demand (or at
  order completion with ``print_on = "lot"``); the count is the lot's good units in
  the store unless given.
* ``reprint(actor, identifier)`` — the label of a serial or lot made here again.
* ``retry(actor, uid)`` / ``mark_printed(actor, uid)`` — a person's decision on a
  failed job ("may or may not have printed").

The label says product name, code, serial or lot, quantity, date and order; with a
product GTIN the barcode is GS1-128 (01 GTIN + 21 serial, or 01 + 10 lot + 30 count),
otherwise a Code 128 of the identifier (``hmi.services.labels``). With
``printer = "host:port"`` a ZPL job goes to the network printer, otherwise a PDF/PNG
job is drawn into the output folder by the renderer the app gave the queue.

Printing never holds production up: a job is committed to the spool (one SQLite
INSERT with fsync, about 1–3 ms) and the call returns; delivery runs on the event
loop, and a printer that is away only makes the jobs wait. Product names and GTINs
are read from the master data once (``reload``) so a unit's label needs no SQL.

Operator actions need a logged-in person (``production.view``); every label made
(automatic ones per batch) is recorded in the audit trail on the DB worker —
``label.printed``, ``label.reprinted``, ``label.retried``, ``label.marked_printed`` —
because the spool is a device buffer, not a record. Job uids in those entries tie
them to the spool.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hmi.devices.labelprinter import RawPrinterLink, parse_target
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.labels import LabelData, LabelError, ZplLayout, render_data, zpl
from hmi.services.permissions import PRODUCTION_VIEW, Actor, require
from hmi.services.printqueue import FILE_TARGET, PrintJob, PrintQueue

__all__ = [
    "LabelJob",
    "LabelRefused",
    "LabelService",
    "LabelSettings",
    "PrinterState",
    "ProductInfo",
    "title_of",
]

log = logging.getLogger(__name__)

CTX = "labels"
#: How many jobs the screen gets (newest first).
SHOWN_JOBS = 60
#: Title of a job: "<identifier> · <product code> · <quantity>" (the identifier first).
_SEP = " · "
#: An enqueue slower than this is logged (it runs on the GUI thread).
SLOW_ENQUEUE_MS = 50.0
#: At start, units stored this long before the newest label job are checked for a label.
CATCH_UP_WINDOW = dt.timedelta(minutes=10)
#: Spool jobs looked at for that check (the spool keeps the newest 1000 done jobs).
CATCH_UP_JOBS = 1000


class LabelRefused(OperatorError):
    """A label could not be made or queued; the message says why and what to do."""


@dataclass(frozen=True)
class LabelSettings:
    """The ``[labels]`` settings the service needs, as plain values."""

    print_on: str = "demand"  # "unit" | "lot" | "demand"
    printer: str = ""  # "host:port"; "" = files
    file_format: str = "pdf"  # "pdf" | "png"
    width_mm: float = 100.0
    height_mm: float = 50.0
    dpi: int = 203

    @classmethod
    def of(cls, section: Any) -> LabelSettings:
        """From a ``LabelsSection`` (or anything with those attributes, or a mapping)."""
        if isinstance(section, LabelSettings):
            return section
        get = section.get if isinstance(section, Mapping) else (
            lambda k, d: getattr(section, k, d))
        d = cls()
        return cls(print_on=str(get("print_on", d.print_on)), printer=str(get("printer", d.printer) or ""),
                   file_format=str(get("file_format", d.file_format)),
                   width_mm=float(get("width_mm", d.width_mm)),
                   height_mm=float(get("height_mm", d.height_mm)), dpi=int(get("dpi", d.dpi)))


@dataclass(frozen=True)
class ProductInfo:
    code: str
    name: str
    unit: str
    gtin: str | None
    tracking: str


@dataclass(frozen=True)
class PrinterState:
    """Where labels go and whether it answered last time (``online`` None: not tried yet)."""

    target: str
    online: bool | None
    reason: str = ""
    is_file: bool = False


@dataclass(frozen=True)
class LabelJob:
    """One print job as the screen shows it."""

    uid: str
    identifier: str
    product_code: str
    quantity_text: str
    kind: str  # zpl | pdf | png
    target: str
    state: str  # queued | sending | done | failed
    in_doubt: bool  # sending, bytes may have reached the printer, not confirmed yet
    reason: str
    attempts: int
    created_at: dt.datetime
    updated_at: dt.datetime
    output_path: str | None

    @property
    def cancelled(self) -> bool:
        return self.state == "failed" and self.reason == "cancelled"

    @property
    def needs_person(self) -> bool:
        """Failed: a person decides (retry, or — for a printer job — mark it printed)."""
        return self.state == "failed" and not self.cancelled


def title_of(identifier: str, product_code: str, quantity_text: str = "") -> str:
    """A job's title: identifier, product code and (lots) quantity; the screen splits it."""
    return _SEP.join((identifier, product_code, quantity_text) if quantity_text
                     else (identifier, product_code))


def _job(j: PrintJob) -> LabelJob:
    parts = j.title.split(_SEP)
    return LabelJob(
        uid=j.uid, identifier=parts[0] if parts else "", product_code=parts[1] if len(parts) > 1 else "",
        quantity_text=parts[2] if len(parts) > 2 else "", kind=j.kind, target=j.target,
        state=j.state.value, in_doubt=j.in_doubt, reason=j.reason or "", attempts=j.attempts,
        created_at=j.created_at, updated_at=j.updated_at, output_path=j.output_path)


@dataclass(frozen=True)
class _Stored:
    """A stored unit read back at start (the fields of ``materials.WrittenUnit`` used here)."""

    kind: str
    identifier: str
    product_code: str
    order_code: str
    good: bool
    at: dt.datetime


@dataclass(frozen=True)
class _Found:
    """What the store says about a serial or lot (worker → GUI thread)."""

    kind: str
    identifier: str
    product: ProductInfo
    order_code: str
    quantity: Decimal
    at: dt.datetime


class LabelService(QObject):
    #: list[LabelJob], newest first (the print queue changed)
    sig_jobs_changed = Signal(object)
    #: PrinterState (online / away + why)
    sig_printer_state = Signal(object)
    #: str: a label job failed or could not be made — for the red banner
    sig_job_failed = Signal(str)
    #: str: an on-demand label was queued (confirmation for the panel)
    sig_queued = Signal(str)
    #: str: an on-demand label was refused after a look-up, or recording failed
    sig_error = Signal(str)

    def __init__(self, queue: PrintQueue, settings: Any, worker: Any, session_factory: Any,
                 audit: Any, *, clock: Callable[[], dt.datetime] | None = None,
                 tz: dt.tzinfo | None = None, captions: Mapping[str, str] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self.settings = LabelSettings.of(settings)
        self._worker = worker
        self._sf = session_factory
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._tz = tz
        self._captions = dict(captions) if captions is not None else {
            "serial": tr(CTX, "Serial"), "lot": tr(CTX, "Lot"), "quantity": tr(CTX, "Qty"),
            "date": tr(CTX, "Date"), "order": tr(CTX, "Order"), "expiry": tr(CTX, "Use by")}
        s = self.settings
        if s.print_on not in ("unit", "lot", "demand"):
            raise ValueError(f"print_on must be unit, lot or demand, not {s.print_on!r}")
        bad_address = ""
        if s.printer:
            try:
                host, port = parse_target(s.printer)
                self.target = RawPrinterLink(host, port).target
            except ValueError:
                # The station keeps running; every label says why it cannot be queued.
                self.target = s.printer
                bad_address = tr(CTX, "The label printer address %1 is not host:port (for "
                                 "example 10.0.0.5:9100). Correct [labels] printer in the "
                                 "station file.", s.printer)
        else:
            if s.file_format not in ("pdf", "png"):
                raise ValueError(f"file_format must be pdf or png, not {s.file_format!r}")
            self.target = FILE_TARGET
        self._layout = ZplLayout(width_in=s.width_mm / 25.4, height_in=s.height_mm / 25.4, dpi=s.dpi)
        self._products: dict[str, ProductInfo] | None = None
        self._waiting: list[Any] = []  # units written before the products were read
        self._reloading = False
        self._closed = False
        self._busy = 0
        #: milliseconds per enqueue (GUI thread), the most recent ones
        self.enqueue_ms: deque[float] = deque(maxlen=500)
        self._state = PrinterState(self.target, False if bad_address else None, bad_address,
                                   self.target == FILE_TARGET)
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(0)
        self._emit_timer.timeout.connect(self._emit_jobs)
        queue.queue_changed.connect(self._emit_timer.start)
        queue.printer_state.connect(self._on_printer_state)
        queue.job_failed.connect(self._on_job_failed)
        status = queue.printer_status(self.target)
        if status is not None:
            self._state = PrinterState(self.target, status[0], status[1], self.target == FILE_TARGET)

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        """A look-up or an audit write is running on the worker."""
        return self._busy > 0

    @property
    def ready(self) -> bool:
        return self._products is not None

    def printer_state(self) -> PrinterState:
        return self._state

    def jobs(self, limit: int = SHOWN_JOBS) -> list[LabelJob]:
        """This station's label jobs, newest first."""
        return [_job(j) for j in self._queue.jobs(limit=limit)]

    def _emit_jobs(self) -> None:
        if self._closed:
            return
        self.sig_jobs_changed.emit(self.jobs())

    def shutdown(self) -> None:
        """Stop following the queue (call before the queue is closed)."""
        self._closed = True
        self._emit_timer.stop()

    def _on_printer_state(self, target: str, online: bool, reason: str) -> None:
        if target != self.target:
            return
        self._state = PrinterState(target, online, reason, target == FILE_TARGET)
        self.sig_printer_state.emit(self._state)

    def _on_job_failed(self, uid: str, reason: str) -> None:
        job = self._queue.job(uid)
        ident = _job(job).identifier if job is not None else uid
        self.sig_job_failed.emit(tr(CTX, "Label %1: %2", ident, reason))

    def _submit(self, fn: Callable[..., Any], *args: Any,
                on_done: Callable[[Any], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None) -> Future:
        self._busy += 1

        def done(res: Any) -> None:
            self._busy -= 1
            if on_done is not None:
                on_done(res)

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            if on_error is not None:
                on_error(exc)
            else:
                log.error("label task failed", exc_info=exc)
                self.sig_error.emit(str(getattr(exc, "operator_message", None) or exc))

        return self._worker.submit(fn, *args, on_done=done, on_error=failed)

    # ------------------------------------------------------------------ master data
    def reload(self) -> Future:
        """Read product names, units and GTINs (released versions, newest) on the worker.

        With ``print_on = "unit"`` it also catches up after a crash: good serial units this
        station stored from shortly before the newest label job on, that have no job in the
        spool, get their label now (the station may have stopped between storing a batch
        and queueing its labels). A spool without jobs (first use) catches up nothing."""
        since: dt.datetime | None = None
        known: set[str] = set()
        if self.settings.print_on == "unit":
            jobs = self._queue.jobs(limit=CATCH_UP_JOBS)
            if jobs:
                since = max(j.created_at for j in jobs) - CATCH_UP_WINDOW
                known = {_job(j).identifier for j in jobs}

        def done(res: tuple[dict[str, ProductInfo], list[Any]]) -> None:
            self._reloading = False
            self._products, missed = res
            missed = [u for u in missed if u.identifier not in known]
            if missed:
                log.warning("%d unit(s) stored without a label before the restart: printing",
                            len(missed))
                self._print_units(missed, trigger="catch-up")
            waiting, self._waiting = self._waiting, []
            for units in waiting:
                self._print_units(units)

        def failed(exc: BaseException) -> None:
            self._reloading = False
            log.error("label master data could not be read", exc_info=exc)
            self.sig_job_failed.emit(tr(CTX, "Label data could not be read: %1. Labels wait until "
                                        "it can; tell maintenance.", exc))

        self._reloading = True
        return self._submit(self._load, since, on_done=done, on_error=failed)

    def _load(self, since: dt.datetime | None) -> tuple[dict[str, ProductInfo], list[Any]]:
        products = self._load_products()
        if since is None:
            return products, []
        from sqlalchemy import select

        from hmi.store.models import ProducedUnit

        with self._sf() as s:
            rows = s.execute(select(
                ProducedUnit.identifier, ProducedUnit.product_code, ProducedUnit.order_code,
                ProducedUnit.recorded_at).where(
                    ProducedUnit.station_id == self._audit.station_id,
                    ProducedUnit.kind == "serial", ProducedUnit.disposition == "good",
                    ProducedUnit.recorded_at >= since).order_by(ProducedUnit.seq)).all()
        return products, [_Stored("serial", r.identifier, r.product_code, r.order_code or "",
                                  True, r.recorded_at) for r in rows]

    def _load_products(self) -> dict[str, ProductInfo]:
        from sqlalchemy import select

        from hmi.store.models import Product

        out: dict[str, ProductInfo] = {}
        with self._sf() as s:
            for p in s.scalars(select(Product).order_by(Product.version)):
                if p.status != "released" and p.code in out:
                    continue
                out[p.code] = ProductInfo(p.code, p.name, p.unit or "pcs", p.gtin or None,
                                          p.tracking)
        return out

    # ------------------------------------------------------------------ labels
    def _date(self, at: dt.datetime) -> dt.date:
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        return (at.astimezone(self._tz) if self._tz is not None else at.astimezone()).date()

    def _label(self, kind: str, identifier: str, product: ProductInfo, order_code: str,
               quantity: Decimal | int, at: dt.datetime) -> LabelData:
        unit = product.unit if kind == "lot" else "pcs"
        return LabelData(product_code=product.code, product_name=product.name,
                         identifier=identifier, identifier_kind=kind,  # type: ignore[arg-type]
                         quantity=quantity, unit=unit, date=self._date(at),
                         order_code=order_code or "", gtin=product.gtin)

    def _enqueue(self, label: LabelData) -> str:
        """Commit one job to the spool (durable on return); raises LabelRefused."""
        qty = label.quantity_text if label.identifier_kind == "lot" else ""
        title = title_of(label.identifier, label.product_code, qty)
        t0 = time.perf_counter()
        try:
            if self.settings.printer:
                uid = self._queue.enqueue_zpl(self.settings.printer,
                                              zpl(label, self._layout, captions=self._captions),
                                              title=title)
            else:
                uid = self._queue.enqueue_file(self.settings.file_format,
                                               render_data(label, self._captions),
                                               name=label.identifier, title=title)
        except (LabelError, OperatorError) as exc:
            raise LabelRefused(tr(CTX, "No label for %1: %2", label.identifier,
                                  exc.operator_message)) from exc
        ms = (time.perf_counter() - t0) * 1000.0
        self.enqueue_ms.append(ms)
        if ms > SLOW_ENQUEUE_MS:
            log.warning("label %s: enqueue took %.1f ms", label.identifier, ms)
        return uid

    def on_units_written(self, units: Iterable[Any]) -> None:
        """Produced units are stored: with ``print_on = "unit"`` one label per good serial."""
        if self.settings.print_on != "unit":
            return
        todo = [u for u in units if u.kind == "serial" and u.good]
        if not todo:
            return
        if self._products is None or any(u.product_code not in self._products for u in todo):
            # Not read yet, or a product imported since: read the master data, then print.
            self._waiting.append(todo)
            if not self._reloading:
                self.reload()
            return
        self._print_units(todo)

    def _print_units(self, todo: list[Any], trigger: str = "unit") -> None:
        made: list[dict[str, str]] = []
        products = self._products or {}
        for u in todo:
            try:
                product = products.get(u.product_code)
                if product is None:
                    raise LabelRefused(tr(CTX, "No label for %1: product %2 is not in the master "
                                          "data. Import it, then reprint the label.",
                                          u.identifier, u.product_code))
                label = self._label("serial", u.identifier, product, u.order_code, 1, u.at)
                uid = self._enqueue(label)
            except (LabelRefused, LabelError) as exc:
                log.error("no label for unit %s: %s", u.identifier, exc)
                self.sig_job_failed.emit(getattr(exc, "operator_message", str(exc)))
                continue
            made.append({"identifier": u.identifier, "job": uid})
        if made:
            self._record(None, "label.printed", made[0]["identifier"],
                         {"labels": made, "trigger": trigger, "to": self.target},
                         tr(CTX, "%1 label(s) for produced units", len(made)))

    def print_lot(self, actor: Actor | None, order_code: str, lot: str,
                  quantity: float | int | Decimal | None = None) -> Future:
        """A lot label (at order completion or on demand). ``quantity`` None: the lot's good
        units in the store. Refusals found in the store arrive on ``sig_error``."""
        require(actor, PRODUCTION_VIEW)
        lot = (lot or "").strip()
        if not lot:
            raise LabelRefused(tr(CTX, "No lot number given. Scan or type the lot number."))
        qty: Decimal | None = None
        if quantity is not None:
            try:
                qty = Decimal(str(quantity))
            except ArithmeticError:
                qty = None
            if qty is None or not qty.is_finite() or qty <= 0:
                raise LabelRefused(tr(CTX, "Quantity %1 is not a count above zero.", quantity))
        return self._on_demand(actor, "label.printed", lot, self._find_lot, order_code, lot, qty)

    def reprint(self, actor: Actor | None, identifier: str) -> Future:
        """The label of a serial or lot made at this station, printed again."""
        require(actor, PRODUCTION_VIEW)
        ident = (identifier or "").strip()
        if not ident:
            raise LabelRefused(tr(CTX, "No serial or lot number given. Scan the label or type "
                                  "the number."))
        return self._on_demand(actor, "label.reprinted", ident, self._find, ident)

    def _on_demand(self, actor: Actor | None, action: str, ident: str,
                   find: Callable[..., _Found], *args: Any) -> Future:
        def done(found: _Found) -> None:
            try:
                label = self._label(found.kind, found.identifier, found.product,
                                    found.order_code, found.quantity, found.at)
                uid = self._enqueue(label)
            except (LabelRefused, LabelError) as exc:
                self.sig_error.emit(getattr(exc, "operator_message", str(exc)))
                return
            self.sig_queued.emit(tr(CTX, "Label for %1 %2 queued (%3).",
                                    self._captions[found.kind], found.identifier, self._where()))
            self._record(actor, action, found.identifier,
                         {"labels": [{"identifier": found.identifier, "job": uid}],
                          "kind": found.kind, "product": found.product.code,
                          "order": found.order_code, "quantity": str(found.quantity),
                          "trigger": "demand", "to": self.target},
                         tr(CTX, "%1 label for %2", found.kind, found.identifier))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OperatorError):
                self.sig_error.emit(exc.operator_message)
            else:
                log.error("label look-up for %s failed", ident, exc_info=exc)
                self.sig_error.emit(tr(CTX, "The label for %1 could not be made: %2", ident, exc))

        return self._submit(find, *args, on_done=done, on_error=failed)

    def _where(self) -> str:
        return (tr(CTX, "printer %1", self.target) if self.settings.printer
                else tr(CTX, "%1 file", self.settings.file_format.upper()))

    # ---- look-ups (worker thread)
    def _product(self, s: Any, code: str) -> ProductInfo:
        from sqlalchemy import select

        from hmi.store.models import Product

        rows = list(s.scalars(select(Product).where(Product.code == code)
                              .order_by(Product.version.desc())))
        p = next((r for r in rows if r.status == "released"), rows[0] if rows else None)
        if p is None:
            raise LabelRefused(tr(CTX, "Product %1 is not in the master data, so its label "
                                  "cannot be made. Import the product first.", code))
        return ProductInfo(p.code, p.name, p.unit or "pcs", p.gtin or None, p.tracking)

    def _units(self, s: Any, ident: str) -> list[Any]:
        from sqlalchemy import select

        from hmi.store.models import ProducedUnit

        return list(s.execute(select(
            ProducedUnit.kind, ProducedUnit.product_code, ProducedUnit.order_code,
            ProducedUnit.quantity, ProducedUnit.disposition, ProducedUnit.recorded_at)
            .where(ProducedUnit.identifier == ident).order_by(ProducedUnit.seq)).all())

    def _find(self, ident: str) -> _Found:
        with self._sf() as s:
            rows = self._units(s, ident)
            if not rows:
                raise LabelRefused(tr(CTX, "No unit or lot %1 was made at this station. Check "
                                      "the number (scan the label, or type it as printed).", ident))
            kind = rows[-1].kind
            if kind == "serial":
                r = rows[-1]
                if r.disposition == "scrap":
                    raise LabelRefused(tr(CTX, "Unit %1 was booked as scrap; scrap gets no "
                                          "label.", ident))
                return _Found("serial", ident, self._product(s, r.product_code),
                              r.order_code or "", Decimal(1), r.recorded_at)
            return self._lot_found(s, ident, rows, None, None)

    def _find_lot(self, order_code: str, lot: str, qty: Decimal | None) -> _Found:
        with self._sf() as s:
            rows = [r for r in self._units(s, lot) if r.kind == "lot"]
            return self._lot_found(s, lot, rows, order_code, qty)

    def _lot_found(self, s: Any, lot: str, rows: list[Any], order_code: str | None,
                   qty: Decimal | None) -> _Found:
        from sqlalchemy import select

        from hmi.store.models import WorkOrder

        product_code = rows[0].product_code if rows else None
        order = order_code or (rows[0].order_code if rows else None) or ""
        if product_code is None and order:
            product_code = s.scalars(select(WorkOrder.product_code).where(
                WorkOrder.code == order).order_by(WorkOrder.version.desc())).first()
        if product_code is None:
            raise LabelRefused(tr(CTX, "Lot %1 is not known here and order %2 names no product. "
                                  "Check the lot number.", lot, order or "—"))
        if qty is None:
            qty = Decimal(str(sum(float(r.quantity) for r in rows if r.disposition == "good")))
            qty = qty.normalize() if qty == qty.to_integral_value() else qty
            if qty <= 0:
                raise LabelRefused(tr(CTX, "Lot %1 has no good units yet, so there is nothing "
                                      "to label.", lot))
        at = max((r.recorded_at for r in rows), default=None) or self._clock()
        return _Found("lot", lot, self._product(s, product_code), order, qty, at)

    # ------------------------------------------------------------------ people decide
    def retry(self, actor: Actor | None, uid: str) -> None:
        """Send a failed job again (the person saw no label come out)."""
        require(actor, PRODUCTION_VIEW)
        job = self._known(uid)
        self._queue.retry(uid)
        self._record(actor, "label.retried", job.identifier, {"job": uid, "was": job.reason},
                     tr(CTX, "sent again: %1", job.identifier))

    def mark_printed(self, actor: Actor | None, uid: str) -> None:
        """A failed job did print (the person has the label in hand): close it, send nothing."""
        require(actor, PRODUCTION_VIEW)
        job = self._known(uid)
        self._queue.mark_printed(uid)
        self._record(actor, "label.marked_printed", job.identifier,
                     {"job": uid, "was": job.reason},
                     tr(CTX, "confirmed printed by a person: %1", job.identifier))

    def _known(self, uid: str) -> LabelJob:
        job = self._queue.job(uid)
        if job is None:
            raise LabelRefused(tr(CTX, "There is no print job %1.", uid))
        return _job(job)

    # ------------------------------------------------------------------ audit
    def _record(self, actor: Actor | None, action: str, entity_id: str, new: dict[str, Any],
                detail: str) -> Future:
        badge = actor.badge if actor is not None else None

        def job() -> None:
            with self._sf.begin() as s:
                self._audit.record(s, actor_badge=badge, action=action, entity="label",
                                   entity_id=entity_id, new=new, detail=detail[:500])

        def failed(exc: BaseException) -> None:
            log.error("audit entry %s for %s could not be written", action, entity_id,
                      exc_info=exc)
            self.sig_error.emit(tr(CTX, "The label for %1 is queued, but it could not be "
                                   "recorded in the audit trail: %2. Tell maintenance.",
                                   entity_id, exc))

        return self._submit(job, on_error=failed)

