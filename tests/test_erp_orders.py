"""ERP orders: CSV and B2MML V0600 import (all or nothing, every problem with its
line), versioning, started orders, and the production-results export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from sqlalchemy import func, select

from hmi import config
from hmi.services import erp
from hmi.services.erp import OrderImportError, import_orders, parse_orders
from hmi.store import models as m
from hmi.store.engine import load_all_models
from hmi.store.events import append_event
from hmi.store.security import AuditEntry

DATA = Path(__file__).resolve().parent / "data" / "erp"
STATION = "ST-10"
NS = {"b": erp.B2MML_NS}
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def row_counts(sf) -> dict[str, int]:
    metadata = load_all_models()
    with sf() as session:
        return {
            name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def versions(sf, code: str) -> list[m.WorkOrder]:
    with sf() as session:
        return list(session.scalars(
            select(m.WorkOrder).where(m.WorkOrder.code == code).order_by(m.WorkOrder.version)))


def refused(sf, path: Path) -> OrderImportError:
    before = row_counts(sf)
    with pytest.raises(OrderImportError) as info:
        import_orders(sf, path, station_id=STATION, actor_badge="9001")
    assert row_counts(sf) == before, "a refused file must write nothing"
    return info.value


# --------------------------------------------------------------------------- good files


def test_csv_rows_of_one_order_become_its_operations(demo_store):
    sf = demo_store
    report = import_orders(sf, DATA / "orders.csv", station_id=STATION, actor_badge="9001")
    assert report.format == "csv"
    assert report.created == [("WO-2001", 1), ("WO-2002", 1)]
    assert report.summary() == "orders.csv: 2 order(s) imported (WO-2001 v1, WO-2002 v1), " \
                               "0 unchanged"
    [wo] = versions(sf, "WO-2001")
    assert (wo.product_code, wo.quantity, wo.unit, wo.priority, wo.line_code) == (
        "BRK-100", 250, "pcs", 2, "LINE-1")
    assert wo.due_at == dt.datetime(2026, 3, 4, 13, 0, tzinfo=dt.UTC)
    assert wo.status == "released"
    assert wo.source.startswith("orders.csv sha256:")
    assert [(o.sequence, o.name, o.station_code, o.line_code, o.recipe_code,
             o.work_instruction_code, o.inspection_plan_code) for o in wo.operations] == [
        (10, "Press bushing", "ST-10", "LINE-1", "RCP-BRK-100", "WI-PRESS-BUSH", "IP-BRK"),
        (20, "Pack and label", None, "LINE-1", None, None, None),
    ]
    with sf() as session:
        [event] = session.scalars(select(m.MasterDataImportEvent)
                                  .where(m.MasterDataImportEvent.file_name == "orders.csv"))
        assert event.counts == {"work_orders": {"created": 2, "unchanged": 0}}
        assert event.sha256 == report.sha256 and event.actor_badge == "9001"
        [audit] = session.scalars(select(AuditEntry).where(AuditEntry.action == "orders.import"))
        assert audit.entity_id == "orders.csv" and audit.actor_badge == "9001"
        assert audit.new_value["versions"] == ["WO-2001 v1", "WO-2002 v1"]


@pytest.mark.parametrize(("name", "fmt", "code", "expected"), [
    ("production-schedule.xml", "ProductionSchedule", "WO-3001",
     dict(product="BRK-100", quantity=400, unit="pcs", priority=3, line="LINE-1",
          due=dt.datetime(2026, 3, 3, 13, 0, tzinfo=dt.UTC),
          notes="Brackets for customer order 4711",
          ops=[(10, "Press bushing", "ST-10", "LINE-1", "RCP-BRK-100", "WI-PRESS-BUSH",
                "IP-BRK")])),
    ("production-schedule.xml", "ProductionSchedule", "WO-3002",
     dict(product="BRK-300", quantity=120.5, unit="kg", priority=5, line=None,
          due=dt.datetime(2026, 3, 3, 21, 0, tzinfo=dt.UTC), notes="",
          ops=[(10, "Press both bushings", "ST-10", None, "RCP-BRK-300", None, None)])),
    ("operations-schedule.xml", "OperationsSchedule", "WO-4001",
     dict(product="BRK-200", quantity=300, unit="pcs", priority=4, line="LINE-1",
          due=dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC), notes="Brackets BRK-200",
          ops=[(10, "Press bushing", "ST-10", None, "RCP-BRK-200", None, None),
               (20, "Final check", None, "LINE-1", None, None, "IP-BRK")])),
    ("process-production-schedule.xml", "ProcessProductionSchedule", "WO-5001",
     dict(product="BRK-100", quantity=50, unit="pcs", priority=1, line=None,
          due=dt.datetime(2026, 3, 5, 13, 0, tzinfo=dt.UTC), notes="",
          ops=[(10, "Press bushing", "ST-10", None, None, None, None)])),
    ("process-operations-schedule.xml", "ProcessOperationsSchedule", "WO-6001",
     dict(product="BRK-300", quantity=75, unit="pcs", priority=5, line=None,
          due=dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.UTC), notes="",
          ops=[(10, "Press both bushings", "ST-10", None, "RCP-BRK-300", None, None)])),
])
def test_every_b2mml_variant_imports(demo_store, name, fmt, code, expected):
    report = import_orders(demo_store, DATA / name, station_id=STATION)
    assert report.format == fmt
    assert (code, 1) in report.created
    [wo] = versions(demo_store, code)
    assert (wo.product_code, wo.quantity, wo.unit, wo.priority, wo.line_code, wo.due_at,
            wo.notes) == (expected["product"], expected["quantity"], expected["unit"],
                          expected["priority"], expected["line"], expected["due"],
                          expected["notes"])
    assert [(o.sequence, o.name, o.station_code, o.line_code, o.recipe_code,
             o.work_instruction_code, o.inspection_plan_code)
            for o in wo.operations] == expected["ops"]


def test_parse_orders_needs_no_database():
    parsed = parse_orders(DATA / "process-operations-schedule.xml")
    assert parsed.format == "ProcessOperationsSchedule"
    [order] = parsed.orders
    # No EquipmentLevel: station or line is decided on import from the equipment data.
    assert order.operations[0].equipment == ["ST-10"]
    assert len(parsed.sha256) == 64


def test_the_shipped_schema_is_a_valid_xsd_in_the_b2mml_namespace():
    doc = etree.parse(str(erp.schema_path()))
    assert doc.getroot().get("targetNamespace") == "http://www.mesa.org/xml/B2MML-V0600"
    assert isinstance(erp.schema(), etree.XMLSchema)


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(("name", "expected"), [
    ("bad-syntax.xml", [
        "bad-syntax.xml:7: XML syntax error: Opening and ending tag mismatch: "
        "SegmentRequirement line 5 and SegmentRequirment",
    ]),
    ("bad-schema.xml", [
        "bad-schema.xml:5: ProductionRequest[1]/EndTime: 'next friday' is not a date and time",
        "bad-schema.xml:6: ProductionRequest[1]/Colour: unexpected element 'Colour' "
        "(expected here: Priority, SegmentRequirement)",
        "bad-schema.xml:15: ProductionRequest[2]: missing child element (expected: "
        "Description, StartTime, EndTime, Priority, SegmentRequirement)",
    ]),
    ("bad-number.xml", [
        "bad-number.xml:17: ProductionRequest[2]/SegmentRequirement/MaterialProducedRequirement/"
        "Quantity/QuantityString: 'ten' is not a number",
        "bad-number.xml:22: ProductionRequest[3]/Priority: priority 12 is out of range",
        "bad-number.xml:27: ProductionRequest[3]/SegmentRequirement/MaterialProducedRequirement/"
        "Quantity/QuantityString: '1,5' is not a number (write the decimal separator as a "
        "point: 1.5)",
    ]),
    ("bad-duplicate.xml", [
        "bad-duplicate.xml:11: OperationsRequest[2]/ID: duplicate order 'WO-7401' "
        "(also OperationsRequest[1]/ID, line 4)",
    ]),
    ("bad-references.xml", [
        "bad-references.xml:11: OperationsRequest/SegmentRequirement/SegmentParameter[1]/Value/"
        "ValueString: unknown recipe 'RCP-NOPE'",
        "bad-references.xml:12: OperationsRequest/SegmentRequirement/SegmentParameter[2]/Value/"
        "ValueString: unknown tool list 'TL-NOPE'",
        "bad-references.xml:13: OperationsRequest/SegmentRequirement/EquipmentRequirement/"
        "EquipmentID: unknown equipment 'ST-99'",
        "bad-references.xml:15: OperationsRequest/SegmentRequirement/MaterialRequirement/"
        "MaterialDefinitionID: unknown product 'BRK-999'",
    ]),
    ("bad-orders.csv", [
        "bad-orders.csv:2: quantity: 'ten' is not a number",
        "bad-orders.csv:3: due: '2026-03-04T14:00:00' has no time zone offset",
        "bad-orders.csv:5: operation: duplicate: order WO-7503 operation 10 is also on line 4",
        "bad-orders.csv:7: quantity: '35' differs from line 6 ('30')",
    ]),
])
def test_broken_files_name_every_problem_and_write_nothing(demo_store, name, expected):
    error = refused(demo_store, DATA / name)
    got = [str(p) for p in error.problems]
    assert len(got) == len(expected), "\n".join(got)
    for want, have in zip(expected, got, strict=True):
        assert have.startswith(want), f"{have!r} does not start with {want!r}"
    if len(expected) > 1:
        assert f"{name}: {len(expected)} problems, nothing was imported" in str(error)


def test_csv_database_problems_name_line_and_column(demo_store, tmp_path):
    path = tmp_path / "refs.csv"
    path.write_text(
        "order,product,quantity,operation,operation_name,station,recipe,tool_list\n"
        "WO-8001,BRK-999,5,10,Press,ST-10,RCP-NOPE,\n"
        "WO-8002,BRK-100,5,10,Press,ST-77,,TL-NOPE\n", encoding="utf-8")
    error = refused(demo_store, path)
    assert [str(p) for p in error.problems] == [
        "refs.csv:2: product: unknown product 'BRK-999' (not in the station's master data; "
        "import it first with `hmi masterdata import`)",
        "refs.csv:2: recipe: unknown recipe 'RCP-NOPE' (not in the station's master data; "
        "import it first with `hmi masterdata import`)",
        "refs.csv:3: station: unknown station 'ST-77' (not in the station's master data)",
        "refs.csv:3: tool_list: unknown tool list 'TL-NOPE' (not in the station's master data; "
        "import it first with `hmi masterdata import`)",
    ]


def test_csv_header_problems(demo_store, tmp_path):
    path = tmp_path / "hdr.csv"
    path.write_text("order;product;qty;operation\nWO-1;BRK-100;5;10\n", encoding="utf-8")
    error = refused(demo_store, path)
    assert [str(p) for p in error.problems] == [
        "hdr.csv:1: operation_name: required column is missing from the header",
        "hdr.csv:1: qty: unknown column (known columns: order, product, quantity, unit, due, "
        "priority, operation, operation_name, station, line, recipe, work_instruction, "
        "inspection_plan, tool_list)",
        "hdr.csv:1: quantity: required column is missing from the header",
    ]


def test_wrapper_header_is_lax_but_unknown_b2mml_elements_fail(demo_store, tmp_path):
    text = (DATA / "process-production-schedule.xml").read_text(encoding="utf-8")
    lax = text.replace("<BODID>", "<Anything><Nested/></Anything><BODID>")
    (tmp_path / "lax.xml").write_text(lax, encoding="utf-8")
    assert import_orders(demo_store, tmp_path / "lax.xml", station_id=STATION).created == [
        ("WO-5001", 1)]
    strict = text.replace("<Priority>1</Priority>", "<Priority>1</Priority><Shift>A</Shift>")
    (tmp_path / "strict.xml").write_text(strict, encoding="utf-8")
    error = refused(demo_store, tmp_path / "strict.xml")
    [problem] = error.problems
    assert str(problem) == ("strict.xml:20: ProductionRequest/Shift: unexpected element 'Shift' "
                            "(expected here: SegmentRequirement)")


def test_wrong_namespace_and_wrong_document_are_refused_clearly(demo_store, tmp_path):
    text = (DATA / "production-schedule.xml").read_text(encoding="utf-8")
    (tmp_path / "v5.xml").write_text(text.replace("B2MML-V0600", "B2MML-V0500"), "utf-8")
    [problem] = refused(demo_store, tmp_path / "v5.xml").problems
    assert "namespace 'http://www.mesa.org/xml/B2MML-V0500' is not B2MML V0600" in str(problem)
    perf = tmp_path / "perf.xml"
    perf.write_text(f'<ProductionPerformance xmlns="{erp.B2MML_NS}"><ID>x</ID>'
                    "</ProductionPerformance>", "utf-8")
    [problem] = refused(demo_store, perf).problems
    assert "this is a ProductionPerformance (production results), not an order schedule" in \
        str(problem)


def test_operations_other_than_production_are_refused(demo_store, tmp_path):
    text = (DATA / "operations-schedule.xml").read_text(encoding="utf-8")
    bad = text.replace("<Description>Brackets BRK-200</Description>\n    "
                       "<OperationsType>Production</OperationsType>",
                       "<Description>Brackets BRK-200</Description>\n    "
                       "<OperationsType>Maintenance</OperationsType>")
    assert bad != text
    (tmp_path / "maint.xml").write_text(bad, "utf-8")
    [problem] = refused(demo_store, tmp_path / "maint.xml").problems
    assert str(problem) == ("maint.xml:9: OperationsRequest/OperationsType: OperationsType "
                            "'Maintenance': only Production requests are imported as orders")


# --------------------------------------------------------------------------- versioning


def test_reimport_changes_nothing(demo_store):
    import_orders(demo_store, DATA / "production-schedule.xml", station_id=STATION)
    before = row_counts(demo_store)
    report = import_orders(demo_store, DATA / "production-schedule.xml", station_id=STATION)
    assert report.created == [] and report.unchanged == ["WO-3001", "WO-3002"]
    assert not report.changed
    assert row_counts(demo_store) == before  # no version, no import event, no audit entry


def test_changed_order_becomes_version_2_and_version_1_stays(demo_store, tmp_path):
    import_orders(demo_store, DATA / "orders.csv", station_id=STATION)
    changed = tmp_path / "orders.csv"
    changed.write_text((DATA / "orders.csv").read_text("utf-8").replace(
        "WO-2001;BRK-100;250;", "WO-2001;BRK-100;300;"), "utf-8")
    report = import_orders(demo_store, changed, station_id=STATION)
    assert report.created == [("WO-2001", 2)] and report.unchanged == ["WO-2002"]
    v1, v2 = versions(demo_store, "WO-2001")
    assert (v1.version, v1.quantity, v2.version, v2.quantity) == (1, 250, 2, 300)
    assert [o.sequence for o in v2.operations] == [10, 20]
    assert len(versions(demo_store, "WO-2002")) == 1


def _order_event(session, kind, code="WO-2001", version=1, op=10, at=T0, station=STATION,
                 **quantities):
    return append_event(session, m.WorkOrderEvent(
        station_id=station, order_code=code, order_version=version, operation_sequence=op,
        kind=kind, recorded_at=at, **quantities))


def _count(session, good=1, scrap=0, station=STATION, at=T0):
    return append_event(session, m.ProductionCountEvent(
        station_id=station, equipment_code=station, counter="good" if good else "scrap",
        good_increment=good, scrap_increment=scrap, recorded_at=at))


def test_started_order_is_not_changed_silently(demo_store, tmp_path):
    import_orders(demo_store, DATA / "orders.csv", station_id=STATION)
    with demo_store() as session, session.begin():
        _order_event(session, "started")
    # Unchanged content: fine, nothing happens.
    assert import_orders(demo_store, DATA / "orders.csv", station_id=STATION).created == []
    changed = tmp_path / "orders.csv"
    changed.write_text((DATA / "orders.csv").read_text("utf-8").replace(";2;10;", ";1;10;")
                       .replace(";2;20;", ";1;20;").replace("WO-2002;BRK-200;80;",
                                                             "WO-2002;BRK-200;90;"), "utf-8")
    error = refused(demo_store, changed)
    assert [str(p) for p in error.problems] == [
        "orders.csv:2: order: order WO-2001 is already started at ST-10; change it at the "
        "station or finish it first"]
    assert len(versions(demo_store, "WO-2002")) == 1  # the good record was not written either
    with demo_store() as session, session.begin():
        _order_event(session, "completed", at=T0 + dt.timedelta(hours=1))
    report = import_orders(demo_store, changed, station_id=STATION)
    assert report.created == [("WO-2001", 2), ("WO-2002", 2)]


def test_postgresql_central_database_runs_the_same_import(pg_url):
    from hmi.services.masterdata import import_file
    from hmi.store.engine import open_store

    engine, sf = open_store(pg_url)
    try:
        import_file(sf, config.resources_dir() / "masterdata" / "demo.toml", station_id="CENTRAL")
        report = import_orders(sf, DATA / "process-production-schedule.xml",
                               station_id="CENTRAL")
        assert report.created == [("WO-5001", 1)]
        before = row_counts(sf)
        assert import_orders(sf, DATA / "process-production-schedule.xml",
                             station_id="CENTRAL").created == []
        assert row_counts(sf) == before
        refused(sf, DATA / "bad-references.xml")
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- results and export


def _seed_history(sf):
    """WO-2001 op 10: run 06:00-07:00 (3 good, 1 scrap), paused (2 good counted while paused
    must not count), resumed 07:30, 2 good, completed 08:00. WO-2002: running since 08:10 with
    an operator report of 70 good / 3 scrap (the machine counts are then ignored)."""
    h = dt.timedelta(hours=1)
    with sf() as session, session.begin():
        _count(session, good=5)  # before anything started
        _order_event(session, "started", at=T0)
        for _ in range(3):
            _count(session, good=1)
        _count(session, good=0, scrap=1)
        _count(session, good=4, station="ST-20")  # another station
        _order_event(session, "paused", at=T0 + h)
        _count(session, good=2)
        _order_event(session, "resumed", at=T0 + 1.5 * h)
        _count(session, good=2)
        _order_event(session, "completed", at=T0 + 2 * h)
        _order_event(session, "started", code="WO-2002", at=T0 + 2.2 * h)
        _count(session, good=9)
        _order_event(session, "reported", code="WO-2002", at=T0 + 2.5 * h,
                     quantity_good=70, quantity_scrap=3)


def test_results_are_projected_from_the_station_events(demo_store):
    import_orders(demo_store, DATA / "orders.csv", station_id=STATION)
    _seed_history(demo_store)
    with demo_store() as session:
        results = erp.order_results(session, STATION)
    by_code = {r.order_code: r for r in results}
    done = by_code["WO-2001"]
    assert (done.state, done.good, done.scrap, done.quantity_planned, done.product_code) == (
        "Completed", 5, 1, 250, "BRK-100")
    assert (done.started_at, done.ended_at) == (T0, T0 + dt.timedelta(hours=2))
    [seg] = done.segments
    assert (seg.operation_sequence, seg.operation_name, seg.quantity_source) == (
        10, "Press bushing", "counted")
    running = by_code["WO-2002"]
    assert (running.state, running.good, running.scrap, running.ended_at) == (
        "Running", 70, 3, None)
    assert running.segments[0].quantity_source == "reported"
    with demo_store() as session:
        assert [r.order_code for r in erp.order_results(session, STATION, ["WO-2002"])] == [
            "WO-2002"]
        assert erp.order_results(session, "ST-20") == []


def test_projection_is_pure_and_counts_an_open_span_to_the_end():
    ev = [SimpleNamespace(order_code="A", order_version=2, operation_sequence=None, kind=k,
                          seq=s, recorded_at=T0 + dt.timedelta(minutes=s), quantity_good=None,
                          quantity_scrap=None, quantity_planned=40, station_id="S")
          for k, s in (("started", 1), ("paused", 3), ("resumed", 5))]
    counts = [SimpleNamespace(seq=s, good_increment=g, scrap_increment=x)
              for s, g, x in ((2, 1, 0), (4, 10, 0), (6, 2, 1), (9, 3, 0))]
    [r] = erp.project_results(ev, counts)
    # seq 2 (first span) and 6, 9 (open span since the resume) count; 4 (paused) does not.
    assert (r.order_version, r.state, r.good, r.scrap, r.quantity_planned) == (
        2, "Running", 6, 1, 40)
    assert r.segments[0].quantity_source == "counted"
    assert r.started_at == T0 + dt.timedelta(minutes=1) and r.ended_at is None


def test_b2mml_export_carries_quantities_and_times_and_validates(demo_store):
    import_orders(demo_store, DATA / "orders.csv", station_id=STATION)
    _seed_history(demo_store)
    with demo_store() as session:
        results = erp.order_results(session, STATION)
    for kind, root_name, material in (
            ("production", "ProductionPerformance", "MaterialProducedActual"),
            ("operations", "OperationsPerformance", "MaterialActual")):
        data = erp.export_b2mml(results, kind, station_id=STATION)
        doc = etree.fromstring(data)
        assert erp.schema().validate(doc), erp.schema().error_log
        assert etree.QName(doc).localname == root_name
        resp = "ProductionResponse" if kind == "production" else "OperationsResponse"
        req = "ProductionRequestID" if kind == "production" else "OperationsRequestID"
        [first] = doc.xpath(f"b:{resp}[b:{req}='WO-2001']", namespaces=NS)
        seg = first.find("b:SegmentResponse", NS)
        assert seg.findtext("b:ActualStartTime", namespaces=NS) == "2026-03-02T06:00:00+00:00"
        assert seg.findtext("b:ActualEndTime", namespaces=NS) == "2026-03-02T08:00:00+00:00"
        assert seg.findtext("b:SegmentState", namespaces=NS) == "Completed"
        mat = seg.find(f"b:{material}", NS)
        assert mat.findtext("b:MaterialDefinitionID", namespaces=NS) == "BRK-100"
        quantities = {q.findtext("b:Key", namespaces=NS): q.findtext("b:QuantityString",
                                                                    namespaces=NS)
                      for q in mat.findall("b:Quantity", NS)}
        assert quantities == {"Good": "5", "Scrap": "1"}
        [second] = doc.xpath(f"b:{resp}[b:{req}='WO-2002']", namespaces=NS)
        assert second.find("b:SegmentResponse/b:ActualEndTime", NS) is None


def test_csv_export(demo_store):
    import_orders(demo_store, DATA / "orders.csv", station_id=STATION)
    _seed_history(demo_store)
    with demo_store() as session:
        text = erp.export_csv(erp.order_results(session, STATION))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["order"], r["operation"], r["good"], r["scrap"], r["quantity_source"],
             r["state"], r["actual_start"], r["actual_end"]) for r in rows] == [
        ("WO-2001", "10", "5", "1", "counted", "Completed", "2026-03-02T06:00:00+00:00",
         "2026-03-02T08:00:00+00:00"),
        ("WO-2002", "10", "70", "3", "reported", "Running", "2026-03-02T08:12:00+00:00", ""),
    ]


# --------------------------------------------------------------------------- qt-free and CLI


def test_the_library_imports_no_qt():
    code = ("import sys; from hmi.services import erp; "
            f"erp.parse_orders({str(DATA / 'production-schedule.xml')!r}); "
            "bad = [m for m in sys.modules if m.startswith('PySide6')]; "
            "assert not bad, bad")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


def hmi(*args, timeout=60):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "hmi", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_cli_import_and_export_end_to_end(demo_db_template, tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "demo").mkdir(parents=True)
    db = data_dir / "demo" / "station.sqlite"  # where the demo station file keeps it
    shutil.copy(demo_db_template, db)
    ok = hmi("orders", "import", str(DATA / "orders.csv"), "--demo", "--data-dir", str(data_dir))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "orders.csv: 2 order(s) imported (WO-2001 v1, WO-2002 v1), " \
                                "0 unchanged"
    bad = hmi("orders", "import", str(DATA / "bad-number.xml"), "--demo", "--data-dir",
              str(data_dir))
    assert bad.returncode == 2
    assert "nothing was imported" in bad.stderr
    assert ("bad-number.xml:17: ProductionRequest[2]/SegmentRequirement/"
            "MaterialProducedRequirement/Quantity/QuantityString: 'ten' is not a number"
            ) in bad.stderr

    from hmi.store.engine import open_store

    engine, sf = open_store(f"sqlite:///{db}")
    try:
        _seed_history(sf)
    finally:
        engine.dispose()
    url = f"sqlite:///{db}"
    out = tmp_path / "perf.xml"
    exp = hmi("orders", "export", "--db", url, "--station", STATION, "--out", str(out),
              "--order", "WO-2001")
    assert exp.returncode == 0, exp.stderr
    assert exp.stdout.strip() == f"{out}: results of 1 order(s) at ST-10"
    doc = etree.parse(str(out))
    assert erp.schema().validate(doc)
    assert doc.xpath("//b:ProductionRequestID/text()", namespaces=NS) == ["WO-2001"]
    as_csv = hmi("orders", "export", "--format", "csv", "--demo", "--data-dir", str(data_dir))
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines()[0].startswith("order,version,operation,")
    assert len(as_csv.stdout.splitlines()) == 3
    missing = hmi("orders", "export", "--db", url, "--station", STATION, "--order", "WO-9999",
                  "--out", str(tmp_path / "none.xml"))
    assert missing.returncode == 2
    assert "no production results for order(s) WO-9999 at station ST-10" in missing.stderr
    assert not (tmp_path / "none.xml").exists()
