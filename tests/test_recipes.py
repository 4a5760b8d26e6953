"""RecipeService end to end: approval with e-signature, verified download to the real
simulator over OPC UA and over Modbus TCP (real drivers), validation, the start
prerequisite, drift while running, diff and rollback; plus the pure rules.

One simulator (both faces, wall clock) serves the whole module from a helper thread;
each test has its own copy of the demo store and its own recipe codes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from sqlalchemy import select

from hmi import config
from hmi.devices.base import ConnectionState, Tag, TagValue, open_driver
from hmi.devices.sim.model import MachineConfig, MachineModel
from hmi.devices.sim.server import SimServer
from hmi.services.audit import AuditWriter, verify_chain
from hmi.services.auth import AuthService, LoginError
from hmi.services.permissions import PermissionDenied
from hmi.services.prerequisites import PrerequisiteRegistry, StartContext
from hmi.services.recipes import (
    DriftWatcher,
    NoKnownGoodVersion,
    ParamSpec,
    RecipeError,
    RecipeService,
    RecipeView,
    WatchedParam,
    check_parameters,
    diff_versions,
    known_good_version,
    recipe_content,
    values_match,
)
from hmi.services.signatures import SignatureService, canonical_hash
from hmi.services.worker import DbWorker
from hmi.store.models import (
    MasterChangeEvent,
    Recipe,
    RecipeDeviationEvent,
    RecipeDownloadEvent,
    RecipeParameter,
    RecipeValidationEvent,
    WorkOrder,
    WorkOrderOperation,
)
from hmi.store.security import AuditEntry, Signature
from tests.fixtures.simulator import LoopThread

STATION = "ST-10"
STATIONS = config.resources_dir() / "stations"
OPC = config.load(STATIONS / "demo.toml")
MODBUS = config.load(STATIONS / "demo-modbus.toml")
ORDER = "WO-T1"


def run(coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(timeout):
            return await coro

    return asyncio.run(bounded())


async def until(pred: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (processing Qt events, so worker callbacks arrive) until ``pred()``."""
    async with asyncio.timeout(timeout):
        while not pred():
            QCoreApplication.processEvents()
            await asyncio.sleep(0.02)


# --------------------------------------------------------------------------- fixtures


@dataclass
class Sim:
    server: SimServer
    model: MachineModel
    loop: LoopThread

    def url(self, face: str) -> str:
        return self.server.urls[face]

    def on_machine(self, fn: Callable[[MachineModel], Any]) -> Any:
        """Run ``fn(model)`` in the simulator's thread (like someone at the panel).

        After a few ticks first: an OPC UA client's write reaches the model on the next tick.
        """
        async def call() -> Any:
            await asyncio.sleep(3 * self.server.tick_s)
            return fn(self.model)

        return self.loop.run(call())


@pytest.fixture(scope="module")
def sim() -> Iterator[Sim]:
    loop = LoopThread()
    model = MachineModel(11, config=MachineConfig(random_stops=False))
    server = SimServer(model, port=0, tick_s=0.05, modbus_port=0)
    loop.run(server.start())
    try:
        yield Sim(server, model, loop)
    finally:
        loop.run(server.stop())
        loop.close()


@pytest.fixture
def worker(qapp) -> Iterator[DbWorker]:
    w = DbWorker()
    yield w
    w.shutdown()


