"""The whole permission matrix: every role × every permission, through real logins and the
real services on a real SQLite store; and every refusal lands in the audit trail.

The probes are keyed by permission and the test refuses to run when a permission has no
probe, so a new permission needs a line here. Each probe is the service call a screen makes
(``require`` only where no service exists yet: masterdata.import, kiosk.exit). A role's
expected permissions come from the table the master data was made from — the shipped
:data:`DEFAULT_ROLES` (= resources/masterdata/demo.toml = docs/audit.md) and a plant's own
file that grants differently — never from the Actor under test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hmi import config
from hmi.services import permissions as P
from hmi.services.alarms import AlarmService
from hmi.services.audit import (
    ACTION_PERMISSION_REFUSED,
    AuditWriter,
    RefusalAuditor,
    recent_entries,
    verify_station,
)
from hmi.services.auth import AuthService
from hmi.services.downtime import DowntimeService
from hmi.services.errors import OperatorError
from hmi.services.masterdata import MasterDataError, import_file
from hmi.services.orderstack import OrderStack
from hmi.services.permissions import (
    ALL_PERMISSIONS,
    DEFAULT_ROLES,
    Actor,
    PermissionDenied,
    require,
    set_refusal_recorder,
)
from hmi.services.quarantine import QuarantineService
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker
from hmi.store.security import AuditEntry

STATION = "ST-10"
CFG = config.load(config.demo_config_path())
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parents[1]
#: Demo people, one per role (badge, PIN).
PEOPLE = {"operator": ("1001", "1234"), "team_lead": ("2001", "3456"),
          "maintenance": ("3001", "4567"), "process_engineer": ("4001", "5678"),
          "admin": ("9001", "9999")}


@dataclass(frozen=True)
class Person:
    role: str
    actor: Actor | None
    badge: str | None
    pin: str | None


@dataclass(frozen=True)
class Probe:
    """The service call for one permission. ``needs``: every permission the call checks
    (a reclassification is a classification too)."""

    call: Callable[[Person], Any]
    needs: frozenset[str]


class Line:
    """The station's services on the demo store, as the app builds them."""

    def __init__(self, qtbot, sf) -> None:
        self.qtbot, self.sf = qtbot, sf
        self.now = T0
        clock = lambda: self.now  # noqa: E731
        self.worker = DbWorker()
        self.audit = AuditWriter(STATION, clock)
        self.auth = AuthService(sf, STATION, audit=self.audit)
        self.sigs = SignatureService(sf, self.auth, self.audit, STATION)
        self.stack = OrderStack(self.worker, sf, verify_materials=False, station_id=STATION,
                                line_code="LINE-1", audit=self.audit, signatures=self.sigs,
                                tags={t.name: t for t in CFG.device_tags()})
        self.stack.start(tick_ms=1000)
        self.downtime = DowntimeService(CFG, self.worker, sf, audit=self.audit, clock=clock)
        with qtbot.waitSignal(self.downtime.sig_ready, timeout=10_000):
            self.downtime.start(tick_ms=0)
        self.alarms = AlarmService(CFG, self.worker, sf, audit=self.audit, clock=clock)
        self.quarantine = QuarantineService(self.worker, sf, STATION, audit=self.audit)
        qtbot.waitUntil(lambda: self.stack.orders.ready and self.stack.tools.ready,
                        timeout=10_000)
        self.futures: list[Any] = []
        # A stop whose reason a person gave: changing it needs downtime.reclassify.
        self.stop_id = self._stop(0, 120)
        admin = self.auth.login("9001", "9999")
        self.downtime.classify(admin, self.stop_id, "MAT-STARVED")
        self.settle()

    def _stop(self, start: float, end: float) -> str:
        for s, name in ((start, "stopped"), (end, "running")):
            self.now = T0 + dt.timedelta(seconds=s)
            self.downtime.on_fact("machine_state", {"state_code": 0, "state": name,
                                                    "fault_code": None, "source_ts": self.now})
        return self.downtime.stops()[0].stop_id

    def keep(self, fut: Any) -> Any:
        self.futures.append(fut)
        return fut

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.downtime.busy and all(
            f.done() for f in self.futures), timeout=15_000)

    def close(self) -> None:
        self.settle()
        self.stack.shutdown()
        self.quarantine.shutdown()
        self.worker.shutdown()

    # ------------------------------------------------------------------ the probes

    def reclassify(self, p: Person) -> Any:
        current = self.downtime.record(self.stop_id).reason_code
        return self.keep(self.downtime.classify(p.actor, self.stop_id,
                                                "QUAL" if current != "QUAL" else "MAT-STARVED"))

    def signoff(self, p: Person) -> Any:
        if p.actor is None:  # nobody to re-authenticate: the step's own check
            return require(None, P.INSTRUCTION_SIGNOFF)
        return self.sigs.sign(badge=p.badge, pin=p.pin, meaning="Verified",
                              record_type="instruction_step", record_id="WI-PRESS-BUSH/10",
                              record={"step": 10}, required_permission=P.INSTRUCTION_SIGNOFF)

    def probes(self) -> dict[str, Probe]:
        st, dtm = self.stack, self.downtime

        def one(perm: str, call: Callable[[Person], Any], *also: str) -> tuple[str, Probe]:
            return perm, Probe(call, frozenset({perm, *also}))

        def session_call(fn: Callable[..., Any]) -> Callable[[Person], Any]:
            def call(p: Person) -> Any:
                with self.sf() as s:
                    return fn(s, p.actor, STATION)
            return call

        return dict([
            one(P.PRODUCTION_VIEW, lambda p: require(p.actor, P.PRODUCTION_VIEW)),
            one(P.ORDER_START, lambda p: self.keep(st.orders.start(p.actor, "WO-NONE"))),
            one(P.DOWNTIME_CLASSIFY, lambda p: self.keep(dtm.classify(p.actor, "no-such-stop",
                                                                      "QUAL"))),
            one(P.DOWNTIME_RECLASSIFY, self.reclassify, P.DOWNTIME_CLASSIFY),
            one(P.INSPECTION_RECORD, lambda p: st.inspections.record(p.actor, "OD", ["12.0"])),
            one(P.INSPECTION_SIGN, lambda p: st.inspections.freeze_limits(
                p.actor, "OD", [], "baseline")),
            one(P.MAINTENANCE_LOG, lambda p: self.keep(dtm.acknowledge(p.actor, self.stop_id))),
            one(P.RECIPE_DOWNLOAD, lambda p: asyncio.run(st.recipes.download(
                p.actor, "RCP-NONE", 1, order_code=None, operation_sequence=None,
                driver=None))),
            one(P.RECIPE_APPROVE, lambda p: self.keep(st.recipes.approve(
                p.actor, "RCP-NONE", 1, pin="0000"))),
            one(P.MASTERDATA_IMPORT, lambda p: require(p.actor, P.MASTERDATA_IMPORT)),
            one(P.USER_MANAGE, lambda p: self.auth.unlock(p.actor, "1002")),
            one(P.AUDIT_VIEW, session_call(recent_entries)),
            one(P.ALARM_ACKNOWLEDGE, lambda p: self.alarms.acknowledge(p.actor, "A-NONE")),
            one(P.KIOSK_EXIT, lambda p: require(p.actor, P.KIOSK_EXIT)),
            one(P.TOOL_RESET, lambda p: self.keep(st.tools.reset_life(
                p.actor, "DIE-BRK-100-A", "die reground, order MA-1"))),
            one(P.INSTRUCTION_SIGNOFF, self.signoff),
            one(P.SYNC_RESOLVE, lambda p: self.quarantine.resolve(p.actor, "no-such-entry",
                                                                  "fixed centrally")),
        ])


