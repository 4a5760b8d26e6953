"""The other stations of the line, read from the central database (read-only).

``line_view(pg, line_code, exclude)`` answers, for every station of the line in the
central master data (equipment level ``station`` under the line), its newest machine
state and its open andon calls (last 24 h: a call is open until resolved or cancelled).
Plain SQL over a psycopg connection: the station reads what every station pushed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

OPEN_KINDS = ("called", "acknowledged")


@dataclass(frozen=True)
class OpenCall:
    category: str
    message: str
    since: dt.datetime
    acknowledged: bool


@dataclass(frozen=True)
class StationView:
    station_id: str
    name: str
    state: str | None = None
    fault_code: int | None = None
    since: dt.datetime | None = None
    calls: tuple[OpenCall, ...] = field(default_factory=tuple)


def line_view(pg: Any, line_code: str, exclude: str | None = None) -> list[StationView]:
    """The stations of ``line_code`` (but ``exclude``) with state and open andon calls."""
    with pg.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT ON (code) code, name FROM equipment "
            "WHERE level = 'station' AND parent_code = %s AND status = 'released' "
            "ORDER BY code, version DESC", (line_code,))
        stations = [(code, name) for code, name in cur.fetchall() if code != exclude]
        if not stations:
            return []
        ids = [code for code, _ in stations]
        cur.execute(
            "SELECT DISTINCT ON (station_id) station_id, state_name, fault_code, "
            "coalesce(source_ts, recorded_at) FROM machine_state_event "
            "WHERE station_id = ANY(%s) ORDER BY station_id, seq DESC", (ids,))
        states = {row[0]: row[1:] for row in cur.fetchall()}
        cur.execute(
            "SELECT station_id, call_id, kind, category, message, recorded_at FROM andon_event "
            "WHERE station_id = ANY(%s) AND recorded_at > now() - interval '1 day' "
            "ORDER BY station_id, seq", (ids,))
        calls: dict[tuple[str, Any], dict[str, Any]] = {}
        for station, call_id, kind, category, message, at in cur.fetchall():
            c = calls.setdefault((station, call_id), {"category": category,
                                                      "message": message, "since": at})
            c["kind"] = kind
    out = []
    for code, name in stations:
        state = states.get(code)
        open_calls = tuple(
            OpenCall(c["category"], c["message"] or "", c["since"], c["kind"] == "acknowledged")
            for (st, _cid), c in calls.items() if st == code and c["kind"] in OPEN_KINDS)
        out.append(StationView(code, name, state[0] if state else None,
                               state[1] if state else None, state[2] if state else None,
                               open_calls))
    return out