class Harness:
    def __init__(self, sf: Any, worker: DbWorker, people: dict[str, Any]) -> None:
        self.sf = sf
        self.worker = worker
        self.audit = AuditWriter(STATION)
        self.auth = AuthService(sf, STATION)
        self.sigs = SignatureService(sf, self.auth, self.audit, STATION)
        self.svc = RecipeService(worker, sf, STATION, self.audit, self.sigs,
                                 tags={t.name: t for t in OPC.device_tags()},
                                 drift_persist_s=0.5)
        self.results: list[Any] = []
        self.svc.sig_download_done.connect(self.results.append)
        self.errors: list[str] = []
        self.svc.sig_error.connect(self.errors.append)
        self.engineer = self.auth.login("4001", "5678")  # Eva Scholz, process engineer
        self.operator = people["anna"]
        with sf.begin() as s:
            s.add(WorkOrder(code=ORDER, version=1, product_code="BRK-100", quantity=10,
                            operations=[WorkOrderOperation(sequence=10, name="Press",
                                                           station_code=STATION)]))

    def add(self, code: str, version: int = 1, status: str = "draft", **kw: Any) -> None:
        with self.sf.begin() as s:
            s.add(Recipe(code=code, version=version, status=status, name=f"{code} test",
                         product_code="BRK-100", equipment_code=STATION, source="test",
                         parameters=[RecipeParameter(position=i + 1, **p)
                                     for i, p in enumerate(params(**kw))]))

    def approve(self, code: str, version: int) -> Any:
        return self.svc.approve(self.engineer, code, version, pin="5678").result(20)

    def validate(self, event_id: Any, accepted: bool = True, comment: str = "") -> Any:
        return self.svc.validate(self.operator, event_id, accepted, comment).result(10)

    def ready(self, code: str | None = None) -> Any:
        extra: dict[str, Any] = {"operation_sequence": 10}
        if code is not None:
            extra["recipe_code"] = code
        ctx = StartContext(STATION, ORDER, "BRK-100", self.operator, extra)
        return self.worker.submit(self.svc.check_ready, ctx).result(10)

    def rows(self, model: type, **where: Any) -> list[Any]:
        with self.sf() as s:
            q = select(model)
            for k, v in where.items():
                q = q.where(getattr(model, k) == v)
            return list(s.scalars(q.order_by(model.seq if hasattr(model, "seq") else model.id)))

    def status(self, code: str, version: int) -> str:
        with self.sf() as s:
            return s.scalars(select(Recipe.status).where(Recipe.code == code,
                                                         Recipe.version == version)).one()


def params(force: float = 25.0, force_max: float = 40.0, hold: float = 0.5,
           stroke: float = 45.0, stroke_tol: float = 0.5, double: bool = False) -> list[dict]:
    return [
        dict(name="press_force", tag="press_force_sp", data_type="real", value=force, unit="kN",
             min_value=10.0, max_value=force_max, tolerance=1.0, actual_tag="press_force"),
        dict(name="hold_time", tag="hold_time_sp", data_type="real", value=hold, unit="s",
             min_value=0.1, max_value=2.0),
        dict(name="stroke", tag="stroke_sp", data_type="real", value=stroke, unit="mm",
             min_value=30.0, max_value=60.0, tolerance=stroke_tol),
        dict(name="double_stroke", tag="double_stroke_sp", data_type="bool",
             value=float(double)),
    ]


@pytest.fixture
def h(demo_store, worker, demo_people) -> Harness:
    return Harness(demo_store, worker, demo_people)


class Values:
    """The driver's value sink: feeds the service like the app does."""

    def __init__(self, sink: Callable[[TagValue], None] | None = None) -> None:
        self.sink = sink

    def on_value(self, tv: TagValue) -> None:
        if self.sink is not None:
            self.sink(tv)

    def on_state(self, state: ConnectionState) -> None:
        pass


def driver(sim: Sim, face: str, sink: Callable[[TagValue], None] | None = None) -> Any:
    station = OPC if face == "opcua" else MODBUS
    v = Values(sink)
    return open_driver(sim.url(face), station.device_tags(), on_value=v.on_value,
                       on_state=v.on_state)


def machine_recipe(model: MachineModel) -> tuple:
    return (model.press_force_sp, model.hold_time_sp, model.stroke_sp, model.double_stroke_sp)


# --------------------------------------------------------------------------- download