def outcome(probe: Probe, person: Person) -> tuple[str, str]:
    """("allowed"|"refused", detail). Allowed: the call went past its permission check —
    it returned, or refused for a reason of the work itself (an unknown order …)."""
    try:
        probe.call(person)
    except PermissionDenied as exc:
        return "refused", exc.permission
    except OperatorError as exc:
        return "allowed", type(exc).__name__
    return "allowed", ""


def refusal_rows(sf) -> list[tuple]:
    with sf() as s:
        return s.execute(select(AuditEntry.seq, AuditEntry.action, AuditEntry.actor_badge,
                                AuditEntry.entity_id)
                         .where(AuditEntry.action.like("%refused%"))
                         .order_by(AuditEntry.seq)).all()


@pytest.fixture
def recorder():
    """Every refusal audited at once (the app submits the same writes to the DB worker)."""
    previous = P.refusal_recorder()
    yield lambda sf, audit: set_refusal_recorder(RefusalAuditor(sf, audit))
    set_refusal_recorder(previous)


PLANT_ROLES = {  # a plant that grants differently from the shipped table
    "operator": {P.PRODUCTION_VIEW, P.ORDER_START, P.TOOL_RESET, P.AUDIT_VIEW},
    "team_lead": {P.PRODUCTION_VIEW, P.DOWNTIME_CLASSIFY, P.KIOSK_EXIT, P.SYNC_RESOLVE,
                  P.RECIPE_APPROVE},
    "maintenance": {P.MAINTENANCE_LOG, P.ALARM_ACKNOWLEDGE, P.INSPECTION_RECORD,
                    P.USER_MANAGE},
    "process_engineer": {P.DOWNTIME_CLASSIFY, P.DOWNTIME_RECLASSIFY, P.INSPECTION_SIGN,
                         P.INSTRUCTION_SIGNOFF, P.RECIPE_DOWNLOAD, P.MASTERDATA_IMPORT},
    "admin": set(ALL_PERMISSIONS),
}


