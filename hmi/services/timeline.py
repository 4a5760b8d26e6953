"""Plain records of what happened at a machine over time.

The shared vocabulary of the downtime service (which produces stops), the KPI
arithmetic (which consumes them) and the views (which draw them). Plain frozen
dataclasses, no Qt, no SQL: the same records are built from live facts at the
station and from stored events anywhere else, so a KPI computed at the panel
and one computed later from the database agree to the last second.

Every timestamp is timezone-aware UTC. Intervals are half-open ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import NamedTuple


class StopKind(enum.StrEnum):
    """How a stop counts in the time model (docs/kpi.md)."""

    #: Unplanned stop (breakdown, starved, blocked, ...): availability loss.
    UNPLANNED = "unplanned"
    #: Planned stop (changeover, planned maintenance, a break taken on the machine):
    #: not planned production time.
    PLANNED = "planned"
    #: A stop shorter than the micro-stop threshold: performance loss, never prompted.
    MICRO = "micro"


#: Machine states that mean "not producing".
STOPPED_STATES = frozenset({"idle", "starved", "blocked", "changeover", "faulted", "stopped"})


@dataclass(frozen=True, slots=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())


@dataclass(frozen=True, slots=True)
class StateSpan:
    """The machine was in ``state`` (a name from ``[machine.state_codes]``) from start to end."""

    start: dt.datetime
    end: dt.datetime
    state: str
    fault_code: int | None = None


class CountRecord(NamedTuple):
    """Parts counted at ``ts`` (increments, never raw counter values).

    A NamedTuple, not a dataclass: a day holds ~100,000 of them and a report loads
    them all (0.4 µs to build one against 2.5 µs for a frozen dataclass).
    """

    ts: dt.datetime
    good: int = 0
    scrap: int = 0


@dataclass(frozen=True, slots=True)
class StopRecord:
    """One stop as it stands now (its latest classification; a split makes two records).

    ``end`` is None while the stop is still going on. ``reason_code`` is None
    while it is unclassified (a micro-stop never needs one).
    """

    stop_id: str
    start: dt.datetime
    end: dt.datetime | None
    kind: StopKind
    reason_code: str | None = None
    reason_name: str | None = None
    fault_code: int | None = None
    #: "auto" (fault-code mapping / shift calendar / machine state), "operator", "team_lead"
    classified_by: str | None = None
    #: The machine state that started it (faulted, starved, changeover, ...), or "no_count".
    cause: str = ""
    #: Maintenance: acknowledged / repaired / closed times (None until they happen).
    acknowledged_at: dt.datetime | None = None
    repaired_at: dt.datetime | None = None

    def seconds(self, now: dt.datetime) -> float:
        return max(0.0, ((self.end or now) - self.start).total_seconds())

    @property
    def classified(self) -> bool:
        return self.kind == StopKind.MICRO or self.reason_code is not None