@pytest.mark.parametrize("face", ["opcua", "modbus"])
def test_approved_recipe_downloads_reads_back_validates_and_is_ready(h: Harness, sim: Sim,
                                                                     face: str) -> None:
    code = f"RCP-OK-{face}"
    h.add(code, force=26.5, hold=0.45, stroke=48.0, double=True)  # 0.45 is inexact in float32
    assert h.ready(code).reason == f"Recipe {code} has no approved version."

    info = h.approve(code, 1)
    assert (info.status, info.approved_by) == ("released", "Eva Scholz")
    (approved,) = h.rows(MasterChangeEvent, code=code)
    with h.sf() as s:
        view_content = recipe_content(h.svc._load_view(code, 1))  # noqa: SLF001
        sig = s.get(Signature, approved.signature_id)
    assert approved.action == "approved" and approved.content == view_content
    assert sig.meaning == "Approved" and sig.signer_badge == "4001"
    assert sig.record_hash == canonical_hash(view_content)
    assert "draft" not in h.ready(code).reason and "not been downloaded" in h.ready(code).reason

    async def go() -> Any:
        async with driver(sim, face) as drv:
            return await h.svc.download(h.operator, code, 1, order_code=ORDER,
                                        operation_sequence=10, driver=drv)

    res = run(go())
    assert res.result == "ok", res.message
    assert res.mismatches == () and h.results == [res]
    assert sim.on_machine(machine_recipe) == (26.5, pytest.approx(0.45, rel=1e-6), 48.0, True)
    assert [r.parameter for r in res.checklist] == ["press_force", "hold_time", "stroke",
                                                    "double_stroke"]
    assert all(r.ok for r in res.checklist)
    (ev,) = h.rows(RecipeDownloadEvent, recipe_code=code)
    assert (ev.result, ev.order_code, ev.operation_sequence, ev.actor_badge) == (
        "ok", ORDER, 10, "1001")
    assert ev.written_values == {"press_force": 26.5, "hold_time": 0.45, "stroke": 48.0,
                                 "double_stroke": True}
    assert ev.verified_values["double_stroke"] is True
    assert ev.verified_values["hold_time"] == pytest.approx(0.45, rel=1e-6)
    assert "not been validated" in h.ready(code).reason

    last = h.svc.last_download(ORDER).result(10)
    assert last.event_id == res.event_id and last.validation is None
    val = h.validate(res.event_id)
    assert val.result == "validated" and all(r.ok for r in val.checklist)
    (vev,) = h.rows(RecipeValidationEvent, recipe_code=code)
    assert vev.download_event_id == res.event_id and vev.order_code == ORDER
    assert vev.checklist[0] == {"parameter": "press_force", "setpoint": 26.5,
                                "read_back": 26.5, "unit": "kN", "ok": True}
    assert h.ready(code) is None
    assert h.ready() is None  # through the order: its operation 10 needs no recipe
    with pytest.raises(RecipeError, match="accepted already"):
        h.validate(res.event_id)

    with h.sf() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        assert verify_chain(s, STATION).ok
    assert actions[-4:] == ["sign", "recipe_approve", "recipe_download", "recipe_validate"]


@pytest.mark.parametrize("face", ["opcua", "modbus"])
def test_a_clamping_plc_fails_the_download_naming_exactly_the_parameter(h: Harness, sim: Sim,
                                                                        face: str) -> None:
    code = f"RCP-CLAMP-{face}"
    h.add(code, force=34.0, stroke=46.0)  # the recipe allows 40 kN; this press keeps 32
    h.approve(code, 1)

    async def go() -> Any:
        async with driver(sim, face) as drv:
            return await h.svc.download(h.operator, code, 1, order_code=ORDER,
                                        operation_sequence=10, driver=drv)

    res = run(go())
    assert res.result == "verify_mismatch"
    assert [(m.parameter, m.expected, m.read_back) for m in res.mismatches] == [
        ("press_force", 34.0, 32.0)]
    assert "press_force: 34 written, 32 read back" in res.message
    assert sim.on_machine(lambda m: (m.press_force_sp, m.stroke_sp)) == (32.0, 46.0)
    (ev,) = h.rows(RecipeDownloadEvent, recipe_code=code)
    assert ev.result == "verify_mismatch"
    assert [(m["parameter"], m["expected"], m["read_back"]) for m in ev.mismatches] == [
        ("press_force", 34.0, 32.0)]
    assert ev.verified_values["stroke"] == 46.0  # the others were written and confirmed
    assert [r.ok for r in res.checklist] == [False, True, True, True]

    with pytest.raises(RecipeError, match="did not succeed"):
        h.validate(res.event_id)
    assert h.rows(RecipeValidationEvent, recipe_code=code) == []
    assert "did not succeed (verify_mismatch)" in h.ready(code).reason


