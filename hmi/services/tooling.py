"""Tools and fixtures at the station: scan to mount and verify, life counters, maintenance reset.

A tool (or fixture) is identified by scanning the code on its label
(:meth:`ToolService.scan`). The scan is checked against the tool list of the order's
operation at this station: an unknown code, a tool of a type the operation does not
use, or a tool at its life limit is **refused** — the operator reads why, and the
refusal is recorded as a ``ToolEvent`` (``refused`` + reason). An accepted tool is
``mounted`` (if it was not) and ``verified`` for that order operation; past its
warning level it is accepted with a warning. Scanning sets the station up for the
operation: a tool of the same type beyond the list's quantity (the die it replaces,
oldest first) and tools whose type the list does not name are unmounted (recorded).

Life counting (docs/orders.md, "Tooling"), crash-safe without a write per cycle:

    cycles = parts counted while mounted / parts_per_cycle   (+ "cycles" events)

where "parts counted while mounted" are the good + scrap increments of the station's
``ProductionCountEvent`` rows whose ``seq`` lies between the tool's ``mounted`` event
and its next ``unmounted`` event, counted since its last ``life_reset`` event, plus
the live parts the app passes to :meth:`ToolService.on_parts` since the last load. A
restart recomputes the same number from the same events. ``cycles`` events (written
by other parts of the system, e.g. a correction) add their cycles.

This counts the cycles a tool made **at this station**. A tool that moves between
stations is summed per station by the central side, which sees every station's
events (not done at the station).

Warn and limit: a tool warns from ``warn_at`` cycles (default 90 % of the limit) and
is at its limit from ``life_limit`` cycles. Crossing either while the machine runs
emits :attr:`ToolService.sig_tool_warning` / :attr:`ToolService.sig_tool_limit` and
records one ``warned`` event. The start check ``tooling.verified``
(:func:`register_checks`) blocks starting or resuming an order until every tool type
of its tool list is mounted and verified for it and none of them is at its limit, so
a die that wears out during an order blocks the next resume. Only maintenance
(``tool.reset``) resets the counter, with a reason; the reset is audited and records
the count before the reset.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from hmi.services.audit import AuditWriter
from hmi.services.errors import OperatorError
from hmi.services.i18n import tr
from hmi.services.permissions import ORDER_START, TOOL_RESET, Actor, requires
from hmi.services.prerequisites import Blocker, PrerequisiteRegistry, StartContext

log = logging.getLogger(__name__)

CHECK_NAME = "tooling.verified"
OK = "ok"
WARN = "warn"
LIMIT = "limit"
#: Warn from this share of the life limit when a tool names no warn_at.
DEFAULT_WARN_SHARE = 0.9


class ToolError(OperatorError):
    """A tool action was refused; ``operator_message`` (also ``str(exc)``) is for the screen."""


class ToolRefused(ToolError):
    """A scanned tool was refused; the refusal is being recorded (``future``)."""

    def __init__(self, message: str, code: str, future: Future | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.future = future


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ToolStatus:
    code: str
    name: str
    tool_type: str
    kind: str
    life_unit: str
    cycles: int
    limit: int | None
    warn_at: int | None
    state: str  # ok | warn | limit
    mounted: bool
    #: (order code, operation sequence) the tool was last verified for since mounting.
    verified_for: tuple[str, int] | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.cycles)


@dataclass(frozen=True)
class RequiredTool:
    """One item of an operation's tool list and what is mounted for it."""

    tool_type: str
    qty: int
    mounted: tuple[ToolStatus, ...]
    #: Enough tools of this type are mounted, verified for the operation and not at limit.
    ready: bool


@dataclass(frozen=True)
class ScanResult:
    status: ToolStatus
    message: str
    #: Past warn_at: shown in the warning style; empty when the tool is fine.
    warning: str = ""
    unmounted: tuple[str, ...] = ()


