"""Material at the station: lots loaded by scan and verified, consumed per unit, genealogy.

The real OrderStack (as the app builds it) on a copy of the demo database, with a real
DbWorker; parts reach it as the production monitor's facts do. Order WO-1001 makes
BRK-100 (serial-tracked) from STEEL-BRK-BLANK (1), BUSH-12 (1) and GREASE-EP2 (0.5 g).
The recipe and tool checks are taken out (they are tested elsewhere) so the material
check is the one that speaks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.materials import CHECK_NAME, LotLabel, MaterialError
from hmi.services.orders import OrderBlocked
from hmi.services.orderstack import OrderStack
from hmi.services.recorder import ProductionRecorder
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.models import (
    GenealogyLink,
    MaterialConsumptionEvent,
    MaterialLoadEvent,
    MaterialLot,
    ProcessSnapshotEvent,
    ProducedUnit,
)
from hmi.store.security import AuditEntry

STATION = "ST-10"
ORDER = "WO-1001"
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
GTIN = {"STEEL-BRK-BLANK": "04012345100013", "BUSH-12": "04012345100020",
        "BUSH-16": "04012345100037", "GREASE-EP2": "04012345100051"}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class Line:
    def __init__(self, qtbot, sf) -> None:
        self.qtbot, self.sf = qtbot, sf
        self.clock = Clock()
        self.worker = DbWorker()
        audit = AuditWriter(STATION, self.clock)
        auth = AuthService(sf, STATION, clock=self.clock)
        sigs = SignatureService(sf, auth, audit, STATION, clock=self.clock)
        live = {"die_temperature": (196.2, True), "press_force": (18.0, False)}  # one not Good
        self.stack = OrderStack(self.worker, sf, station_id=STATION, line_code="LINE-1",
                                audit=audit, signatures=sigs, clock=self.clock,
                                read_tag=lambda n: live.get(n, (None, False)),
                                process_tags=("die_temperature", "press_force"))
        self.mat = self.stack.materials
        self.recorder = ProductionRecorder(sf, STATION)
        self.refused: list[str] = []
        self.low: list = []
        self.empty: list = []
        self.mat.sig_refused.connect(self.refused.append)
        self.mat.sig_low.connect(self.low.append)
        self.mat.sig_empty.connect(self.empty.append)
        for name in ("recipe.ready", "tooling.verified"):
            self.stack.registry.unregister(name)
        self.stack.start(tick_ms=100)
        qtbot.waitUntil(lambda: self.stack.orders.ready and self.mat.ready, timeout=10_000)
        self.anna = auth.login("1001", "1234")

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not any(getattr(s, "busy", False)
                                             for s in self.stack.services()), timeout=10_000)

    def start(self) -> None:
        self.stack.orders.start(self.anna, ORDER)
        self.settle()
        self.qtbot.waitUntil(lambda: self.mat.status() != [], timeout=5_000)

    def load(self, material: str, lot: str, qty: float | None = 1000, expiry=None):
        fut = self.mat.load_lot(self.anna, LotLabel(lot=lot, gtin=GTIN[material],
                                                    quantity=qty, expiry=expiry,
                                                    raw=f"(01){GTIN[material]}(10){lot}"))
        self.settle()
        return fut.exception(timeout=5)

    def parts(self, good: int = 0, scrap: int = 0, *, flush: bool = True) -> None:
        """Counts from the machine: stored as the app's recorder stores them, then passed
        to the stack as facts (as the app does)."""
        for kind, n in (("good", good), ("scrap", scrap)):
            for _ in range(n):
                fact = {"kind": kind, "increment": 1, "raw": 0, "source_ts": self.clock.now}
                self.worker.submit(self.recorder.record, "production_count", fact)
                self.stack.on_fact("production_count", fact)
        if flush:
            self.mat.flush()
        self.settle()

    def rows(self, model):
        with self.sf() as s:
            return list(s.scalars(select(model).order_by(model.seq)))

    def close(self) -> None:
        self.stack.shutdown()
        self.worker.shutdown()


@pytest.fixture
def line(qtbot, demo_store):
    ln = Line(qtbot, demo_store)
    yield ln
    ln.close()


def load_all(line: Line) -> None:
    assert line.load("STEEL-BRK-BLANK", "STB-001") is None
    assert line.load("BUSH-12", "B12-001") is None
    assert line.load("GREASE-EP2", "GR-001", qty=5000) is None


def test_the_start_waits_for_the_bom_materials_and_wrong_lots_are_refused(line):
    # the order is paused-free and not started: the check looks at its BOM
    with pytest.raises(OrderBlocked) as caught:
        line.stack.orders.start(line.anna, ORDER)
    blocker = next(b for b in caught.value.blockers if b.check == CHECK_NAME)
    assert blocker.reason == ("Material missing for order WO-1001: Bracket blank, steel (not "
                              "loaded), Bushing 12 mm (not loaded), Grease EP2 (not loaded).")
    assert "scan the lot label" in blocker.what_to_do

    # the screen follows the order once it is selected (started or paused); here: set it
    line.mat.set_order(ORDER)
    # wrong material: BUSH-16 is not in BRK-100's BOM — refused at once, loudly, recorded
    with pytest.raises(MaterialError, match="WRONG MATERIAL: BUSH-16 .lot B16-9. is not in "
                                            "the BOM of order WO-1001"):
        line.mat.load_lot(line.anna, LotLabel(lot="B16-9", gtin=GTIN["BUSH-16"], quantity=100))
    # expired by its label
    with pytest.raises(MaterialError, match="EXPIRED: lot B12-OLD of BUSH-12 expired on "
                                            "2026-02-28"):
        line.mat.load_lot(line.anna, LotLabel(lot="B12-OLD", gtin=GTIN["BUSH-12"],
                                              quantity=100, expiry=dt.date(2026, 2, 28)))
    # a GTIN nobody knows
    with pytest.raises(MaterialError, match="names no material this station knows"):
        line.mat.load_lot(line.anna, LotLabel(lot="X-1", gtin="04000000000017", quantity=1))
    # on hold
    line.stack.holds.place(line.anna, "lot", "B12-HOLD", "supplier complaint")
    line.settle()
    with pytest.raises(MaterialError, match="ON HOLD: lot B12-HOLD is on quality hold "
                                            r"\(supplier complaint\)"):
        line.mat.load_lot(line.anna, LotLabel(lot="B12-HOLD", gtin=GTIN["BUSH-12"],
                                              quantity=100))
    # unknown lot whose label gives no quantity: refused by the store check
    err = line.load("BUSH-12", "B12-NOQTY", qty=None)
    assert "is not known here and its label gives no quantity" in str(err)
    assert len(line.refused) == 5, "\n".join(line.refused)
    line.settle()
    with line.sf() as s:
        refusals = [e.detail for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "material.refused").order_by(AuditEntry.seq))]
    assert len(refusals) == 5 and refusals[0].startswith("WRONG MATERIAL")
    assert line.rows(MaterialLoadEvent) == []

    load_all(line)
    assert [s.state for s in line.mat.status()] == ["ok", "ok", "ok"]
    assert line.stack.orders.check_start(line.anna, ORDER) == []
    lots = line.rows(MaterialLot)
    assert [(lot.lot_code, lot.material_code, lot.origin, lot.quantity) for lot in lots] == [
        ("STB-001", "STEEL-BRK-BLANK", "received", 1000), ("B12-001", "BUSH-12", "received", 1000),
        ("GR-001", "GREASE-EP2", "received", 5000)]


def test_a_thousand_units_consume_the_bom_exactly_with_a_lot_change_at_the_right_count(line):
    line.mat.set_order(ORDER)
    load_all(line)
    line.start()
    line.parts(good=290, scrap=10)
    # lot change of the bushings after unit 300
    assert line.load("BUSH-12", "B12-002") is None
    line.parts(good=690, scrap=10)

    units = line.rows(ProducedUnit)
    assert len(units) == 1000 and len({u.identifier for u in units}) == 1000
    assert Counter(u.disposition for u in units) == {"good": 980, "scrap": 20}
    assert all(u.kind == "serial" and u.order_code == ORDER for u in units)
    used = Counter()
    for c in line.rows(MaterialConsumptionEvent):
        used[(c.material_code, c.lot_code)] += c.quantity
    assert used == {("STEEL-BRK-BLANK", "STB-001"): 1000, ("GREASE-EP2", "GR-001"): 500,
                    ("BUSH-12", "B12-001"): 300, ("BUSH-12", "B12-002"): 700}
    # the genealogy: unit 300 took the first bushing lot, unit 301 the second
    links = line.rows(GenealogyLink)
    assert len(links) == 3000
    order_of = {u.identifier: i for i, u in enumerate(units, 1)}
    bush = {order_of[g.parent_identifier]: g.child_identifier for g in links
            if g.child_material_code == "BUSH-12"}
    assert bush[300] == "B12-001" and bush[301] == "B12-002"
    assert {bush[i] for i in range(1, 301)} == {"B12-001"}
    # the change is recorded with its count
    loads = [(e.kind, e.lot_code) for e in line.rows(MaterialLoadEvent)]
    assert loads[-2:] == [("unloaded", "B12-001"), ("loaded", "B12-002")]
    with line.sf() as s:
        change = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "material.lot_change")).one()
    assert change.detail == "BUSH-12 lot B12-002 loaded for WO-1001 after unit 300"
    assert change.old_value == {"lot": "B12-001", "remaining": 700.0}
    # each serial unit keeps the process values it was made with (Good ones only)
    snaps = line.rows(ProcessSnapshotEvent)
    assert len(snaps) == 1000 and {s.unit_serial for s in snaps} == {u.identifier for u in units}
    assert all(s.kind == "unit" and s.values == {"die_temperature": 196.2} for s in snaps)
    # remaining quantities on the screen
    left = {s.material_code: s.lot.remaining for s in line.mat.status()}
    assert left == {"STEEL-BRK-BLANK": 0.0, "BUSH-12": 300.0, "GREASE-EP2": 4500.0}


def test_low_and_empty_material_warn_then_block(line):
    line.mat.set_order(ORDER)
    assert line.load("STEEL-BRK-BLANK", "STB-001") is None
    assert line.load("BUSH-12", "B12-SMALL", qty=60) is None  # low level is 50 pieces
    assert line.load("GREASE-EP2", "GR-001", qty=5000) is None
    line.start()
    line.parts(good=9)
    assert line.low == []
    line.parts(good=2)   # 49 left: below the low level
    assert [(s.material_code, s.state, s.units_left) for s in line.low] == [
        ("BUSH-12", "low", 49)]
    line.parts(good=48)  # 1 left
    assert line.empty == []
    line.parts(good=1)   # none left
    assert [(s.material_code, s.state) for s in line.empty] == [("BUSH-12", "empty")]
    line.stack.orders.pause(line.anna, ORDER, "Material")
    line.settle()
    with pytest.raises(OrderBlocked) as caught:
        line.stack.orders.resume(line.anna, ORDER)
    blocker = next(b for b in caught.value.blockers if b.check == CHECK_NAME)
    assert "Bushing 12 mm (lot B12-SMALL is empty)" in blocker.reason
    # an empty lot cannot be loaded again; a new one can
    with pytest.raises(MaterialError, match="EMPTY: lot B12-SMALL has 0 pcs left, one unit "
                                            "needs 1. Load a new lot."):
        line.load("BUSH-12", "B12-SMALL")
    assert line.load("BUSH-12", "B12-NEXT") is None
    assert line.stack.orders.check_start(line.anna, ORDER) == []


def test_a_restart_shows_the_same_lots_and_quantities(line, qtbot):
    line.mat.set_order(ORDER)
    load_all(line)
    line.start()
    line.parts(good=42)
    before = [(s.material_code, s.lot.lot_code, s.lot.remaining) for s in line.mat.status()]
    line.close()
    again = Line(qtbot, line.sf)
    try:
        again.mat.set_order(ORDER)
        after = [(s.material_code, s.lot.lot_code, s.lot.remaining)
                 for s in again.mat.status()]
        assert after == before == [("STEEL-BRK-BLANK", "STB-001", 958.0),
                                   ("BUSH-12", "B12-001", 958.0), ("GREASE-EP2", "GR-001", 4979.0)]
        assert again.mat.units_made(ORDER) == 42
        with again.sf() as s:
            assert s.scalar(select(func.count()).select_from(ProducedUnit)) == 42
    finally:
        again.close()
        line.close = lambda: None  # closed already


def test_units_lost_in_a_crash_are_recovered_from_the_machine_counts(line, qtbot):
    line.mat.set_order(ORDER)
    load_all(line)
    line.start()
    line.parts(good=20)
    line.parts(good=4, scrap=1, flush=False)  # counted and stored, units still in memory …
    line.mat._pending.clear()                  # … when the station dies
    line.mat._flush.stop()
    line.close()
    again = Line(qtbot, line.sf)
    try:
        qtbot.waitUntil(lambda: again.mat.units_made(ORDER) == 25, timeout=10_000)
        again.mat.flush()
        again.settle()
        units = again.rows(ProducedUnit)
        assert len(units) == 25 and len({u.identifier for u in units}) == 25
        assert Counter(u.disposition for u in units) == {"good": 24, "scrap": 1}
        with again.sf() as s:
            used = s.scalar(select(func.sum(MaterialConsumptionEvent.quantity)).where(
                MaterialConsumptionEvent.material_code == "BUSH-12"))
            recovered = s.scalars(select(AuditEntry).where(
                AuditEntry.action == "material.units_recovered")).one()
        assert used == 25
        assert recovered.detail == "5 unit(s) of WO-1001 recovered from the machine counts " \
                                   "after a restart"
        # and a second restart recovers nothing more
        again.close()
        third = Line(qtbot, line.sf)
        try:
            qtbot.waitUntil(lambda: third.mat.units_made(ORDER) == 25, timeout=10_000)
            third.settle()
            assert third.mat.pending == 0
        finally:
            third.close()
    finally:
        again.close = lambda: None
        line.close = lambda: None


# --------------------------------------------------------------------------- the screen


def gs1(material: str, lot: str, qty: int | None = 500, expiry: str = "271231") -> str:
    """A supplier's GS1-128 lot label as the scanner sends it (AIM ]C1, GS separators)."""
    text = f"]C1{'01' + GTIN[material]}17{expiry}10{lot}"
    return text + (f"\x1d30{qty}" if qty is not None else "")


