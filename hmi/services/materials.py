"""Material at the station: lots loaded by scan, verified against the BOM, consumed per unit.

**Loading** (:meth:`MaterialService.load_lot`): a scanned lot label (GS1: GTIN, lot,
expiry, quantity; or an internal code naming material and lot) is checked before
anything is written — the material is in the BOM of the active order, the lot is not
expired, not on hold, and has something left — and refused loudly otherwise
(``sig_refused`` with the reason; an audit entry ``material.refused`` records what was
scanned and why). A lot unknown at the station whose label says material and quantity
is registered as received (``MaterialLot``, origin ``received``). Loading writes a
``MaterialLoadEvent`` (``loaded``); a lot of the same material already loaded is
unloaded in the same transaction — a **lot change**, recorded with the unit count at
that moment, so the genealogy shows exactly which units took which lot.

**Consumption** is booked per produced unit from the BOM (quantity per unit = item
quantity ÷ BOM base quantity), good and scrap alike (scrap used material too): for each
unit a ``ProducedUnit`` (serial from the station's scheme when the product is
serial-tracked; a lot per order when lot-tracked), one ``MaterialConsumptionEvent``
and one ``GenealogyLink`` per consumed lot. Units are written in batches on the DB
worker (``flush_ms``), never one transaction per part; what is still in memory when the
station dies is rebuilt at the next start from the production counts (reconcile), so
no unit is lost or written twice.

**Low and empty**: below ``low_level`` of the material (else ``low_parts`` units worth)
a loaded lot warns (``sig_low``); when a lot cannot give the next unit its share the
material is empty (``sig_empty``): the start check ``materials.loaded`` blocks starting
and resuming, the shortage is recorded, and the downtime screen suggests "waiting for
material" for a stop that begins then.

Remaining quantities are derived from events (the lot's quantity minus every
consumption of it at this station), so a restart shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import Actor
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext

log = logging.getLogger(__name__)

CTX = "materials"
CHECK_NAME = "materials.loaded"
#: warn when a loaded lot has less than this many units' worth left (material without low_level)
LOW_PARTS = 20
FLUSH_MS = 250
#: numbering when the app gives none ([numbering] defaults; station-unique)
DEFAULT_SCHEMES = {"serial": "{station}-{yymmdd}-{seq:05d}", "lot": "{station}-L{yymmdd}-{seq:03d}"}


class MaterialError(OperatorError):
    """A lot scan or an unload refused before anything was written."""


@dataclass(frozen=True)
class LotLabel:
    """What a lot label says (from a GS1 or internal code)."""

    lot: str
    material_code: str | None = None
    gtin: str | None = None
    expiry: dt.date | None = None
    quantity: float | None = None
    raw: str = ""


@dataclass(frozen=True)
class Need:
    """One BOM line as the station consumes it."""

    material_code: str
    name: str
    unit: str
    per_unit: float
    lot_controlled: bool
    low_level: float | None
    #: a scanned lot is used up whole and goes into every unit until the next lot
    per_lot: bool = False


@dataclass(frozen=True)
class LoadedLot:
    lot_code: str
    material_code: str
    unit: str
    quantity: float
    consumed: float
    expires_at: dt.datetime | None
    loaded_at: dt.datetime
    #: units the station had made for the order when the lot was loaded (lot change point)
    loaded_at_unit: int = 0
    order_code: str | None = None

    @property
    def remaining(self) -> float:
        return max(0.0, self.quantity - self.consumed)


@dataclass(frozen=True)
class MaterialStatus:
    need: Need
    lot: LoadedLot | None
    #: "ok", "low", "empty", "missing" (nothing loaded), "free" (not lot-controlled)
    state: str
    #: units the loaded lot still covers
    units_left: int | None

    @property
    def material_code(self) -> str:
        return self.need.material_code


@dataclass(frozen=True)
class WrittenUnit:
    """A produced serial unit or lot, committed to the store."""

    kind: str  # "serial" or "lot"
    identifier: str
    product_code: str
    order_code: str
    good: bool
    at: dt.datetime
    #: a lot's units in this batch (1 for a serial)
    quantity: int = 1


@dataclass
class _Unit:
    """A produced unit not written yet."""

    identifier: str | None
    kind: str
    good: bool
    at: dt.datetime
    order_code: str
    order_version: int | None
    product_code: str
    product_version: int | None
    # (lot, material, quantity — None for a lot consumed whole —, unit)
    takes: list[tuple[str, str, float | None, str]] = field(default_factory=list)
    #: process values when the unit was made (serial units)
    snapshot: dict[str, Any] | None = None


@dataclass
class _Master:
    materials: dict[str, Any]
    boms: dict[str, list[Need]]  # by BOM code and by product code
    gtins: dict[str, str]
    products: dict[str, tuple[str, int | None]]  # code -> (tracking, version)
    orders: dict[str, tuple[str, str | None, int | None]]  # code -> (product, bom, version)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _fmt(q: float) -> str:
    return f"{q:g}"


class MaterialService(QObject):
    #: list[MaterialStatus] of the active order's BOM
    sig_changed = Signal(object)
    #: str: a scan was refused — shown loudly, recorded
    sig_refused = Signal(str)
    #: MaterialStatus: a loaded lot runs low
    sig_low = Signal(object)
    #: MaterialStatus: a material ran out (empty) — starts are blocked
    sig_empty = Signal(object)
    #: str: loading or saving failed
    sig_error = Signal(str)
    #: list[WrittenUnit]: produced units (serials, and lots when they first appear) are
    #: stored — what labels are printed for
    sig_units_written = Signal(object)

    def __init__(self, worker: Any, session_factory: Any, station_id: str, equipment_code: str,
                 audit: AuditWriter, clock: Callable[[], dt.datetime] | None = None, *,
                 holds: Any = None, serials: Callable[[dt.datetime, str], str] | None = None,
                 snapshot: Callable[[], dict[str, Any]] | None = None,
                 low_parts: int = LOW_PARTS, flush_ms: int = FLUSH_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._equipment = equipment_code
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._holds = holds
        self._serials = serials
        # the process values to keep with each serial unit ({tag: value}, Good ones only)
        self._snapshot = snapshot
        self._low_parts = low_parts
        self._master: _Master | None = None
        self._loaded: dict[str, LoadedLot] = {}  # material -> lot on the station
        self._order: str | None = None
        self._units_made: dict[str, int] = {}  # order -> units booked (written + pending)
        self._stored_scrap: dict[str, int] = {}
        self._order_lot: dict[str, str] = {}  # lot-tracked product: order -> produced lot
        self._pending: list[_Unit] = []
        self._warned: set[tuple[str, str, str]] = set()
        self._busy = 0
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(flush_ms)
        self._flush.timeout.connect(self.flush)

    # ------------------------------------------------------------------ loading
    @property
    def ready(self) -> bool:
        return self._master is not None

    @property
    def busy(self) -> bool:
        """A load, a lot change or a write is running on the worker."""
        return self._busy > 0

    @property
    def pending(self) -> int:
        """Units made but not written yet (written within ``flush_ms``)."""
        return len(self._pending)

    def reload(self) -> Future:
        """Materials, BOMs and the lots on the station (with what is left), from the store."""
        self._busy += 1

        def done(res: tuple[_Master, dict[str, LoadedLot], dict[str, int], dict[str, str]]) -> None:
            self._busy -= 1
            self._master, self._loaded, made, lots = res
            for k, v in made.items():
                self._units_made[k] = max(self._units_made.get(k, 0), v)
            self._order_lot.update(lots)
            self._emit()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            log.error("materials could not be loaded", exc_info=exc)
            self.sig_error.emit(tr(CTX, "Materials could not be loaded: %1. Starts stay "
                                   "blocked until they are; tell maintenance.", str(exc)))

        return self._worker.submit(self._load, on_done=done, on_error=failed)

    def _load(self) -> tuple[_Master, dict[str, LoadedLot], dict[str, int], dict[str, str]]:
        """(worker) master data, the loaded lots with what is left, units per order."""
        from sqlalchemy import func, select

        from hmi.store.models import (
            Bom,
            MaterialConsumptionEvent,
            MaterialDefinition,
            MaterialLoadEvent,
            MaterialLot,
            ProducedUnit,
            Product,
            WorkOrder,
        )

        st = self._station
        with self._sf() as s:
            mats: dict[str, Any] = {}
            for m in s.scalars(select(MaterialDefinition).where(
                    MaterialDefinition.status == "released")
                    .order_by(MaterialDefinition.version)):
                mats[m.code] = m
            gtins = {m.gtin: code for code, m in mats.items() if m.gtin}
            boms: dict[str, list[Need]] = {}
            for b in s.scalars(select(Bom).where(Bom.status == "released").order_by(Bom.version)):
                base = float(b.base_quantity or 1.0) or 1.0
                needs = []
                for it in b.items:
                    m = mats.get(it.material_code)
                    needs.append(Need(it.material_code, m.name if m else it.material_code,
                                      it.unit, float(it.quantity) / base,
                                      bool(m.lot_controlled) if m else True,
                                      m.low_level if m else None,
                                      bool(m and m.consumed_per == "lot")))
                boms[b.code] = needs
                boms.setdefault(f"product:{b.product_code}", needs)
                boms[f"product:{b.product_code}"] = needs  # the newest BOM of the product
            products = {p.code: (p.tracking, p.version) for p in s.scalars(
                select(Product).where(Product.status == "released").order_by(Product.version))}
            orders = {o.code: (o.product_code, o.bom_code, o.version) for o in s.scalars(
                select(WorkOrder).order_by(WorkOrder.version))}
            # the lots on the station: the newest load event per material
            loaded: dict[str, LoadedLot] = {}
            for ev in s.scalars(select(MaterialLoadEvent).where(
                    MaterialLoadEvent.station_id == st).order_by(MaterialLoadEvent.seq)):
                if ev.kind == "loaded":
                    loaded[ev.material_code] = LoadedLot(
                        ev.lot_code, ev.material_code, "", 0.0, 0.0, None,
                        _aware(ev.recorded_at) or self._clock(), 0, ev.order_code)
                elif loaded.get(ev.material_code) and \
                        loaded[ev.material_code].lot_code == ev.lot_code:
                    del loaded[ev.material_code]
            for mat, lot in list(loaded.items()):
                info = s.scalars(select(MaterialLot).where(MaterialLot.lot_code == lot.lot_code)
                                 .order_by(MaterialLot.recorded_at.desc())).first()
                used = s.scalar(select(func.coalesce(func.sum(MaterialConsumptionEvent.quantity),
                                                     0.0))
                                .where(MaterialConsumptionEvent.station_id == st,
                                       MaterialConsumptionEvent.lot_code == lot.lot_code))
                loaded[mat] = replace(lot, unit=info.unit if info else "",
                                      quantity=float(info.quantity) if info else 0.0,
                                      consumed=float(used or 0.0),
                                      expires_at=_aware(info.expires_at) if info else None)
            made: dict[str, int] = {}
            scrap: dict[str, int] = {}
            for order, disp, n in s.execute(
                    select(ProducedUnit.order_code, ProducedUnit.disposition, func.count())
                    .where(ProducedUnit.station_id == st, ProducedUnit.kind == "serial")
                    .group_by(ProducedUnit.order_code, ProducedUnit.disposition)):
                if order:
                    made[order] = made.get(order, 0) + int(n)
                    if disp == "scrap":
                        scrap[order] = scrap.get(order, 0) + int(n)
            self._stored_scrap = scrap
            lots = {}
            for order, ident in s.execute(select(ProducedUnit.order_code,
                                                 ProducedUnit.identifier)
                                          .where(ProducedUnit.station_id == st,
                                                 ProducedUnit.kind == "lot")
                                          .order_by(ProducedUnit.seq)):
                if order:
                    lots[order] = ident
            for order, n in s.execute(select(ProducedUnit.order_code,
                                             func.sum(ProducedUnit.quantity))
                                      .where(ProducedUnit.station_id == st,
                                             ProducedUnit.kind == "lot")
                                      .group_by(ProducedUnit.order_code)):
                if order:
                    made[order] = made.get(order, 0) + int(n or 0)
            if self._serials is None:  # the default scheme, continuing after the store's last
                from hmi.services.serials import SerialAllocator, SerialScheme

                now = self._clock()
                allocs = {kind: SerialAllocator.from_store(s, SerialScheme(t), st, kind=kind,
                                                           now=now)
                          for kind, t in DEFAULT_SCHEMES.items()}
                self._serials = lambda t, kind: allocs[kind].next(t)
        master = _Master(mats, boms, gtins, products, orders)
        return master, loaded, {k: int(v) for k, v in made.items() if k}, lots

    # ------------------------------------------------------------------ reading
    def needs(self, order_code: str | None) -> list[Need]:
        """The BOM lines of an order (its BOM, else the product's newest), [] when unknown."""
        m = self._master
        if m is None or not order_code or order_code not in m.orders:
            return []
        product, bom, _v = m.orders[order_code]
        return list(m.boms.get(bom or "", m.boms.get(f"product:{product}", [])))

    @property
    def order(self) -> str | None:
        """The order whose BOM is shown and checked against (active, else selected)."""
        return self._order

    def set_order(self, order_code: str | None) -> None:
        """The active order (running or paused) whose BOM the screen shows."""
        if order_code != self._order:
            self._order = order_code
            self._emit()

    def status(self, order_code: str | None = None) -> list[MaterialStatus]:
        order = order_code if order_code is not None else self._order
        out = []
        for need in self.needs(order):
            lot = self._loaded.get(need.material_code)
            out.append(self._state(need, lot))
        return out

    def loaded(self) -> list[LoadedLot]:
        return sorted(self._loaded.values(), key=lambda lot: lot.material_code)

    def lot_of(self, order_code: str) -> str | None:
        """The lot this station made for a lot-tracked order (None: none yet)."""
        return self._order_lot.get(order_code)

    def units_made(self, order_code: str) -> int:
        return self._units_made.get(order_code, 0)

    def reconcile(self, order_code: str, good: int, scrap: int) -> int:
        """Units the machine counted for a serial-tracked order but the station has no
        record of (it died within ``flush_ms`` of making them) are booked now, with the
        lots loaded now, and audited as recovered. Returns how many were recovered."""
        m = self._master
        if m is None or order_code not in m.orders:
            return 0
        product = m.orders[order_code][0]
        if m.products.get(product, ("none", None))[0] != "serial":
            return 0  # lots and untracked products: consumption only, nothing to recover
        missing = good + scrap - self._units_made.get(order_code, 0)
        if missing <= 0:
            return 0
        stored_scrap = self._stored_scrap.get(order_code, 0) + sum(
            1 for u in self._pending if u.order_code == order_code and not u.good)
        lost_scrap = max(0, min(missing, scrap - stored_scrap))
        log.warning("order %s: %d unit(s) counted but not recorded (station stopped before "
                    "they were written): booked now", order_code, missing)
        self.on_units(order_code, missing - lost_scrap, lost_scrap)
        now = self._clock()

        def job() -> None:
            with self._sf.begin() as s:
                self._audit.record(s, actor_badge=None, action="material.units_recovered",
                                   entity="work_order", entity_id=order_code,
                                   new={"units": missing, "scrap": lost_scrap,
                                        "at": now.isoformat()},
                                   detail=tr(CTX, "%1 unit(s) of %2 recovered from the machine "
                                             "counts after a restart", missing, order_code))

        self._busy += 1
        self._worker.submit(job, on_done=lambda _r: self._dec(),
                            on_error=lambda exc: (self._dec(), log.error(
                                "recovery not audited", exc_info=exc)))
        return missing

    def _dec(self) -> None:
        self._busy -= 1

    def _state(self, need: Need, lot: LoadedLot | None) -> MaterialStatus:
        if not need.lot_controlled:
            return MaterialStatus(need, lot, "free", None)
        if lot is None:
            return MaterialStatus(need, None, "missing", 0)
        if need.per_lot:  # used up whole when loaded: in use until the next lot
            return MaterialStatus(need, lot, "ok", None)
        units = int(math.floor(lot.remaining / need.per_unit + 1e-9)) if need.per_unit else None
        if units is not None and units <= 0:
            return MaterialStatus(need, lot, "empty", 0)
        low = need.low_level if need.low_level is not None else need.per_unit * self._low_parts
        state = "low" if lot.remaining < low else "ok"
        return MaterialStatus(need, lot, state, units)

    def check_materials(self, ctx: StartContext) -> Blocker | None:
        """Start check ``materials.loaded``: every lot-controlled BOM material has a loaded,
        usable lot for at least one more unit."""
        if self._master is None:
            return Blocker(CHECK_NAME, tr(CTX, "The materials on the station are still being "
                                          "loaded."), tr(CTX, "Wait a moment and try again."))
        bad = [s for s in self.status(ctx.order_code) if s.state in ("missing", "empty")]
        if not bad:
            return None
        parts = [tr(CTX, "%1 (%2)", s.need.name, tr(CTX, "not loaded") if s.state == "missing"
                    else tr(CTX, "lot %1 is empty", s.lot.lot_code if s.lot else "?"))
                 for s in bad]
        return Blocker(CHECK_NAME, tr(CTX, "Material missing for order %1: %2.", ctx.order_code,
                                      ", ".join(parts)),
                       tr(CTX, "Open Materials and scan the lot label of each missing "
                           "material."))

    # ------------------------------------------------------------------ load / unload
    def identify(self, label: LotLabel) -> str | None:
        """The material a label names (its code, or its GTIN), None when it names none."""
        m = self._master
        if label.material_code:
            return label.material_code
        if label.gtin and m is not None:
            return m.gtins.get(label.gtin.zfill(14))
        return None

    def load_lot(self, actor: Actor | None, label: LotLabel, *,
                 on_done: Callable[[LoadedLot], None] | None = None) -> Future:
        """Load the lot a scanned label names onto the station for the active order.

        Raises :class:`MaterialError` at once for what the station can tell without the
        store (no order, unknown material, not in the BOM, expired by the label, on hold);
        the future fails with MaterialError for what needs the store (unknown lot without
        quantity, expired, empty). Every refusal is shown (``sig_refused``) and audited."""
        if self._master is None:
            raise self._refuse(actor, label, tr(CTX, "Materials are still loading; scan again "
                                                "in a moment."))
        order = self._order
        if order is None:
            raise self._refuse(actor, label, tr(CTX, "No order is active: start or select the "
                                                "order, then scan its materials."))
        material = self.identify(label)
        needs = {n.material_code: n for n in self.needs(order)}
        if material is None:
            raise self._refuse(actor, label, tr(
                CTX, "Label %1 names no material this station knows (GTIN %2). Take it back "
                "to the store.", label.lot, label.gtin or "—"))
        need = needs.get(material)
        if need is None:
            wanted = ", ".join(n.material_code for n in needs.values()) or "—"
            raise self._refuse(actor, label, tr(
                CTX, "WRONG MATERIAL: %1 (lot %2) is not in the BOM of order %3. It needs %4. "
                "Take the lot away from the machine.", material, label.lot, order, wanted))
        now = self._clock()
        if label.expiry is not None and label.expiry < now.date():
            raise self._refuse(actor, label, tr(CTX, "EXPIRED: lot %1 of %2 expired on %3. "
                                                "Do not use it; put it aside for quality.",
                                                label.lot, material, label.expiry.isoformat()))
        if self._holds is not None:
            for h in self._holds.open_holds():
                if h.subject_kind == "lot" and h.identifier == label.lot:
                    raise self._refuse(actor, label, tr(
                        CTX, "ON HOLD: lot %1 is on quality hold (%2). Do not use it.",
                        label.lot, h.reason))
        old = self._loaded.get(material)
        if old is not None and old.lot_code == label.lot:
            if old.remaining < need.per_unit - 1e-9 and not need.per_lot:
                raise self._refuse(actor, label, tr(
                    CTX, "EMPTY: lot %1 has %2 %3 left, one unit needs %4. Load a new lot.",
                    label.lot, _fmt(old.remaining), need.unit, _fmt(need.per_unit)))
            raise self._refuse(actor, label, tr(CTX, "Lot %1 is already loaded for %2.",
                                                label.lot, material), audit=False)
        at_unit = self._units_made.get(order, 0)
        st = self._station

        def job() -> LoadedLot:
            from sqlalchemy import func, select

            from hmi.store.events import append_event
            from hmi.store.models import (
                MaterialConsumptionEvent,
                MaterialLoadEvent,
                MaterialLot,
            )

            with self._sf.begin() as s:
                info = s.scalars(select(MaterialLot).where(MaterialLot.lot_code == label.lot)
                                 .order_by(MaterialLot.recorded_at.desc())).first()
                if info is not None and info.material_code != material:
                    raise MaterialError(tr(
                        CTX, "WRONG MATERIAL: lot %1 is %2 in the records, the label says %3. "
                        "Take the lot away and tell quality.", label.lot, info.material_code,
                        material))
                if info is None:
                    if label.quantity is None:
                        raise MaterialError(tr(
                            CTX, "Lot %1 is not known here and its label gives no quantity. "
                            "Receive it at the store first.", label.lot))
                    # An expiry is a date: stored at noon UTC of that day, so the same
                    # date shows in every time zone within ±12 h; usable through that day.
                    expires = (dt.datetime.combine(label.expiry, dt.time(12, 0),
                                                   tzinfo=dt.UTC) if label.expiry else None)
                    info = append_event(s, MaterialLot(
                        station_id=st, actor_badge=actor.badge if actor else None,
                        recorded_at=now, lot_code=label.lot, material_code=material,
                        origin="received", quantity=float(label.quantity), unit=need.unit,
                        expires_at=expires))
                expires_at = _aware(info.expires_at)
                if expires_at is not None and expires_at.date() < now.astimezone(dt.UTC).date():
                    raise MaterialError(tr(CTX, "EXPIRED: lot %1 of %2 expired on %3. Do not "
                                           "use it; put it aside for quality.", label.lot,
                                           material, expires_at.date().isoformat()))
                used = float(s.scalar(select(func.coalesce(
                    func.sum(MaterialConsumptionEvent.quantity), 0.0)).where(
                        MaterialConsumptionEvent.station_id == st,
                        MaterialConsumptionEvent.lot_code == label.lot)) or 0.0)
                if need.per_lot and used > 1e-9:
                    raise MaterialError(tr(CTX, "USED UP: lot %1 of %2 was used already (it is "
                                           "consumed whole). Take a new one.", label.lot,
                                           material))
                if not need.per_lot and float(info.quantity) - used < need.per_unit - 1e-9:
                    raise MaterialError(tr(CTX, "EMPTY: lot %1 has %2 %3 left, one unit needs "
                                           "%4.", label.lot, _fmt(float(info.quantity) - used),
                                           need.unit, _fmt(need.per_unit)))
                if old is not None:
                    append_event(s, MaterialLoadEvent(
                        station_id=st, actor_badge=actor.badge if actor else None,
                        recorded_at=now, kind="unloaded", lot_code=old.lot_code,
                        material_code=material, equipment_code=self._equipment,
                        slot=material, order_code=order, quantity=old.remaining))
                append_event(s, MaterialLoadEvent(
                    station_id=st, actor_badge=actor.badge if actor else None, recorded_at=now,
                    kind="loaded", lot_code=label.lot, material_code=material,
                    equipment_code=self._equipment, slot=material, order_code=order,
                    quantity=float(info.quantity) - used))
                if need.per_lot:  # used up whole, now, for this order
                    append_event(s, MaterialConsumptionEvent(
                        station_id=st, actor_badge=actor.badge if actor else None,
                        recorded_at=now, lot_code=label.lot, material_code=material,
                        quantity=float(info.quantity), unit=info.unit, order_code=order))
                    used = float(info.quantity)
                self._audit.record(
                    s, actor_badge=actor.badge if actor else None,
                    action="material.lot_change" if old else "material.loaded",
                    entity="material_lot", entity_id=label.lot,
                    old={"lot": old.lot_code, "remaining": old.remaining} if old else None,
                    new={"lot": label.lot, "material": material, "order": order,
                         "at_unit": at_unit},
                    detail=tr(CTX, "%1 lot %2 loaded for %3 after unit %4", material, label.lot,
                              order, at_unit))
                return LoadedLot(label.lot, material, info.unit, float(info.quantity), used,
                                 expires_at, now, at_unit, order)

        def done(lot: LoadedLot) -> None:
            self._busy -= 1
            self._loaded[material] = lot
            self._warned = {w for w in self._warned if w[0] != material}
            log.info("material %s: lot %s loaded (%s left) at unit %d of %s", material,
                     lot.lot_code, _fmt(lot.remaining), at_unit, order)
            if on_done is not None:
                on_done(lot)
            self._emit()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            msg = getattr(exc, "operator_message", None) or str(exc)
            if isinstance(exc, MaterialError):
                self._record_refusal(actor, label, msg)
            else:
                log.error("lot load could not be saved", exc_info=exc)
            self.sig_refused.emit(msg)

        self._busy += 1
        return self._worker.submit(job, on_done=done, on_error=failed)

    def unload(self, actor: Actor | None, material_code: str) -> Future:
        """Take a lot off the station (it goes back to the store with what is left)."""
        lot = self._loaded.get(material_code)
        if lot is None:
            raise MaterialError(tr(CTX, "No lot of %1 is loaded.", material_code))
        now = self._clock()
        st = self._station

        def job() -> None:
            from hmi.store.events import append_event
            from hmi.store.models import MaterialLoadEvent

            with self._sf.begin() as s:
                append_event(s, MaterialLoadEvent(
                    station_id=st, actor_badge=actor.badge if actor else None, recorded_at=now,
                    kind="unloaded", lot_code=lot.lot_code, material_code=material_code,
                    equipment_code=self._equipment, slot=material_code,
                    order_code=self._order, quantity=lot.remaining))

        def done(_r: Any) -> None:
            self._busy -= 1
            if (
                    self._loaded.get(material_code) is not None
                    and self._loaded[material_code].lot_code == lot.lot_code):
                del self._loaded[material_code]
            self._emit()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self.sig_error.emit(tr(CTX, "The unload of lot %1 could not be saved: %2",
                                   lot.lot_code, str(exc)))

        self.flush()  # the units made so far consumed this lot: written first (FIFO worker)
        self._busy += 1
        return self._worker.submit(job, on_done=done, on_error=failed)

    def _refuse(self, actor: Actor | None, label: LotLabel, message: str, *,
                audit: bool = True) -> MaterialError:
        if audit:
            self._record_refusal(actor, label, message)
        self.sig_refused.emit(message)
        return MaterialError(message)

    def _record_refusal(self, actor: Actor | None, label: LotLabel, message: str) -> None:
        """A wrong scan is recorded (audit ``material.refused``), on the worker."""
        now = self._clock()
        order = self._order

        def job() -> None:
            with self._sf.begin() as s:
                self._audit.record(s, actor_badge=actor.badge if actor else None,
                                   action="material.refused", entity="material_lot",
                                   entity_id=label.lot or label.raw[:64],
                                   new={"scanned": label.raw or label.lot, "order": order,
                                        "at": now.isoformat()},
                                   detail=message[:500])

        def done(_r: Any) -> None:
            self._busy -= 1

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            log.error("a refused scan could not be recorded", exc_info=exc)

        self._busy += 1
        self._worker.submit(job, on_done=done, on_error=failed)

    # ------------------------------------------------------------------ consumption
    def on_units(self, order_code: str | None, good: int = 0, scrap: int = 0,
                 t: dt.datetime | None = None) -> None:
        """``good`` + ``scrap`` units were made for ``order_code``: book their material."""
        if order_code is None or self._master is None or good + scrap <= 0:
            return
        m = self._master
        product, _bom, order_version = m.orders.get(order_code, (None, None, None))
        if product is None:
            return
        tracking, product_version = m.products.get(product, ("none", None))
        needs = self.needs(order_code)
        now = t or self._clock()
        for i in range(good + scrap):
            unit = _Unit(None, tracking, i < good, now, order_code, order_version, product,
                         product_version)
            if tracking == "serial":
                unit.identifier = self._next_serial(now, order_code)
                if self._snapshot is not None:
                    unit.snapshot = snap if (snap := self._snapshot()) else None
            elif tracking == "lot":
                lot = self._order_lot.get(order_code)
                if lot is None:
                    lot = self._order_lot[order_code] = self._next_serial(now, order_code,
                                                                          kind="lot")
                unit.identifier = lot
            for need in needs:
                if not need.lot_controlled:
                    continue
                lot = self._loaded.get(need.material_code)
                if need.per_lot:  # the lot in use goes into the unit; booked when loaded
                    if lot is not None:
                        unit.takes.append((lot.lot_code, need.material_code, None, need.unit))
                    continue
                if lot is None or lot.remaining <= 1e-9:
                    continue  # shortage: recorded below, the unit keeps no link to a lot
                take = min(need.per_unit, lot.remaining)
                self._loaded[need.material_code] = replace(lot, consumed=lot.consumed + take)
                unit.takes.append((lot.lot_code, need.material_code, take, need.unit))
            self._units_made[order_code] = self._units_made.get(order_code, 0) + 1
            self._pending.append(unit)
        self._check_levels(order_code)
        if not self._flush.isActive():
            self._flush.start()
        # the screen follows with the flush (≤ flush_ms later), not once per part

    def _next_serial(self, now: dt.datetime, order_code: str, kind: str = "serial") -> str:
        assert self._serials is not None  # set by the app, else by the first load
        return self._serials(now, kind)

    def _check_levels(self, order_code: str) -> None:
        for st in self.status(order_code):
            if st.lot is None or st.state not in ("low", "empty"):
                continue
            key = (st.material_code, st.lot.lot_code, st.state)
            if key in self._warned:
                continue
            self._warned.add(key)
            (self.sig_empty if st.state == "empty" else self.sig_low).emit(st)

    def shutdown(self) -> None:
        """Write what is pending (the worker finishes it before it stops); no more timers."""
        self._flush.stop()
        self.flush()

    def flush(self) -> Future | None:
        """Write the pending units (ProducedUnit, consumption, genealogy) in one transaction."""
        if not self._pending:
            return None
        batch, self._pending = self._pending, []
        self._busy += 1
        self._emit()  # what is left per lot, as booked

        def done(_r: Any) -> None:
            self._busy -= 1
            written: list[WrittenUnit] = []
            lots: dict[str, int] = {}
            for u in batch:
                if u.identifier is None:
                    continue
                if u.kind == "serial":
                    written.append(WrittenUnit("serial", u.identifier, u.product_code,
                                               u.order_code, u.good, u.at))
                elif u.good:
                    lots[u.identifier] = lots.get(u.identifier, 0) + 1
            for ident, n in lots.items():
                u = next(x for x in batch if x.identifier == ident)
                written.append(WrittenUnit("lot", ident, u.product_code, u.order_code, True,
                                           u.at, n))
            if written:
                self.sig_units_written.emit(written)

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self._pending[:0] = batch  # kept: written with the next flush
            log.error("produced units could not be saved", exc_info=exc)
            self.sig_error.emit(tr(CTX, "Produced units could not be saved (%1); they are "
                                   "kept and saved again.", str(exc)))
            if not self._flush.isActive():
                self._flush.start()

        return self._worker.submit(self._write, batch, on_done=done, on_error=failed)

    def _write(self, batch: list[_Unit]) -> None:
        from hmi.store.events import append_events
        from hmi.store.models import (
            GenealogyLink,
            MaterialConsumptionEvent,
            ProcessSnapshotEvent,
            ProducedUnit,
        )

        st = self._station
        rows: list[Any] = []
        lot_rows: set[str] = set()
        lot_links: set[tuple[str, str]] = set()
        for u in batch:
            if u.kind == "serial" and u.identifier is not None:
                rows.append(ProducedUnit(
                    station_id=st, recorded_at=u.at, kind="serial", identifier=u.identifier,
                    product_code=u.product_code, product_version=u.product_version,
                    order_code=u.order_code, order_version=u.order_version, quantity=1.0,
                    disposition="good" if u.good else "scrap"))
                if u.snapshot:
                    rows.append(ProcessSnapshotEvent(
                        station_id=st, recorded_at=u.at, kind="unit",
                        equipment_code=self._equipment, unit_serial=u.identifier,
                        order_code=u.order_code, values=u.snapshot, source_ts=u.at))
            elif u.kind == "lot" and u.identifier is not None and u.identifier not in lot_rows:
                # one row per batch: the good units this batch added to the order's lot
                lot_rows.add(u.identifier)
                good = sum(1 for x in batch if x.identifier == u.identifier and x.good)
                if good:
                    rows.append(ProducedUnit(
                        station_id=st, recorded_at=u.at, kind="lot", identifier=u.identifier,
                        product_code=u.product_code, product_version=u.product_version,
                        order_code=u.order_code, order_version=u.order_version,
                        quantity=float(good), disposition="good"))
            for lot, mat, qty, unit in u.takes:
                if qty is not None:
                    rows.append(MaterialConsumptionEvent(
                        station_id=st, recorded_at=u.at, lot_code=lot, material_code=mat,
                        quantity=qty, unit=unit, order_code=u.order_code,
                        order_version=u.order_version,
                        unit_serial=u.identifier if u.kind == "serial" else None))
                if u.identifier is None:
                    continue
                if u.kind == "lot":  # a lot contains a consumed lot once
                    if (u.identifier, lot) in lot_links:
                        continue
                    lot_links.add((u.identifier, lot))
                rows.append(GenealogyLink(
                    station_id=st, recorded_at=u.at, parent_kind=u.kind,
                    parent_identifier=u.identifier, child_kind="lot", child_identifier=lot,
                    child_material_code=mat, quantity=qty, order_code=u.order_code))
        with self._sf.begin() as s:
            append_events(s, rows)

    # ------------------------------------------------------------------ internals
    def _emit(self) -> None:
        self.sig_changed.emit(self.status())


def label_from_scan(content: Any) -> LotLabel:
    """A parsed scan (hmi.services.gs1 ScanContent or a mapping) as a :class:`LotLabel`."""
    get = content.get if isinstance(content, Mapping) else (
        lambda k, d=None: getattr(content, k, d))
    fields = get("fields", None) or {}
    lot = get("lot", None) or fields.get("lot")
    if not lot:
        raise MaterialError(tr(CTX, "The scanned code %1 has no lot number.",
                               get("raw", "") or "?"))
    qty = get("quantity", None)
    if qty is not None and not isinstance(qty, int | float):
        qty = getattr(qty, "value", qty)
    return LotLabel(lot=str(lot), material_code=fields.get("material") or None,
                    gtin=get("gtin", None), expiry=get("expiry", None),
                    quantity=float(qty) if qty is not None else None, raw=get("raw", "") or "")


def register_checks(registry: PrerequisiteRegistry, service: MaterialService) -> None:
    registry.register(CHECK_NAME, service.check_materials)


__all__ = ["CHECK_NAME", "LoadedLot", "LotLabel", "MaterialError", "MaterialService",
           "MaterialStatus", "Need", "WrittenUnit", "label_from_scan", "register_checks"]