@dataclass
class _Tool:
    code: str
    version: int
    name: str
    tool_type: str
    kind: str
    life_unit: str
    life_limit: int | None
    warn_at: int | None
    parts_per_cycle: float
    parts: float = 0.0  # counted while mounted since the last reset (stored + live)
    extra_cycles: int = 0
    mounted: bool = False
    mounted_seq: int = 0  # order of mounting (oldest first when replacing)
    verified_for: tuple[str, int] | None = None
    warned: str = ""  # highest level recorded since the last reset

    @property
    def warn_level(self) -> int | None:
        if self.warn_at is not None:
            return self.warn_at
        if self.life_limit is not None:
            return int(self.life_limit * DEFAULT_WARN_SHARE)
        return None

    @property
    def cycles(self) -> int:
        return int(math.floor(self.parts / self.parts_per_cycle + 1e-9)) + self.extra_cycles

    @property
    def state(self) -> str:
        c = self.cycles
        if self.life_limit is not None and c >= self.life_limit:
            return LIMIT
        warn = self.warn_level
        if warn is not None and c >= warn:
            return WARN
        return OK

    def status(self) -> ToolStatus:
        return ToolStatus(self.code, self.name, self.tool_type, self.kind, self.life_unit,
                          self.cycles, self.life_limit, self.warn_level, self.state,
                          self.mounted, self.verified_for)


@dataclass
class _Snapshot:
    tools: dict[str, _Tool]
    lists: dict[str, list[tuple[str, int]]]
    operations: dict[tuple[str, int], str | None]
    mount_counter: int
    errors: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- service


