"""Labels at the station: produced units → label jobs → the durable print queue → a printer.

Real parts: the demo store (copied per test), a real DbWorker, the lead's MaterialService
booking units for WO-1001 (BRK-100, serial, GTIN 04012345000108) and WO-1003 (BRK-300,
lot, no GTIN), the real PrintQueue with its spool, and a ZPL printer stand-in on
127.0.0.1 (the approach of tests/test_printqueue.py, copied: formats, ^DF/^ID/^HW,
half-close). The Qt event loop is pumped from the asyncio loop (``pump``) as qasync
does in the app, so worker results and queue delivery interleave as at the station.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import statistics
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from sqlalchemy import select

from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.gs1 import parse_scan
from hmi.services.label_jobs import LabelRefused, LabelService, LabelSettings
from hmi.services.materials import MaterialService, WrittenUnit
from hmi.services.permissions import PRODUCTION_VIEW, Actor, PermissionDenied
from hmi.services.printqueue import JobState, PrintQueue
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry
from tests.fixtures.zpl_printer import ZplPrinter as _ZplPrinter

STATION = "ST-10"
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
GTIN = "04012345000108"
#: The demo operator as the session holds her after login (the login itself is tested in
#: test_auth; its PIN hashing would double this file's run time).
ANNA = Actor("1001", "Anna Berg", ("operator",), frozenset({PRODUCTION_VIEW}))


# --------------------------------------------------------------------------- helpers


def run(coro: Coroutine[Any, Any, Any], timeout: float = 20.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


async def pump(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    """Run Qt events (worker results, timers) and the asyncio loop until ``cond()``."""
    app = QCoreApplication.instance()
    async with asyncio.timeout(timeout):
        while True:
            app.processEvents()
            if cond():
                return
            await asyncio.sleep(0.005)


class ZplPrinter(_ZplPrinter):
    """The loopback printer (tests/fixtures/zpl_printer.py) that reads its labels' serials."""

    def serials(self) -> list[str]:
        """The serial (AI 21) of every printed label, read from its barcode field data."""
        out = []
        for f in self.formats:
            content = parse_scan(decode_bc_field(bc_field(f)))
            out.append(content.serial)
        return out


def bc_field(zpl_format: str) -> str:
    m = re.search(r"\^BCN[^^]*\^FD(.*?)\^FS", zpl_format, re.S)
    assert m, f"no ^BC barcode in {zpl_format!r}"
    return m.group(1)


def decode_bc_field(field: str) -> str:
    """What a scanner transmits for a ^BC field (mode N, invocation codes), with AIM prefix:
    ``]C1`` + element string (GS for a separating FNC1) for GS1-128, ``]C0`` + data otherwise."""
    out: list[str] = []
    mode, i, gs1 = "B", 0, False
    while i < len(field):
        if field[i] == ">" and i + 1 < len(field):
            code = field[i + 1]
            i += 2
            if code in ";5":
                mode = "C"
            elif code in ":6":
                mode = "B"
            elif code == "8":
                if out or gs1:
                    out.append("\x1d")
                else:
                    gs1 = True
            elif code == "<":
                out.append(">")
            else:
                raise AssertionError(f"unexpected invocation >{code}")
            continue
        if mode == "C":
            pair = field[i : i + 2]
            assert len(pair) == 2 and pair.isdigit(), f"subset C got {pair!r}"
            out.append(pair)
            i += 2
        else:
            out.append(field[i])
            i += 1
    return ("]C1" if gs1 else "]C0") + "".join(out)


