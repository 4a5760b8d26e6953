"""Quality holds, suspect units and signed dispositions.

Real demo store (SQLite copy), real DbWorker, real order/tool services and production
recorder (tests/test_orders.py ``Station``), real SignatureService and AuthService with
the demo people: Clara (2001/3456) is a team lead, Anna (1001/1234) and Ben (1002/2345)
operators.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService, LoginError
from hmi.services.holds import (
    CHECK_NAME,
    RELEASE_MEANING,
    HoldError,
    HoldService,
    register_checks,
    verify_signed,
)
from hmi.services.orders import OrderBlocked
from hmi.services.permissions import PermissionDenied
from hmi.services.prerequisites import StartContext
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.models import DispositionEvent, HoldEvent
from hmi.store.security import AuditEntry, Signature
from tests.test_orders import STATION, Station

CLARA = {"badge": "2001", "pin": "3456"}


@pytest.fixture(scope="module")
def people(demo_people):
    return demo_people


@pytest.fixture
def worker(qapp):
    w = DbWorker()
    yield w
    w.shutdown()


class QStation(Station):
    """The order station plus the hold service, wired as the app wires it."""

    def __init__(self, qtbot, worker, sf) -> None:
        super().__init__(qtbot, worker, sf)
        self.holds = self.new_holds()
        register_checks(self.registry, self.holds)
        self.settle()

    def new_holds(self) -> HoldService:
        audit = AuditWriter(STATION, self.clock)
        sigs = SignatureService(self.sf, AuthService(self.sf, STATION, clock=self.clock), audit,
                                STATION, clock=self.clock)
        svc = HoldService(self.worker, self.sf, STATION, audit, sigs, self.clock)
        svc.sig_error.connect(self.errors.append)
        svc.reload()
        self.qtbot.waitUntil(lambda: not svc.busy, timeout=10_000)
        assert svc.ready and self.errors == []
        return svc

    def settle(self) -> None:
        holds = getattr(self, "holds", None)
        self.qtbot.waitUntil(lambda: not self.orders.busy and not self.tools.busy
                             and (holds is None or not holds.busy), timeout=10_000)
        assert self.errors == []

    def count(self, good: int = 1, scrap: int = 0) -> None:
        super().count(good, scrap)
        running = self.orders.running_operation()
        self.holds.on_parts(running[0] if running else None, good)

    def wait(self, fut):
        """Wait for a hold action on the worker; return its exception (None: it worked)."""
        self.qtbot.waitUntil(lambda: not self.holds.busy, timeout=10_000)
        return fut.exception(timeout=5)

    def count_rows(self, model) -> int:
        with self.sf() as s:
            return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def st(qtbot, worker, demo_store):
    return QStation(qtbot, worker, demo_store)


def ctx(order: str, action: str = "start") -> StartContext:
    return StartContext(STATION, order, "BRK-100", None, {"action": action})


# --------------------------------------------------------------------------- holds


def test_a_hold_blocks_start_and_resume_until_a_team_lead_releases_it(st, people):
    anna, clara = people["anna"], people["clara"]
    changes = []
    st.holds.sig_holds_changed.connect(changes.append)
    st.set_up_tools(anna)
    hold = st.holds.place(anna, "order", " WO-1001 ", "  burr on the   bushing seat ",
                          comment="seen on 3 parts")
    assert [h.hold_id for h in changes[-1]] == [hold.hold_id]
    with pytest.raises(OrderBlocked) as caught:
        st.orders.start(anna, "WO-1001")
    assert [b.check for b in caught.value.blockers] == [CHECK_NAME]
    blocker = caught.value.blockers[0]
    assert blocker.reason == ("Quality hold on order WO-1001: burr on the bushing seat (placed "
                              "by Anna Berg (badge 1001), 2026-03-02 06:00 UTC).")
    assert "A team lead must release the hold" in blocker.what_to_do
    # another order is not blocked by it
    assert st.holds.check_holds(ctx("WO-1004")) is None
    st.settle()
    with st.sf() as s:
        placed = s.scalars(select(HoldEvent)).one()
        assert (placed.kind, placed.subject_identifier, placed.order_code, placed.reason,
                placed.actor_badge) == ("placed", "WO-1001", "WO-1001",
                                        "burr on the bushing seat", "1001")

    fut = st.holds.release(anna, hold.hold_id, comment="seat re-measured, ok", **CLARA)
    assert st.wait(fut) is None
    assert st.holds.open_holds() == [] and changes[-1] == []
    st.orders.start(anna, "WO-1001")
    st.settle()
    assert st.row("WO-1001").state == "running"

    # a hold while running: the next resume is blocked, the release unblocks it
    second = st.holds.place(anna, "lot", "LOT-77", "wrong blank supplier", order_code="WO-1001")
    st.orders.pause(anna, "WO-1001", "quality hold")
    st.settle()
    with pytest.raises(OrderBlocked, match="Quality hold on lot LOT-77: wrong blank supplier"):
        st.orders.resume(anna, "WO-1001")
    assert st.wait(st.holds.release(clara, second.hold_id, comment="lot checked",
                                    **CLARA)) is None
    st.orders.resume(anna, "WO-1001")
    st.settle()
    assert st.row("WO-1001").state == "running"

    with st.sf() as s:
        rows = list(s.scalars(select(HoldEvent).order_by(HoldEvent.seq)))
        assert [(r.kind, r.subject_kind, r.subject_identifier) for r in rows] == [
            ("placed", "order", "WO-1001"), ("released", "order", "WO-1001"),
            ("placed", "lot", "LOT-77"), ("released", "lot", "LOT-77")]
        for r in rows[1::2]:
            sig = s.get(Signature, r.signature_id)
            # "Released" once signatures.Meaning has it; "Approved" until then
            assert (sig.signer_badge, sig.signer_name, sig.meaning, sig.record_type) == (
                "2001", "Clara Voss", RELEASE_MEANING.value, "hold")
            assert verify_signed(s, r).ok
        assert verify_chain(s, STATION).ok
        actions = [a.action for a in s.scalars(select(AuditEntry).where(
            AuditEntry.entity == "hold").order_by(AuditEntry.seq))]
        assert actions == ["hold.place", "sign", "hold.release", "hold.place", "sign",
                           "hold.release"]


def test_a_new_service_restores_open_holds_and_they_still_block(st, people):
    anna = people["anna"]
    st.holds.place(anna, "order", "WO-1001", "gauge found out of calibration")
    st.settle()
    again = st.new_holds()
    assert [(h.identifier, h.reason, h.placed_by_label) for h in again.open_holds()] == [
        ("WO-1001", "gauge found out of calibration", "Anna Berg (badge 1001)")]
    assert "gauge found out of calibration" in again.check_holds(ctx("WO-1001", "resume")).reason


def test_self_release_wrong_pin_and_missing_permission_store_nothing(st, people):
    anna, clara = people["anna"], people["clara"]
    hold = st.holds.place(clara, "order", "WO-1001", "crack found")
    st.settle()
    sigs_before = st.count_rows(Signature)

    with pytest.raises(HoldError, match=r"Clara Voss \(badge 2001\) placed this hold and "
                                        r"cannot release it"):
        st.holds.release(clara, hold.hold_id, comment="fine", **CLARA)
    with pytest.raises(HoldError, match="Say why the hold on order WO-1001 may be released"):
        st.holds.release(anna, hold.hold_id, comment="  ", badge="9001", pin="9999")

    errors = []
    st.holds.sig_error.disconnect(st.errors.append)
    st.holds.sig_error.connect(errors.append)
    exc = st.wait(st.holds.release(anna, hold.hold_id, comment="ok", badge="9001", pin="0000"))
    assert isinstance(exc, LoginError)
    exc = st.wait(st.holds.release(anna, hold.hold_id, comment="ok", badge="1002", pin="2345"))
    assert isinstance(exc, PermissionDenied) and "Ben Kraus" in exc.operator_message
    assert len(errors) == 2
    assert st.count_rows(Signature) == sigs_before
    with st.sf() as s:
        assert [e.kind for e in s.scalars(select(HoldEvent))] == ["placed"]
    assert [h.hold_id for h in st.holds.open_holds()] == [hold.hold_id]
    assert st.holds.check_holds(ctx("WO-1001")) is not None

    # an administrator (inspection.sign, not the placer) may release it
    assert st.wait(st.holds.release(anna, hold.hold_id, comment="crack was a scratch",
                                    badge="9001", pin="9999")) is None
    assert st.holds.check_holds(ctx("WO-1001")) is None
    with pytest.raises(HoldError, match="was released already"):
        st.holds.release(anna, hold.hold_id, comment="again", **CLARA)


def test_placing_validates_before_writing(st, people):
    anna = people["anna"]
    with pytest.raises(PermissionDenied):
        st.holds.place(people["david"], "order", "WO-1001", "x")
    with pytest.raises(HoldError, match="not on 'pallet'"):
        st.holds.place(anna, "pallet", "P1", "x")
    with pytest.raises(HoldError, match="Say why order WO-1001 is put on hold"):
        st.holds.place(anna, "order", "WO-1001", "   ")
    with pytest.raises(HoldError, match="Say which serial is put on hold"):
        st.holds.place(anna, "serial", " ", "x")
    with pytest.raises(HoldError, match="cannot name another order"):
        st.holds.place(anna, "order", "WO-1001", "x", order_code="WO-1002")
    st.holds.place(anna, "order", "WO-1001", "first")
    with pytest.raises(HoldError, match=r"order WO-1001 is already on hold \(first, placed by "
                                        r"Anna Berg"):
        st.holds.place(anna, "order", "WO-1001", "second")
    st.settle()
    assert st.count_rows(HoldEvent) == 1


# --------------------------------------------------------------------------- suspect units


def running_with_hold(st, people, *, before: int = 3, under: int = 4):
    anna = people["anna"]
    st.set_up_tools(anna)
    st.orders.start(anna, "WO-1001")
    st.settle()
    st.count(before)
    hold = st.holds.place(anna, "order", "WO-1001", "burr")
    st.settle()
    for _ in range(under):
        st.count(1)
    st.count(0, scrap=1)  # scrap is not good anyway: not suspect
    st.settle()
    return hold


def test_parts_made_under_an_open_hold_are_suspect_and_survive_a_restart(st, people):
    anna, clara = people["anna"], people["clara"]
    hold = running_with_hold(st, people)
    q = st.holds.quality("WO-1001")
    assert (q.made_under_hold, q.suspect, q.good_adjustment) == (4, 4, -4)
    assert st.holds.suspect("WO-1004") == 0

    again = st.new_holds()
    assert again.suspect("WO-1001") == 4

    st.orders.pause(anna, "WO-1001", "hold")
    st.settle()
    st.count(5)  # paused: not this order's parts, even under the hold
    st.settle()
    assert st.wait(st.holds.release(clara, hold.hold_id, comment="ok", **CLARA)) is None
    st.orders.resume(anna, "WO-1001")
    st.settle()
    st.count(2)  # after the release: good
    st.settle()
    assert st.holds.suspect("WO-1001") == 4
    assert st.new_holds().quality("WO-1001").made_under_hold == 4


# --------------------------------------------------------------------------- dispositions


def test_each_disposition_moves_the_counts_and_never_exceeds_the_suspect_units(st, people):
    anna = people["anna"]
    hold = running_with_hold(st, people, before=0, under=10)
    assert st.holds.suspect("WO-1001") == 10

    with pytest.raises(HoldError, match="11 units cannot get a disposition: the suspect units "
                                        "of order WO-1001 has only 10 undecided"):
        st.holds.dispose(anna, "order", "WO-1001", "scrap", 11, **CLARA)
    with pytest.raises(HoldError, match="whole number of units above zero"):
        st.holds.dispose(anna, "order", "WO-1001", "scrap", 0, **CLARA)
    with pytest.raises(HoldError, match="Choose scrap, rework"):
        st.holds.dispose(anna, "order", "WO-1001", "sell", 1, **CLARA)
    with pytest.raises(HoldError, match="concession"):
        st.holds.dispose(anna, "order", "WO-1001", "use_as_is", 1, **CLARA)

    def dispose(disp: str, n: int, **kw) -> None:
        fut = st.holds.dispose(anna, kw.pop("kind", "order"), kw.pop("ident", "WO-1001"), disp,
                               n, hold_id=hold.hold_id, **CLARA, **kw)
        assert st.wait(fut) is None

    dispose("scrap", 3, defect_code="BURR")
    q = st.holds.quality("WO-1001")
    assert (q.suspect, q.scrap, q.good_adjustment) == (7, 3, -10)
    dispose("rework", 2, comment="deburr")
    q = st.holds.quality("WO-1001")
    assert (q.suspect, q.rework, q.awaiting_reinspection) == (5, 2, 2)
    dispose("use_as_is", 4, comment="burr below 0.1 mm, customer concession C-12")
    q = st.holds.quality("WO-1001")
    assert (q.suspect, q.use_as_is, q.good_adjustment) == (1, 4, -6)
    dispose("return_to_supplier", 1, kind="serial", ident="SN-0009", order_code="WO-1001")
    q = st.holds.quality("WO-1001")
    assert (q.suspect, q.return_to_supplier, q.disposed) == (0, 1, 10)

    with pytest.raises(HoldError, match="has only 0 undecided"):
        st.holds.dispose(anna, "order", "WO-1001", "scrap", 1, **CLARA)

    # a wrong PIN stores nothing
    before = (st.count_rows(DispositionEvent), st.count_rows(Signature))
    st.holds.sig_error.disconnect(st.errors.append)
    st.count(1)  # one more suspect unit to try with
    st.settle()
    exc = st.wait(st.holds.dispose(anna, "order", "WO-1001", "scrap", 1, badge="2001",
                                   pin="1111"))
    assert isinstance(exc, LoginError)
    assert (st.count_rows(DispositionEvent), st.count_rows(Signature)) == before
    assert st.holds.suspect("WO-1001") == 1

    again = st.new_holds()
    q = again.quality("WO-1001")
    assert (q.made_under_hold, q.scrap, q.rework, q.use_as_is, q.return_to_supplier,
            q.suspect) == (11, 3, 2, 4, 1, 1)
    recs = again.dispositions("WO-1001")
    assert [(r.disposition, r.quantity, r.signer_badge, r.actor_badge) for r in recs] == [
        ("scrap", 3, "2001", "1001"), ("rework", 2, "2001", "1001"),
        ("use_as_is", 4, "2001", "1001"), ("return_to_supplier", 1, "2001", "1001")]
    assert recs[2].comment == "burr below 0.1 mm, customer concession C-12"


def test_held_serial_and_lot_dispositions(st, people):
    anna = people["anna"]
    st.holds.place(anna, "serial", "SN-42", "dropped on the floor")
    st.holds.place(anna, "lot", "LOT-UNKNOWN", "supplier recall")
    st.settle()
    with pytest.raises(HoldError, match="Serial SN-43 is not on hold"):
        st.holds.dispose(anna, "serial", "SN-43", "scrap", 1, **CLARA)
    with pytest.raises(HoldError, match="serial number is one unit"):
        st.holds.dispose(anna, "serial", "SN-42", "scrap", 2, **CLARA)
    assert st.wait(st.holds.dispose(anna, "serial", "SN-42", "scrap", 1, **CLARA)) is None
    with pytest.raises(HoldError, match="has only 0 undecided"):
        st.holds.dispose(anna, "serial", "SN-42", "rework", 1, **CLARA)
    st.holds.sig_error.disconnect(st.errors.append)
    exc = st.wait(st.holds.dispose(anna, "lot", "LOT-UNKNOWN", "return_to_supplier", 5,
                                   **CLARA))
    assert isinstance(exc, HoldError) and "quantity of lot LOT-UNKNOWN is not known" in str(exc)


def test_a_signed_disposition_changed_later_is_detected(st, people):
    anna = people["anna"]
    running_with_hold(st, people, before=0, under=5)
    assert st.wait(st.holds.dispose(anna, "order", "WO-1001", "scrap", 2, **CLARA)) is None
    with st.sf() as s:
        row = s.scalars(select(DispositionEvent)).one()
        check = verify_signed(s, row)
        assert check.ok, check.reason
    # someone edits the stored row behind the application's back
    with st.sf.begin() as s:
        s.execute(text("UPDATE disposition_event SET quantity = 1"))
    with st.sf() as s:
        row = s.scalars(select(DispositionEvent)).one()
        assert row.quantity == 1
        check = verify_signed(s, row)
        assert not check.ok and check.reason == "the record was changed after it was signed"