def test_the_materials_screen_loads_scanned_labels_and_says_what_is_wrong(line, qtbot, themed):
    from types import SimpleNamespace

    from hmi.views.materials import MaterialsView

    line.mat.set_order(ORDER)
    session = SimpleNamespace(actor=line.anna)
    view = MaterialsView(line.mat, line.stack.orders, session, "Europe/Berlin")
    qtbot.addWidget(view)
    view.resize(1120, 650)
    view.show()
    cards = {c.key: c for c in view.list.shown}
    assert [cards[k].severity for k in ("STEEL-BRK-BLANK", "BUSH-12", "GREASE-EP2")] == [
        "alarm"] * 3

    # a wrong material: refused in red, the card stays red
    view.take_scan(SimpleNamespace(text=gs1("BUSH-16", "B16-1"), symbology=None))
    assert view.message.text().startswith("WRONG MATERIAL: BUSH-16 (lot B16-1)")
    # a damaged label: the check digit is wrong — said with what was read
    bad = gs1("BUSH-12", "B12-9").replace("04012345100020", "04012345100021")
    view.take_scan(SimpleNamespace(text=bad, symbology=None))
    assert "check digit" in view.message.text().lower()
    # the right lots, scanned
    for material, lot in (("STEEL-BRK-BLANK", "STB-1"), ("BUSH-12", "B12-1"),
                          ("GREASE-EP2", "GR-1")):
        view.take_scan(SimpleNamespace(text=gs1(material, lot, 2000 if material ==
                                                 "GREASE-EP2" else 500), symbology=None))
        line.settle()
        assert view.message.text().startswith(f"Lot {lot} of {material} loaded")
    cards = {c.key: c for c in view.list.shown}
    assert cards["BUSH-12"].severity == "normal"
    assert cards["BUSH-12"].detail == "lot B12-1 · 500 pcs left · expires 2027-12-31"
    assert cards["BUSH-12"].badge == "500 units"
    line.start()
    line.parts(good=460)
    view.refresh()
    cards = {c.key: c for c in view.list.shown}
    assert (cards["BUSH-12"].severity, cards["BUSH-12"].badge) == ("warning", "LOW · 40 units")
    assert "Made 460 of 500 · good 460 · scrap 0" in view.wip.text()
    assert view.waiting.text().startswith("Attention:")
    assert "Bushing 12 mm: running low, prepare the next lot" in view.waiting.text()
    view.grab().save("/tmp/materials-screen.png")
    assert view.width() <= 1120 and view.height() <= 650, view.size()