def test_out_of_limit_and_draft_and_unknown_tags_are_refused_before_anything_is_written(
        h: Harness, sim: Sim) -> None:
    # An out-of-limit value can only reach the station through an import: approval refuses it.
    h.add("RCP-LIMIT", status="released", stroke=65.0)  # stroke max 60
    h.add("RCP-DRAFT", force=28.0)
    h.add("RCP-TAGS", status="released")
    with h.sf.begin() as s:
        row = s.scalars(select(Recipe).where(Recipe.code == "RCP-TAGS")).one()
        s.add(Recipe(code="RCP-TAGS", version=2, status="released", name="x", parameters=[
            RecipeParameter(position=1, name="speed", tag="speed", value=3.0),
            RecipeParameter(position=2, name="ghost", tag="no_such_tag", value=1.0)]))
        assert row.version == 1
    before = sim.on_machine(machine_recipe)

    async def go(code: str, version: int = 1) -> Any:
        async with driver(sim, "opcua") as drv:
            return await h.svc.download(h.operator, code, version, order_code=ORDER,
                                        operation_sequence=10, driver=drv)

    limit = run(go("RCP-LIMIT"))
    assert limit.result == "refused" and limit.written == {}
    assert "stroke: 65 mm is above the high limit 60 mm" in limit.message
    assert "nothing was written" in limit.message

    draft = run(go("RCP-DRAFT"))
    assert draft.result == "refused"
    assert draft.message == ("RCP-DRAFT v1 is a draft: a process engineer must approve it (with "
                             "their e-signature) before it can be downloaded.")
    tags = run(go("RCP-TAGS", 2))
    assert "speed: tag speed is read-only" in tags.message
    assert "ghost: the station has no tag named no_such_tag" in tags.message
    assert run(go("RCP-NONE")).result == "refused"

    assert sim.on_machine(machine_recipe) == before  # nothing was written
    events = h.rows(RecipeDownloadEvent)
    assert [e.result for e in events] == ["refused"] * 4
    assert all(e.written_values == {} for e in events)
    with h.sf() as s:
        audited = s.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "recipe_download")).all()
    assert len(audited) == 4  # every attempt is audited

    # approval checks the same rules
    h.add("RCP-LIMIT2", stroke=65.0)
    with pytest.raises(RecipeError, match="cannot be approved: stroke: 65 mm is above"):
        h.approve("RCP-LIMIT2", 1)
    assert h.status("RCP-LIMIT2", 1) == "draft"


def test_approval_needs_the_right_person_and_pin(h: Harness) -> None:
    h.add("RCP-PIN")
    with pytest.raises(PermissionDenied, match="may not approve a recipe"):
        h.svc.approve(h.operator, "RCP-PIN", 1, pin="1234")
    with pytest.raises(LoginError):
        h.svc.approve(h.engineer, "RCP-PIN", 1, pin="0000").result(20)
    assert h.status("RCP-PIN", 1) == "draft"
    assert h.rows(MasterChangeEvent, code="RCP-PIN") == []
    with h.sf() as s:
        assert s.scalars(select(Signature).where(Signature.record_id == "RCP-PIN v1")).all() == []
    # a team lead cannot sign an approval for the engineer either
    with pytest.raises(PermissionDenied):
        h.svc.approve(h.engineer, "RCP-PIN", 1, badge="2001", pin="3456").result(20)
    assert h.status("RCP-PIN", 1) == "draft"

    h.approve("RCP-PIN", 1)
    with pytest.raises(RecipeError, match="approved already"):
        h.approve("RCP-PIN", 1)
    # approving v2 makes v1 obsolete; a released version's content cannot change
    h.add("RCP-PIN", 2, force=27.0)
    h.approve("RCP-PIN", 2)
    assert (h.status("RCP-PIN", 1), h.status("RCP-PIN", 2)) == ("retired", "released")
    assert [(e.version, e.action) for e in h.rows(MasterChangeEvent, code="RCP-PIN")] == [
        (1, "approved"), (2, "approved"), (1, "retired")]
    from hmi.store.base import ImmutableRowError

    with pytest.raises(ImmutableRowError), h.sf.begin() as s:
        s.scalars(select(Recipe).where(Recipe.code == "RCP-PIN", Recipe.version == 2)
                  ).one().name = "changed"
    versions = h.svc.versions("RCP-PIN").result(10)
    assert [(v.version, v.status_text) for v in versions] == [(2, "approved"), (1, "obsolete")]


