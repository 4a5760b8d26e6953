"""The line at a glance: other stations' state and open andon calls from the central
database (real PostgreSQL), shown on the andon screen; stale, never current, when away."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg

from hmi.services.plant import PlantService
from hmi.sync.plant import line_view
from tests.test_sync import central, central_template  # noqa: F401 - fixtures

NOW = dt.datetime.now(dt.UTC)


def fill(url: str) -> None:
    """Master data of a line with three stations; events as their stations pushed them."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as pg:
        for code, name in (("ST-10", "Press 10"), ("ST-20", "Press 20"), ("ST-30", "Oven 30")):
            pg.execute("INSERT INTO equipment (id, code, version, status, valid_from, created_at, "
                       "source, name, level, parent_code, description) VALUES "
                       "(%s, %s, 1, 'released', now(), now(), 'test', %s, 'station', 'LINE-1', '')",
                       (uuid.uuid4(), code, name))
        seq = {"ST-20": 0, "ST-30": 0}

        def event(table: str, station: str, cols: dict) -> None:
            seq[station] += 1
            names = ["id", "station_id", "seq", "recorded_at", *cols]
            pg.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                       f"({', '.join(['%s'] * len(names))})",
                       [uuid.uuid4(), station, seq[station], NOW, *cols.values()])

        event("machine_state_event", "ST-20", dict(equipment_code="ST-20", state_code=1,
                                                   state_name="running", quality="good"))
        event("machine_state_event", "ST-30", dict(equipment_code="ST-30", state_code=1,
                                                   state_name="running", quality="good"))
        event("machine_state_event", "ST-30", dict(equipment_code="ST-30", state_code=3,
                                                   state_name="faulted", fault_code=103,
                                                   quality="good"))
        call, done = uuid.uuid4(), uuid.uuid4()
        event("andon_event", "ST-30", dict(call_id=call, kind="called", category="maintenance",
                                           equipment_code="ST-30", message="hydraulics"))
        event("andon_event", "ST-20", dict(call_id=done, kind="called", category="material",
                                           equipment_code="ST-20", message=""))
        event("andon_event", "ST-20", dict(call_id=done, kind="resolved", category="material",
                                           equipment_code="ST-20", message=""))


def test_the_line_from_the_central_database(central):  # noqa: F811
    fill(central)
    with psycopg.connect(central.replace("postgresql+psycopg://", "postgresql://")) as pg:
        view = line_view(pg, "LINE-1", exclude="ST-10")
    assert [(s.station_id, s.name, s.state, s.fault_code) for s in view] == [
        ("ST-20", "Press 20", "running", None), ("ST-30", "Oven 30", "faulted", 103)]
    assert view[0].calls == ()  # its material call was resolved
    (call,) = view[1].calls
    assert (call.category, call.message, call.acknowledged) == ("maintenance", "hydraulics", False)


def test_the_andon_screen_shows_it_and_marks_it_stale_when_central_is_away(
        central, qtbot, themed):  # noqa: F811
    from hmi.views.andon import AndonView

    fill(central)
    conninfo = central.replace("postgresql+psycopg://", "postgresql://")
    reachable = {"yes": True}

    def connect():
        if not reachable["yes"]:
            raise psycopg.OperationalError("connection refused")
        return psycopg.connect(conninfo, autocommit=True)

    svc = PlantService(central, "LINE-1", "ST-10", connect=connect)
    fresh = svc.read_once()
    assert not fresh.stale and len(fresh.stations) == 2
    reachable["yes"] = False
    stale = svc.read_once()
    assert stale.stale and stale.stations == fresh.stations and stale.read_at == fresh.read_at
    assert "connection refused" in stale.error

    andon = _andon_service_stub()
    view = AndonView(andon, None, "Europe/Berlin")
    qtbot.addWidget(view)
    view.resize(1120, 650)
    view.show()
    view.show_line(fresh)
    qtbot.wait(10)
    view.grab().save("/tmp/andon-line.png")
    assert view.width() <= 1120 and view.height() <= 650, view.size()
    texts = [c.text() for c in view.line_cells]
    assert texts == ["Press 20 · RUNNING", "Oven 30 · FAULTED · ANDON maintenance"]
    assert [c.property("severity") for c in view.line_cells] == ["normal", "alarm"]
    view.show_line(stale)
    assert [c.property("severity") for c in view.line_cells[:2]] == ["stale", "stale"]
    assert view.line_cells[-1].text().startswith("Line view offline since ")


def _andon_service_stub():
    from PySide6.QtCore import QObject, Signal

    class Andon(QObject):  # the screen needs only its signal and the open calls
        sig_calls_changed = Signal(object)

        def open_calls(self):
            return []

    return Andon()
