"""Genealogy traces and the recall report (hmi.services.genealogy) on a real store.

The line built by :func:`build_line` (all at station ST-10 unless said otherwise)::

    raw lots (received)          R-BUSH-3 (BUSH-12, Bush Ltd)    R-GREASE-7 (GREASE-EP2, Lube GmbH,
                                         \\                   /    expires 2026-06-30, hold placed+released)
    intermediate lot                     L-BUSHG-1 (BUSH-12G, order WO-SUB-1)
                                         /         |          \\
    units (BRK-100, WO-1001)     SN-0001     SN-0002 (on hold)   SN-0003 (scrapped: CRACK)
    each also contains           R-STEEL-1 (1 pc) and K-BOLT-2 (a kit lot made at another station: not followed)
    SN-0002's first link named R-STEEL-2 by mistake; a correction replaced it with R-STEEL-1
    SN-0004 (BRK-200, WO-1002)   contains R-STEEL-1 only
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
import uuid

import pypdfium2 as pdfium
import pytest

from hmi.services import genealogy as gen
from hmi.store.events import append_event
from hmi.store.models import (
    DispositionEvent,
    GenealogyLink,
    HoldEvent,
    InspectionResult,
    MaterialLot,
    ProcessSnapshotEvent,
    ProducedUnit,
    RecipeDownloadEvent,
    WorkOrderEvent,
)

ST = "ST-10"
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
HOLD_GREASE = uuid.UUID("00000000-0000-7000-8000-000000000001")
HOLD_SN2 = uuid.UUID("00000000-0000-7000-8000-000000000002")


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _lot(s, code, material, qty, unit="pcs", minutes=0, **kw):
    append_event(s, MaterialLot(station_id=kw.pop("station_id", ST), lot_code=code,
                                material_code=material, quantity=qty, unit=unit,
                                recorded_at=at(minutes), **kw))


def _link(s, parent, child, material, qty, order, minutes, parent_kind="serial",
          child_kind="lot", **kw):
    return append_event(s, GenealogyLink(
        station_id=ST, parent_kind=parent_kind, parent_identifier=parent, child_kind=child_kind,
        child_identifier=child, child_material_code=material, quantity=qty, order_code=order,
        recorded_at=at(minutes), **kw))


def _unit(s, serial, product, order, minutes, **kw):
    append_event(s, ProducedUnit(station_id=ST, kind="serial", identifier=serial,
                                 product_code=product, order_code=order, order_version=1,
                                 quantity=1, recorded_at=at(minutes), **kw))


def build_line(sf) -> None:
    with sf.begin() as s:
        _lot(s, "R-BUSH-3", "BUSH-12", 500, supplier="Bush Ltd", supplier_lot="B-3")
        _lot(s, "R-GREASE-7", "GREASE-EP2", 5000, unit="g", supplier="Lube GmbH",
             supplier_lot="LG-77", expires_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC))
        _lot(s, "R-STEEL-1", "STEEL-BRK-BLANK", 1000, supplier="Stahl AG")
        _lot(s, "R-STEEL-2", "STEEL-BRK-BLANK", 1000, supplier="Stahl AG")
        # a kit lot made at another station: known here as a lot, its contents are not
        _lot(s, "K-BOLT-2", "BOLT-M8", 200, origin="produced", order_code="WO-KIT-1")
        append_event(s, HoldEvent(station_id=ST, hold_id=HOLD_GREASE, kind="placed",
                                  subject_kind="lot", subject_identifier="R-GREASE-7",
                                  reason="Supplier complaint", actor_badge="2001",
                                  recorded_at=at(5)))
        append_event(s, HoldEvent(station_id=ST, hold_id=HOLD_GREASE, kind="released",
                                  subject_kind="lot", subject_identifier="R-GREASE-7",
                                  reason="Supplier complaint", actor_badge="2001",
                                  recorded_at=at(8)))
        # the intermediate lot: greased bushings
        append_event(s, ProducedUnit(station_id=ST, kind="lot", identifier="L-BUSHG-1",
                                     product_code="BUSH-12G", order_code="WO-SUB-1", quantity=100,
                                     unit="pcs", recorded_at=at(10), actor_badge="1002"))
        _lot(s, "L-BUSHG-1", "BUSH-12G", 100, minutes=10, origin="produced",
             order_code="WO-SUB-1")
        _link(s, "L-BUSHG-1", "R-BUSH-3", "BUSH-12", 100, "WO-SUB-1", 10, parent_kind="lot")
        _link(s, "L-BUSHG-1", "R-GREASE-7", "GREASE-EP2", 50, "WO-SUB-1", 10, parent_kind="lot")
        # order WO-1001 at the press
        append_event(s, WorkOrderEvent(station_id=ST, order_code="WO-1001", order_version=1,
                                       kind="started", actor_badge="1001", recorded_at=at(20)))
        append_event(s, RecipeDownloadEvent(station_id=ST, recipe_code="RCP-BRK-100",
                                            recipe_version=2, order_code="WO-1001",
                                            result="failed", recorded_at=at(19)))
        append_event(s, RecipeDownloadEvent(station_id=ST, recipe_code="RCP-BRK-100",
                                            recipe_version=2, order_code="WO-1001",
                                            equipment_code="PRESS-10", result="ok",
                                            recorded_at=at(19.5)))
        append_event(s, InspectionResult(station_id=ST, plan_code="IP-BRK", plan_version=1,
                                         characteristic_code="VISUAL", order_code="WO-1001",
                                         values=[0], passed=True, recorded_at=at(21),
                                         actor_badge="1001"))
        for n, minutes in ((1, 22), (2, 23), (3, 24)):
            serial = f"SN-000{n}"
            _unit(s, serial, "BRK-100", "WO-1001", minutes, actor_badge="1002",
                  **({"disposition": "scrap", "scrap_reason": "CRACK"} if n == 3 else {}))
            if n == 2:
                wrong = _link(s, serial, "R-STEEL-2", "STEEL-BRK-BLANK", 1, "WO-1001", minutes)
                s.flush()
                _link(s, serial, "R-STEEL-1", "STEEL-BRK-BLANK", 1, "WO-1001", minutes + 0.1,
                      supersedes_id=wrong.id)
            else:
                _link(s, serial, "R-STEEL-1", "STEEL-BRK-BLANK", 1, "WO-1001", minutes)
            _link(s, serial, "L-BUSHG-1", "BUSH-12G", 2, "WO-1001", minutes)
            _link(s, serial, "K-BOLT-2", "BOLT-M8", 1, "WO-1001", minutes)
        append_event(s, ProcessSnapshotEvent(station_id=ST, kind="unit", equipment_code="PRESS-10",
                                             unit_serial="SN-0001", order_code="WO-1001",
                                             values={"press_force_kN": 12.5},
                                             recorded_at=at(22)))
        append_event(s, InspectionResult(station_id=ST, plan_code="IP-BRK", plan_version=1,
                                         characteristic_code="DEPTH", order_code="WO-1001",
                                         unit_serial="SN-0001", values=[12.01], passed=True,
                                         recorded_at=at(22.5), actor_badge="1001"))
        append_event(s, InspectionResult(station_id=ST, plan_code="IP-BRK", plan_version=1,
                                         characteristic_code="VISUAL", order_code="WO-1001",
                                         unit_serial="SN-0003", values=[1], passed=False,
                                         defect_code="CRACK", recorded_at=at(24.5),
                                         actor_badge="1001"))
        append_event(s, DispositionEvent(station_id=ST, subject_kind="serial",
                                         subject_identifier="SN-0003", order_code="WO-1001",
                                         disposition="scrap", quantity=1, defect_code="CRACK",
                                         comment="crack at bore", actor_badge="2001",
                                         recorded_at=at(25)))
        append_event(s, HoldEvent(station_id=ST, hold_id=HOLD_SN2, kind="placed",
                                  subject_kind="serial", subject_identifier="SN-0002",
                                  reason="Weld check", actor_badge="2001", recorded_at=at(26)))
        # another order, another product: steel only
        _unit(s, "SN-0004", "BRK-200", "WO-1002", 40)
        _link(s, "SN-0004", "R-STEEL-1", "STEEL-BRK-BLANK", 1, "WO-1002", 40)


@pytest.fixture
def line(demo_store):
    build_line(demo_store)
    return demo_store


def shape(node: gen.TraceNode) -> list[tuple]:
    """The tree as rows a person would read: depth, code, material, quantity, flags."""
    out = []
    for n in node.walk():
        flags = "".join(f for f, on in (("C", n.cycle), ("T", n.truncated),
                                         ("E", n.made_elsewhere)) if on)
        out.append((n.depth, n.kind, n.identifier, n.material_code, n.quantity, flags))
    return out


# --------------------------------------------------------------------------- backward


def test_backward_trace_of_a_unit_goes_through_the_intermediate_lot(line):
    with line() as s:
        tree = gen.backward(s, "SN-0001")
    assert shape(tree.root) == [
        (0, "serial", "SN-0001", "BRK-100", None, ""),
        (1, "lot", "K-BOLT-2", "BOLT-M8", 1, "E"),
        (1, "lot", "L-BUSHG-1", "BUSH-12G", 2, ""),
        (2, "lot", "R-BUSH-3", "BUSH-12", 100, ""),
        (2, "lot", "R-GREASE-7", "GREASE-EP2", 50, ""),
        (1, "lot", "R-STEEL-1", "STEEL-BRK-BLANK", 1, ""),
    ]
    assert not tree.truncated and tree.cycles == ()
    nodes = {n.identifier: n for n in tree.root.walk()}
    grease = nodes["R-GREASE-7"]
    assert (grease.lot.supplier, grease.lot.supplier_lot, grease.lot.expires_at) == (
        "Lube GmbH", "LG-77", dt.datetime(2026, 6, 30, tzinfo=dt.UTC))
    assert [(h.reason, h.open, h.placed_by, h.released_by) for h in grease.holds] == [
        ("Supplier complaint", False, "2001", "2001")]
    sub = nodes["L-BUSHG-1"]
    assert (sub.order_code, sub.produced.order_code, sub.produced.quantity) == (
        "WO-1001", "WO-SUB-1", 100)
    assert (nodes["K-BOLT-2"].lot.origin, nodes["K-BOLT-2"].children) == ("produced", ())
    assert "This station only" in tree.scope and "1 lot(s)" in tree.scope
    assert tree.stations == (ST,)

    birth = tree.birth
    p = birth.produced
    assert (p.product_code, p.order_code, p.station_id, p.recorded_at, p.disposition) == (
        "BRK-100", "WO-1001", ST, at(22), "good")
    assert [(o.badge, o.name) for o in birth.operators] == [("1002", "Ben Kraus"),
                                                           ("1001", "Anna Berg")]
    assert (birth.recipe.recipe_code, birth.recipe.recipe_version, birth.recipe.result,
            birth.recipe.equipment_code) == ("RCP-BRK-100", 2, "ok", "PRESS-10")
    assert birth.snapshot.values == {"press_force_kN": 12.5}
    assert birth.inspections_of == "unit"
    assert [(i.characteristic_code, i.values, i.passed) for i in birth.inspections] == [
        ("DEPTH", (12.01,), True)]
    assert birth.holds == () and birth.dispositions == ()


def test_scrapped_unit_keeps_its_genealogy_and_defect(line):
    with line() as s:
        tree = gen.backward(s, "SN-0003", "serial")
    assert [n.identifier for n in tree.root.walk()] == [
        "SN-0003", "K-BOLT-2", "L-BUSHG-1", "R-BUSH-3", "R-GREASE-7", "R-STEEL-1"]
    b = tree.birth
    assert (b.produced.disposition, b.produced.scrap_reason) == ("scrap", "CRACK")
    assert [(d.disposition, d.defect_code, d.comment) for d in b.dispositions] == [
        ("scrap", "CRACK", "crack at bore")]
    assert b.defect_codes == ("CRACK",)
    assert [(i.characteristic_code, i.passed) for i in b.inspections] == [("VISUAL", False)]


def test_unit_without_own_results_shows_the_order_results_and_its_hold(line):
    with line() as s:
        tree = gen.backward(s, "SN-0002")
    # the corrected link replaced R-STEEL-2 by R-STEEL-1
    assert [n.identifier for n in tree.root.children] == ["K-BOLT-2", "L-BUSHG-1", "R-STEEL-1"]
    assert tree.birth.inspections_of == "order"
    assert [i.characteristic_code for i in tree.birth.inspections] == ["VISUAL"]
    assert [(h.reason, h.open) for h in tree.birth.holds] == [("Weld check", True)]
    assert tree.birth.snapshot is None


def test_backward_of_a_lot_and_of_a_received_lot(line):
    with line() as s:
        sub = gen.backward(s, "L-BUSHG-1")
        raw = gen.backward(s, "R-GREASE-7")
    assert shape(sub.root) == [
        (0, "lot", "L-BUSHG-1", "BUSH-12G", None, ""),
        (1, "lot", "R-BUSH-3", "BUSH-12", 100, ""),
        (1, "lot", "R-GREASE-7", "GREASE-EP2", 50, ""),
    ]
    assert sub.birth.produced.order_code == "WO-SUB-1"
    assert shape(raw.root) == [(0, "lot", "R-GREASE-7", "GREASE-EP2", None, "")]
    assert raw.birth is None and raw.root.lot.supplier == "Lube GmbH"


def test_unknown_code_is_refused_with_what_to_do(line):
    with line() as s:
        with pytest.raises(gen.TraceError, match="'NOPE-1' is not known.*central database"):
            gen.backward(s, "NOPE-1")
        with pytest.raises(gen.TraceError, match="No lot 'NOPE-1'"):
            gen.forward(s, "NOPE-1")
        with pytest.raises(gen.TraceError, match="Unknown kind 'box'"):
            gen.backward(s, "SN-0001", "box")


# --------------------------------------------------------------------------- forward


def test_forward_trace_of_a_raw_lot_reaches_lot_and_units(line):
    with line() as s:
        fw = gen.forward(s, "R-GREASE-7")
    assert (fw.total, fw.total_units, fw.total_lots, fw.pages) == (4, 3, 1, 1)
    assert fw.lot.supplier == "Lube GmbH"
    rows = [(i.kind, i.identifier, i.via, i.order_code, i.disposition, i.scrap_reason,
             i.on_hold, i.went_into) for i in fw.items]
    assert rows == [
        ("lot", "L-BUSHG-1", "R-GREASE-7", "WO-SUB-1", "good", None, False,
         ("SN-0001", "SN-0002", "SN-0003")),
        ("serial", "SN-0001", "L-BUSHG-1", "WO-1001", "good", None, False, ()),
        ("serial", "SN-0002", "L-BUSHG-1", "WO-1001", "good", None, True, ()),
        ("serial", "SN-0003", "L-BUSHG-1", "WO-1001", "scrap", "CRACK", False, ()),
    ]
    sn1 = fw.items[1]
    assert (sn1.product_code, sn1.station_id, sn1.produced_at) == ("BRK-100", ST, at(22))
    assert fw.items[3].defect_code == "CRACK"
    assert "This station only" in fw.scope


def test_forward_pages_and_corrected_links(line):
    with line() as s:
        p0 = gen.forward(s, "R-STEEL-1", page=0, page_size=2)
        p1 = gen.forward(s, "R-STEEL-1", page=1, page_size=2)
        p2 = gen.forward(s, "R-STEEL-1", page=2, page_size=2)
        wrong = gen.forward(s, "R-STEEL-2")
    assert [i.identifier for i in p0.items] == ["SN-0001", "SN-0002"]
    assert [i.identifier for i in p1.items] == ["SN-0003", "SN-0004"]
    assert (p0.total, p1.total, p2.total, p2.items, p0.pages) == (4, 4, 4, (), 2)
    # the link that named R-STEEL-2 was corrected: it reached nothing
    assert (wrong.total, wrong.items) == (0, ())


# --------------------------------------------------------------------------- guards


@pytest.fixture
def bare_store(tmp_path):
    from hmi.store.engine import open_store

    engine, sf = open_store(f"sqlite:///{tmp_path}/bare.sqlite")
    yield sf
    engine.dispose()


def _in_thread(fn, timeout=20.0):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it does not finish."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the trace did not finish: it loops"
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_a_cycle_in_the_data_does_not_hang(bare_store):
    with bare_store.begin() as s:
        # A contains B, B contains C, C contains A (impossible, but a bad import can do it),
        # and C also contains the raw lot R.
        _link(s, "A", "B", "M", 1, "WO-X", 1, parent_kind="lot")
        _link(s, "B", "C", "M", 1, "WO-X", 2, parent_kind="lot")
        _link(s, "C", "A", "M", 1, "WO-X", 3, parent_kind="lot")
        _link(s, "C", "R", "RAW", 1, "WO-X", 4, parent_kind="lot")
        _link(s, "U1", "A", "M", 1, "WO-Y", 5)
    with bare_store() as s:
        tree = _in_thread(lambda: gen.backward(s, "U1"))
        fw = _in_thread(lambda: gen.forward(s, "R"))
        fw_a = _in_thread(lambda: gen.forward(s, "A"))
    assert shape(tree.root) == [
        (0, "serial", "U1", None, None, ""),
        (1, "lot", "A", "M", 1, ""),
        (2, "lot", "B", "M", 1, ""),
        (3, "lot", "C", "M", 1, ""),
        (4, "lot", "A", "M", 1, "C"),
        (4, "lot", "R", "RAW", 1, ""),
    ]
    assert tree.cycles == ("A",)
    assert [(i.kind, i.identifier) for i in fw.items] == [
        ("lot", "A"), ("lot", "B"), ("lot", "C"), ("serial", "U1")]
    assert [i.identifier for i in fw_a.items] == ["B", "C", "U1"]


def test_depth_and_size_limits_say_the_trace_was_cut(bare_store):
    with bare_store.begin() as s:
        for i in range(40):  # L0 contains L1 contains ... L40
            _link(s, f"L{i}", f"L{i + 1}", "M", 1, "WO-D", i, parent_kind="lot")
        for j in range(30):
            _link(s, "BIG", f"P{j:02d}", "M", 1, "WO-E", 50)
    with bare_store() as s:
        deep = gen.backward(s, "L0", max_depth=32)
        wide = gen.backward(s, "BIG", max_edges=10)
        full = gen.backward(s, "L0", max_depth=64)
        fw = gen.forward(s, "L40")
    nodes = list(deep.root.walk())
    assert len(nodes) == 33 and nodes[-1].identifier == "L32" and nodes[-1].truncated
    assert deep.truncated and "deeper than 32 levels" in deep.truncation
    assert wide.truncated and "more than 10 links" in wide.truncation
    assert len(wide.root.children) == 10
    assert not full.truncated and len(list(full.root.walk())) == 41
    assert fw.total == 40  # forward is a set: never cut


# --------------------------------------------------------------------------- recall


def _pdf_text(path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_recall_report_csv_and_pdf(line, tmp_path):
    with line() as s:
        recall = gen.recall_report(s, "R-GREASE-7")
    assert (recall.total_units, recall.total_lots) == (3, 1)
    assert [(o.order_code, o.product_code, o.units, o.lots, o.scrapped, o.first_at, o.last_at)
            for o in recall.orders] == [
        ("WO-SUB-1", "BUSH-12G", 0, 1, 0, at(10), at(10)),
        ("WO-1001", "BRK-100", 3, 0, 1, at(22), at(24)),
    ]

    path = gen.write_csv(recall, tmp_path / "out" / "recall.csv")
    text = path.read_text(encoding="utf-8-sig")
    preamble = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert preamble[:4] == ["# Recall report for lot: R-GREASE-7", "# Material: GREASE-EP2",
                            "# Supplier: Lube GmbH / LG-77",
                            "# Expires: 2026-06-30T00:00:00+00:00"]
    assert "# Affected: 3 units, 1 lots, 2 orders" in preamble
    assert any(ln.startswith("# Scope: This station only (ST-10)") for ln in preamble)
    rows = list(csv.reader(ln for ln in text.splitlines() if not ln.startswith("#")))
    assert rows[0][:6] == ["Kind", "Identifier", "Product", "Order", "Station", "Produced at"]
    assert rows[1:] == [
        ["lot", "L-BUSHG-1", "BUSH-12G", "WO-SUB-1", ST, "2026-03-02T06:10:00+00:00", "100",
         "pcs", "good", "", "", "R-GREASE-7", "SN-0001 SN-0002 SN-0003"],
        ["serial", "SN-0001", "BRK-100", "WO-1001", ST, "2026-03-02T06:22:00+00:00", "1",
         "pcs", "good", "", "", "L-BUSHG-1", ""],
        ["serial", "SN-0002", "BRK-100", "WO-1001", ST, "2026-03-02T06:23:00+00:00", "1",
         "pcs", "good", "", "yes", "L-BUSHG-1", ""],
        ["serial", "SN-0003", "BRK-100", "WO-1001", ST, "2026-03-02T06:24:00+00:00", "1",
         "pcs", "scrap", "CRACK / CRACK", "", "L-BUSHG-1", ""],
    ]

    pdf = gen.write_pdf(recall, tmp_path / "recall.pdf",
                        tz=dt.timezone(dt.timedelta(hours=1)))
    got = _pdf_text(pdf)
    for expected in ("Recall report: lot R-GREASE-7", "GREASE-EP2", "Lube GmbH / LG-77",
                     "3 units, 1 lots, 2 orders", "This station only (ST-10)", "WO-1001",
                     "WO-SUB-1", "L-BUSHG-1", "SN-0001", "SN-0002", "SN-0003", "scrap",
                     "CRACK", "2026-03-02T07:24:00+01:00"):
        assert expected in got, expected
    assert not list(tmp_path.glob(".recall*")), "temporary files left behind"


def test_large_recall_pdf_spans_pages(bare_store, tmp_path):
    with bare_store.begin() as s:
        _lot(s, "R-1", "RAW", 10_000)
        for i in range(400):
            _unit(s, f"U{i:04d}", "P", f"WO-{i // 100}", i)
            _link(s, f"U{i:04d}", "R-1", "RAW", 1, f"WO-{i // 100}", i)
    with bare_store() as s:
        recall = gen.recall_report(s, "R-1")
    assert len(recall.items) == 400 and len(recall.orders) == 4
    doc = pdfium.PdfDocument(str(gen.write_pdf(recall, tmp_path / "big.pdf")))
    try:
        pages = len(doc)
        last = doc[pages - 1].get_textpage().get_text_range()
    finally:
        doc.close()
    assert pages > 5
    assert "U0399" in last and f"{pages}/{pages}" in last


# --------------------------------------------------------------------------- PostgreSQL


def test_postgresql_gives_the_same_traces(line, pg_url):
    from hmi.services.masterdata import import_file
    from hmi.store.engine import open_store
    from tests.fixtures.station import DEMO_MASTERDATA

    engine, pg = open_store(pg_url)
    try:
        import_file(pg, DEMO_MASTERDATA, station_id=ST)
        build_line(pg)
        for fn in (lambda s: gen.backward(s, "SN-0001"), lambda s: gen.backward(s, "SN-0003"),
                   lambda s: gen.forward(s, "R-GREASE-7"),
                   lambda s: gen.forward(s, "R-STEEL-1", page=1, page_size=2)):
            with line() as s1, pg() as s2:
                lite, post = fn(s1), fn(s2)
            assert post == lite
        with line() as s1, pg() as s2:
            r1, r2 = gen.recall_report(s1, "R-STEEL-1"), gen.recall_report(s2, "R-STEEL-1")
        assert (r2.items, r2.orders) == (r1.items, r1.orders)
        with pg.begin() as s:  # the cycle guard holds on PostgreSQL too
            _link(s, "A", "B", "M", 1, "WO-X", 1, parent_kind="lot")
            _link(s, "B", "A", "M", 1, "WO-X", 2, parent_kind="lot")
        with pg() as s:
            tree = _in_thread(lambda: gen.backward(s, "A"))
            fw = _in_thread(lambda: gen.forward(s, "A"))
        assert shape(tree.root) == [(0, "lot", "A", None, None, ""), (1, "lot", "B", "M", 1, ""),
                                    (2, "lot", "A", "M", 1, "C")]
        assert [i.identifier for i in fw.items] == ["B"]
    finally:
        engine.dispose()