def _roles_toml(roles: dict[str, set[str]]) -> str:
    out = ["format_version = 1"]
    for code, perms in roles.items():
        out += ["", "[[roles]]", f'code = "{code}"', f'name = "{code}"',
                "permissions = [" + ", ".join(f'"{x}"' for x in sorted(perms)) + "]"]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("plant", ["shipped", "plant"])
def test_every_role_is_allowed_and_refused_exactly_as_its_permissions_say(
        plant, qtbot, demo_store, tmp_path, recorder):
    if plant == "shipped":
        table = {r.code: set(r.permissions) for r in DEFAULT_ROLES}
    else:  # the plant's own master data: new versions of the same roles
        table = PLANT_ROLES
        (tmp_path / "roles.toml").write_text(_roles_toml(table))
        import_file(demo_store, tmp_path / "roles.toml", station_id=STATION)
    line = Line(qtbot, demo_store)
    recorder(demo_store, line.audit)
    try:
        probes = line.probes()
        assert set(probes) == ALL_PERMISSIONS, (
            "every permission needs a probe here: "
            f"{sorted(ALL_PERMISSIONS - set(probes))} have none")
        for perm, probe in probes.items():
            assert perm in probe.needs
        people = [Person(role, line.auth.login(*PEOPLE[role]), *PEOPLE[role])
                  for role in table] + [Person("nobody", None, None, None)]
        wrong: list[str] = []
        refused = 0
        for person in people:
            granted = table.get(person.role, set())
            for perm in sorted(probes):
                probe = probes[perm]
                expected = "allowed" if probe.needs <= granted else "refused"
                before = len(refusal_rows(demo_store))
                got, detail = outcome(probe, person)
                if got != expected:
                    wrong.append(f"{person.role} {perm}: {got} ({detail}), expected {expected}")
                    continue
                if got == "refused":
                    refused += 1
                    if detail not in probe.needs - granted:
                        wrong.append(f"{person.role} {perm}: refused for {detail}")
                    line.settle()
                    line.qtbot.waitUntil(lambda b=before: len(refusal_rows(demo_store)) > b,
                                         timeout=5_000)
                    new = refusal_rows(demo_store)[before:]
                    if not any(r.actor_badge == person.badge for r in new):
                        wrong.append(f"{person.role} {perm}: refusal not audited ({new})")
        assert wrong == []
        assert refused >= len(probes)  # "nobody" alone is refused everything
        line.settle()
        with demo_store() as s:
            assert verify_station(s, STATION).ok
    finally:
        line.close()


def test_the_shipped_roles_are_one_table_in_code_master_data_and_docs():
    demo = tomllib.loads((REPO / "resources/masterdata/demo.toml").read_text("utf-8"))
    in_file = {r["code"]: (r["name"], set(r["permissions"])) for r in demo["roles"]}
    assert in_file == {r.code: (r.name, set(r.permissions)) for r in DEFAULT_ROLES}
    # docs/audit.md: one row per permission, a ✔ for each role that has it.
    doc = (REPO / "docs/audit.md").read_text("utf-8")
    header = next(line for line in doc.splitlines() if line.startswith("| Permission"))
    roles = [c.strip(" `") for c in header.strip("|").split("|")[1:]][:len(DEFAULT_ROLES)]
    assert roles == [r.code for r in DEFAULT_ROLES]
    rows = {}
    for line in doc.splitlines():
        m = re.match(r"\|\s*`([a-z_.]+)`\s*\|(.*)\|\s*$", line)
        if m and m.group(1) in ALL_PERMISSIONS:
            rows[m.group(1)] = [c.strip() == "✔" for c in m.group(2).split("|")[:len(roles)]]
    assert set(rows) == ALL_PERMISSIONS
    for r_i, role in enumerate(DEFAULT_ROLES):
        assert {p for p, marks in rows.items() if marks[r_i]} == set(role.permissions), role.code


