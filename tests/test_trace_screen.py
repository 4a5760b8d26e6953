"""The trace page (hmi.views.trace) and its service (hmi.services.trace) on a real store.

Real demo store, real DbWorker, ScanHub, GS1 parsing, genealogy queries, report files
and audit writer. The line built by :func:`build_line` (station ST-10)::

    raw lots (received)     R-BUSH-3 (BUSH-12, Bush Ltd)   R-GREASE-7 (GREASE-EP2, Lube GmbH, exp 2026-06-30)
                                         \\                  /
    intermediate lot                     L-BUSHG-1 (BUSH-12G, order WO-SUB-1)
                                              |  2 pcs each
    units BRK-100, WO-1001   SN-0001 … SN-0030 (SN-0002 on hold, SN-0003 scrapped: CRACK)
    each also contains       R-STEEL-1 (1 pc); SN-0001…SN-0003 also K-BOLT-2 (made at
                             another station: its contents are not known here)
    units BRK-200, WO-1002   SN-0031 … SN-0040: R-STEEL-2 only
    a bad import             L-LOOP-A contains L-LOOP-B, which contains L-LOOP-A
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from hmi.devices.scanner import make_scan
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.gs1 import gs1_element_string
from hmi.services.permissions import Actor
from hmi.services.scans import ScanHub
from hmi.services.trace import AUDIT_ACTION, TraceService
from hmi.services.worker import DbWorker
from hmi.store.events import append_event
from hmi.store.models import (
    GenealogyLink,
    HoldEvent,
    InspectionResult,
    MaterialLot,
    ProducedUnit,
    RecipeDownloadEvent,
    WorkOrderEvent,
)
from hmi.store.security import AuditEntry
from hmi.views.trace import ALARM, WARNING, TracePage

ST = "ST-10"
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 3, 8, 30, 15, tzinfo=dt.UTC)
GTIN = "04012345000108"  # BRK-100 in the demo master data
CLARA = Actor(badge="2001", name="Clara Voss", roles=("team_lead",))
SHOTS = "/tmp/trace-shots"


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _lot(s, code, material, qty, unit="pcs", minutes=0, **kw):
    append_event(s, MaterialLot(station_id=ST, lot_code=code, material_code=material,
                                quantity=qty, unit=unit, recorded_at=at(minutes), **kw))


def _link(s, parent, child, material, qty, order, minutes, parent_kind="serial",
          child_kind="lot"):
    append_event(s, GenealogyLink(
        station_id=ST, parent_kind=parent_kind, parent_identifier=parent, child_kind=child_kind,
        child_identifier=child, child_material_code=material, quantity=qty, order_code=order,
        recorded_at=at(minutes)))


def build_line(sf) -> None:
    with sf.begin() as s:
        _lot(s, "R-BUSH-3", "BUSH-12", 500, supplier="Bush Ltd", supplier_lot="B-3")
        _lot(s, "R-GREASE-7", "GREASE-EP2", 5000, unit="g", supplier="Lube GmbH",
             expires_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC))
        _lot(s, "R-STEEL-1", "STEEL-BRK-BLANK", 1000, supplier="Stahl AG")
        _lot(s, "R-STEEL-2", "STEEL-BRK-BLANK", 1000, supplier="Stahl AG")
        _lot(s, "K-BOLT-2", "BOLT-M8", 200, origin="produced", order_code="WO-KIT-1")
        append_event(s, ProducedUnit(station_id=ST, kind="lot", identifier="L-BUSHG-1",
                                     product_code="BUSH-12G", order_code="WO-SUB-1",
                                     quantity=100, unit="pcs", recorded_at=at(10),
                                     actor_badge="1002"))
        _lot(s, "L-BUSHG-1", "BUSH-12G", 100, minutes=10, origin="produced",
             order_code="WO-SUB-1")
        _link(s, "L-BUSHG-1", "R-BUSH-3", "BUSH-12", 100, "WO-SUB-1", 10, parent_kind="lot")
        _link(s, "L-BUSHG-1", "R-GREASE-7", "GREASE-EP2", 50, "WO-SUB-1", 10, parent_kind="lot")
        append_event(s, WorkOrderEvent(station_id=ST, order_code="WO-1001", order_version=1,
                                       kind="started", actor_badge="1001", recorded_at=at(20)))
        append_event(s, RecipeDownloadEvent(station_id=ST, recipe_code="RCP-BRK-100",
                                            recipe_version=2, order_code="WO-1001",
                                            equipment_code="PRESS-10", result="ok",
                                            recorded_at=at(19.5)))
        for n in range(1, 41):
            serial = f"SN-{n:04d}"
            order, product = ("WO-1001", "BRK-100") if n <= 30 else ("WO-1002", "BRK-200")
            scrap = {"disposition": "scrap", "scrap_reason": "CRACK"} if n == 3 else {}
            append_event(s, ProducedUnit(station_id=ST, kind="serial", identifier=serial,
                                         product_code=product, order_code=order,
                                         order_version=1, quantity=1, actor_badge="1002",
                                         recorded_at=at(20 + n), **scrap))
            if n <= 30:
                _link(s, serial, "R-STEEL-1", "STEEL-BRK-BLANK", 1, order, 20 + n)
                _link(s, serial, "L-BUSHG-1", "BUSH-12G", 2, order, 20 + n)
            else:
                _link(s, serial, "R-STEEL-2", "STEEL-BRK-BLANK", 1, order, 20 + n)
            if n <= 3:
                _link(s, serial, "K-BOLT-2", "BOLT-M8", 1, order, 20 + n)
        append_event(s, InspectionResult(station_id=ST, plan_code="IP-BRK", plan_version=1,
                                         characteristic_code="DEPTH", order_code="WO-1001",
                                         unit_serial="SN-0002", values=[12.3], passed=False,
                                         defect_code="DEEP", recorded_at=at(22.5),
                                         actor_badge="1001"))
        append_event(s, HoldEvent(station_id=ST, hold_id=uuid.UUID(int=2), kind="placed",
                                  subject_kind="serial", subject_identifier="SN-0002",
                                  reason="Weld check", actor_badge="2001", recorded_at=at(60)))
        _link(s, "L-LOOP-A", "L-LOOP-B", "BUSH-12G", 1, "WO-BAD", 70, parent_kind="lot")
        _link(s, "L-LOOP-B", "L-LOOP-A", "BUSH-12G", 1, "WO-BAD", 71, parent_kind="lot")


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


@pytest.fixture
def station(qtbot, demo_store, worker, tmp_path, themed):
    build_line(demo_store)
    trace = TraceService(worker, demo_store, ST, tmp_path / "reports", AuditWriter(ST),
                         clock=lambda: NOW)
    scans = ScanHub()
    session = SimpleNamespace(actor=CLARA)
    page = TracePage(trace, session, scans=scans)
    qtbot.addWidget(page)
    page.resize(1120, 560)
    page.show()
    qtbot.waitExposed(page)
    yield SimpleNamespace(page=page, trace=trace, scans=scans, session=session, sf=demo_store,
                          reports=tmp_path / "reports")
    trace.shutdown()


def tap(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), f"{button.text()!r} cannot be tapped"
    assert button.height() >= 64, f"{button.text()!r} is {button.height()} px high"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def type_code(page, text: str) -> None:
    page.code.setText(text)
    page.code.textEdited.emit(text)


def shot(widget, name: str) -> None:
    from pathlib import Path

    Path(SHOTS).mkdir(exist_ok=True)
    widget.grab().save(f"{SHOTS}/{name}.png")


def fits(page) -> None:
    hint = page.minimumSizeHint()
    assert hint.width() <= 1120 and hint.height() <= 560, hint
    assert page.size().width() <= 1120 and page.size().height() <= 560, page.size()


def row_colour(view, code: str) -> str:
    items = view.findItems(code, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive, 0)
    assert items, code
    brush = items[0].background(0)
    return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else "none"


# --------------------------------------------------------------------------- backward


def test_a_scanned_serial_shows_its_tree_and_how_it_was_made(qtbot, station):
    page = station.page
    label = gs1_element_string(GTIN, serial="SN-0002")
    assert station.scans.deliver(make_scan(b"]d2" + label.data.encode(), "wedge"))
    assert page.code.text() == "SN-0002"
    qtbot.waitUntil(lambda: page.last_backward is not None, timeout=5_000)
    # depth, kind, code, material, quantity consumed, colour
    assert page.tree_rows() == [
        (0, "unit", "SN-0002", "BRK-100", "", "alarm"),      # on hold
        (1, "lot", "K-BOLT-2", "BOLT-M8", "1 pcs", "warning"),  # made at another station
        (1, "lot", "L-BUSHG-1", "BUSH-12G", "2 pcs", "normal"),
        (2, "lot", "R-BUSH-3", "BUSH-12", "100 pcs", "normal"),
        (2, "lot", "R-GREASE-7", "GREASE-EP2", "50 g", "normal"),
        (1, "lot", "R-STEEL-1", "STEEL-BRK-BLANK", "1 pcs", "normal"),
    ]
    tree = page.tree
    grease = tree.findItems("R-GREASE-7", Qt.MatchFlag.MatchRecursive, 0)[0]
    assert grease.text(4) == "Lube GmbH · exp 2026-06-30"
    bolt = tree.findItems("K-BOLT-2", Qt.MatchFlag.MatchRecursive, 0)[0]
    assert "made at another station" in bolt.text(4)
    assert row_colour(tree, "SN-0002") == ALARM and row_colour(tree, "K-BOLT-2") == WARNING
    assert row_colour(tree, "R-STEEL-1") == "none"
    assert "ON HOLD: Weld check" in tree.topLevelItem(0).text(4)

    birth = page.birth.text()
    for fact in ("WO-1001 · ST-10", "Ben Kraus (1002), Anna Berg (1001)", "RCP-BRK-100 v2",
                 "0 pass", "1 fail", "of this unit", "ON HOLD: Weld check", "DEEP"):
        assert fact in birth, (fact, birth)
    assert page.scope.isVisible() and page.scope.text().startswith(
        "Scope: This station only (ST-10)")
    assert "1 lot(s) here were made elsewhere" in page.scope.text()
    assert not page.warning.isVisible() and not page.message.isVisible()
    fits(page)
    shot(page, "trace-backward")

    # a scrapped unit, typed: red with its defect
    type_code(page, "SN-0003")
    tap(qtbot, page.backward_button)
    qtbot.waitUntil(lambda: page.last_backward.root.identifier == "SN-0003", timeout=5_000)
    assert page.tree.topLevelItem(0).text(4) == "SCRAPPED (CRACK)"
    assert row_colour(page.tree, "SN-0003") == ALARM
    assert "SCRAP" in page.birth.text()

    # a received raw lot: no birth record, its supplier facts instead
    type_code(page, "R-GREASE-7")
    tap(qtbot, page.backward_button)
    qtbot.waitUntil(lambda: page.last_backward.root.identifier == "R-GREASE-7", timeout=5_000)
    assert page.tree_rows() == [(0, "lot", "R-GREASE-7", "GREASE-EP2", "", "normal")]
    assert "Lube GmbH" in page.birth.text() and "2026-06-30" in page.birth.text()


def test_a_loop_in_the_records_is_said_in_amber(qtbot, station):
    page = station.page
    type_code(page, "L-LOOP-A")
    tap(qtbot, page.backward_button)
    qtbot.waitUntil(lambda: page.last_backward is not None, timeout=5_000)
    assert [r[2] for r in page.tree_rows()] == ["L-LOOP-A", "L-LOOP-B", "L-LOOP-A"]
    assert page.tree_rows()[-1][5] == "warning"
    assert page.warning.isVisible()
    assert page.warning.text().startswith("Trace incomplete: A loop in the records: L-LOOP-A")
    fits(page)
    shot(page, "trace-loop")


# --------------------------------------------------------------------------- forward


def test_where_a_lot_went_counts_everything_and_pages(qtbot, station):
    page = station.page
    type_code(page, "R-BUSH-3")
    tap(qtbot, page.forward_button)
    qtbot.waitUntil(lambda: page.last_forward is not None, timeout=5_000)
    assert page.total.text() == "30 units and 1 lot reached"
    assert page.facts.text() == "from lot R-BUSH-3 · BUSH-12 · Bush Ltd"
    assert page.page_label.text() == "Page 1 of 2"
    assert page.list_codes() == ["L-BUSHG-1"] + [f"SN-{n:04d}" for n in range(1, 25)]
    assert row_colour(page.list, "SN-0002") == ALARM      # on hold
    assert row_colour(page.list, "SN-0003") == ALARM      # scrapped
    assert row_colour(page.list, "SN-0004") == "none"
    assert not page.prev_button.isEnabled()
    assert "This station only" in page.scope.text()
    fits(page)
    shot(page, "trace-forward")

    tap(qtbot, page.next_button)
    qtbot.waitUntil(lambda: page.last_forward.page == 1, timeout=5_000)
    assert page.list_codes() == [f"SN-{n:04d}" for n in range(25, 31)]
    assert page.page_label.text() == "Page 2 of 2"
    assert not page.next_button.isEnabled()
    tap(qtbot, page.prev_button)
    qtbot.waitUntil(lambda: page.last_forward.page == 0, timeout=5_000)
    assert page.list_codes()[0] == "L-BUSHG-1"

    # the last button pressed decides what a scanned lot label does
    label = gs1_element_string(GTIN, lot="R-STEEL-2")
    station.scans.deliver(make_scan(b"]C1" + label.data.encode(), "wedge"))
    qtbot.waitUntil(lambda: page.last_forward.identifier == "R-STEEL-2", timeout=5_000)
    assert page.total.text() == "10 units and 0 lots reached"
    assert page.page_label.text() == "Page 1 of 1"


# --------------------------------------------------------------------------- refusals


def test_unknown_and_faulty_codes_are_refused_with_the_reason(qtbot, station):
    page = station.page
    type_code(page, "SN-0001")
    tap(qtbot, page.backward_button)
    qtbot.waitUntil(lambda: page.last_backward is not None, timeout=5_000)
    page.last_backward = None
    type_code(page, "NOPE-9")
    tap(qtbot, page.backward_button)
    qtbot.waitUntil(lambda: "not known" in page.message.text(), timeout=5_000)
    assert page.message.isVisible() and page.message.property("severity") == "alarm"
    assert page.message.text().startswith("'NOPE-9' is not known as a unit or lot here.")
    # SN-0001's tree is gone: it must not stand under a refusal for another code
    assert page.last_backward is None and page.pages.currentWidget() is page.hint
    assert not page.scope.isVisible()
    shot(page, "trace-unknown")

    tap(qtbot, page.forward_button)
    qtbot.waitUntil(lambda: "Tracing" not in page.message.text(), timeout=5_000)
    assert "'NOPE-9' is not known" in page.message.text()

    # a GS1 label with a wrong GTIN check digit: refused before any query
    page.message.say("", "ok")
    station.scans.deliver(make_scan(b"]d2" + b"0104012345000109" + b"21SN-0001", "wedge"))
    assert page.message.text().startswith("Scan “0104012345000109")
    assert "refused" in page.message.text() and page.last_backward is None
    # a label with only the product number
    station.scans.deliver(make_scan(b"]C1" + b"0104012345000108", "wedge"))
    assert "carries no serial or lot number" in page.message.text()
    # an empty field
    type_code(page, "  ")
    tap(qtbot, page.backward_button)
    assert page.message.text() == "Scan the label of a unit or lot, or type its number."


# --------------------------------------------------------------------------- recall


def audits(sf) -> list[AuditEntry]:
    with sf() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)
                              .order_by(AuditEntry.seq)))


def test_recall_report_writes_csv_and_pdf_and_is_audited(qtbot, station):
    page = station.page
    # nobody logged in: refused, nothing written
    station.session.actor = None
    type_code(page, "R-BUSH-3")
    tap(qtbot, page.recall_button)
    assert "Nobody is logged in" in page.message.text()
    assert not station.reports.exists() and audits(station.sf) == []

    station.session.actor = CLARA
    tap(qtbot, page.recall_button)
    qtbot.waitUntil(lambda: page.last_recall is not None, timeout=10_000)
    files = page.last_recall
    stem = "recall-R-BUSH-3-20260303T083015Z"
    assert (files.csv, files.pdf) == (station.reports / f"{stem}.csv",
                                      station.reports / f"{stem}.pdf")
    assert files.pdf.read_bytes()[:5] == b"%PDF-"
    with files.csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#")))
    assert rows[0][:2] == ["Kind", "Identifier"]
    assert len(rows) - 1 == 31 == files.rows  # L-BUSHG-1 and 30 units
    assert sorted(r[1] for r in rows[1:]) == ["L-BUSHG-1"] + [f"SN-{n:04d}" for n in
                                                             range(1, 31)]
    assert (files.units, files.lots, files.orders) == (30, 1, 2)
    text = page.message.text()
    assert text.startswith("Recall report of lot R-BUSH-3 written: 30 units, 1 lot, 2 orders.")
    assert f"Folder: {station.reports}" in text.replace("\u200b", "")
    assert f"{stem}.csv" in text and f"{stem}.pdf" in text
    # what the report lists is on the screen beside the message
    assert page.pages.currentWidget() is page.list.parentWidget()
    assert page.total.text() == "30 units and 1 lot reached"

    fits(page)
    shot(page, "trace-recall")

    [entry] = audits(station.sf)
    assert (entry.actor_badge, entry.entity, entry.entity_id) == ("2001", "lot", "R-BUSH-3")
    assert entry.new_value["csv"] == str(files.csv) and entry.new_value["pdf"] == str(files.pdf)
    assert entry.new_value["rows"] == 31

    # a second report in the same second gets its own names: nothing is overwritten
    page.last_recall = None
    tap(qtbot, page.recall_button)
    qtbot.waitUntil(lambda: page.last_recall is not None, timeout=10_000)
    assert page.last_recall.csv.name == f"{stem}-2.csv"
    assert sorted(p.name for p in station.reports.iterdir()) == [
        f"{stem}-2.csv", f"{stem}-2.pdf", f"{stem}.csv", f"{stem}.pdf"]
    assert len(audits(station.sf)) == 2
    with station.sf() as s:
        assert verify_chain(s, ST).ok


def test_a_report_folder_that_cannot_be_made_is_said_and_nothing_is_recorded(
        qtbot, station, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the report folder should be")
    trace = TraceService(station.trace._worker, station.sf, ST, blocker / "reports",
                         AuditWriter(ST), clock=lambda: NOW)
    try:
        # no on_error given: the refusal comes as sig_error
        with qtbot.waitSignal(trace.sig_error, timeout=10_000) as sig:
            trace.recall("R-BUSH-3", CLARA)
        assert sig.args[0].startswith(f"The report folder {blocker / 'reports'} cannot be made")
        assert "nothing was written" in sig.args[0]
        with qtbot.waitSignal(trace.sig_error, timeout=5_000) as sig:
            trace.forward("NOPE-9")
        assert sig.args[0].startswith("'NOPE-9' is not known")
    finally:
        trace.shutdown()
    assert audits(station.sf) == []
