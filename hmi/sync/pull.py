"""Pulling master data (and centrally set PINs) from the central PostgreSQL into the station.

Master data (:class:`~hmi.store.base.MasterMixin` tables) is identified by ``(code,
version)``. For every central version:

* not held by the station → copied in, with its child rows (recipe parameters, BOM items,
  shift definitions and their breaks, …), under the central row ids;
* held, same content → nothing, except a status that moved on centrally
  (draft → released → retired): the station takes the later status. A status never moves
  back (a version the station retired stays retired; its ``master_change_event`` carries
  the retirement up);
* held, different content → a conflict: the station's version stays as it is (a released
  version never changes under a running order), the central one is quarantined with the
  differing columns, and the report says so.

"Content" is every column except ``id``, ``created_at`` and ``status``; child rows are
compared by content too (without their ids and parent keys), so the same master-data file
imported at the station and at the central side is the same version.

PINs are events (:class:`~hmi.store.security.PinCredential`): the ones set elsewhere
(centrally or at another station) are copied in as they are, under their own station id;
the newest by ``recorded_at`` is the badge's PIN (docs/sync.md, "A PIN changed centrally").
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import Integer, Table, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from hmi.store.base import Base, MasterMixin, MasterStatus, utcnow
from hmi.store.models.sync import SyncState
from hmi.sync.push import QuarantinedRow, record_quarantine

log = logging.getLogger(__name__)

STATUS_RANK = {MasterStatus.DRAFT.value: 0, MasterStatus.RELEASED.value: 1,
               MasterStatus.RETIRED.value: 2}
#: Identity and bookkeeping, not content (as ``hmi.services.masterdata.content``): the same
#: file imported here and centrally makes the same version, whenever and wherever it ran.
NOT_CONTENT = {"id", "code", "version", "status", "valid_from", "created_at", "source"}
#: Events set elsewhere that a station needs: the PINs.
FOREIGN_EVENT_TABLES = ("pin_credential",)


def master_tables() -> list[Table]:
    """Every table whose model subclasses :class:`MasterMixin`, by name."""
    from hmi.store.engine import load_all_models

    load_all_models()
    tables = {m.class_.__table__.name: m.class_.__table__
              for m in Base.registry.mappers if issubclass(m.class_, MasterMixin)}
    return [tables[n] for n in sorted(tables)]


def child_tables(parent: Table) -> list[tuple[Table, str]]:
    """(child table, its foreign-key column to ``parent``) for every child row kind."""
    out = []
    for t in parent.metadata.sorted_tables:
        for fk in t.foreign_keys:
            if fk.column.table is parent:
                out.append((t, fk.parent.name))
    return out


@dataclass
class Conflict:
    table_name: str
    code: str
    version: int
    differs: list[str]

    def __str__(self) -> str:
        return (f"{self.table_name} {self.code} v{self.version}: the central version differs "
                f"from the station's ({', '.join(self.differs)}); the station keeps its own")


@dataclass
class PullResult:
    pulled: dict[str, int] = field(default_factory=dict)          # versions copied in
    status_changed: dict[str, int] = field(default_factory=dict)  # held versions moved on
    conflicts: list[Conflict] = field(default_factory=list)
    pins: int = 0


def _norm(v):
    """One spelling per value, whichever database it came from."""
    if isinstance(v, dt.datetime):
        return (v.astimezone(dt.UTC) if v.tzinfo else v.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, list | tuple):
        return [_norm(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _norm(x) for k, x in v.items()}
    return str(v)


def _canon(v) -> str:
    return json.dumps(_norm(v), sort_keys=True)


def _json_safe(v):
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, (dict, list, str, int, float, bool)) or v is None:
        return v
    return str(v)


class Puller:
    """Pulls master data from one central database into the station's store."""

    def __init__(self, session_factory: sessionmaker[Session], station_id: str, peer: str) -> None:
        self._sf = session_factory
        self.station_id = station_id
        self.peer = peer
        self.tables = master_tables()
        self._children = {t.name: self._tree(t) for t in self.tables}

    def _tree(self, parent: Table) -> list[tuple[Table, str, Table]]:
        """(child, fk column, its parent) for the whole tree under ``parent``, top down."""
        out, todo = [], [parent]
        while todo:
            p = todo.pop(0)
            for child, fk in child_tables(p):
                out.append((child, fk, p))
                todo.append(child)
        return out

    # ------------------------------------------------------------------ central reads

    @staticmethod
    def _fetch(pg, table: Table, where: str = "", params: tuple = ()) -> list[dict]:
        from psycopg.rows import dict_row

        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        with pg.cursor(row_factory=dict_row) as cur:
            cur.execute(f'SELECT {cols} FROM "{table.name}" {where}', params)
            return cur.fetchall()

    def _central_tree(self, pg, table: Table, parents: list[dict]) -> dict[str, list[dict]]:
        """The child rows of ``parents`` (central), per child table."""
        out: dict[str, list[dict]] = {}
        ids = {table.name: [p["id"] for p in parents]}
        for child, fk, parent in self._children[table.name]:
            pids = ids.get(parent.name) or []
            rows = self._fetch(pg, child, f'WHERE "{fk}" = ANY(%s)', (pids,)) if pids else []
            out[child.name] = rows
            ids[child.name] = [r["id"] for r in rows]
        return out

    # ------------------------------------------------------------------ comparison

    def _content(self, table: Table, row: dict, tree: dict[str, list[dict]]) -> dict:
        """What makes a version what it is: its columns and its children's, without ids."""
        body = {k: _canon(v) for k, v in row.items() if k not in NOT_CONTENT}
        ids = {table.name: {row["id"]}}
        for child, fk, parent in self._children[table.name]:
            mine = [r for r in tree.get(child.name, []) if r[fk] in ids.get(parent.name, set())]
            ids[child.name] = {r["id"] for r in mine}
            # children of children are matched to their parent by position in this sort,
            # which is the parent's own content: good enough for equality of whole trees
            body[child.name] = sorted(
                _canon({k: v for k, v in r.items() if k not in ("id", fk)}) for r in mine)
        return body

    def _local_tree(self, s: Session, table: Table, parent_rows: list[dict]) -> dict:
        out: dict[str, list[dict]] = {}
        ids = {table.name: [p["id"] for p in parent_rows]}
        for child, fk, parent in self._children[table.name]:
            pids = ids.get(parent.name) or []
            rows = [dict(r._mapping) for r in s.execute(
                select(child).where(child.c[fk].in_(pids)))] if pids else []
            out[child.name] = rows
            ids[child.name] = [r["id"] for r in rows]
        return out

    # ------------------------------------------------------------------ the pull

    def pull(self, pg) -> PullResult:
        result = PullResult()
        for table in self.tables:
            self._pull_table(pg, table, result)
        result.pins = self._pull_foreign_events(pg)
        return result

    def _pull_table(self, pg, table: Table, result: PullResult) -> None:
        central_heads = self._fetch_heads(pg, table)
        if not central_heads:
            return
        with self._sf() as s:
            local = {(r.code, r.version): dict(r._mapping) for r in s.execute(select(table))}
            st = s.get(SyncState, (self.peer, table.name))
            checked_up_to = st.last_pulled_at if st is not None else None
        new = [h for h in central_heads if (h["code"], h["version"]) not in local]
        # Held versions are compared in full once (the first time they are seen, i.e. made
        # after the last pull); afterwards only their status is looked at.
        held = [h for h in central_heads if (h["code"], h["version"]) in local and (
            checked_up_to is None or h["created_at"] > checked_up_to
            or h["status"] != local[(h["code"], h["version"])]["status"])]
        newest = max(h["created_at"] for h in central_heads)
        if not new and not held and checked_up_to is not None and newest <= checked_up_to:
            return

        def full(heads):
            if not heads:
                return [], {}
            rows = self._fetch(pg, table, "WHERE id = ANY(%s)", ([h["id"] for h in heads],))
            return rows, self._central_tree(pg, table, rows)

        new_rows, new_tree = full(new)
        held_rows, held_tree = full(held)
        conflicts: list[QuarantinedRow] = []
        with self._sf.begin() as s:
            for row in new_rows:
                self._insert_version(s, table, row, new_tree)
            if new_rows:
                result.pulled[table.name] = len(new_rows)
            if held_rows:
                mine = [local[(r["code"], r["version"])] for r in held_rows]
                mine_tree = self._local_tree(s, table, mine)
                for theirs, ours in zip(held_rows, mine, strict=True):
                    a = self._content(table, theirs, held_tree)
                    b = self._content(table, ours, mine_tree)
                    if a != b:
                        differs = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                        c = Conflict(table.name, theirs["code"], theirs["version"], differs)
                        result.conflicts.append(c)
                        conflicts.append(QuarantinedRow(
                            direction="pull", table_name=table.name,
                            row_key=f"{c.code}/v{c.version}", reason=str(c),
                            row_id=str(theirs["id"]),
                            row_data={k: _json_safe(v) for k, v in theirs.items()}))
                        log.warning("master-data conflict: %s", c)
                        continue
                    if STATUS_RANK.get(theirs["status"], 0) > STATUS_RANK.get(ours["status"], 0):
                        s.execute(update(table).where(table.c.id == ours["id"])
                                  .values(status=theirs["status"]))
                        result.status_changed[table.name] = (
                            result.status_changed.get(table.name, 0) + 1)
            if conflicts:
                record_quarantine(s, self.peer, conflicts)
            st = s.get(SyncState, (self.peer, table.name))
            if st is None:
                st = SyncState(peer=self.peer, table_name=table.name)
                s.add(st)
            st.last_pulled_at = newest
            st.last_pulled_version = max(h["version"] for h in central_heads)
            st.last_success_at = utcnow()

    def _insert_version(self, s: Session, table: Table, row: dict, tree: dict) -> None:
        """One central version and its children into the station's store. Child rows with
        a number for a key get the station's own numbers (the central ones may be taken
        here); their children follow the new numbers."""
        s.execute(insert(table).values(**row))
        new_id = {table.name: {row["id"]: row["id"]}}  # per table: central id -> local id
        for child, fk, parent in self._children[table.name]:
            mapping = new_id.setdefault(child.name, {})
            serial = isinstance(child.c.id.type, Integer)
            for r in tree[child.name]:
                if r[fk] not in new_id.get(parent.name, {}):
                    continue
                values = dict(r, **{fk: new_id[parent.name][r[fk]]})
                if serial:
                    del values["id"]
                    got = s.execute(insert(child).values(**values)).inserted_primary_key
                    mapping[r["id"]] = got[0]
                else:
                    s.execute(insert(child).values(**values))
                    mapping[r["id"]] = r["id"]

    @staticmethod
    def _fetch_heads(pg, table: Table) -> list[dict]:
        from psycopg.rows import dict_row

        with pg.cursor(row_factory=dict_row) as cur:
            cur.execute(f'SELECT id, code, version, status, created_at FROM "{table.name}"')
            return cur.fetchall()

    def _pull_foreign_events(self, pg) -> int:
        """Copy in the PINs set elsewhere (small tables: compare ids, fetch the missing)."""
        from hmi.store.engine import load_all_models

        md = load_all_models()
        n = 0
        for name in FOREIGN_EVENT_TABLES:
            table = md.tables[name]
            with pg.cursor() as cur:
                cur.execute(f'SELECT id FROM "{name}" WHERE station_id <> %s', (self.station_id,))
                central_ids = {r[0] for r in cur.fetchall()}
            if not central_ids:
                continue
            with self._sf() as s:
                have = set(s.scalars(select(table.c.id).where(
                    table.c.station_id != self.station_id)))
            missing = list(central_ids - have)
            if not missing:
                continue
            rows = self._fetch(pg, table, "WHERE id = ANY(%s)", (missing,))
            with self._sf.begin() as s:
                from sqlalchemy.dialects.sqlite import insert as sqlite_insert

                if s.bind.dialect.name == "sqlite":
                    s.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)
                else:
                    s.execute(insert(table), rows)
            n += len(rows)
        return n