class Serials:
    """Station-unique numbers as the app's SerialScheme makes them ({station}-{yymmdd}-{seq})."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, now: dt.datetime, kind: str = "serial") -> str:
        self.n += 1
        return f"{STATION}-{'L' if kind == 'lot' else ''}{now:%y%m%d}-{self.n:05d}"


class Station:
    """The parts the app wires: worker, material service, print queue, label service."""

    def __init__(self, sf: Any, spool: Path, out_dir: Path, *, print_on: str = "unit",
                 printer: str = "", queue_kw: dict[str, Any] | None = None,
                 clock: Callable[[], dt.datetime] = lambda: T0) -> None:
        from hmi.views.labels import make_renderer

        self.sf = sf
        self.clock = clock
        self.worker = DbWorker()
        self.audit = AuditWriter(STATION, clock)
        self.materials = MaterialService(self.worker, sf, STATION, "PRESS-10", self.audit,
                                         clock, serials=Serials(), flush_ms=10)
        settings = LabelSettings(print_on=print_on, printer=printer, file_format="pdf")
        kw = {"connect_timeout": 0.5, "send_timeout": 1.0, "query_timeout": 0.3,
              "backoff": 0.05, "backoff_cap": 0.2, **(queue_kw or {})}
        self.queue = PrintQueue(spool, out_dir=out_dir,
                                renderer=make_renderer((settings.width_mm, settings.height_mm),
                                                       settings.dpi), **kw)
        self.labels = LabelService(self.queue, settings, self.worker, sf, self.audit,
                                   clock=clock, tz=BERLIN)
        self.materials.sig_units_written.connect(self.labels.on_units_written)
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.queued: list[str] = []
        self.labels.sig_job_failed.connect(self.failed.append)
        self.labels.sig_error.connect(self.errors.append)
        self.labels.sig_queued.connect(self.queued.append)

    async def ready(self) -> None:
        self.materials.reload()
        self.labels.reload()
        await pump(lambda: self.materials.ready and self.labels.ready)

    async def make(self, order: str, good: int = 0, scrap: int = 0) -> list[WrittenUnit]:
        written: list[WrittenUnit] = []
        self.materials.sig_units_written.connect(written.extend)
        self.materials.on_units(order, good=good, scrap=scrap, t=self.clock())
        self.materials.flush()
        await pump(lambda: bool(written) and not self.materials.busy)
        self.materials.sig_units_written.disconnect(written.extend)
        return written

    async def settle(self) -> None:
        await pump(lambda: not self.labels.busy and not self.materials.busy)

    def audits(self, action: str) -> list[AuditEntry]:
        with self.sf() as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.seq)))

    async def close(self) -> None:
        self.labels.shutdown()
        await self.queue.aclose()
        self.worker.shutdown()


@pytest.fixture
def station(qapp, demo_store, tmp_path):
    made: list[Station] = []

    def build(**kw: Any) -> Station:
        st = Station(demo_store, tmp_path / "spool.sqlite", tmp_path / "labels", **kw)
        made.append(st)
        return st

    yield build
    for st in made:
        st.worker.shutdown()


# --------------------------------------------------------------------------- tests


def test_each_good_serial_gets_a_label_as_a_pdf_with_its_number(station) -> None:
    import pypdfium2 as pdfium

    async def scenario() -> None:
        st = station(print_on="unit")
        await st.ready()
        st.queue.start()
        units = await st.make("WO-1001", good=3, scrap=1)
        serials = [u.identifier for u in units if u.kind == "serial"]
        good = [u.identifier for u in units if u.good]
        assert len(serials) == 4 and len(good) == 3  # the scrapped one is written too …
        await st.queue.wait_idle(10)
        jobs = st.labels.jobs()
        assert sorted(j.identifier for j in jobs) == sorted(good)  # … but gets no label
        assert {j.state for j in jobs} == {"done"} and {j.kind for j in jobs} == {"pdf"}
        for job in jobs:
            doc = pdfium.PdfDocument(job.output_path)
            text = doc[0].get_textpage().get_text_range()
            doc.close()
            assert job.identifier in text  # the number a person reads on the label
            assert "Bracket 100" in text and "(01)04012345000108(21)" + job.identifier in text
            assert "2026-03-02" in text  # the unit's local date
        # Who printed what: one audit entry for the batch, naming every label and its job.
        (entry,) = st.audits("label.printed")
        assert entry.actor_badge is None  # made by the station, not by a person
        assert [x["identifier"] for x in entry.new_value["labels"]] == good
        assert {x["job"] for x in entry.new_value["labels"]} == {j.uid for j in jobs}
        # Other modes print nothing per unit.
        for mode in ("lot", "demand"):
            st.labels.settings = LabelSettings(print_on=mode)
            await st.make("WO-1001", good=2)
            assert len(st.labels.jobs()) == 3
        await st.close()

    run(scenario())


def test_units_stored_but_not_labelled_before_a_crash_get_their_label_at_restart(station) -> None:
    async def scenario() -> None:
        st = station(print_on="unit", clock=lambda: dt.datetime.now(dt.UTC))
        await st.ready()
        st.queue.start()
        first = await st.make("WO-1001", good=2)
        await st.queue.wait_idle(10)
        # The station dies between storing a batch and queueing its labels.
        st.materials.sig_units_written.disconnect(st.labels.on_units_written)
        lost = await st.make("WO-1001", good=2, scrap=1)
        assert len(st.labels.jobs()) == 2
        st.labels.shutdown()

        # Restart: a new label service on the same spool and store.
        again = LabelService(st.queue, LabelSettings(print_on="unit"), st.worker, st.sf,
                             st.audit, tz=BERLIN)
        again.reload()
        await pump(lambda: again.ready and not again.busy)
        await st.queue.wait_idle(10)
        labelled = [j.identifier for j in reversed(again.jobs())]
        assert labelled == [u.identifier for u in first] + [u.identifier for u in lost if u.good]
        assert st.audits("label.printed")[-1].new_value["trigger"] == "catch-up"
        # A second restart finds nothing missing.
        third = LabelService(st.queue, LabelSettings(print_on="unit"), st.worker, st.sf,
                             st.audit, tz=BERLIN)
        third.reload()
        await pump(lambda: third.ready and not third.busy)
        assert len(third.jobs()) == 4
        again.shutdown()
        third.shutdown()
        await st.close()

    run(scenario())


def test_zpl_label_reaches_the_printer_with_the_serial_in_its_gs1_barcode(station) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        st = station(print_on="unit", printer=printer.target)
        await st.ready()
        states: list[Any] = []
        st.labels.sig_printer_state.connect(states.append)
        st.queue.start()
        units = await st.make("WO-1001", good=2)
        await st.queue.wait_idle(10)
        await pump(lambda: len(states) >= 1)
        assert printer.serials() == [u.identifier for u in units]  # in order, once each
        label = printer.formats[0]
        content = parse_scan(decode_bc_field(bc_field(label)))
        assert content.gtin == GTIN and content.serial == units[0].identifier
        assert content.quantity is None  # a serial label carries no count
        assert f"(01){GTIN}(21){units[0].identifier}" in label  # the line under the bars
        assert "Bracket 100 with 12 mm bushing" in label
        assert states[-1].online is True and st.labels.printer_state().online is True
        await st.close()
        printer.stop()

    run(scenario())


def test_printer_away_never_holds_production_and_enqueueing_is_quick(station) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        target = printer.target
        printer.stop()  # the printer is away before the shift starts
        st = station(print_on="unit", printer=target)
        await st.ready()
        st.queue.start()
        units = [WrittenUnit("serial", f"ST-10-260302-{i:05d}", "BRK-100", "WO-1001", True, T0)
                 for i in range(1, 41)]
        t0 = asyncio.get_running_loop().time()
        for i in range(0, 40, 4):  # batches as the material service writes them
            st.labels.on_units_written(units[i : i + 4])
        took = asyncio.get_running_loop().time() - t0
        per_job = sorted(st.labels.enqueue_ms)
        print(f"\nenqueue per label: median {statistics.median(per_job):.2f} ms, "
              f"max {per_job[-1]:.2f} ms; 40 labels in {took * 1000:.0f} ms")
        assert len(per_job) == 40 and took < 2.0
        assert statistics.median(per_job) < 25 and per_job[-1] < 250
        await pump(lambda: st.labels.printer_state().online is False, timeout=5)
        away = st.labels.printer_state()
        assert "does not answer" in away.reason
        assert st.failed == []  # waiting is not failing
        assert all(j.state == "queued" for j in st.labels.jobs()[1:])
        await printer.start()  # same port: the printer is back
        await st.queue.wait_idle(15)
        assert printer.serials() == [u.identifier for u in units]  # every one, once, in order
        await pump(lambda: st.labels.printer_state().online is True)
        await st.close()
        printer.stop()

    run(scenario(), timeout=40)


def test_reprint_and_lot_labels_on_demand_are_audited(station) -> None:
    anna = ANNA

    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        st = station(print_on="demand", printer=printer.target)
        await st.ready()
        st.queue.start()
        units = await st.make("WO-1001", good=1, scrap=1)
        good, scrap = (u.identifier for u in units)
        assert st.labels.jobs() == []  # on demand only

        with pytest.raises(PermissionDenied):
            st.labels.reprint(None, good)  # nobody logged in
        with pytest.raises(LabelRefused, match="No serial or lot number"):
            st.labels.reprint(anna, "  ")
        st.labels.reprint(anna, f" {good} ")
        await st.settle()
        await st.queue.wait_idle(10)
        assert printer.serials() == [good]
        assert st.queued and good in st.queued[-1]
        (entry,) = st.audits("label.reprinted")
        assert entry.actor_badge == anna.badge and entry.entity_id == good
        assert entry.new_value["labels"][0]["job"] == st.labels.jobs()[0].uid

        # Refusals say why and queue nothing.
        st.labels.reprint(anna, scrap)
        st.labels.reprint(anna, "ST-10-999999-00001")
        await st.settle()
        assert "scrap" in st.errors[0] and "No unit or lot ST-10-999999-00001" in st.errors[1]
        assert len(st.labels.jobs()) == 1 and len(st.audits("label.reprinted")) == 1

        # A lot label of a GTIN product: (01) GTIN (10) lot (30) count.
        st.labels.print_lot(anna, "WO-1001", "L-0042", 25)
        await st.settle()
        await st.queue.wait_idle(10)
        content = parse_scan(decode_bc_field(bc_field(printer.formats[-1])))
        assert (content.gtin, content.lot, content.quantity.value) == (GTIN, "L-0042", 25)
        # The lot of a lot-tracked product without GTIN: its count from the store, Code 128.
        lots = await st.make("WO-1003", good=5, scrap=1)
        (lot,) = {u.identifier for u in lots}
        await st.make("WO-1003", good=2)  # a second batch of the same lot
        st.labels.print_lot(anna, "WO-1003", lot)
        await st.settle()
        await st.queue.wait_idle(10)
        assert decode_bc_field(bc_field(printer.formats[-1])) == "]C0" + lot
        assert "Qty 7 pcs" in printer.formats[-1]
        printed = st.audits("label.printed")
        assert [e.entity_id for e in printed] == ["L-0042", lot]
        assert all(e.actor_badge == anna.badge for e in printed)
        with st.sf() as s:
            assert verify_chain(s, STATION).ok
        await st.close()
        printer.stop()

    run(scenario())


def test_panel_shows_a_doubtful_job_in_red_and_retry_prints_it(station, themed, qtbot) -> None:
    from hmi.views.labels import LabelsPanel

    anna = ANNA

    async def scenario() -> None:
        printer = ZplPrinter()
        printer.silent = True  # takes the label, never confirms
        await printer.start()
        st = station(print_on="unit", printer=printer.target,
                     queue_kw={"send_timeout": 0.3, "query_timeout": 0.2})
        await st.ready()
        panel = LabelsPanel(st.labels, SimpleNamespace(actor=anna))
        qtbot.addWidget(panel)
        panel.resize(1120, 560)
        panel.show()
        st.queue.start()
        (unit,) = await st.make("WO-1001", good=1)
        await pump(lambda: any(j.state == "failed" for j in panel.jobs), timeout=8)
        (job,) = panel.jobs
        card = panel.card_for(job.uid)
        assert card.property("severity") == "alarm"
        assert "may or may not have printed" in card.detail.text()
        red = card.grab().toImage().pixelColor(6, card.height() // 2)
        assert red.red() > 180 and red.green() < 60 and red.blue() < 60  # a person sees red
        assert card.retry_button.isVisible() and card.printed_button.isVisible()
        assert card.retry_button.height() >= 64
        assert st.failed and unit.identifier in st.failed[0]  # for the banner
        assert len(printer.formats) == 1  # not resent on a guess

        printer.silent = False  # the person looked: no label came out, the printer is fixed
        qtbot.mouseClick(card.retry_button, Qt.MouseButton.LeftButton)
        await st.queue.wait_idle(10)
        await pump(lambda: panel.jobs[0].state == "done")
        assert printer.serials() == [unit.identifier, unit.identifier]
        assert card.property("severity") == "done" and not card.retry_button.isVisible()
        (entry,) = st.audits("label.retried")
        assert entry.actor_badge == anna.badge and entry.new_value["job"] == job.uid
        assert st.queue.job(job.uid).state == JobState.DONE
        await st.close()
        printer.stop()

    run(scenario(), timeout=30)


def test_panel_fits_and_reprints_a_scanned_label(station, themed, qtbot, tmp_path) -> None:
    from hmi.devices.scanner import make_scan
    from hmi.services.scans import ScanHub
    from hmi.views.labels import LabelsPanel

    anna = ANNA

    async def scenario() -> None:
        st = station(print_on="unit")
        await st.ready()
        hub = ScanHub()
        panel = LabelsPanel(st.labels, SimpleNamespace(actor=anna), scans=hub)
        qtbot.addWidget(panel)
        panel.resize(1120, 560)
        panel.show()
        st.queue.start()
        units = await st.make("WO-1001", good=3)
        await st.queue.wait_idle(10)
        await pump(lambda: len(panel.jobs) == 3 and all(j.state == "done" for j in panel.jobs))
        # Everything fits 1120 x 560 and every touch target is at least 64 px.
        assert panel.minimumSizeHint().width() <= 1120 and panel.minimumSizeHint().height() <= 560
        from PySide6.QtWidgets import QPushButton

        shown = [b for b in panel.findChildren(QPushButton) if b.isVisible()]
        assert shown and min(b.height() for b in shown) >= 64
        assert all(panel.rect().contains(b.mapTo(panel, b.rect().bottomRight())) for b in shown)
        QCoreApplication.processEvents()  # the pending re-layout after the cards came
        panel.grab().save(str(tmp_path / "labels-panel.png"))

        # The person scans the label of the second unit (GS1-128, as the label carries it).
        second = units[1].identifier
        hub.deliver(make_scan(f"]C101{GTIN}21{second}".encode(), "wedge"))
        assert panel.field.text() == second
        qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)
        await st.settle()
        await st.queue.wait_idle(10)
        await pump(lambda: len(panel.jobs) == 4)
        assert panel.jobs[0].identifier == second and panel.field.text() == ""
        assert "queued" in panel.message.text()
        # Typed with the keypad: the prefix key, then digits.
        panel.field.clear()
        qtbot.mouseClick(panel.prefix_button, Qt.MouseButton.LeftButton)
        for key in "99999":
            panel.keypad.press(key)
        panel.keypad.press("enter")
        await st.settle()
        assert panel.message.property("severity") == "alarm"
        assert "No unit or lot" in panel.message.text()
        await st.close()

    run(scenario())


def test_a_wrong_printer_address_is_said_on_every_label_and_the_station_runs_on(station) -> None:
    async def scenario() -> None:
        st = station(print_on="unit", printer="printer:abc")
        await st.ready()
        state = st.labels.printer_state()
        assert state.online is False and "not host:port" in state.reason
        await st.make("WO-1001", good=2)
        assert st.labels.jobs() == []
        assert len(st.failed) == 2 and all("not host:port" in m for m in st.failed)
        assert st.audits("label.printed") == []  # nothing queued, nothing claimed
        await st.close()

    run(scenario())
