"""Master-data versions made at a station become central versions (``hmi central apply``).

A station may make master data of its own: a recipe version approved at the panel, a
rollback to a known-good version, a version retired. It cannot write master data centrally
(its role may only insert its own events, docs/central.md), so every such change travels up
as a ``master_change_event`` carrying the version's full content and the signature that
released it. This module, run with the central database's owner rights (the central
tooling, a timer next to the database), turns those events into central versions:

========================  ===================================================================
event                     central outcome
========================  ===================================================================
approved / rolled_back    version missing: created from the content, released, ``source``
                          ``station:<id>``; held with the same content: a draft is released;
                          held with different content: **conflict** — central keeps its own
created                   version missing: created as a draft; otherwise as above, no status
retired                   held and not retired: retired (status never moves back)
========================  ===================================================================

Each event is applied exactly once, in its own transaction together with its entry in
``hmi_central.master_change_applied`` (event id, outcome, detail), so a crash, a second
concurrent run or a rerun never applies anything twice; the order is the stations' order
(time of recording, then station and seq). A conflict or an event this hmi cannot apply is
recorded with its reason and reported, never retried silently and never overwriting a
central version: the station's own version stays at the station (the pull quarantines the
differing central one there, docs/sync.md), and an engineer settles it with a new version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hmi.central.roles import SCHEMA, lock
from hmi.central.schema import _connect_error, _session_factory

log = logging.getLogger(__name__)

APPLIED_TABLE = f"{SCHEMA}.master_change_applied"

#: Outcomes recorded per event.
APPLIED, UNCHANGED, CONFLICT, SKIPPED = "applied", "unchanged", "conflict", "skipped"


@dataclass(frozen=True)
class ChangeOutcome:
    """What became of one station's master-data change."""

    station_id: str
    seq: int
    table_name: str
    code: str
    version: int
    action: str
    outcome: str      # applied | unchanged | conflict | skipped
    detail: str

    def line(self) -> str:
        return (f"{self.outcome.upper():<9} {self.table_name} {self.code} v{self.version} "
                f"{self.action} (from {self.station_id} #{self.seq}): {self.detail}")


def ensure_table(conn: Any) -> None:
    """The bookkeeping table (idempotent; also created by ``init``/``upgrade``)."""
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.exec_driver_sql(f"""CREATE TABLE IF NOT EXISTS {APPLIED_TABLE} (
            event_id uuid PRIMARY KEY,
            station_id varchar(64) NOT NULL,
            seq integer NOT NULL,
            outcome varchar(16) NOT NULL,
            detail text NOT NULL DEFAULT '',
            applied_at timestamptz NOT NULL DEFAULT now())""")


# ---------------------------------------------------------------------------- per table


def _apply_recipe(s: Session, ev: Any) -> tuple[str, str]:
    from hmi.services.recipe_core import recipe_content, view_of
    from hmi.store.models import Recipe, RecipeParameter

    row = s.scalars(select(Recipe).where(Recipe.code == ev.code,
                                         Recipe.version == ev.version)).first()
    label = f"{ev.code} v{ev.version}"
    if ev.action == "retired":
        if row is None:
            return SKIPPED, f"{label} is not held centrally; nothing to retire"
        if row.status == "retired":
            return UNCHANGED, f"{label} is retired centrally already"
        row.status = "retired"
        return APPLIED, f"{label} retired ({ev.reason or 'no reason given'})"
    content = ev.content
    if not content:
        return SKIPPED, f"the change carries no content for {label}; nothing can be made of it"
    release = ev.action in ("approved", "rolled_back")
    if row is None:
        s.add(Recipe(
            code=ev.code, version=ev.version, status="released" if release else "draft",
            valid_from=ev.recorded_at if release else None, created_at=ev.recorded_at,
            source=f"station:{ev.station_id}", name=content.get("name") or ev.code,
            product_code=content.get("product_code"),
            equipment_code=content.get("equipment_code"),
            machine_type=content.get("machine_type"),
            requires_approval=bool(content.get("requires_approval", True)),
            parameters=[RecipeParameter(**p) for p in content.get("parameters", [])]))
        what = "released" if release else "a draft"
        return APPLIED, f"{label} made centrally from {ev.station_id}'s version, {what}"
    held = recipe_content(view_of(row))
    if held != content:
        diff = _differences(held, content)
        return CONFLICT, (f"central {label} differs from the one {ev.station_id} "
                          f"{ev.action.replace('_', ' ')} ({diff}); the central version is "
                          "kept: make a new version to settle it")
    if release and row.status == "draft":
        row.status = "released"
        row.valid_from = ev.recorded_at
        return APPLIED, f"{label} released (approved at {ev.station_id})"
    return UNCHANGED, f"{label} is held centrally with the same content ({row.status})"