def test_without_roles_in_the_master_data_nobody_gets_a_permission(tmp_path):
    """No built-in fallback: a user must name a role that the master data defines."""
    from hmi.store.engine import open_store

    engine, sf = open_store(f"sqlite:///{tmp_path}/bare.sqlite")
    try:
        (tmp_path / "users.toml").write_text(
            'format_version = 1\n[[users]]\nbadge = "1001"\nname = "Anna"\n'
            'roles = ["operator"]\npin = "2580"\n')
        with pytest.raises(MasterDataError) as exc:
            import_file(sf, tmp_path / "users.toml", station_id=STATION)
        assert "operator" in str(exc.value)
    finally:
        engine.dispose()


def test_a_refused_real_service_call_leaves_exactly_one_audit_row(qtbot, demo_store):
    """As installed at start-up: the recorder submits the entry to the DB worker."""
    worker = DbWorker()
    audit = AuditWriter(STATION)
    auth = AuthService(demo_store, STATION, audit=audit)
    previous = set_refusal_recorder(RefusalAuditor(demo_store, audit, worker=worker))
    stack = OrderStack(worker, demo_store, verify_materials=False, station_id=STATION,
                       line_code="LINE-1", audit=audit,
                       signatures=SignatureService(demo_store, auth, audit, STATION))
    try:
        stack.start(tick_ms=1000)
        qtbot.waitUntil(lambda: stack.orders.ready, timeout=10_000)
        david = auth.login("3001", "4567")  # maintenance: may not start orders
        with demo_store() as s:
            before = s.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(PermissionDenied) as exc:
            stack.orders.start(david, "WO-2026-0001")
        assert exc.value.where == "OrderService.start"
        worker.submit(lambda: None).result(timeout=10)  # the worker is past the write
        with demo_store() as s:
            rows = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())
                             .limit(3)).all()
            after = s.scalar(select(func.count()).select_from(AuditEntry))
            assert verify_station(s, STATION).ok
        assert after == before + 1
        row = rows[0]
        assert (row.action, row.actor_badge, row.entity, row.entity_id) == (
            ACTION_PERMISSION_REFUSED, "3001", "permission", "order.start")
        assert row.new_value == {"permission": "order.start", "where": "OrderService.start",
                                 "roles": ["maintenance"]}
        assert row.detail == ("David Lenz (badge 3001) may not start an order "
                              "(refused in OrderService.start)")
        # Nobody logged in: the entry has no actor.
        with pytest.raises(PermissionDenied):
            stack.tools.reset_life(None, "DIE-BRK-100-A", "x")
        worker.submit(lambda: None).result(timeout=10)
        with demo_store() as s:
            last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
        assert (last.action, last.actor_badge, last.entity_id) == (
            ACTION_PERMISSION_REFUSED, None, "tool.reset")
    finally:
        set_refusal_recorder(previous)
        stack.shutdown()
        worker.shutdown()


def test_a_failing_recorder_never_turns_a_refusal_into_an_allowance(caplog):
    def broken(_exc):
        raise RuntimeError("disk full")

    previous = set_refusal_recorder(broken)
    try:
        with pytest.raises(PermissionDenied):
            require(Actor("1001", "Anna"), P.ORDER_START)
    finally:
        set_refusal_recorder(previous)
    assert "could not be recorded" in caplog.text
    # record=False: a service that writes its own refusal entry is not recorded twice.
    seen: list[PermissionDenied] = []
    previous = set_refusal_recorder(seen.append)
    try:
        with pytest.raises(PermissionDenied):
            require(None, P.ORDER_START, record=False)
        with pytest.raises(PermissionDenied):
            require(None, P.ORDER_START)
    finally:
        set_refusal_recorder(previous)
    assert len(seen) == 1 and seen[0].where.endswith(
        "test_a_failing_recorder_never_turns_a_refusal_into_an_allowance")