class ToolService(QObject):
    #: list[ToolStatus]: a tool was mounted, unmounted, verified, reset or changed state.
    sig_tools_changed = Signal(object)
    #: ToolStatus: a mounted tool reached its warning level while running.
    sig_tool_warning = Signal(object)
    #: ToolStatus: a mounted tool reached its life limit: no further start or resume.
    sig_tool_limit = Signal(object)
    #: str: something the operator must know failed (loading, saving).
    sig_error = Signal(str)

    def __init__(self, worker: Any, session_factory: Any, station_id: str,
                 line_code: str | None, audit: AuditWriter,
                 clock: Callable[[], dt.datetime] | None = None, *,
                 running_order: Callable[[], tuple[str, int] | None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not station_id:
            raise ValueError("ToolService needs the station id")
        self._worker = worker
        self._sf = session_factory
        self._station = station_id
        self._line = line_code
        self._audit = audit
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._running_order = running_order
        self._tools: dict[str, _Tool] = {}
        self._lists: dict[str, list[tuple[str, int]]] = {}
        self._ops: dict[tuple[str, int], str | None] = {}
        self._mount_counter = 0
        self._live_next: float | None = None
        self._loading = False
        self._ready = False
        self._pending = 0

    # ------------------------------------------------------------------ loading
    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def busy(self) -> bool:
        """True while a load or a write is still running on the worker."""
        return self._pending > 0

    def set_running_order(self, provider: Callable[[], tuple[str, int] | None] | None) -> None:
        """Who says which order runs now (``OrderService.running_operation``)."""
        self._running_order = provider

    def reload(self) -> Future:
        """Load tools, tool lists, the station's operations and the life counts (worker)."""
        self._pending += 1
        self._loading = True
        self._live_next = 0.0
        return self._worker.submit(self._load, on_done=self._loaded, on_error=self._load_failed)

    def _load(self) -> _Snapshot:
        from sqlalchemy import func, select

        from hmi.services.orders import station_operations
        from hmi.store.models import ProductionCountEvent, Tool, ToolEvent, ToolList

        def newest(s: Any, model: Any) -> list[Any]:
            sub = (select(model.code, func.max(model.version).label("v"))
                   .where(model.status == "released").group_by(model.code).subquery())
            return list(s.scalars(select(model).join(
                sub, (model.code == sub.c.code) & (model.version == sub.c.v))))

        with self._sf() as s:
            tools = {t.code: _Tool(t.code, t.version, t.name, t.tool_type, t.kind, t.life_unit,
                                   t.life_limit, t.warn_at, float(t.parts_per_cycle or 1.0))
                     for t in newest(s, Tool)}
            lists = {tl.code: [(i.tool_type, int(i.quantity)) for i in tl.items]
                     for tl in newest(s, ToolList)}
            ops = {o.key: o.tool_list_code
                   for o in station_operations(s, self._station, self._line)}
            intervals: dict[str, list[tuple[int, int | None]]] = {}
            open_from: dict[str, int] = {}
            counter = 0
            T = ToolEvent
            for ev in s.scalars(select(T).where(T.station_id == self._station,
                                                T.tool_code.in_(list(tools))).order_by(T.seq)):
                tool = tools[ev.tool_code]
                code = ev.tool_code
                if ev.kind == "mounted":
                    if code not in open_from:
                        open_from[code] = ev.seq
                        counter += 1
                        tool.mounted, tool.mounted_seq, tool.verified_for = True, counter, None
                elif ev.kind == "unmounted":
                    start = open_from.pop(code, None)
                    if start is not None:
                        intervals.setdefault(code, []).append((start, ev.seq))
                    tool.mounted, tool.verified_for = False, None
                elif ev.kind == "life_reset":
                    intervals[code] = []
                    tool.extra_cycles, tool.warned = 0, ""
                    if code in open_from:
                        open_from[code] = ev.seq
                elif ev.kind == "cycles":
                    tool.extra_cycles += int(ev.cycles or 0)
                elif ev.kind == "verified" and tool.mounted and ev.order_code:
                    tool.verified_for = (ev.order_code, int(ev.operation_sequence or 0))
                elif ev.kind == "warned":
                    level = (LIMIT if tool.life_limit is not None
                             and (ev.cycles or 0) >= tool.life_limit else WARN)
                    if tool.warned != LIMIT:
                        tool.warned = level
            for code, start in open_from.items():
                intervals.setdefault(code, []).append((start, None))
            P = ProductionCountEvent
            for code, spans in intervals.items():
                parts = 0
                for start, end in spans:
                    q = select(func.coalesce(func.sum(P.good_increment + P.scrap_increment), 0)
                               ).where(P.station_id == self._station, P.seq > start)
                    if end is not None:
                        q = q.where(P.seq < end)
                    parts += int(s.execute(q).scalar_one())
                tools[code].parts = float(parts)
        return _Snapshot(tools, lists, ops, counter)

    def _loaded(self, snap: _Snapshot) -> None:
        self._pending -= 1
        live = self._live_next or 0.0
        for tool in snap.tools.values():
            if tool.mounted:
                tool.parts += live
        self._tools = snap.tools
        self._lists = snap.lists
        self._ops = snap.operations
        self._mount_counter = snap.mount_counter
        self._live_next = None
        self._loading = False
        self._ready = True
        for tool in self._tools.values():
            if tool.mounted:
                self._check_levels(tool)
        self._emit()

    def _load_failed(self, exc: BaseException) -> None:
        self._pending -= 1
        self._loading = False
        self._live_next = None
        log.error("tools could not be loaded", exc_info=exc)
        self.sig_error.emit(tr("tooling", "Tool data could not be loaded from the station "
                               "database (%1): tools cannot be verified. Tell maintenance.", exc))

    # ------------------------------------------------------------------ live counts
    def on_parts(self, n: int) -> None:
        """Parts the machine counted just now (good + scrap); every mounted tool made them."""
        if n <= 0:
            return
        if self._live_next is not None:
            # A load is running: the parts count for the tools it finds mounted.
            self._live_next += n
        for tool in self._tools.values():
            if tool.mounted:
                tool.parts += n
                self._check_levels(tool)

    def _check_levels(self, tool: _Tool) -> None:
        """Record and announce the first time a tool reaches its warning level or limit."""
        state = tool.state
        rank = {OK: 0, WARN: 1, LIMIT: 2}
        if rank[state] <= rank[tool.warned or OK]:
            return
        tool.warned = state
        status = tool.status()
        if state == LIMIT:
            reason = tr("tooling", "%1 reached its life limit (%2 of %3 %4).", tool.code,
                        status.cycles, tool.life_limit, tool.life_unit)
        else:
            reason = tr("tooling", "%1 reached its warning level (%2 of %3 %4).", tool.code,
                        status.cycles, tool.life_limit, tool.life_unit)
        log.warning("tool %s: %s at %d %s", tool.code, state, status.cycles, tool.life_unit)
        self._write([dict(tool_code=tool.code, tool_version=tool.version, kind="warned",
                          cycles=status.cycles, reason=reason)])
        (self.sig_tool_limit if state == LIMIT else self.sig_tool_warning).emit(status)

    # ------------------------------------------------------------------ queries
    def status(self) -> list[ToolStatus]:
        """Every tool: mounted ones first, then by code."""
        return [t.status() for t in sorted(self._tools.values(),
                                           key=lambda t: (not t.mounted, t.code))]

    def tool(self, code: str) -> ToolStatus | None:
        t = self._tools.get(code)
        return t.status() if t is not None else None

    def mounted(self) -> list[ToolStatus]:
        return [s for s in self.status() if s.mounted]

    def _operation_list(self, order_code: str,
                        operation_sequence: int | None) -> tuple[tuple[str, int], str | None]:
        keys = sorted(k for k in self._ops if k[0] == order_code
                      and (operation_sequence is None or k[1] == operation_sequence))
        if not keys:
            raise ToolError(tr("tooling", "Order %1 is not in this station's queue, so its tools "
                               "cannot be checked. Check the order number.", order_code))
        key = keys[0]
        return key, self._ops[key]

    def required(self, order_code: str,
                 operation_sequence: int | None = None) -> list[RequiredTool]:
        """The tool list of the order's operation here, with what is mounted for each item."""
        key, list_code = self._operation_list(order_code, operation_sequence)
        if not list_code:
            return []
        out = []
        for tool_type, qty in self._lists.get(list_code, []):
            mounted = [t for t in self._tools.values() if t.mounted and t.tool_type == tool_type]
            good = [t for t in mounted if t.verified_for == key and t.state != LIMIT]
            out.append(RequiredTool(tool_type, qty, tuple(t.status() for t in mounted),
                                    len(good) >= qty))
        return out

    # ------------------------------------------------------------------ start check
    def check_tooling(self, ctx: StartContext) -> Blocker | None:
        """Start check ``tooling.verified`` (see :func:`register_checks`)."""
        list_code = ctx.extra.get("tool_list_code")
        if not list_code:
            return None
        if not self._ready:
            return Blocker(CHECK_NAME, tr("tooling", "The tool data is not loaded yet."),
                           tr("tooling", "Wait a moment and try again; if this stays, tell "
                              "maintenance."))
        items = self._lists.get(list_code)
        if items is None:
            return Blocker(CHECK_NAME,
                           tr("tooling", "The tool list %1 is not in this station's master "
                              "data.", list_code),
                           tr("tooling", "Ask the process engineer to import it."))
        key = (ctx.order_code, int(ctx.extra.get("operation_sequence") or 0))
        worn: list[str] = []
        missing: list[str] = []
        for tool_type, qty in items:
            mounted = [t for t in self._tools.values() if t.mounted and t.tool_type == tool_type]
            for t in mounted:
                if t.state == LIMIT:
                    worn.append(tr("tooling", "%1 (%2 of %3 %4)", t.code, t.cycles,
                                   t.life_limit, t.life_unit))
            ok = [t for t in mounted if t.verified_for == key and t.state != LIMIT]
            if len(ok) < qty:
                missing.append(tool_type if qty == 1 else f"{qty - len(ok)} × {tool_type}")
        if not worn and not missing:
            return None
        reasons, todo = [], []
        if worn:
            reasons.append(tr("tooling", "At its life limit: %1.", ", ".join(worn)))
            todo.append(tr("tooling", "Have maintenance service the tool and reset its counter, "
                           "or mount another tool of the same type and scan it."))
        if missing:
            reasons.append(tr("tooling", "Tools not verified for %1: %2.", ctx.order_code,
                              ", ".join(missing)))
            todo.append(tr("tooling", "Mount the tools of list %1 and scan each one.",
                           list_code))
        return Blocker(CHECK_NAME, " ".join(reasons), " ".join(todo))

    # ------------------------------------------------------------------ actions
    def _require_ready(self) -> None:
        if self._loading or not self._ready:
            raise ToolError(tr("tooling", "The tool data is being loaded. Try again in a "
                               "moment."))

    @requires(ORDER_START)
    def scan(self, actor: Actor, code: str, order_code: str,
             operation_sequence: int | None = None) -> ScanResult:
        """Mount and verify the scanned tool for an order operation (see the module doc).

        Raises :class:`ToolRefused` (recorded) for an unknown code, a wrong type or a tool at
        its limit; :class:`ToolError` (not recorded) when the order is not at this station
        or another order is running.
        """
        self._require_ready()
        code = (code or "").strip()
        if not code:
            raise ToolError(tr("tooling", "The scan was empty. Scan the code on the tool's "
                               "label again."))
        key, list_code = self._operation_list(order_code, operation_sequence)
        running = self._running_order() if self._running_order is not None else None
        if running is not None and tuple(running) != key:
            raise ToolError(tr("tooling", "Order %1 is running. Pause or complete it before "
                               "you change tools for order %2.", running[0], order_code))

        def refuse(reason: str, tool: _Tool | None = None) -> ToolRefused:
            fut = self._write([dict(tool_code=code[:64], tool_version=tool.version if tool
                                    else None, kind="refused", order_code=key[0],
                                    operation_sequence=key[1], reason=reason[:2000],
                                    cycles=tool.cycles if tool else None)], actor=actor)
            log.info("tool scan %s refused for %s/%s: %s", code, key[0], key[1], reason)
            return ToolRefused(reason, code, fut)

        tool = self._tools.get(code)
        if tool is None:
            raise refuse(tr("tooling", "%1 is not a known tool or fixture. Check the label, or "
                            "ask the process engineer to add the tool to the master data.",
                            code))
        if not list_code:
            raise refuse(tr("tooling", "Order %1 operation %2 needs no tools, so %3 is not "
                            "mounted for it.", key[0], key[1], code), tool)
        items = dict(self._lists.get(list_code, []))
        if tool.tool_type not in items:
            raise refuse(tr("tooling", "Wrong tool: %1 is a %2, but order %3 needs %4 (tool "
                            "list %5). Take the right tool and scan it.", code, tool.tool_type,
                            key[0], ", ".join(items) or "-", list_code), tool)
        if tool.state == LIMIT:
            raise refuse(tr("tooling", "%1 has reached its life limit (%2 of %3 %4) and may not "
                            "be used until maintenance has serviced it and reset its counter. "
                            "Use another %5.", code, tool.cycles, tool.life_limit,
                            tool.life_unit, tool.tool_type), tool)

        rows: list[dict[str, Any]] = []
        unmounted: list[str] = []
        if not (tool.mounted and tool.verified_for == key):
            others = sorted((t for t in self._tools.values()
                             if t.mounted and t.code != code), key=lambda t: t.mounted_seq)
            same = [t for t in others if t.tool_type == tool.tool_type]
            surplus = len(same) + 1 - items[tool.tool_type]
            for t in same[:max(0, surplus)]:
                unmounted.append(t.code)
                rows.append(dict(tool_code=t.code, tool_version=t.version, kind="unmounted",
                                 order_code=key[0], operation_sequence=key[1],
                                 reason=tr("tooling", "replaced by %1", code)))
            for t in others:
                if t.tool_type not in items and t.code not in unmounted:
                    unmounted.append(t.code)
                    rows.append(dict(tool_code=t.code, tool_version=t.version,
                                     kind="unmounted", order_code=key[0],
                                     operation_sequence=key[1],
                                     reason=tr("tooling", "not on tool list %1", list_code)))
            if not tool.mounted:
                rows.append(dict(tool_code=code, tool_version=tool.version, kind="mounted",
                                 order_code=key[0], operation_sequence=key[1]))
            rows.append(dict(tool_code=code, tool_version=tool.version, kind="verified",
                             order_code=key[0], operation_sequence=key[1], cycles=tool.cycles,
                             reason=tr("tooling", "type %1 on tool list %2", tool.tool_type,
                                       list_code)))
            for c in unmounted:
                t = self._tools[c]
                t.mounted, t.verified_for = False, None
            if not tool.mounted:
                self._mount_counter += 1
                tool.mounted, tool.mounted_seq = True, self._mount_counter
            tool.verified_for = key
            self._write(rows, actor=actor)
            self._emit()
        status = tool.status()
        warning = ""
        if status.state == WARN:
            warning = tr("tooling", "%1 is near its life limit: %2 of %3 %4 used, %5 left. Plan "
                         "its maintenance.", code, status.cycles, status.limit, tool.life_unit,
                         status.remaining)
        message = tr("tooling", "%1 (%2) is mounted and verified for order %3.", code,
                     tool.tool_type, key[0])
        return ScanResult(status, message, warning, tuple(unmounted))

    @requires(ORDER_START)
    def unmount(self, actor: Actor, code: str, reason: str = "") -> Future:
        """Record that a mounted tool was taken off the machine."""
        self._require_ready()
        tool = self._tools.get((code or "").strip())
        if tool is None or not tool.mounted:
            raise ToolError(tr("tooling", "%1 is not mounted at this station.", code))
        tool.mounted, tool.verified_for = False, None
        fut = self._write([dict(tool_code=tool.code, tool_version=tool.version, kind="unmounted",
                                reason=(reason or "").strip()[:2000])], actor=actor)
        self._emit()
        return fut

    @requires(TOOL_RESET)
    def reset_life(self, actor: Actor, code: str, reason: str) -> Future:
        """Reset a tool's life counter after maintenance (audited; the old count is recorded)."""
        self._require_ready()
        tool = self._tools.get((code or "").strip())
        if tool is None:
            raise ToolError(tr("tooling", "%1 is not a known tool or fixture. Check the code.",
                               code))
        reason = " ".join((reason or "").split())
        if not reason:
            raise ToolError(tr("tooling", "Say what was done to %1 (e.g. \"die reground, "
                               "order MA-123\"), then reset again.", tool.code))
        before = tool.cycles
        tool.parts, tool.extra_cycles, tool.warned = 0.0, 0, ""
        audit = {"actor_badge": actor.badge, "action": "tool.reset", "entity": "tool",
                 "entity_id": tool.code, "old": {"cycles": before, "life_unit": tool.life_unit},
                 "new": {"cycles": 0}, "detail": reason}
        fut = self._write([dict(tool_code=tool.code, tool_version=tool.version,
                                kind="life_reset", cycles=before, reason=reason[:2000])],
                          actor=actor, audit=audit)
        log.info("tool %s life counter reset by %s at %d %s", tool.code, actor.badge, before,
                 tool.life_unit)
        self._emit()
        return fut

    # ------------------------------------------------------------------ writing
    def _write(self, rows: list[dict[str, Any]], *, actor: Actor | None = None,
               audit: dict[str, Any] | None = None) -> Future:
        at = self._clock()
        badge = actor.badge if actor is not None else None
        self._pending += 1

        def done(_r: object) -> None:
            self._pending -= 1

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.error("tool events could not be saved", exc_info=exc)
            self.sig_error.emit(tr("tooling", "A tool change was not saved (%1). Reload the "
                                   "tools and scan again; if it fails again, tell maintenance.",
                                   exc))
            self.reload()

        return self._worker.submit(self._store, rows, at, badge, audit,
                                   on_done=done, on_error=failed)

    def _store(self, rows: list[dict[str, Any]], at: dt.datetime, badge: str | None,
               audit: dict[str, Any] | None) -> None:
        from hmi.store.events import append_event
        from hmi.store.models import ToolEvent

        with self._sf.begin() as s:
            for r in rows:
                append_event(s, ToolEvent(station_id=self._station, recorded_at=at,
                                          actor_badge=badge, **r))
            if audit is not None:
                self._audit.record(s, **audit)

    def _emit(self) -> None:
        self.sig_tools_changed.emit(self.status())


def register_checks(registry: PrerequisiteRegistry, service: ToolService) -> None:
    """Register the start check ``tooling.verified`` of ``service`` in ``registry``."""
    registry.register(CHECK_NAME, service.check_tooling)
