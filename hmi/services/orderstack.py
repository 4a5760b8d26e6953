"""The order-side services of a station, built and wired together in one place.

Orders (dispatch, time, quantities), tooling (scan-verified tools and their
life), work instructions and recipes depend on each other only through the
start and completion check registries and a few facts:

* start checks: ``tooling.verified`` (tooling), ``recipe.ready`` (recipes),
  ``quality.hold`` (holds) and ``inspections.due`` (an overdue inspection);
* inspections: the running order's plan is loaded when it starts (a resume is not a
  new order) and its due tracker rebuilt from the store (so a restart keeps what was
  due); parts, the end of a changeover, the return from a breakdown, a good recipe
  download, a shift start (:meth:`OrderStack.set_calendar`) and a 1 s tick feed the
  due-tracker; an SPC rule with reaction "hold" places a hold on the order by itself;
* rework: a ``rework`` disposition makes the re-inspection due; a result recorded for
  the order lets the hold service decide the reworked units (pass: good again);
* completion check: ``instructions.done`` (no mandatory step open);
* machine facts: part counts go to the running order and the mounted tools,
  the machine state to the recipe drift watch (no deviation while stopped);
* every machine value goes to the recipe drift watch;
* the active (running or paused) order decides which downloaded recipe the
  drift watch compares against (the order's last good download); an open
  deviation blocks its resume (``recipe.ready``).

The app (:mod:`hmi.app`) and the screen tests build the same :class:`OrderStack`,
so what is tested is what runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer

from hmi.services import holds, inspections, materials, shiftcal, tooling
from hmi.services.audit import AuditWriter
from hmi.services.i18n import tr
from hmi.services.instructions import InstructionService
from hmi.services.orders import OrderService
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext
from hmi.services.quality import QualityService
from hmi.services.recipes import RecipeService
from hmi.services.signatures import SignatureService


class OrderStack(QObject):
    def __init__(self, worker: Any, session_factory: Any, *, station_id: str,
                 line_code: str | None, audit: AuditWriter, signatures: SignatureService,
                 tags: Mapping[str, Any] | None = None,
                 read_tag: Callable[[str], tuple[Any, bool]] | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 serials: Callable[[dt.datetime, str], str] | None = None,
                 verify_materials: bool = True, low_parts: int = materials.LOW_PARTS,
                 process_tags: Sequence[str] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = PrerequisiteRegistry()
        self._read_tag = read_tag
        self._process_tags = tuple(process_tags)
        self.completion = PrerequisiteRegistry()
        kw: dict[str, Any] = {"parent": self}
        self.orders = OrderService(worker, session_factory, station_id, line_code,
                                   self.registry, audit, clock,
                                   completion_checks=self.completion, **kw)
        self.tools = tooling.ToolService(worker, session_factory, station_id, line_code, audit,
                                         clock, running_order=self.orders.running_operation, **kw)
        self.instructions = InstructionService(worker, session_factory, station_id, audit,
                                               signatures, read_tag=read_tag,
                                               **({"clock": clock} if clock else {}), **kw)
        self.recipes = RecipeService(worker, session_factory, station_id, audit, signatures,
                                     clock, tags=dict(tags or {}), **kw)
        self.holds = holds.HoldService(worker, session_factory, station_id, audit, signatures,
                                       clock, **kw)
        self.inspections = inspections.InspectionService(
            worker, session_factory, station_id, audit, signatures,
            **({"clock": clock} if clock else {}), **kw)
        # Team-lead sign-off of results and FPY (hmi/services/quality.py): follows what is
        # recorded and disposed.
        self.quality = QualityService(worker, session_factory, station_id, audit, signatures,
                                      clock, **kw)
        self.inspections.sig_recorded.connect(self.quality.results_changed)
        self.holds.sig_quality_changed.connect(self.quality.results_changed)
        # Lots loaded by scan, verified against the BOM, consumed per unit (issue 7).
        self.materials = materials.MaterialService(
            worker, session_factory, station_id, station_id, audit, clock, holds=self.holds,
            serials=serials, low_parts=low_parts, snapshot=self._process_snapshot, **kw)
        if verify_materials:  # [traceability] verify_materials: lots must be loaded to start
            materials.register_checks(self.registry, self.materials)
        tooling.register_checks(self.registry, self.tools)
        holds.register_checks(self.registry, self.holds)
        inspections.register_checks(self.registry, self.inspections)
        # An SPC rule whose reaction is "hold" puts the order on hold at once.
        self.inspections.sig_hold_requested.connect(self._spc_hold)
        self.recipes.sig_download_done.connect(
            lambda r: getattr(r, "ok", False) and self.inspections.recipe_downloaded())
        # A rework needs a re-inspection; a result recorded may decide reworked units.
        self.holds.sig_rework.connect(self.inspections.rework_disposed)
        self.inspections.sig_recorded.connect(self._inspection_recorded)
        self._insp_order: str | None = None
        self._reconciled: set[str] = set()
        self._machine_state: str | None = None
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._calendar: Any = None
        self._shift_seen: dt.datetime | None = None
        self._tick = QTimer(self)
        self._tick.timeout.connect(self.tick)
        self.recipes.register_prerequisite(self.registry)
        self.completion.register("instructions.done", self._steps_done)
        self._watched: tuple[str, int] | None = None
        self.orders.sig_queue_changed.connect(lambda _rows: self._watch_recipe())
        self.orders.sig_queue_changed.connect(lambda _rows: self._watch_inspections())
        self.orders.sig_queue_changed.connect(lambda _rows: self._watch_materials())
        self.materials.sig_changed.connect(lambda _st: self._watch_materials_once())

    def services(self) -> tuple[Any, ...]:
        return (self.orders, self.tools, self.instructions, self.recipes, self.holds,
                self.inspections, self.quality, self.materials)

    def start(self, *, tick_ms: int = 1000) -> None:
        """Load the queue and the tools; start the drift watch's timer."""
        self.recipes.start(tick_ms)
        self.orders.reload()
        self.tools.reload()
        self.holds.reload()
        self.quality.reload()
        self.materials.reload()
        self._tick.start(tick_ms)  # time-based inspections fall due

    def shutdown(self) -> None:
        self.materials.shutdown()  # produced units still in memory are written first
        self.recipes.shutdown()
        self._tick.stop()

    def set_calendar(self, spec: Any) -> None:
        """The station's shift calendar (:class:`hmi.services.shiftcal.CalendarSpec`, or
        None): from now on a shift start while an order is active makes the
        ``shift_start`` inspections due (once per shift, at the shift's start)."""
        self._calendar = spec
        self._shift_seen = None
        self.inspections.set_calendar(spec)

    def tick(self, now: dt.datetime | None = None) -> None:
        """Every second: time-based inspections fall due; a new shift may have begun."""
        now = now or self._clock()
        self.inspections.tick(now)
        self._check_shift(now)

    def _check_shift(self, now: dt.datetime) -> None:
        """Once per shift instance: the shift-start check is due for an order that was
        already active (running or paused) when the shift began — an order that runs
        across the shift change. An order started during the shift has its first-piece
        check instead; after a restart in the middle of a shift the check is announced
        again, and the tracker ignores it if it was recorded after the shift began."""
        if self._calendar is None or not self.orders.ready:
            return
        inst = shiftcal.shift_at(self._calendar, now)
        if inst is None or inst.start == self._shift_seen:
            return
        self._shift_seen = inst.start
        row = self.orders.active()
        if row is None:
            return
        started = self.orders.progress(row.code, row.operation_sequence).started_at
        if started is not None and started < inst.start:
            self.inspections.shift_started(inst.start)

    def _inspection_recorded(self, outcome: Any) -> None:
        run = self.inspections.run()
        if run is not None:
            self.holds.on_inspection_recorded(run.order_code)

    # -- facts from the machine ---------------------------------------------------
    def on_fact(self, kind: str, fields: Mapping[str, Any]) -> None:
        if kind == "production_count":
            n = int(fields.get("increment") or 0)
            good, scrap = (n, 0) if fields.get("kind") == "good" else (0, n)
            self.orders.on_count(good, scrap)
            self.tools.on_parts(n)
            running = self.orders.running_operation()
            if good and running is not None:  # made under an open hold: suspect, not good
                self.holds.on_parts(running[0], good)
            if running is not None and n > 0:  # at the machine's time, as stored
                self.inspections.parts_counted(n, fields.get("source_ts"))
            if running is not None and n > 0:  # their material, serials and genealogy
                self.materials.on_units(running[0], good, scrap, fields.get("source_ts"))
        elif kind == "machine_state":
            state = fields.get("state")
            self.recipes.set_machine_running(state == "running")
            before, self._machine_state = self._machine_state, state
            at = fields.get("source_ts")
            if before == "changeover" and state != "changeover":
                self.inspections.changeover_ended(at)
            elif before == "faulted" and state == "running":  # back from a breakdown
                self.inspections.back_from_stop(at)

    def on_tag_value(self, value: Any) -> None:
        self.recipes.on_tag_value(value)

    # -- wiring ---------------------------------------------------------------------
    def _steps_done(self, ctx: StartContext) -> Blocker | None:
        why = self.instructions.completion_blocker(ctx.order_code)
        if why is None:
            return None
        return Blocker("instructions.done", why,
                       tr("orders", "Open Instructions and finish the mandatory steps."))

    def _spc_hold(self, alarm: Any) -> None:
        if not alarm.order_code:
            return
        try:
            self.holds.place_automatic("order", alarm.order_code,
                                       tr("orders", "SPC: %1 on %2").replace("%1", alarm.text)
                                       .replace("%2", alarm.characteristic_name)[:200],
                                       order_code=alarm.order_code)
        except holds.HoldError:
            pass  # already on hold: the first hold stands

    def _process_snapshot(self) -> dict[str, Any]:
        """The process values kept with each serial unit: every ``process_value`` tag's
        newest Good value (genealogy: the unit's birth record)."""
        if self._read_tag is None:
            return {}
        out: dict[str, Any] = {}
        for name in self._process_tags:
            value, good = self._read_tag(name)
            if good and value is not None:
                out[name] = value
        return out

    def _watch_materials(self) -> None:
        """The Materials screen and the lot checks follow the active (running or paused)
        order; once both are loaded, units the machine counted but the station never
        recorded (it died within a flush) are recovered (``MaterialService.reconcile``)."""
        row = self.orders.active()
        if row is not None:  # else the order selected on the Materials screen stays
            self.materials.set_order(row.code)
        if row is not None and self.materials.ready and row.code not in self._reconciled:
            self._reconciled.add(row.code)
            good, scrap = self.orders.counted(row.code, row.operation_sequence)
            self.materials.reconcile(row.code, good, scrap)

    def _watch_materials_once(self) -> None:
        row = self.orders.active()
        if row is not None and row.code not in self._reconciled and self.orders.ready:
            self._watch_materials()

    def _watch_inspections(self) -> None:
        """The inspection plan follows the order that runs (a pause is not a new order)."""
        running = self.orders.running_operation()
        active = self.orders.active()
        if running is not None and running[0] != self._insp_order:
            self._insp_order = running[0]
            self.inspections.order_started(running[0])
        elif active is None and self._insp_order is not None:
            self._insp_order = None
            self.inspections.order_ended()

    def _watch_recipe(self) -> None:
        """Drift is watched against the recipe downloaded for the active order.

        Active means running *or paused*: a setpoint changed at the machine panel
        during a pause is a deviation too, and it blocks the resume.
        """
        row = self.orders.active()
        running = (row.code, row.operation_sequence) if row is not None else None
        if running == self._watched:
            return
        self._watched = running
        if running is None:
            self.recipes.clear_active()
            return
        order_code, op = running

        def downloaded(info: Any) -> None:
            if info is not None and info.result == "ok" and self._watched == running:
                self.recipes.set_active(order_code, info.recipe_code, info.version)

        self.recipes.last_download(order_code, op, on_done=downloaded)