def test_a_material_consumed_per_lot_is_used_up_whole_and_goes_into_every_unit(line, tmp_path):
    from hmi.services.masterdata import import_file

    path = tmp_path / "grease.toml"
    path.write_text('format_version = 1\n[[materials]]\ncode = "GREASE-EP2"\nname = "Grease EP2"\n'
                    'unit = "g"\nkind = "consumable"\ngtin = "04012345100051"\n'
                    'consumed_per = "lot"\n', encoding="utf-8")
    import_file(line.sf, path, station_id=STATION)
    line.mat.reload()
    line.settle()
    line.mat.set_order(ORDER)
    load_all(line)  # the grease cartridge GR-001 (5000 g) is booked whole when loaded
    (grease,) = [s for s in line.mat.status() if s.material_code == "GREASE-EP2"]
    assert grease.state == "ok" and grease.units_left is None
    line.start()
    line.parts(good=5)
    assert line.load("GREASE-EP2", "GR-002", qty=400) is None  # the next cartridge
    line.parts(good=3)
    used = Counter()
    for c in line.rows(MaterialConsumptionEvent):
        if c.material_code == "GREASE-EP2":
            used[c.lot_code] += c.quantity
    assert used == {"GR-001": 5000, "GR-002": 400}  # whole, once, not per unit
    units = [u.identifier for u in line.rows(ProducedUnit)]
    grease_of = {g.parent_identifier: g.child_identifier for g in line.rows(GenealogyLink)
                 if g.child_material_code == "GREASE-EP2"}
    assert [grease_of[u] for u in units] == ["GR-001"] * 5 + ["GR-002"] * 3
    # a used cartridge cannot be loaded again
    err = line.load("GREASE-EP2", "GR-001")
    assert "USED UP: lot GR-001 of GREASE-EP2 was used already" in str(err)
