"""The durable print queue against a real TCP label-printer stand-in on 127.0.0.1.

``ZplPrinter`` is an asyncio server that behaves like the raw port of a Zebra
printer as far as the queue relies on it: it reads ZPL formats (``^XA … ^XZ``)
from each connection, "prints" a complete label format, deletes (``^ID``) and
stores (``^DF``) objects on its RAM drive, answers ``^HW`` with a directory
list (STX … ETX) and closes its side when the host half-closes. An incomplete
format (connection broken before its ``^XZ``) is never printed.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from hmi.devices.labelprinter import (
    PrinterConnection,
    PrinterTimeout,
    PrinterUnreachable,
    RawPrinterLink,
    parse_target,
)
from hmi.services.errors import OperatorError
from hmi.services.printqueue import JobState, PrintQueue, wire_bytes
from tests.fixtures.zpl_printer import ZplPrinter

LABEL = "^XA^FO20,20^A0N,40,40^FD{}^FS^XZ"


def run(coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / "spool" / "print.sqlite"


def fast_queue(spool: Path, **kw: Any) -> PrintQueue:
    kw.setdefault("connect_timeout", 1.0)
    kw.setdefault("send_timeout", 2.0)
    kw.setdefault("query_timeout", 0.5)
    kw.setdefault("backoff", 0.05)
    kw.setdefault("backoff_cap", 0.2)
    return PrintQueue(spool, **kw)


class StationCrash(BaseException):
    """Stands for the station process dying at a chosen point."""


def _jobs_in_order(q: PrintQueue) -> list[str]:
    return [j.uid for j in reversed(q.jobs())]


# --------------------------------------------------------------------------- the raw link


def test_link_errors_say_what_happened() -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        port = printer.port
        printer.stop()
        with pytest.raises(PrinterUnreachable) as refused:
            await RawPrinterLink("127.0.0.1", port, connect_timeout=1).send(b"^XA^XZ")
        assert refused.value.maybe_delivered is False
        assert "connection refused" in str(refused.value)
        assert "does not answer" in refused.value.operator_message

        # A printer that takes the bytes but never closes its side: the send cannot be confirmed.
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        sport = server.sockets[0].getsockname()[1]
        with pytest.raises(PrinterTimeout) as slow:
            await RawPrinterLink("127.0.0.1", sport, send_timeout=0.3).send(b"^XA^XZ")
        assert slow.value.maybe_delivered is True
        server.close()

    run(scenario())
    assert parse_target("printer.local") == ("printer.local", 9100)
    assert parse_target("10.0.0.5:6101") == ("10.0.0.5", 6101)
    with pytest.raises(ValueError, match="host:port"):
        parse_target("10.0.0.5:port")


def test_wire_bytes_carry_job_id_and_marker_after_the_label() -> None:
    data = wire_bytes(LABEL.format("A"), "u-1", "MJABC123").decode()
    assert data.index("^IDR:MJ*.ZPL") < data.index("^FXmes-job:u-1") < data.index("^DFR:MJABC123.ZPL")
    assert data.index("^FD A".replace(" ", "")) < data.index("^DFR:")


# --------------------------------------------------------------------------- delivery


def test_printer_stopped_and_started_mid_queue_every_label_once_in_order(qapp, spool: Path) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        q = fast_queue(spool)
        states: list[tuple[str, bool, str]] = []
        q.printer_state.connect(lambda t, online, reason: states.append((t, online, reason)))
        uids = [q.enqueue_zpl(printer.target, LABEL.format(f"L{i}"), title=f"L{i}") for i in range(12)]

        def stop_after_four(p: ZplPrinter) -> None:
            if len(p.printed) == 4:
                p.stop()

        printer.on_print = stop_after_four
        q.start()
        async with asyncio.timeout(10):
            while not any(not online for _, online, _ in states):
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.4)  # several refused retries while the printer is away
        assert len(printer.printed) == 4
        waiting = list(reversed(q.jobs([JobState.QUEUED])))
        assert [j.uid for j in waiting] == uids[4:]
        head = waiting[0]  # retried with its reason, not given up; the others wait behind it
        assert head.attempts > 1 and "does not answer" in head.reason
        assert all(j.attempts == 0 for j in waiting[1:])
        printer.on_print = None
        await printer.start()  # same port
        await q.wait_idle(10)
        assert printer.printed == uids  # every job exactly once, in order
        assert all(j.state == JobState.DONE for j in q.jobs())
        away = [s for s in states if not s[1]]
        assert away and "does not answer" in away[0][2]
        assert states[-1][:2] == (printer.target, True)
        await q.aclose()
        printer.stop()

    run(scenario())


def test_connection_cut_mid_label_is_sent_again_once(qapp, spool: Path) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        q = fast_queue(spool)
        first = q.enqueue_zpl(printer.target, LABEL.format("first"))
        long_label = LABEL.format("X" * 5000)
        printer.cut_next_after = 100  # inside the label: its ^XZ never arrives
        q.start()
        await q.wait_idle(10)
        second = q.enqueue_zpl(printer.target, long_label)
        await q.wait_idle(10)
        assert printer.printed == [first, second]
        assert q.job(first).attempts == 2  # cut once, asked the printer (no marker), resent
        await q.aclose()
        printer.stop()

    run(scenario())


def test_queue_survives_station_restart(qapp, spool: Path) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        q = fast_queue(spool)
        q.start()
        a = q.enqueue_zpl(printer.target, LABEL.format("A"))
        await q.wait_idle(10)
        assert printer.printed == [a]
        printer.stop()  # printer away
        b = q.enqueue_zpl(printer.target, LABEL.format("B"))
        c = q.enqueue_zpl(printer.target, LABEL.format("C"))
        await asyncio.sleep(0.2)
        await q.aclose()  # station shut down with B and C waiting

        q2 = fast_queue(spool)
        assert [j.state for j in reversed(q2.jobs())] == [JobState.DONE, JobState.QUEUED, JobState.QUEUED]
        await printer.start()
        q2.start()
        await q2.wait_idle(10)
        assert printer.printed == [a, b, c]  # queued ones went out, the done one not again
        await q2.aclose()
        printer.stop()

    run(scenario())


def _crash_after_transmission(monkeypatch: pytest.MonkeyPatch) -> None:
    """The station dies after the printer took the label, before the job was marked done."""
    real_finish = PrinterConnection.finish

    async def finish_then_die(self: PrinterConnection) -> None:
        await real_finish(self)
        raise StationCrash

    monkeypatch.setattr(PrinterConnection, "finish", finish_then_die)


async def _crash_run(q: PrintQueue) -> None:
    q.start()
    with pytest.raises(StationCrash):
        await q._task  # the delivery task dies with the "process"
    q._task = None
    q.close()


def test_restart_after_crash_with_label_delivered_does_not_print_twice(
    qapp, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        q = fast_queue(spool)
        a = q.enqueue_zpl(printer.target, LABEL.format("A"))
        b = q.enqueue_zpl(printer.target, LABEL.format("B"))
        _crash_after_transmission(monkeypatch)
        await _crash_run(q)
        monkeypatch.undo()
        assert printer.printed == [a]

        q2 = fast_queue(spool)
        left = q2.job(a)
        assert left.state == JobState.SENDING and left.in_doubt
        q2.start()
        await q2.wait_idle(10)
        assert printer.printed == [a, b]  # a confirmed by its marker, not resent
        assert q2.job(a).state == JobState.DONE
        assert "confirmed by the printer" in q2.job(a).reason
        await q2.aclose()
        printer.stop()

    run(scenario())


def test_restart_after_crash_before_the_label_arrived_sends_it(
    qapp, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        printer = ZplPrinter()
        await printer.start()
        q = fast_queue(spool)
        a = q.enqueue_zpl(printer.target, LABEL.format("A"))

        async def die_before_sending(self: PrinterConnection, data: bytes) -> None:
            raise StationCrash

        monkeypatch.setattr(PrinterConnection, "send_all", die_before_sending)
        await _crash_run(q)
        monkeypatch.undo()
        assert printer.printed == []

        q2 = fast_queue(spool)
        assert q2.job(a).in_doubt
        q2.start()
        await q2.wait_idle(10)
        assert printer.printed == [a]  # no marker on the printer: sent, once
        await q2.aclose()
        printer.stop()

    run(scenario())


def test_printer_that_cannot_confirm_leaves_doubtful_job_to_a_person(
    qapp, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        printer = ZplPrinter(supports_hw=False)
        await printer.start()
        q = fast_queue(spool)
        a = q.enqueue_zpl(printer.target, LABEL.format("A"))
        b = q.enqueue_zpl(printer.target, LABEL.format("B"))
        _crash_after_transmission(monkeypatch)
        await _crash_run(q)
        monkeypatch.undo()

        q2 = fast_queue(spool)
        failed: list[tuple[str, str]] = []
        q2.job_failed.connect(lambda uid, reason: failed.append((uid, reason)))
        q2.start()
        await q2.wait_idle(10)
        assert printer.printed == [a, b]  # a NOT resent on a guess; b went on
        assert q2.job(a).state == JobState.FAILED
        assert failed and failed[0][0] == a and "may or may not have printed" in failed[0][1]
        with pytest.raises(OperatorError, match="only possible for a failed job"):
            q2.retry(b)
        q2.mark_printed(a)
        assert q2.job(a).state == JobState.DONE
        await q2.aclose()
        printer.stop()

    run(scenario())


def test_operator_retry_of_a_failed_job_prints_it_again(
    qapp, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        printer = ZplPrinter(supports_hw=False)
        await printer.start()
        q = fast_queue(spool, confirm=False)
        a = q.enqueue_zpl(printer.target, LABEL.format("A"))
        _crash_after_transmission(monkeypatch)
        await _crash_run(q)
        monkeypatch.undo()
        q2 = fast_queue(spool, confirm=False)
        q2.start()
        await q2.wait_idle(10)
        assert q2.job(a).state == JobState.FAILED and printer.printed == [a]
        q2.retry(a)  # the person saw no label come out
        await q2.wait_idle(10)
        assert printer.printed == [a, a] and q2.job(a).state == JobState.DONE
        await q2.aclose()
        printer.stop()

    run(scenario())


def test_bad_input_is_refused_before_anything_is_queued(qapp, spool: Path, tmp_path: Path) -> None:
    q = fast_queue(spool)
    with pytest.raises(OperatorError, match="not host:port"):
        q.enqueue_zpl("printer:abc", LABEL.format("A"))
    with pytest.raises(OperatorError, match="not ZPL"):
        q.enqueue_zpl("127.0.0.1:9100", "hello")
    with pytest.raises(OperatorError, match="not set up"):
        q.enqueue_file("pdf", {"x": 1}, name="a")
    assert q.jobs() == []
    q.close()
    # A spool from a newer station version is not touched.
    db = sqlite3.connect(spool)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(OperatorError, match="newer version"):
        PrintQueue(spool)


def test_spool_is_wal_with_full_sync(qapp, spool: Path) -> None:
    q = fast_queue(spool)
    assert q._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert q._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    q.close()


# --------------------------------------------------------------------------- print to file


def test_pdf_and_png_jobs_written_once_to_the_folder(qapp, spool: Path, tmp_path: Path) -> None:
    import datetime as dt

    import pypdfium2 as pdfium

    from hmi.services.labels import LabelData, render_data
    from hmi.widgets.label_render import label_to_pdf, label_to_png

    calls: list[str] = []

    def renderer(kind: str, payload: dict, path: Path) -> None:
        calls.append(kind)
        (label_to_pdf if kind == "pdf" else label_to_png)(payload, path)

    out = tmp_path / "labels"
    label = LabelData("BRK-100", "Brake caliper", "SN-0001", "serial", 1, "pcs",
                      dt.date(2026, 3, 4), "ORD-1", gtin="04012345000108")

    async def scenario() -> None:
        q = fast_queue(spool, out_dir=out, renderer=renderer)
        p = q.enqueue_file("pdf", render_data(label), name="SN-0001")
        i = q.enqueue_file("png", render_data(label), name="SN 0001/x")
        q.start()
        await q.wait_idle(10)
        pdf_path = Path(q.job(p).output_path)
        png_path = Path(q.job(i).output_path)
        assert pdf_path.parent == out and png_path.name.endswith("SN_0001_x.png")
        doc = pdfium.PdfDocument(str(pdf_path))
        assert len(doc) == 1
        assert doc[0].get_textpage().get_text_range().count("SN-0001") >= 1
        doc.close()
        assert not list(out.glob("*.part"))
        await q.aclose()

        # A restart right after the file was written but before "done" was recorded:
        # the file is there, it is not drawn again.
        db = sqlite3.connect(spool)
        db.execute("UPDATE job SET state = 'sending', stage = 'writing', done_at = NULL")
        db.commit()
        db.close()
        q2 = fast_queue(spool, out_dir=out, renderer=renderer)
        q2.start()
        await q2.wait_idle(10)
        assert calls == ["pdf", "png"]
        assert {j.state for j in q2.jobs()} == {JobState.DONE}

        # A renderer that refuses the data fails the job with the reason; others go on.
        bad = q2.enqueue_file("png", {"product_name": "x"}, name="bad")
        good = q2.enqueue_file("png", render_data(label), name="good")
        await q2.wait_idle(10)
        assert q2.job(bad).state == JobState.FAILED and "could not be drawn" in q2.job(bad).reason
        assert q2.job(good).state == JobState.DONE
        await q2.aclose()

    run(scenario())