def _differences(held: dict, content: dict) -> str:
    parts = [k for k in sorted(set(held) | set(content))
             if k != "parameters" and held.get(k) != content.get(k)]
    hp = {p["name"]: p for p in held.get("parameters", [])}
    cp = {p["name"]: p for p in content.get("parameters", [])}
    parts += [f"parameter {n}" for n in sorted(set(hp) | set(cp)) if hp.get(n) != cp.get(n)]
    return ", ".join(parts[:6]) + (" …" if len(parts) > 6 else "")


#: The master-data tables a station makes versions of, and how each becomes central.
APPLIERS: dict[str, Callable[[Session, Any], tuple[str, str]]] = {"recipe": _apply_recipe}


# ---------------------------------------------------------------------------- the run


def apply_master_changes(url: str, *, limit: int | None = None) -> list[ChangeOutcome]:
    """Apply every station master-data change not applied yet (oldest first); returns what
    became of each. Raises :class:`hmi.central.CentralError` when the database is away or
    not at this hmi's schema."""
    from hmi.store.models import MasterChangeEvent

    engine, sf = _session_factory(url)
    out: list[ChangeOutcome] = []
    try:
        with engine.begin() as conn:
            lock(conn)  # CREATE … IF NOT EXISTS races with itself in another run
            ensure_table(conn)
        pending = select(MasterChangeEvent.id).where(text(
            f"NOT EXISTS (SELECT 1 FROM {APPLIED_TABLE} a "
            "WHERE a.event_id = master_change_event.id)")).order_by(
            MasterChangeEvent.recorded_at, MasterChangeEvent.station_id, MasterChangeEvent.seq)
        if limit is not None:
            pending = pending.limit(limit)
        with sf() as s:
            ids = list(s.scalars(pending))
        for event_id in ids:
            done = _apply_one(sf, event_id)
            if done is not None:
                out.append(done)
                log.info("%s", done.line())
    except DBAPIError as exc:
        raise _connect_error(exc, engine) from None
    finally:
        engine.dispose()
    return out


def _apply_one(sf: Any, event_id: Any) -> ChangeOutcome | None:
    """One event in one transaction with its bookkeeping row; None when another run took it."""
    from hmi.store.models import MasterChangeEvent

    with sf.begin() as s:
        claimed = s.execute(text(
            f"INSERT INTO {APPLIED_TABLE} (event_id, station_id, seq, outcome) "
            "SELECT id, station_id, seq, 'pending' FROM master_change_event WHERE id = :id "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"), {"id": event_id}).first()
        if claimed is None:  # a concurrent run applied it (or is applying it) already
            return None
        ev = s.get(MasterChangeEvent, event_id)
        applier = APPLIERS.get(ev.table_name)
        if applier is None:
            outcome, detail = SKIPPED, (f"this hmi does not make central {ev.table_name} "
                                        "versions from station changes; update the central "
                                        "tooling")
        else:
            try:
                with s.begin_nested():  # a refused write (a constraint) is recorded, not raised
                    outcome, detail = applier(s, ev)
                    s.flush()
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise
                outcome = CONFLICT
                detail = f"the central database refused it: {str(exc.orig).strip()}"
        s.execute(text(f"UPDATE {APPLIED_TABLE} SET outcome = :o, detail = :d "
                       "WHERE event_id = :id"), {"o": outcome, "d": detail, "id": event_id})
        return ChangeOutcome(ev.station_id, ev.seq, ev.table_name, ev.code, ev.version,
                             ev.action, outcome, detail)


def watch(url: str, every_s: float, *, report: Callable[[ChangeOutcome], None],
          should_stop: Callable[[], bool] = lambda: False) -> None:
    """``apply_master_changes`` every ``every_s`` seconds until ``should_stop()`` (a central
    timer); a database that is away is logged and tried again next time."""
    from hmi.central.link import CentralError

    while not should_stop():
        try:
            for outcome in apply_master_changes(url):
                report(outcome)
        except CentralError as exc:
            log.warning("central master-data changes not applied: %s", exc)
        deadline = time.monotonic() + every_s
        while time.monotonic() < deadline and not should_stop():
            time.sleep(min(0.5, every_s))