# --------------------------------------------------------------------------- drift


def test_setpoint_changed_at_the_panel_while_running_is_a_deviation(h: Harness,
                                                                    sim: Sim) -> None:
    code = "RCP-DRIFT"
    h.add(code, force=24.0, stroke=44.0, stroke_tol=0.5)
    h.approve(code, 1)
    seen: list[Any] = []
    h.svc.sig_deviation.connect(seen.append)

    async def go() -> None:
        async with driver(sim, "opcua", h.svc.on_tag_value) as drv:
            res = await h.svc.download(h.operator, code, 1, order_code=ORDER,
                                       operation_sequence=10, driver=drv)
            assert res.ok, res.message
            h.validate(res.event_id)
            await asyncio.sleep(1.0)  # the force follows the new setpoint (tau 0.3 s) ...
            h.svc.set_active(ORDER, code, 1)  # ... before the order starts
            await until(lambda: h.svc.watching)
            await asyncio.sleep(1.0)  # noise (0.05 kN) stays well within the 1 kN tolerance
            assert h.svc.deviations() == []

            sim.on_machine(lambda m: m.set_recipe_setpoint("stroke", 47.0))  # at the panel
            await until(lambda: bool(h.svc.deviations()))
            (dev,) = h.svc.deviations()
            assert (dev.parameter, dev.setpoint, dev.actual) == ("stroke", 44.0, 47.0)

            sim.on_machine(lambda m: m.set_recipe_setpoint("stroke", 44.2))  # back within
            await until(lambda: not h.svc.deviations())
            h.svc.clear_active()

    run(go())
    h.worker.submit(lambda: None).result(10)  # the deviation writes are done
    started, ended = h.rows(RecipeDeviationEvent, recipe_code=code)
    assert (started.kind, started.parameter, started.setpoint, started.actual) == (
        "started", "stroke", 44.0, 47.0)
    assert (ended.kind, ended.actual, ended.started_id) == ("ended", 44.2, started.id)
    assert started.order_code == ORDER and started.tolerance == 0.5
    assert started.source_ts is not None and ended.source_ts > started.source_ts
    assert [(d.parameter, d.kind, d.tag) for d in seen] == [
        ("stroke", "started", "stroke_sp"), ("stroke", "ended", "stroke_sp")]
    assert seen[1].started_id == started.id and seen[1].ended_at == ended.source_ts


def test_drift_watcher_needs_a_persisting_excursion_and_ignores_stops() -> None:
    t0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)

    def at(s: float) -> dt.datetime:
        return t0 + dt.timedelta(seconds=s)

    w = DriftWatcher([WatchedParam("force", "pf", 25.0, 1.0),
                      WatchedParam("double", "ds", 1.0, 0.0, "bool")], persist_s=2.0)
    assert w.feed("pf", 25.5, True, at(0)) == []
    assert w.feed("pf", 27.0, True, at(1)) == []  # out, but only for a moment ...
    assert w.feed("pf", 25.2, True, at(2)) == []  # ... back: no deviation
    assert w.feed("pf", 27.0, True, at(3)) == []
    assert w.feed("temp", 180.0, True, at(4)) == []  # other tags move the machine time on
    (t,) = w.feed("temp", 180.1, True, at(5))
    assert (t.kind, t.parameter, t.actual, t.source_ts) == ("started", "force", 27.0, at(3))
    assert w.feed("pf", 25.0, False, at(6)) == []  # BAD proves nothing
    # received 1 s after its source time; then nothing more arrives
    assert w.feed("pf", 25.0, True, at(7), received_ts=at(8)) == []
    assert w.poll(at(9)) == []  # machine time ~ 8 s: 1 s back within, not yet 2
    (t,) = w.poll(at(10))  # no new value: the wall time since it was received decides
    assert (t.kind, t.source_ts) == ("ended", at(7))
    w.set_running(False)
    assert w.feed("ds", False, True, at(10)) == [] and w.feed("temp", 1.0, True, at(20)) == []
    w.set_running(True)
    w.feed("ds", False, True, at(21))
    (t,) = w.feed("temp", 1.0, True, at(23))
    assert (t.kind, t.parameter) == ("started", "double")
    (t,) = w.close()
    assert t.kind == "ended"


