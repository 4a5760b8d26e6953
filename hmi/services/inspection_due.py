"""When an inspection is due, and what happens when it is not done in time. Pure core.

A characteristic of an inspection plan has one or more *frequencies*:

=================  ==========================================================
``first_piece``    the first part of an order (or operation) at the station
``every_parts``    every N parts since it was last inspected
``every_minutes``  every T minutes (of production time) since last inspected
``shift_start``    at the start of each shift
``changeover``     after a changeover ends
``after_downtime`` after the machine comes back from a (non-micro) stop
``recipe_change``  after a recipe download to the machine
``spc_alarm``      after an SPC rule fired on this characteristic
``rework``         reworked units need a re-inspection (any characteristic; fed by
                   the hold service's ``rework`` disposition, like ``spc_alarm``)
=================  ==========================================================

:class:`DueTracker` is fed those facts with their times (machine or station time,
so a simulator at speed and a replay give the same answers) and keeps, per
characteristic, whether an inspection is due, since when and why. A due inspection
becomes **overdue** after the grace period; while anything is overdue
:meth:`DueTracker.blocking` says the next start must be blocked, and every part made
meanwhile is counted as **suspect** (until the inspection is done and the parts get a
disposition — that is the caller's business).

No Qt, no SQL: the station's inspection service drives it from live facts, and the
same code replays stored facts after a restart (:meth:`DueTracker.restore` with a list of
:class:`Fact`). An event fact whose time is not after the characteristic's last
inspection does not make it due again, and an inspection is not applied twice, so a fact
that is both stored and delivered live (or a shift start announced again after a restart)
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Due", "DueTracker", "Fact", "FactKind", "Frequency", "Trigger"]


class Trigger(enum.StrEnum):
    FIRST_PIECE = "first_piece"
    EVERY_PARTS = "every_parts"
    EVERY_MINUTES = "every_minutes"
    SHIFT_START = "shift_start"
    CHANGEOVER = "changeover"
    AFTER_DOWNTIME = "after_downtime"
    RECIPE_CHANGE = "recipe_change"
    SPC_ALARM = "spc_alarm"
    REWORK = "rework"


#: Triggers every characteristic answers to, listed in its frequencies or not.
IMPLICIT = frozenset({Trigger.REWORK})


class FactKind(enum.StrEnum):
    """What a stored :class:`Fact` is (event triggers use their :class:`Trigger`)."""

    ORDER_STARTED = "order_started"
    ORDER_ENDED = "order_ended"
    PARTS = "parts"
    INSPECTED = "inspected"
    EVENT = "event"


@dataclass(frozen=True)
class Fact:
    """One stored fact for :meth:`DueTracker.restore` (plain data, oldest first).

    ``PARTS``: ``n`` parts; ``INSPECTED``: ``characteristic`` was inspected (``ref``: the
    result's id); ``EVENT``: ``trigger`` happened (for ``characteristic`` only when given).
    """

    t: dt.datetime
    kind: FactKind
    n: int = 0
    characteristic: str | None = None
    trigger: Trigger | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Frequency:
    trigger: Trigger
    #: parts (every_parts) or minutes (every_minutes); None for event triggers
    every: int | None = None

    def __post_init__(self) -> None:
        counted = self.trigger in (Trigger.EVERY_PARTS, Trigger.EVERY_MINUTES)
        if counted and (self.every is None or self.every <= 0):
            raise ValueError(f"{self.trigger.value} needs a positive 'every'")
        if not counted and self.every is not None:
            raise ValueError(f"{self.trigger.value} takes no 'every'")


@dataclass(frozen=True)
class Due:
    characteristic: str
    reason: Trigger
    since: dt.datetime
    overdue: bool
    #: parts made while this inspection was overdue (they count as suspect)
    suspect_parts: int
    #: when it becomes (or became) overdue
    overdue_at: dt.datetime


@dataclass
class _State:
    frequencies: tuple[Frequency, ...]
    parts_since: int = 0
    minutes_base: dt.datetime | None = None  # production time counts from here
    due_reason: Trigger | None = None
    due_since: dt.datetime | None = None
    suspect: int = 0
    first_piece_pending: bool = False
    inspected_at: dt.datetime | None = None
    inspected_ref: str | None = None


@dataclass
class DueTracker:
    """Due inspections of one station's running operation."""

    plan: dict[str, Sequence[Frequency]]
    grace: dt.timedelta = dt.timedelta(minutes=10)
    _states: dict[str, _State] = field(default_factory=dict, init=False)
    running: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.grace < dt.timedelta(0):
            raise ValueError("the grace period cannot be negative")
        for code, freqs in self.plan.items():
            if not freqs:
                raise ValueError(f"characteristic {code} has no frequency")
            self._states[code] = _State(tuple(freqs))

    # -- facts ---------------------------------------------------------------------
    def order_started(self, t: dt.datetime) -> None:
        """A new order (operation) starts: first-piece checks wait for its first part."""
        self.running = True
        for st in self._states.values():
            st.parts_since = 0
            st.minutes_base = t
            st.first_piece_pending = self._has(st, Trigger.FIRST_PIECE)

    def order_ended(self) -> None:
        self.running = False

    def on_parts(self, t: dt.datetime, n: int = 1) -> None:
        if n <= 0:
            return
        for st in self._states.values():
            if st.due_since is not None and self._overdue(st, t):
                st.suspect += n
            if st.first_piece_pending:
                st.first_piece_pending = False
                self._make_due(st, Trigger.FIRST_PIECE, t)
            st.parts_since += n
            for f in st.frequencies:
                if f.trigger is Trigger.EVERY_PARTS and st.parts_since >= (f.every or 0):
                    self._make_due(st, Trigger.EVERY_PARTS, t)

    def on_event(self, trigger: Trigger, t: dt.datetime,
                 characteristic: str | None = None) -> None:
        """shift_start, changeover, after_downtime, recipe_change — or spc_alarm / rework
        for one characteristic (``characteristic`` given; rework without one: all).

        A characteristic inspected after ``t`` already answers the fact."""
        if trigger in (Trigger.FIRST_PIECE, Trigger.EVERY_PARTS, Trigger.EVERY_MINUTES):
            raise ValueError(f"{trigger.value} is not an event; feed parts and ticks instead")
        targets: Iterable[tuple[str, _State]] = self._states.items()
        if characteristic is not None:
            if characteristic not in self._states:
                raise KeyError(f"no characteristic {characteristic!r} in this plan")
            targets = [(characteristic, self._states[characteristic])]
        for _code, st in targets:
            if st.inspected_at is not None and st.inspected_at > t:
                continue
            if self._has(st, trigger):
                self._make_due(st, trigger, t)

    def tick(self, t: dt.datetime) -> None:
        """Time passes: time-based inspections fall due (only while an order runs)."""
        if not self.running:
            return
        for st in self._states.values():
            base = st.minutes_base
            if base is None:
                continue
            for f in st.frequencies:
                if f.trigger is Trigger.EVERY_MINUTES and \
                        t - base >= dt.timedelta(minutes=f.every or 0):
                    self._make_due(st, Trigger.EVERY_MINUTES, base + dt.timedelta(
                        minutes=f.every or 0))

    def inspected(self, characteristic: str, t: dt.datetime, ref: str | None = None) -> int:
        """The inspection was done: not due any more; counters start again.

        Returns the number of suspect parts it leaves for disposition. ``ref`` names the
        result: the same result given again (restored, then reported live) changes nothing
        and returns 0, as does one older than the last inspection.
        """
        st = self._states.get(characteristic)
        if st is None:
            raise KeyError(f"no characteristic {characteristic!r} in this plan")
        if (ref is not None and ref == st.inspected_ref) or \
                (st.inspected_at is not None and t < st.inspected_at):
            return 0
        st.inspected_at, st.inspected_ref = t, ref
        suspect = st.suspect
        st.due_reason = st.due_since = None
        st.suspect = 0
        st.parts_since = 0
        st.minutes_base = t
        st.first_piece_pending = False
        return suspect

    def restore(self, facts: Iterable[Fact], now: dt.datetime) -> None:
        """Rebuild the state from stored facts (oldest first), as it was live, up to ``now``.

        Everything starts empty and not running; each fact is replayed after a tick at its
        time (so an every-T-minutes inspection falls due at the same moment and parts made
        after its grace count as suspect), and a last tick at ``now``. Facts about
        characteristics not in this plan are skipped.
        """
        self.running = False
        for code, st in list(self._states.items()):
            self._states[code] = _State(st.frequencies)
        for f in facts:
            self.tick(f.t)
            kind = FactKind(f.kind)
            if kind is FactKind.ORDER_STARTED:
                self.order_started(f.t)
            elif kind is FactKind.ORDER_ENDED:
                self.order_ended()
            elif kind is FactKind.PARTS:
                self.on_parts(f.t, f.n)
            elif kind is FactKind.INSPECTED:
                if f.characteristic in self._states:
                    self.inspected(f.characteristic, f.t, f.ref)
            elif kind is FactKind.EVENT and f.trigger is not None:
                if f.characteristic is None or f.characteristic in self._states:
                    self.on_event(Trigger(f.trigger), f.t, f.characteristic)
        self.tick(now)

    # -- questions -----------------------------------------------------------------
    def due(self, t: dt.datetime) -> list[Due]:
        out = []
        for code, st in self._states.items():
            if st.due_since is None or st.due_reason is None:
                continue
            out.append(Due(code, st.due_reason, st.due_since, self._overdue(st, t), st.suspect,
                           st.due_since + self.grace))
        return sorted(out, key=lambda d: (d.since, d.characteristic))

    def blocking(self, t: dt.datetime) -> list[Due]:
        """Overdue inspections: the next start must wait until they are done."""
        return [d for d in self.due(t) if d.overdue]

    # -- internals -----------------------------------------------------------------
    @staticmethod
    def _has(st: _State, trigger: Trigger) -> bool:
        return trigger in IMPLICIT or any(f.trigger is trigger for f in st.frequencies)

    def _make_due(self, st: _State, reason: Trigger, t: dt.datetime) -> None:
        if st.due_since is None:  # already due: the earlier reason and time stand
            st.due_reason, st.due_since = reason, t

    def _overdue(self, st: _State, t: dt.datetime) -> bool:
        return st.due_since is not None and t - st.due_since >= self.grace
