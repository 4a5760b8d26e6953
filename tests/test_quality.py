"""Team-lead sign-off, the Quality screen (sign-off, holds, SPC) and FPY on the dashboard.

Real demo store with a test plan imported through the real master-data import, real
DbWorker, InspectionService, HoldService, QualityService, SignatureService and
AuthService with the demo people: Clara (2001/3456) is a team lead, Anna (1001/1234)
and Ben (1002/2345) operators. The sign-off goes through the real SignatureDialog,
driven by qtbot while it is open.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select, text

from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.holds import HoldService
from hmi.services.inspections import InspectionService
from hmi.services.masterdata import import_file
from hmi.services.quality import QualityError, QualityService
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry, Signature
from hmi.views.dashboard import DashboardView
from hmi.views.quality import QualityView, capability_severity
from hmi.widgets.signature_dialog import SignatureDialog

STATION = "ST-10"
ORDER = "WO-Q-1"
T0 = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)
CLARA = {"badge": "2001", "pin": "3456"}

PLAN = """
format_version = 1

[[gauges]]
code = "G-OK"
name = "Depth gauge"
kind = "depth_gauge"
resolution = 0.01
range_min = 0.0
range_max = 20.0
unit = "mm"
calibration_due = 2027-06-30

[[inspection_plans]]
code = "IP-Q"
name = "Quality test plan"
product = "BRK-100"
operation = "Press"
grace_minutes = 10

[[inspection_plans.characteristics]]
code = "DEPTH"
name = "Insertion depth"
type = "variable"
target = 12.0
lsl = 11.8
usl = 12.2
unit = "mm"
resolution = 0.01
chart = "imr"
reaction = "reinspect"
gauge_kind = "depth_gauge"
frequencies = [{ trigger = "first_piece" }, { trigger = "every_parts", every = 5 }]

[[inspection_plans.characteristics]]
code = "GUARD"
name = "Guard closes"
type = "checklist"
requires_signature = true
frequencies = [{ trigger = "changeover" }]

