"""Writes machine facts (state changes, part counts) as events to the station store."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hmi.store.events import append_event, append_rows
from hmi.store.models import MachineStateEvent, ProductionCountEvent

log = logging.getLogger(__name__)


class ProductionRecorder:
    """Runs on the database worker thread (see :class:`~hmi.services.worker.DbWorker`)."""

    def __init__(self, session_factory: sessionmaker[Session], station_id: str) -> None:
        self._sf = session_factory
        self._station = station_id

    def record(self, kind: str, fields: dict[str, Any]) -> None:
        with self._sf.begin() as s:
            append_event(s, self._event(kind, fields))

    def record_many(self, facts: list[tuple[str, dict[str, Any]]]) -> None:
        """Group commit: every fact in ONE transaction, numbered with one counter update
        (consecutive seqs, in order) — all durable at the commit, or none. Written as rows
        (no ORM objects: about three times faster, bench/event_write.py)."""
        if not facts:
            return
        items = [self._row(kind, fields) for kind, fields in facts]
        with self._sf.begin() as s:
            append_rows(s, items)

    def _event(self, kind: str, fields: dict[str, Any]) -> Any:
        cls, row = self._row(kind, fields)
        return cls(**row)

    def _row(self, kind: str, fields: dict[str, Any]) -> tuple[type, dict[str, Any]]:
        if kind == "machine_state":
            return MachineStateEvent, {
                "station_id": self._station, "equipment_code": self._station,
                "state_code": fields["state_code"], "state_name": fields["state"],
                "fault_code": fields.get("fault_code"), "source_ts": fields["source_ts"]}
        if kind == "production_count":
            good = fields["kind"] == "good"
            return ProductionCountEvent, {
                "station_id": self._station, "equipment_code": self._station,
                "counter": fields["kind"],
                "good_increment": fields["increment"] if good else 0,
                "scrap_increment": 0 if good else fields["increment"],
                "raw_counter": fields["raw"], "source_ts": fields["source_ts"]}
        raise ValueError(f"unknown fact kind {kind!r}")

    def baseline(self) -> tuple[int | None, int | None]:
        """The last raw good and scrap counter values recorded (for restarts)."""
        out: list[int | None] = []
        with self._sf() as s:
            for counter in ("good", "scrap"):
                out.append(s.scalars(
                    select(ProductionCountEvent.raw_counter)
                    .where(ProductionCountEvent.station_id == self._station,
                           ProductionCountEvent.counter == counter)
                    .order_by(ProductionCountEvent.seq.desc()).limit(1)).first())
        return out[0], out[1]