# --------------------------------------------------------------------------- diff, rollback


def test_diff_lists_added_removed_and_changed_fields() -> None:
    a = RecipeView("R", 1, "retired", "R", (
        ParamSpec(1, "force", "press_force_sp", value=25.0, unit="kN", max_value=30.0),
        ParamSpec(2, "hold", "hold_time_sp", value=0.5, unit="s"),
        ParamSpec(3, "stroke", "stroke_sp", value=45.0, unit="mm", tolerance=0.5),
    ))
    b = RecipeView("R", 2, "released", "R", (
        ParamSpec(1, "force", "press_force_sp", value=26.0, unit="kN", max_value=35.0),
        ParamSpec(2, "stroke", "stroke_sp", value=45.0, unit="mm", tolerance=0.3),
        ParamSpec(3, "double", "double_stroke_sp", "bool", 1.0),
    ))
    d = {x.parameter: x for x in diff_versions(a, b)}
    assert [(x.parameter, x.kind) for x in diff_versions(a, b)] == [
        ("force", "changed"), ("stroke", "changed"), ("double", "added"), ("hold", "removed")]
    assert [(c.field, c.old, c.new) for c in d["force"].changes] == [
        ("value", 25.0, 26.0), ("max_value", 30.0, 35.0)]
    assert [(c.field, c.old, c.new) for c in d["stroke"].changes] == [
        ("tolerance", 0.5, 0.3), ("position", 3, 2)]
    assert diff_versions(a, a) == []


def test_rollback_copies_the_last_known_good_version(h: Harness, sim: Sim) -> None:
    code = "RCP-RB"
    h.add(code, force=22.0, stroke=45.0)
    h.approve(code, 1)
    with pytest.raises(NoKnownGoodVersion, match="nothing to roll back to"):
        h.svc.rollback(h.engineer, code, pin="5678").result(20)

    async def download(version: int) -> Any:
        async with driver(sim, "modbus") as drv:
            return await h.svc.download(h.operator, code, version, order_code=ORDER,
                                        operation_sequence=10, driver=drv)

    v1 = run(download(1))
    h.validate(v1.event_id)
    h.add(code, 2, force=29.0, stroke=52.0, stroke_tol=0.2)
    h.approve(code, 2)
    v2 = run(download(2))
    assert v2.ok
    h.validate(v2.event_id, accepted=False, comment="parts crack at 29 kN")
    assert "was rejected" in h.ready(code).reason

    diff = h.svc.diff(code, 1, 2).result(10)
    assert {x.parameter: [c.field for c in x.changes] for x in diff} == {
        "press_force": ["value"], "stroke": ["value", "tolerance"]}

    with pytest.raises(PermissionDenied):
        h.svc.rollback(h.operator, code, pin="1234")
    info = h.svc.rollback(h.engineer, code, pin="5678", reason="cracks").result(20)
    assert (info.version, info.status) == (3, "released")
    assert [h.status(code, v) for v in (1, 2, 3)] == ["retired", "retired", "released"]
    one, three = h.svc._load_view(code, 1), h.svc._load_view(code, 3)  # noqa: SLF001
    c1, c3 = recipe_content(one), recipe_content(three)
    assert c3.pop("version") == 3 and c1.pop("version") == 1
    assert c3 == c1  # the same content as the known-good version
    events = h.rows(MasterChangeEvent, code=code)
    rolled = [e for e in events if e.action == "rolled_back"]
    assert len(rolled) == 1 and rolled[0].version == 3
    assert rolled[0].content == recipe_content(three) and rolled[0].signature_id is not None
    assert "known-good v1" in rolled[0].reason and "cracks" in rolled[0].reason
    assert {(e.action, e.version) for e in events} >= {("retired", 2), ("rolled_back", 3)}
    versions = {v.version: v for v in h.svc.versions(code).result(10)}
    assert versions[1].known_good and not versions[2].known_good
    assert versions[3].approved_by == "Eva Scholz"
    # the order must download the approved version again before it may start
    assert h.ready(code).reason == f"v2 was downloaded, but {code} v3 is approved now."
    v3 = run(download(3))
    h.validate(v3.event_id)
    assert h.ready(code) is None
    with h.sf() as s:
        assert verify_chain(s, STATION).ok


