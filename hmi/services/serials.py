"""Serial and lot numbers for produced items, unique plant-wide even while stations are offline.

Public API
----------
``SerialScheme(template, *, prefixes=None, expected_per_period=None, tz=None, gs1=False)``
    A numbering scheme such as ``"{station}-{yymmdd}-{seq:05d}"``, validated at once
    (:class:`SchemeError` with ``reason`` and a plain-words message).
    ``.reset`` ("day" | "month" | "year" | "never"), ``.width``, ``.capacity``,
    ``.period_of(now) -> date | None``, ``.format(station, period, seq) -> str``,
    ``.parse(identifier, station=None) -> ParsedIdentifier | None``,
    ``.check_station(station)`` (prefix configured, length fits).
``SerialAllocator(scheme, station, *, last=None)``
    ``.next(now) -> str`` — the next number; ``last`` is the last identifier used
    (a str, or a :class:`ParsedIdentifier`), usually from :func:`load_last`.
    ``.from_store(session, scheme, station, *, kind="serial", now)`` builds one from
    the store.
``load_last(session, scheme, station, *, kind="serial", now) -> str | None``
    The last identifier this station handed out in the period that is current now
    (SQLAlchemy 2 ``select`` on ``ProducedUnit``).
``ParsedIdentifier`` — station, prefix, period (start date or None), seq.
``SerialExhausted(OperatorError)`` — every number of the period is used.

Why numbers cannot collide
--------------------------
Every template must contain a part that is unique to the station: ``{station}``
(the station id) or ``{prefix}`` (a short code configured per station; the plant
keeps the list, each station's prefix must be different). All other parts are
fixed width (dates, ``{seq:0Nd}``), so two different stations' numbers differ in
that part, and one station never repeats ``(period, seq)``. No central counter is
asked, so stations number while offline.

Counting without a counter table
--------------------------------
The counter lives in memory. At start it is derived from the store: the highest
``ProducedUnit.identifier`` of this station and kind that matches the scheme for
the current period, parsed back (:func:`load_last`). A new reset period (a new day
for a template with ``{yymmdd}``/``{dd}``/``{doy}``, a new month with ``{mm}``, a
new year with only a year) restarts the counter at 1; the date in the number
keeps it unique. A template without a date never restarts: size ``{seq}`` for the
life of the plant. If the station clock goes back into an earlier period the
allocator stays in the later period (numbers carry the later date) until the
clock catches up, so nothing repeats; at start :func:`load_last` also looks at the
newest stored number for the same reason.

The caller writes the ``ProducedUnit`` with the number in the same transaction as
it takes it, and prints the label after the commit: a number that was taken but
never stored (transaction rolled back) leaves a gap; after a restart a number that
was never stored may be handed out again — which is why a label must not be printed
before the unit is stored.

Template fields
---------------
``{station}``, ``{prefix}``, ``{seq:0Nd}`` (exactly once, N = 1…12 digits),
``{yymmdd}``, ``{yyyymmdd}``, ``{yy}``/``{year2}``, ``{yyyy}``/``{year4}``, ``{mm}``,
``{dd}``, ``{doy}`` (day of year, 3 digits). Dates are the station's local date
(``tz``). Two-digit years are read back as 20yy.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmi.services.errors import OperatorError
from hmi.services.i18n import tr

__all__ = [
    "ParsedIdentifier",
    "SchemeError",
    "SerialAllocator",
    "SerialExhausted",
    "SerialScheme",
    "load_last",
]

log = logging.getLogger(__name__)

#: Longest identifier the store takes (ProducedUnit.identifier is String(64)).
MAX_IDENTIFIER = 64
#: GS1 AI 21 (serial) and AI 10 (lot) take at most 20 characters.
GS1_MAX = 20

# Date fields: width and what they carry.
_DATE_FIELDS: dict[str, tuple[int, frozenset[str]]] = {
    "yymmdd": (6, frozenset({"year", "month", "day"})),
    "yyyymmdd": (8, frozenset({"year", "month", "day"})),
    "yy": (2, frozenset({"year"})),
    "year2": (2, frozenset({"year"})),
    "yyyy": (4, frozenset({"year"})),
    "year4": (4, frozenset({"year"})),
    "mm": (2, frozenset({"month"})),
    "dd": (2, frozenset({"day"})),
    "doy": (3, frozenset({"doy"})),
}
_KNOWN = ("station", "prefix", "seq", *_DATE_FIELDS)
_SEQ_SPEC = re.compile(r"0([1-9]\d?)d")
_GS1_CHARS = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*")


class SchemeError(ValueError):
    """A numbering scheme cannot be used; ``reason`` is a short code, the message says why."""

    def __init__(self, template: str, reason: str, message: str) -> None:
        self.template = template
        self.reason = reason
        super().__init__(f"numbering scheme {template!r}: {message}")


class SerialExhausted(OperatorError):
    """All numbers of the current period are used at this station."""


@dataclass(frozen=True)
class ParsedIdentifier:
    """An identifier read back: who made it, in which period, with which counter value."""

    identifier: str
    station: str | None
    prefix: str | None
    #: Start of the reset period (the day, the 1st of the month, 1 January), None if "never".
    period: dt.date | None
    seq: int


@dataclass(frozen=True)
class _Part:
    literal: str
    name: str | None
    spec: str


class SerialScheme:
    """A validated numbering template (see the module docstring for the fields)."""

    def __init__(
        self,
        template: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        expected_per_period: int | None = None,
        tz: str | dt.tzinfo | None = None,
        gs1: bool = False,
    ) -> None:
        self.template = template
        self.prefixes = dict(prefixes or {})
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.gs1 = gs1
        self._parts = self._split(template)
        names = [p.name for p in self._parts if p.name]
        seq_parts = [p for p in self._parts if p.name == "seq"]
        if not seq_parts:
            raise SchemeError(template, "no_seq", "it has no counter; add {seq:05d} (or another "
                              "fixed width such as {seq:06d})")
        if len(seq_parts) > 1:
            raise SchemeError(template, "seq_twice", "{seq} may appear only once")
        m = _SEQ_SPEC.fullmatch(seq_parts[0].spec)
        if not m or int(m.group(1)) > 12:
            raise SchemeError(template, "seq_width", "the counter needs a fixed width such as "
                              "{seq:05d} (1…12 digits), not "
                              + ("{seq:" + seq_parts[0].spec + "}" if seq_parts[0].spec
                                 else "{seq}"))
        self.width = int(m.group(1))
        self.capacity = 10**self.width - 1
        if "station" not in names and "prefix" not in names:
            raise SchemeError(template, "no_station_part", "it has no part unique to the "
                              "station ({station} or {prefix}), so two stations numbering "
                              "offline could make the same number")
        if "prefix" in names:
            self._check_prefixes()
        carried: set[str] = set()
        for n in names:
            if n in _DATE_FIELDS:
                carried |= _DATE_FIELDS[n][1]
        if carried and "year" not in carried:
            raise SchemeError(template, "date_incomplete", "it has a month or day but no year "
                              "({yy} or {yyyy}), so the counter would restart and the same "
                              "numbers come again next year")
        if "day" in carried and "month" not in carried:
            raise SchemeError(template, "date_incomplete", "it has a day ({dd}) but no month "
                              "({mm}), so the same numbers would come again next month")
        if "day" in carried or "doy" in carried:
            self.reset = "day"
        elif "month" in carried:
            self.reset = "month"
        elif "year" in carried:
            self.reset = "year"
        else:
            self.reset = "never"
        if expected_per_period is not None and expected_per_period > self.capacity:
            per = {"day": "day", "month": "month", "year": "year", "never": "in all"}[self.reset]
            raise SchemeError(template, "too_small", f"the counter has {self.width} digits: at "
                              f"most {self.capacity:,} numbers per {per}, but "
                              f"{expected_per_period:,} are expected; use "
                              f"{{seq:0{len(str(expected_per_period))}d}}")
        self._regex_cache: dict[str | None, re.Pattern[str]] = {}
        for station in self.prefixes:
            self.check_station(station)

    # ------------------------------------------------------------------ validation

    @staticmethod
    def _split(template: str) -> list[_Part]:
        try:
            raw = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise SchemeError(template, "syntax", f"not a valid template ({exc})") from None
        parts: list[_Part] = []
        for literal, name, spec, conversion in raw:
            if name is not None:
                if name not in _KNOWN:
                    raise SchemeError(template, "unknown_field", f"unknown field {{{name}}}; "
                                      f"known: {', '.join('{' + k + '}' for k in _KNOWN)}")
                if conversion:
                    raise SchemeError(template, "syntax", f"{{{name}!{conversion}}}: no "
                                      "conversions allowed")
                if name in _DATE_FIELDS and spec and not (name == "doy" and spec == "03d"):
                    raise SchemeError(template, "syntax", f"{{{name}}} has a fixed width and "
                                      f"takes no format ({{{name}:{spec}}})")
                if name in ("station", "prefix") and spec:
                    raise SchemeError(template, "syntax", f"{{{name}}} takes no format")
            parts.append(_Part(literal, name, spec or ""))
        return parts

    def _check_prefixes(self) -> None:
        if not self.prefixes:
            raise SchemeError(self.template, "prefix", "it uses {prefix} but no station "
                              "prefixes are configured")
        seen: dict[str, str] = {}
        for station, prefix in self.prefixes.items():
            if not prefix:
                raise SchemeError(self.template, "prefix", f"station {station} has an empty "
                                  "prefix")
            if prefix in seen:
                raise SchemeError(self.template, "prefix", f"stations {seen[prefix]} and "
                                  f"{station} have the same prefix {prefix!r}; their numbers "
                                  "would collide")
            seen[prefix] = station

    def check_station(self, station: str) -> None:
        """Refuse a station this scheme cannot number for (no prefix, numbers too long)."""
        if not station:
            raise SchemeError(self.template, "station", "the station id is empty")
        if self._uses("prefix") and station not in self.prefixes:
            raise SchemeError(self.template, "prefix", f"station {station} has no prefix "
                              "configured (it uses {prefix})")
        sample = self.format(station, dt.date(2099, 12, 31), self.capacity)
        limit = GS1_MAX if self.gs1 else MAX_IDENTIFIER
        if len(sample) > limit:
            raise SchemeError(self.template, "too_long", f"numbers for station {station} are "
                              f"{len(sample)} characters long (e.g. {sample!r}); at most "
                              f"{limit} fit" + (" a GS1 serial/lot (AI 21/10)" if self.gs1
                                                else " the store"))
        if self.gs1 and not _GS1_CHARS.fullmatch(sample):
            raise SchemeError(self.template, "gs1", f"numbers such as {sample!r} contain "
                              "characters a GS1 serial/lot may not have")

    def _uses(self, name: str) -> bool:
        return any(p.name == name for p in self._parts)

    # ------------------------------------------------------------------ periods

    def local_date(self, now: dt.datetime) -> dt.date:
        if now.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware time")
        return now.astimezone(self.tz).date()

    def period_start(self, day: dt.date) -> dt.date | None:
        if self.reset == "day":
            return day
        if self.reset == "month":
            return day.replace(day=1)
        if self.reset == "year":
            return day.replace(month=1, day=1)
        return None

    def period_of(self, now: dt.datetime) -> dt.date | None:
        """Start of the reset period ``now`` lies in (station's local date); None if "never"."""
        return self.period_start(self.local_date(now))

    # ------------------------------------------------------------------ format / parse

    def _station_part(self, name: str, station: str) -> str:
        return station if name == "station" else self.prefixes[station]

    def format(self, station: str, period: dt.date | None, seq: int) -> str:
        """The identifier for ``station``, the period starting at ``period`` and ``seq``."""
        d = period or dt.date(2000, 1, 1)
        out = []
        for p in self._parts:
            out.append(p.literal)
            if p.name is None:
                continue
            if p.name in ("station", "prefix"):
                out.append(self._station_part(p.name, station))
            elif p.name == "seq":
                out.append(f"{seq:0{self.width}d}")
            else:
                out.append(_date_field(p.name, d))
        return "".join(out)

    def _regex(self, station: str | None) -> re.Pattern[str]:
        rx = self._regex_cache.get(station)
        if rx is not None:
            return rx
        out = ["^"]
        seen: set[str] = set()
        for p in self._parts:
            out.append(re.escape(p.literal))
            if p.name is None:
                continue
            if p.name in seen:
                out.append(f"(?P={p.name})")
                continue
            seen.add(p.name)
            if p.name == "station":
                body = re.escape(station) if station else ".+?"
            elif p.name == "prefix":
                if station:
                    body = re.escape(self.prefixes.get(station, "\x00"))
                else:
                    body = "|".join(re.escape(x) for x in
                                    sorted(self.prefixes.values(), key=len, reverse=True))
            elif p.name == "seq":
                body = rf"\d{{{self.width}}}"
            else:
                body = rf"\d{{{_DATE_FIELDS[p.name][0]}}}"
            out.append(f"(?P<{p.name}>{body})")
        out.append("$")
        rx = re.compile("".join(out))
        self._regex_cache[station] = rx
        return rx

    def parse(self, identifier: str, station: str | None = None) -> ParsedIdentifier | None:
        """Read ``identifier`` back (only numbers of ``station`` if given); None if it is
        not a number of this scheme."""
        m = self._regex(station).fullmatch(identifier)
        if not m:
            return None
        g = m.groupdict()
        prefix = g.get("prefix")
        who = g.get("station")
        if who is None and prefix is not None:
            who = next((s for s, p in self.prefixes.items() if p == prefix), None)
        try:
            period = self._period_from(g)
        except ValueError:
            return None
        if who is not None and period is not None \
                and self.format(who, period, int(g["seq"])) != identifier:
            return None  # e.g. a day-of-year that disagrees with the month and day
        return ParsedIdentifier(identifier=identifier, station=who, prefix=prefix,
                                period=period, seq=int(g["seq"]))

    def _period_from(self, g: Mapping[str, str | None]) -> dt.date | None:
        if self.reset == "never":
            return None
        year = month = day = doy = None
        for name, value in g.items():
            if value is None or name not in _DATE_FIELDS:
                continue
            if name in ("yymmdd", "yyyymmdd"):
                y = value[:-4]
                year = int(y) + (2000 if len(y) == 2 else 0)
                month, day = int(value[-4:-2]), int(value[-2:])
            elif name in ("yy", "year2"):
                year = 2000 + int(value)
            elif name in ("yyyy", "year4"):
                year = int(value)
            elif name == "mm":
                month = int(value)
            elif name == "dd":
                day = int(value)
            elif name == "doy":
                doy = int(value)
        assert year is not None
        if day is None and doy is not None:
            if not 1 <= doy <= 366:
                raise ValueError(doy)
            d = dt.date(year, 1, 1) + dt.timedelta(days=doy - 1)
            if d.year != year:
                raise ValueError(doy)
            return self.period_start(d)
        return self.period_start(dt.date(year, month or 1, day or 1))

    def like(self, station: str, period: dt.date | None) -> tuple[str, str]:
        """SQL ``LIKE`` pattern (escape ``\\``) for this station's numbers of ``period``, and
        the literal head before the counter (for an index range)."""
        sample = self.format(station, period, 0)
        start = self._seq_offset(station, period)
        escaped = _like_escape(sample[:start]) + "_" * self.width + _like_escape(
            sample[start + self.width:])
        return escaped, sample[:start]

    def _seq_offset(self, station: str, period: dt.date | None) -> int:
        pos = 0
        d = period or dt.date(2000, 1, 1)
        for p in self._parts:
            pos += len(p.literal)
            if p.name == "seq":
                return pos
            if p.name in ("station", "prefix"):
                pos += len(self._station_part(p.name, station))
            elif p.name is not None:
                pos += len(_date_field(p.name, d))
        raise AssertionError("validated: {seq} present")


def _date_field(name: str, d: dt.date) -> str:
    if name == "yymmdd":
        return d.strftime("%y%m%d")
    if name == "yyyymmdd":
        return d.strftime("%Y%m%d")
    if name in ("yy", "year2"):
        return d.strftime("%y")
    if name in ("yyyy", "year4"):
        return f"{d.year:04d}"
    if name == "mm":
        return f"{d.month:02d}"
    if name == "dd":
        return f"{d.day:02d}"
    if name == "doy":
        return f"{d.timetuple().tm_yday:03d}"
    raise KeyError(name)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --------------------------------------------------------------------------- allocation


class SerialAllocator:
    """Hands out the numbers of one station, counting in memory from ``last``."""

    def __init__(self, scheme: SerialScheme, station: str, *,
                 last: str | ParsedIdentifier | None = None) -> None:
        scheme.check_station(station)
        self.scheme = scheme
        self.station = station
        self._lock = threading.Lock()
        self._period: dt.date | None = None
        self._seq = 0
        self._started = False
        if last is not None:
            parsed = last if isinstance(last, ParsedIdentifier) else scheme.parse(last, station)
            if parsed is None:
                raise ValueError(f"{last!r} is not a number of scheme {scheme.template!r} for "
                                 f"station {station}")
            self._period, self._seq, self._started = parsed.period, parsed.seq, True

    @classmethod
    def from_store(cls, session: Session, scheme: SerialScheme, station: str, *,
                   kind: str = "serial", now: dt.datetime) -> SerialAllocator:
        """An allocator that continues after the last number stored for ``station``."""
        return cls(scheme, station, last=load_last(session, scheme, station, kind=kind, now=now))

    @property
    def last(self) -> tuple[dt.date | None, int]:
        """(period, counter) of the number handed out last (counter 0: none yet)."""
        return self._period, self._seq

    def next(self, now: dt.datetime) -> str:
        """The next number at time ``now`` (aware). Raises :class:`SerialExhausted`."""
        period = self.scheme.period_of(now)
        with self._lock:
            if self._started and period != self._period:
                if period is not None and self._period is not None and period < self._period:
                    log.warning("station clock is before the period of the last number "
                                "(%s < %s); numbering stays in the later period",
                                period, self._period)
                    period = self._period
                else:
                    self._seq = 0
            seq = self._seq + 1
            if seq > self.scheme.capacity:
                raise SerialExhausted(tr(
                    "serials", "No more numbers for station %1: all %2 numbers of scheme %3 "
                               "are used for this period. Ask the process engineer to widen "
                               "{seq} in the numbering scheme; until then nothing new can be "
                               "numbered.", self.station, f"{self.scheme.capacity:,}",
                    self.scheme.template))
            self._period, self._seq, self._started = period, seq, True
            return self.scheme.format(self.station, period, seq)


def load_last(session: Session, scheme: SerialScheme, station: str, *, kind: str = "serial",
              now: dt.datetime) -> str | None:
    """The highest stored identifier of ``station`` (ProducedUnit of ``kind``) in the
    period current at ``now`` — or in a later period, if the newest stored number is
    later than the clock says — or None if there is none.
    """
    from hmi.store.models.material import ProducedUnit

    period = scheme.period_of(now)
    # The newest numbers this station stored: a later period than the clock's wins.
    recent = session.scalars(
        select(ProducedUnit.identifier)
        .where(ProducedUnit.station_id == station, ProducedUnit.kind == kind)
        .order_by(ProducedUnit.seq.desc())
        .limit(200)
    )
    for identifier in recent:
        parsed = scheme.parse(identifier, station)
        if parsed is not None:
            if period is not None and parsed.period is not None and parsed.period > period:
                period = parsed.period
            break
    pattern, head = scheme.like(station, period)
    stmt = (
        select(ProducedUnit.identifier)
        .where(ProducedUnit.station_id == station, ProducedUnit.kind == kind,
               ProducedUnit.identifier.like(pattern, escape="\\"))
        .order_by(ProducedUnit.identifier.desc())
    )
    if head and session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores the index; a range on the head uses it (BINARY order).
        stmt = stmt.where(ProducedUnit.identifier >= head,
                          ProducedUnit.identifier < head + "\U0010ffff")
    for identifier in session.scalars(stmt):
        if scheme.parse(identifier, station) is not None:
            return identifier
    return None