[[work_orders]]
code = "WO-Q-1"
product = "BRK-100"
quantity = 100
operations = [{ sequence = 10, name = "Press", station = "ST-10", inspection_plan = "IP-Q" }]
"""

BASELINE = ["12.00", "12.02", "11.98", "12.01", "11.99", "12.00", "12.02", "11.98", "12.01",
            "11.99"]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def add(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


class Station:
    def __init__(self, qtbot, sf, worker) -> None:
        self.qtbot, self.sf, self.worker = qtbot, sf, worker
        self.clock = Clock()
        audit = AuditWriter(STATION, self.clock)
        self.auth = AuthService(sf, STATION, clock=self.clock)
        sigs = SignatureService(sf, self.auth, audit, STATION, clock=self.clock)
        self.insp = InspectionService(worker, sf, STATION, audit, sigs, clock=self.clock)
        self.holds = HoldService(worker, sf, STATION, audit, sigs, self.clock)
        self.quality = QualityService(worker, sf, STATION, audit, sigs, self.clock)
        self.insp.sig_recorded.connect(self.quality.results_changed)
        self.holds.sig_quality_changed.connect(self.quality.results_changed)
        self.errors: list[str] = []
        for svc in (self.insp, self.holds, self.quality):
            svc.sig_error.connect(self.errors.append)
        self.holds.reload()
        self.quality.reload()
        self.insp.order_started(ORDER)
        self.settle()
        self.insp.parts_counted(1)  # the first piece is made: first-article inspection due

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not (self.insp.busy or self.holds.busy
                                          or self.quality.busy), timeout=10_000)

    def record(self, actor, char, values, **kw):
        got = []
        fut = self.insp.record(actor, char, values, on_done=got.append, **kw)
        self.settle()
        assert fut.exception() is None, fut.exception()
        self.clock.add(minutes=1)
        return got[0]

    def item(self, result_id):
        return self.quality.item(result_id)


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


@pytest.fixture
def st(qtbot, demo_store, worker, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(textwrap.dedent(PLAN), encoding="utf-8")
    import_file(demo_store, path, station_id=STATION)
    return Station(qtbot, demo_store, worker)


def tap(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget.text()!r} cannot be tapped"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def sign_in_dialog(qtbot, attempts, seen):
    """While the real SignatureDialog is open: try each (badge, pin), note its message.

    Runs from a timer inside the dialog's exec(); always leaves the dialog (cancels it
    when no attempt was accepted), so a failing expectation cannot hang the test."""
    def drive() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, SignatureDialog):
            QTimer.singleShot(20, drive)
            return
        for badge, pin in attempts:
            dlg.badge.setText(badge)
            dlg.pin.setText(pin)
            qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
            if not dlg.isVisible():
                seen.append(None)
                return
            seen.append(dlg.message.text())
        dlg.reject()

    QTimer.singleShot(0, drive)


# --------------------------------------------------------------------------- service


def test_what_needs_a_sign_off_and_who_may_sign(st, people):
    anna = people["anna"]
    first = st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")    # first piece
    routine = st.record(anna, "DEPTH", ["12.01"], gauge_code="G-OK")  # nothing to sign
    failed = st.record(anna, "DEPTH", ["12.30"], gauge_code="G-OK")   # above USL
    guard = st.record(anna, "GUARD", ["ok"])                           # plan: signature
    items = {str(i.result_id): i for i in st.quality.items()}
    assert set(items) == {first.result_id, failed.result_id, guard.result_id}
    assert routine.result_id not in items
    assert items[first.result_id].why_text() == "First-article approval"
    assert items[first.result_id].meaning.value == "Approved"
    assert items[failed.result_id].why_text() == "Failed check: review"
    assert items[failed.result_id].meaning.value == "Reviewed"
    assert items[guard.result_id].why_text() == "Signature required by the plan"
    assert all(i.open for i in items.values())
    assert "12.30 mm — FAIL, recorded by Anna Berg at 06:02" in items[failed.result_id].what()

    # the author may not sign (plan: signer_must_differ), refused before the PIN
    with pytest.raises(QualityError, match="Anna Berg recorded this result"):
        st.quality.sign_off(anna, first.result_id, badge="1001", pin="1234")
    # a failed check needs a comment
    with pytest.raises(QualityError, match="needs a comment"):
        st.quality.sign_off(anna, failed.result_id, **CLARA, comment="  ")
    # an operator's PIN is right but Ben lacks inspection.sign: nothing stored
    fut = st.quality.sign_off(anna, first.result_id, badge="1002", pin="2345")
    st.settle()
    assert "may not" in str(fut.exception()) or "lacks" in str(fut.exception())
    # Clara signs both
    st.quality.sign_off(anna, first.result_id, **CLARA).result(10)
    st.quality.sign_off(anna, failed.result_id, **CLARA,
                        comment="Gauge re-checked, parts sorted").result(10)
    st.settle()
    assert st.item(first.result_id).signoff.signer_name == "Clara Voss"
    assert st.item(first.result_id).signoff.meaning == "Approved"
    with pytest.raises(QualityError, match="signed already: Approved by Clara Voss"):
        st.quality.sign_off(anna, first.result_id, **CLARA)
    with st.sf() as s:
        sigs = list(s.scalars(select(Signature).where(Signature.record_type ==
                                                      "inspection_result")))
        assert sorted((g.meaning, g.signer_badge, g.comment) for g in sigs) == [
            ("Approved", "2001", ""), ("Reviewed", "2001", "Gauge re-checked, parts sorted")]
        refused = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "signature_refused"))
        assert refused == 1  # Ben

    # after a reload (a restart) the sign-offs are shown, intact
    st.quality.reload()
    st.settle()
    assert st.item(failed.result_id).signoff.valid
    assert st.item(failed.result_id).signoff.comment == "Gauge re-checked, parts sorted"
    assert [i.result_id for i in st.quality.open_items()] == [st.item(guard.result_id).result_id]


def test_a_signed_result_changed_afterwards_shows_a_broken_signature(st, people):
    anna = people["anna"]
    first = st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    st.quality.sign_off(anna, first.result_id, **CLARA).result(10)
    st.settle()
    # someone edits the stored value behind the application's back
    with st.sf() as s:
        s.execute(text("UPDATE inspection_result SET \"values\" = '[12.1]' WHERE id = :id"),
                  {"id": st.item(first.result_id).result_id.hex})
        s.commit()
    st.quality.reload()
    st.settle()
    off = st.item(first.result_id).signoff
    assert not off.valid and off.check == "the record was changed after it was signed"


def test_a_remeasured_failure_is_reviewed_through_its_remeasurement(st, people):
    anna = people["anna"]
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    bad = st.record(anna, "DEPTH", ["12.30"], gauge_code="G-OK")
    again = st.record(anna, "DEPTH", ["12.10"], gauge_code="G-OK", remeasure_of=bad.result_id)
    assert again.passed
    item = st.item(again.result_id)
    assert item is not None and item.why == "failed" and item.remeasured == 1
    assert st.item(bad.result_id) is None


# --------------------------------------------------------------------------- screen


def test_sign_off_through_the_real_dialog(qtbot, st, people, themed):
    anna = people["anna"]
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    failed = st.record(anna, "DEPTH", ["12.30"], gauge_code="G-OK")
    session = type("S", (), {"actor": anna})()
    view = QualityView(st.quality, st.holds, st.insp, session)
    qtbot.addWidget(view)
    view.resize(1120, 650)  # 800 px panel − header − a two-line banner
    view.show()
    page = view.signoff
    assert view.tabs["signoff"].text() == "Sign-off (2)"
    page.select(str(failed.result_id))
    assert page.why.text() == "Failed check: review"
    assert "Not signed yet. Needs: Reviewed, by someone other than Anna Berg" in \
        page.signature.text()

    # no comment: refused on the screen, no dialog
    tap(qtbot, page.sign_button)
    assert "needs a comment" in page.message.text()

    class Pick:  # the comment chooser: one tap on the second common comment
        def __init__(self, title, question, choices, parent=None) -> None:
            self.choices = choices

        def exec(self) -> bool:
            return True

        def reason(self) -> str:
            return self.choices[1]

    page.comment.choice_factory = Pick
    tap(qtbot, page.comment.choose)
    assert page.comment.text() == "Parts sorted and contained"
    seen: list[str | None] = []
    sign_in_dialog(qtbot, [("2001", "0000"), ("1001", "1234"), ("2001", "3456")], seen)
    tap(qtbot, page.sign_button)
    assert len(seen) == 3, seen
    assert "PIN" in seen[0]                                    # wrong PIN
    assert "Anna Berg recorded this result and may not sign it off" in seen[1]
    assert seen[2] is None                                     # Clara: signed, dialog closed
    qtbot.waitUntil(lambda: not st.quality.busy and st.item(failed.result_id).signoff
                    is not None, timeout=10_000)
    st.settle()
    page.select(str(failed.result_id))
    block = page.signature.text()
    assert block.startswith("Reviewed: Clara Voss (2001), 2026-06-01 06:")
    assert "Comment: Parts sorted and contained" in block
    assert not page.sign_button.isVisible()
    assert view.tabs["signoff"].text() == "Sign-off (1)"
    card = page.list.card_widget(str(failed.result_id))
    assert "✓ Reviewed by Clara Voss" in card.detail.text()
    with st.sf() as s:
        assert s.scalar(select(func.count()).select_from(Signature).where(
            Signature.record_type == "inspection_result")) == 1
    view.grab().save(str(_png("quality-signoff")))
    assert view.width() <= 1120 and view.height() <= 650, view.size()


def test_holds_page_places_disposes_and_releases_with_signatures(qtbot, st, people, themed):
    anna = people["anna"]
    session = type("S", (), {"actor": anna})()
    view = QualityView(st.quality, st.holds, st.insp, session,
                       running_order=lambda: (ORDER, 10))
    qtbot.addWidget(view)
    view.resize(1120, 650)  # 800 px panel − header − a two-line banner
    view.show()
    view.show_page("holds")
    page = view.holds
    assert page.place_button.isVisible() and view.tabs["holds"].text() == "Holds (0)"

    class Reason:  # the reason picker: one tap on the first reason
        def __init__(self, *a, **kw) -> None:
            pass

        def exec(self) -> bool:
            return True

        def reason(self) -> str:
            return "Suspect dimension: parts must be checked"

    page.reason_dialog_factory = Reason
    tap(qtbot, page.place_button)
    st.settle()
    assert view.tabs["holds"].text() == "Holds (1)"
    assert page.title.text() == "Hold on order WO-Q-1"
    assert page.counts.text().startswith("Suspect dimension: parts must be checked\nPlaced by "
                                         "Anna Berg (badge 1001), 2026-06-01 06:")
    st.holds.on_parts(ORDER, 6)  # six good parts made under the hold
    page.refresh()
    assert "Made under hold 6 · suspect 6" in page.counts.text()
    assert page.quantity.text() == "6"

    # scrap two, signed by Clara through the real dialog
    page.quantity.setText("2")
    seen: list[str | None] = []
    sign_in_dialog(qtbot, [("2001", "3456")], seen)
    tap(qtbot, page.disposition_buttons["scrap"])
    assert seen == [None]
    qtbot.waitUntil(lambda: st.holds.quality(ORDER).scrap == 2, timeout=10_000)
    st.settle()
    page.refresh()
    assert "Made under hold 6 · suspect 4" in page.counts.text()
    assert "Scrap 2 · rework 0" in page.counts.text()
    view.grab().save(str(_png("quality-holds")))
    assert view.width() <= 1120 and view.height() <= 650, view.size()

    # a quantity that is not a whole number: said on the screen, nothing signed
    page.quantity.setText("x")
    tap(qtbot, page.disposition_buttons["use_as_is"])
    assert "whole number" in page.message.text()

    # release: a comment first; Anna placed it and cannot release it, Clara can
    tap(qtbot, page.release_button)
    assert "Say why" in page.message.text()
    page.comment.field.setText("Checked: OK to continue")
    seen.clear()
    sign_in_dialog(qtbot, [("1001", "1234"), ("2001", "3456")], seen)
    tap(qtbot, page.release_button)
    assert "placed this hold and cannot release it" in seen[0]
    assert seen[1] is None
    qtbot.waitUntil(lambda: not st.holds.open_holds(), timeout=10_000)
    st.settle()
    assert view.tabs["holds"].text() == "Holds (0)" and page.place_button.isVisible()
    view.grab().save(str(_png("quality-holds-after")))


def test_spc_page_highlights_the_rule_and_bands_capability(qtbot, st, people, themed):
    anna, clara = people["anna"], people["clara"]
    ids = [st.record(anna, "DEPTH", [v], gauge_code="G-OK").result_id for v in BASELINE]
    st.insp.freeze_limits(clara, "DEPTH", ids, "baseline")
    st.settle()
    session = type("S", (), {"actor": anna})()
    view = QualityView(st.quality, st.holds, st.insp, session)
    qtbot.addWidget(view)
    view.resize(1120, 650)  # 800 px panel − header − a two-line banner
    view.show()
    view.show_page("spc")
    page = view.spc
    assert not page.chart.message.isVisible()
    lim = st.insp.limits("DEPTH")
    for v in ("12.00", "12.01"):
        st.record(anna, "DEPTH", [v], gauge_code="G-OK")
    beyond = f"{round(lim.ucl + 0.01, 2):.2f}"
    st.record(anna, "DEPTH", [beyond], gauge_code="G-OK")
    page.refresh()
    assert page.chart.highlighted == [2]  # the third point since the limits were frozen
    assert page.chart.message.isVisible()
    assert "beyond the 3-sigma limits" in page.chart.message.text()
    card = page.list.card_widget("DEPTH")
    assert "RULE FIRED" in card.detail.text()
    assert "Limits frozen 2026-06-01" in page.limits.text()
    # capability from three values: numbers, and the warning that they are too few
    assert page.cap["Ppk"].text() == "Ppk 1.30" and page.cap["Ppk"].property("severity") == "warning"
    assert page.cap_note.text().startswith("Only 3 values: capability estimated from fewer "
                                           "than 30 values is too uncertain")
    view.grab().save(str(_png("quality-spc")))
    assert view.width() <= 1120 and view.height() <= 650, view.size()

    # after a restart the stored rule hits mark the same point
    fresh = InspectionService(st.worker, st.sf, STATION, AuditWriter(STATION, st.clock),
                              clock=st.clock)
    fresh.order_started(ORDER)
    qtbot.waitUntil(lambda: fresh.run() is not None and not fresh.busy, timeout=10_000)
    series = fresh.chart("DEPTH")
    assert series.highlight == (2,) and series.alarm_now
    assert "beyond the 3-sigma limits" in series.message
    assert series.ucl == (pytest.approx(lim.ucl),) * 3

    # Anna (operator) may not freeze limits; Clara (team lead) recalculates them, audited
    class Reason:
        def __init__(self, *a, **kw) -> None:
            pass

        def exec(self) -> bool:
            return True

        def reason(self) -> str:
            return "Recalculation after corrective action"

    page.reason_dialog_factory = Reason
    assert page.freeze_button.text() == "Freeze limits (3 points)"
    tap(qtbot, page.freeze_button)
    assert page.message.text() == ("Anna Berg (badge 1001) may not sign off inspection "
                                   "results. Ask a team lead or an administrator.")
    session.actor = clara
    tap(qtbot, page.freeze_button)
    st.settle()
    new = st.insp.limits("DEPTH")
    assert new.id != lim.id and new.reason == "Recalculation after corrective action"
    page.refresh()
    assert page.chart.highlighted == [] and not page.chart.message.isVisible()
    with st.sf() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "spc.limits_recalculated")) == 1


def test_capability_bands():
    assert [capability_severity(v) for v in (2.0, 1.33, 1.2, 1.0, 0.99, None)] == [
        "normal", "normal", "warning", "warning", "alarm", "normal"]


# --------------------------------------------------------------------------- FPY


class _Kpis(QObject):
    sig_kpis_changed = Signal(object)
    last = None


def test_first_pass_yield_reaches_the_dashboard(qtbot, st, people):
    anna = people["anna"]
    st.record(anna, "DEPTH", ["12.00"], gauge_code="G-OK")
    bad = st.record(anna, "DEPTH", ["12.30"], gauge_code="G-OK")
    st.record(anna, "DEPTH", ["12.10"], gauge_code="G-OK", remeasure_of=bad.result_id)
    st.record(anna, "DEPTH", ["12.01"], gauge_code="G-OK")
    got = []
    st.quality.fpy(T0, None, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    r = got[0]
    # three inspections; the re-measured failure did not pass the first time
    assert (r.inspected, r.first_pass, r.remeasured) == (3, 2, 1)
    dash = DashboardView(_Kpis(), "Europe/Berlin", fpy=st.quality.fpy)
    qtbot.addWidget(dash)
    dash.show_fpy(r)
    assert dash.fpy.value.text() == "66.7"
    assert dash.fpy.severity == "warning"
    assert "2 of 3 inspected" in dash.fpy.note.text()


def _png(name: str):
    from pathlib import Path

    out = Path("/tmp/quality-shots")
    out.mkdir(exist_ok=True)
    return out / f"{name}.png"