def test_start_check_finds_the_recipe_through_the_order(h: Harness) -> None:
    with h.sf.begin() as s:
        s.add(WorkOrder(code="WO-T2", version=1, product_code="BRK-100", quantity=5,
                        operations=[WorkOrderOperation(sequence=20, name="Press",
                                                       station_code=STATION,
                                                       recipe_code="RCP-ORDER")]))
    registry = PrerequisiteRegistry()
    h.svc.register_prerequisite(registry)
    ctx = StartContext(STATION, "WO-T2", "BRK-100", h.operator)
    (b,) = h.worker.submit(registry.evaluate, ctx).result(10)
    assert b.check == "recipe.ready" and b.reason == "Recipe RCP-ORDER has no approved version."
    assert "process engineer must approve" in b.what_to_do
    # an order whose operation needs no recipe is not blocked
    none = StartContext(STATION, ORDER, "BRK-100", h.operator, {"operation_sequence": 10})
    assert h.worker.submit(registry.evaluate, none).result(10) == []


# --------------------------------------------------------------------------- pure rules


def test_parameter_checks_and_read_back_precision() -> None:
    tags = {t.name: t for t in MODBUS.device_tags()}
    ok = ParamSpec(1, "force", "press_force_sp", value=25.0, min_value=10, max_value=30)
    assert check_parameters([ok], tags) == []
    bad = [
        ParamSpec(1, "a", "press_force_sp", "int", 2.5),
        ParamSpec(2, "b", "double_stroke_sp", "bool", 2.0),
        ParamSpec(3, "c", "stroke_sp", value=float("nan")),
        ParamSpec(4, "d", "hold_time_sp", value=5.0, min_value=6.0, max_value=4.0),
        ParamSpec(5, "e", "press_force_sp", value=20.0),
        ParamSpec(6, "f", "double_stroke_sp", value=1.0),
    ]
    reasons = [str(p) for p in check_parameters(bad, tags)]
    assert reasons == [
        "a: the value 2.5 is not a whole number",
        "b: the value 2 is not on/off (1 or 0)",
        "c: the value nan is not a finite number",
        "d: the low limit 6 is above the high limit 4",
        "d: 5 is below the low limit 6",
        "d: 5 is above the high limit 4",
        "e: tag press_force_sp is written by parameter a already",
        "f: tag double_stroke_sp is written by parameter b already",
        "f: tag double_stroke_sp is a bool, not a number",
    ]
    f32 = Tag("x", "hr:0", "float32", access="rw")
    f64 = Tag("y", "ns=2;s=Y", "float64", access="rw")
    i16 = Tag("z", "hr:2", "int16", access="rw", scale=0.1)
    assert values_match(0.45, 0.44999998807907104, f32)
    assert not values_match(0.45, 0.44999998807907104, f64)
    assert not values_match(34.0, 32.0, f32)
    assert values_match(12.3, 12.3000001, i16) and not values_match(12.3, 12.5, i16)
    assert values_match(True, True, None) and not values_match(True, False, None)
    assert not values_match(1.0, None, f64) and not values_match(1.0, "1.0", f64)
    assert known_good_version(
        [(1, "a", "ok"), (2, "b", "ok"), (3, "c", "verify_mismatch"), (4, "d", "ok")],
        [("a", "validated"), ("b", "validated"), ("c", "validated"), ("d", "rejected")],
        exclude=(4,)) == 2
    assert known_good_version([(1, "a", "ok")], [], ()) is None
