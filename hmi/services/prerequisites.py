"""Checks that must pass before an order may start, contributed by each capability.

Materials registers "the BOM's lots are loaded", quality "the first-article
inspection is signed", maintenance "no open lock-out", and so on, without the order
service knowing about any of them::

    registry.register("materials.loaded", check_materials_loaded)
    blockers = registry.evaluate(StartContext(station_id, order_code, product_code, actor))
    if blockers: ...show every blocker with its reason and what to do...

A check returns ``None`` when it is satisfied or a :class:`Blocker`. A check that
raises (or returns something else) does **not** pass silently: it becomes a blocker
saying the check itself failed, and the exception is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hmi.services.permissions import Actor

log = logging.getLogger(__name__)


@dataclass
class StartContext:
    station_id: str
    order_code: str
    product_code: str
    actor: Actor | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocker:
    """Why the order cannot start yet, in words for the operator."""

    check: str
    reason: str
    what_to_do: str


Check = Callable[[StartContext], Blocker | None]


class PrerequisiteRegistry:
    """Named start checks, run in the order they were registered. Thread-safe."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def register(self, name: str, check: Check) -> None:
        if not name:
            raise ValueError("a start check needs a name")
        with self._lock:
            if name in self._checks:
                raise ValueError(f"a start check named {name!r} is already registered")
            self._checks[name] = check

    def unregister(self, name: str) -> None:
        with self._lock:
            if self._checks.pop(name, None) is None:
                raise KeyError(f"no start check named {name!r} is registered")

    def names(self) -> list[str]:
        with self._lock:
            return list(self._checks)

    def evaluate(self, ctx: StartContext) -> list[Blocker]:
        """Run every check; return all blockers (empty list: the order may start)."""
        with self._lock:
            checks = list(self._checks.items())
        blockers: list[Blocker] = []
        for name, check in checks:
            try:
                result = check(ctx)
            except Exception as exc:
                log.exception("start check %s failed for order %s", name, ctx.order_code)
                blockers.append(
                    Blocker(
                        check=name,
                        reason=f"The check “{name}” could not be completed ({exc}).",
                        what_to_do="Call a team lead or maintenance. The order cannot start "
                        "until this check can run.",
                    )
                )
                continue
            if result is None:
                continue
            if not isinstance(result, Blocker):
                log.error("start check %s returned %r instead of a Blocker or None", name, result)
                blockers.append(
                    Blocker(
                        check=name,
                        reason=f"The check “{name}” gave an answer the station does not understand.",
                        what_to_do="Call maintenance. The order cannot start until this check "
                        "is fixed.",
                    )
                )
                continue
            blockers.append(result)
        if blockers:
            log.info(
                "order %s blocked at %s by: %s",
                ctx.order_code, ctx.station_id, ", ".join(b.check for b in blockers),
            )
        return blockers
