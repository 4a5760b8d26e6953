"""An OrderStack on a real store, wired and recorded as the app does it (tests helper).

Machine facts go to the stack and to the real ProductionRecorder through the DbWorker
(``hmi.app.Station._record``); the clock is a manual one the test moves. ``restart()``
drops the stack and its worker and builds new ones on the same database — what a station
restart does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hmi import config
from hmi.services.audit import AuditWriter
from hmi.services.auth import AuthService
from hmi.services.orderstack import OrderStack
from hmi.services.prerequisites import StartContext
from hmi.services.recorder import ProductionRecorder
from hmi.services.signatures import SignatureService
from hmi.services.worker import DbWorker

STATION = "ST-10"
ORDER = "WO-1001"
CFG = config.load(config.demo_config_path())
TOOLS = ("DIE-BRK-100-A", "FIX-NEST-01")
#: a team lead's signature (Clara)
CLARA = {"badge": "2001", "pin": "3456"}


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, now: dt.datetime) -> dt.datetime:
        self.now = now
        return now


class Line:
    def __init__(self, qtbot: Any, sf: Any, clock: Clock, calendar: Any = None) -> None:
        self.qtbot, self.sf, self.clock, self.calendar = qtbot, sf, clock, calendar
        self.errors: list[str] = []
        self.boot()

    def boot(self) -> None:
        self.worker = DbWorker()
        audit = AuditWriter(STATION, self.clock)
        self.auth = AuthService(self.sf, STATION, clock=self.clock)
        sigs = SignatureService(self.sf, self.auth, audit, STATION, clock=self.clock)
        self.stack = OrderStack(self.worker, self.sf, verify_materials=False, station_id=STATION, line_code="LINE-1",
                                audit=audit, signatures=sigs,
                                tags={t.name: t for t in CFG.device_tags()}, clock=self.clock)
        for svc in self.stack.services():
            svc.sig_error.connect(self.errors.append)
        self.recorder = ProductionRecorder(self.sf, STATION)
        if self.calendar is not None:
            self.stack.set_calendar(self.calendar)
        self.stack.start(tick_ms=3_600_000)  # the test ticks
        self.stack.registry.unregister("recipe.ready")  # the recipe path has its own tests
        st = self.stack
        self.qtbot.waitUntil(lambda: st.orders.ready and st.tools.ready and st.holds.ready,
                             timeout=10_000)
        self.settle()

    def restart(self) -> None:
        self.shutdown()
        self.boot()

    def shutdown(self) -> None:
        self.stack.shutdown()
        self.worker.shutdown()

    # -- the app's paths ----------------------------------------------------------
    def fact(self, what: str, **fields: Any) -> None:
        fields.setdefault("source_ts", self.clock.now)
        self.stack.on_fact(what, fields)
        self.worker.submit(self.recorder.record, what, fields)

    def parts(self, n: int = 1, kind: str = "good") -> None:
        for _ in range(n):
            self.fact("production_count", kind=kind, increment=1, raw=0)
        self.settle()

    def state(self, name: str, code: int = 1) -> None:
        self.fact("machine_state", state=name, state_code=code, fault_code=None)
        self.settle()

    def tick(self) -> None:
        self.stack.tick()
        self.settle()

    def settle(self) -> None:
        st = self.stack
        self.qtbot.waitUntil(lambda: not any(s.busy for s in (st.orders, st.tools, st.holds,
                                                              st.inspections)), timeout=10_000)
        self.qtbot.wait(1)  # queued worker results
        self.qtbot.waitUntil(lambda: not any(s.busy for s in (st.orders, st.tools, st.holds,
                                                              st.inspections)), timeout=10_000)

    def start(self, actor: Any, order: str = ORDER) -> None:
        for code in TOOLS:
            self.stack.tools.scan(actor, code, order)
        self.settle()
        self.stack.orders.start(actor, order)
        self.qtbot.waitUntil(lambda: self.stack.inspections.run() is not None, timeout=10_000)
        self.settle()

    def record(self, actor: Any, char: str, values: list[str], **kw: Any) -> Any:
        got: list[Any] = []
        if char == "BUSH-DEPTH":
            kw.setdefault("gauge_code", "G-12")
        self.stack.inspections.record(actor, char, values, on_done=got.append, **kw)
        self.qtbot.waitUntil(lambda: bool(got), timeout=10_000)
        self.settle()
        return got[0]

    def blockers(self, actor: Any, order: str = ORDER) -> list[Any]:
        ctx = StartContext(STATION, order, "BRK-100", actor, {"action": "resume"})
        return [b for b in self.stack.registry.evaluate(ctx)
                if b.check == "inspections.due"]

    def due(self) -> dict[str, tuple[str, dt.datetime]]:
        return {d.characteristic: (d.reason.value, d.since)
                for d in self.stack.inspections.due()}
