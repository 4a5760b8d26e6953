"""The bounded local process-value history: every sample, queryable by time range for the charts.

Process values (temperatures, pressures at 10 Hz) are not events. They go to a
SQLite file of their own, separate from the event store: high volume,
local only, never synced sample by sample, expendable (a broken file is moved
aside and a new one started), so it must neither slow nor bloat the system of
record. Only per-unit snapshots, deviations and downsampled history become
events, elsewhere. Design notes and sizing: docs/process-history.md.

Storage (one file, WAL, ``synchronous=NORMAL``: a crash of the process loses
nothing committed; a power cut may lose the last commits, never consistency):

* ``raw(tag_id, ts, value, quality)`` — every sample, ``WITHOUT ROWID``
  clustered on ``(tag_id, ts)`` so a range of one tag is one contiguous read.
  ``ts`` is integer µs since the epoch (UTC); ``quality`` 0 GOOD,
  1 UNCERTAIN, 2 BAD (so the worst quality is ``max``); ``value`` NULL means
  "no number" (a gap mark). Kept for the full-rate window.
* ``bucket(width, tag_id, start, n, vmin, vmax, vavg, v_first, v_last, worst)``
  — aggregates over GOOD and UNCERTAIN values (``worst`` includes BAD). Two
  tiers are rolled up *continuously* as buckets complete, not only when raw
  data ages out: the configured bucket (60 s) kept for ``keep``, and a fine
  tier (2 s for a 60 s bucket) kept as long as the raw samples. A chart of
  24 h then reads 1,440 buckets instead of 864,000 samples per tag, and a
  chart of 1 h reads 1,800 fine buckets; raw rows are read only when zoomed
  in to about half an hour or less. Every bucket is recomputed from raw rows,
  never incremented, so an interrupted maintenance repeats safely.
* ``meta`` — rollup watermarks per tier and ``raw_cutoff`` (raw rows exist
  from there on); a query reads them in the same read transaction as the data,
  so it always sees a consistent split between tiers.

Threads: :meth:`ProcessHistory.record` only appends to a bounded deque (safe
from any thread, about a microsecond). One writer thread owns the write
connection: it commits batches every ``commit_interval`` seconds or
``batch_size`` samples and runs :meth:`maintain` every ``maintain_every``
seconds, in small steps with commits in between. :meth:`query` and
:meth:`stats` use a per-thread read connection and never wait for the writer
(WAL). A failed commit keeps its samples and is retried with backoff.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hmi.devices.base import Quality, TagValue

if TYPE_CHECKING:
    from hmi.config import HistorySection

__all__ = ["BAD", "GOOD", "UNCERTAIN", "HistoryStats", "ProcessHistory", "Series"]

log = logging.getLogger(__name__)

GOOD, UNCERTAIN, BAD = 0, 1, 2
_QCODE: dict[Any, int] = {Quality.GOOD: GOOD, Quality.UNCERTAIN: UNCERTAIN, Quality.BAD: BAD,
                          GOOD: GOOD, UNCERTAIN: UNCERTAIN, BAD: BAD}
SCHEMA_VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SEC = 1_000_000
#: A bucket is rolled up this long after it ends, so samples still in flight make it.
_GRACE_US = 5 * _SEC
#: Raw time one maintenance step rolls up or deletes (one transaction) at the start of each
#: run: about 60,000 samples if every tag sends 10 Hz. Within a run it adapts so a step takes
#: 50-200 ms (see ``_adapt_step``), but never spans more than four times that, which bounds
#: the WAL one step writes (~10 MB) even where deleting is quick.
_STEP_ROWS = 60_000
_STEP_MIN_US, _STEP_MAX_US = 10 * _SEC, 7 * 86_400 * _SEC
#: Most samples one commit carries.
_CHUNK = 20_000
#: Fine-tier widths tried (seconds): the largest that is <= bucket/20 and divides the bucket.
_FINE_LADDER_S = (300, 120, 60, 30, 15, 10, 5, 2, 1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dirty_from INTEGER
);
CREATE TABLE IF NOT EXISTS raw (
    tag_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL,
    quality INTEGER NOT NULL,
    PRIMARY KEY (tag_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bucket (
    width INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    n INTEGER NOT NULL,
    vmin REAL,
    vmax REAL,
    vavg REAL,
    v_first REAL,
    v_last REAL,
    worst INTEGER NOT NULL,
    PRIMARY KEY (width, tag_id, start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER
) WITHOUT ROWID;
"""

_INSERT_RAW = ("INSERT INTO raw (tag_id, ts, value, quality) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (tag_id, ts) DO UPDATE SET value = excluded.value, quality = excluded.quality")

# Recompute the buckets of width :w for [:a, :b) from raw rows (all tags, or one with :tag).
_ROLLUP = """
INSERT OR REPLACE INTO bucket (width, tag_id, start, n, vmin, vmax, vavg, v_first, v_last, worst)
SELECT :w, g.tag_id, g.b, g.n, g.mn, g.mx, g.av,
       (SELECT r.value FROM raw r WHERE r.tag_id = g.tag_id AND r.ts = g.fts),
       (SELECT r.value FROM raw r WHERE r.tag_id = g.tag_id AND r.ts = g.lts),
       g.worst
FROM (
    SELECT r.tag_id AS tag_id, (r.ts / :w) * :w AS b,
           count(CASE WHEN r.quality < 2 THEN r.value END) AS n,
           min(CASE WHEN r.quality < 2 THEN r.value END) AS mn,
           max(CASE WHEN r.quality < 2 THEN r.value END) AS mx,
           avg(CASE WHEN r.quality < 2 THEN r.value END) AS av,
           min(CASE WHEN r.quality < 2 AND r.value IS NOT NULL THEN r.ts END) AS fts,
           max(CASE WHEN r.quality < 2 AND r.value IS NOT NULL THEN r.ts END) AS lts,
           max(r.quality) AS worst
    FROM tags t CROSS JOIN raw r  -- CROSS: tags outside, one index range per tag
    WHERE r.tag_id = t.id AND r.ts >= :a AND r.ts < :b AND (:tag IS NULL OR t.id = :tag)
    GROUP BY r.tag_id, b
) AS g
"""

# Recompute the buckets of width :w for [:a, :b) from the finer buckets of width :fw (exactly
# what the raw rows would give: sums of counts, extremes of extremes, count-weighted mean).
_ROLLUP_FROM_FINE = """
INSERT OR REPLACE INTO bucket (width, tag_id, start, n, vmin, vmax, vavg, v_first, v_last, worst)
SELECT :w, g.tag_id, g.b, g.n, g.mn, g.mx, g.av,
       (SELECT f.v_first FROM bucket f WHERE f.width = :fw AND f.tag_id = g.tag_id AND f.start = g.fb),
       (SELECT f.v_last FROM bucket f WHERE f.width = :fw AND f.tag_id = g.tag_id AND f.start = g.lb),
       g.worst
FROM (
    SELECT f.tag_id AS tag_id, (f.start / :w) * :w AS b,
           sum(f.n) AS n, min(f.vmin) AS mn, max(f.vmax) AS mx,
           sum(f.vavg * f.n) / sum(f.n) AS av,
           min(CASE WHEN f.n > 0 THEN f.start END) AS fb,
           max(CASE WHEN f.n > 0 THEN f.start END) AS lb,
           max(f.worst) AS worst
    FROM tags t CROSS JOIN bucket f
    WHERE f.width = :fw AND f.tag_id = t.id AND f.start >= :a AND f.start < :b
      AND (:tag IS NULL OR t.id = :tag)
    GROUP BY f.tag_id, b
) AS g
"""

# Raw rows of one tag grouped into :cols display columns over [:s, :s + :span).
_RAW_COLUMNS = """
SELECT g.c, g.n, g.mn, g.mx, g.sm, g.t0, g.t1,
       (SELECT value FROM raw WHERE tag_id = :id AND ts = g.fts),
       (SELECT value FROM raw WHERE tag_id = :id AND ts = g.lts),
       g.worst
FROM (
    SELECT ((ts - :s) * :cols) / :span AS c,
           count(CASE WHEN quality < 2 THEN value END) AS n,
           min(CASE WHEN quality < 2 THEN value END) AS mn,
           max(CASE WHEN quality < 2 THEN value END) AS mx,
           sum(CASE WHEN quality < 2 THEN value END) AS sm,
           min(ts) AS t0, max(ts) AS t1,
           min(CASE WHEN quality < 2 AND value IS NOT NULL THEN ts END) AS fts,
           max(CASE WHEN quality < 2 AND value IS NOT NULL THEN ts END) AS lts,
           max(quality) AS worst
    FROM raw WHERE tag_id = :id AND ts >= :a AND ts < :b
    GROUP BY c
) AS g ORDER BY g.c
"""

# Buckets of one tag and width grouped into display columns.
_BUCKET_COLUMNS = """
SELECT g.c, g.n, g.mn, g.mx, g.sm, g.t0, g.t1,
       (SELECT v_first FROM bucket WHERE width = :w AND tag_id = :id AND start = g.fb),
       (SELECT v_last FROM bucket WHERE width = :w AND tag_id = :id AND start = g.lb),
       g.worst
FROM (
    SELECT ((max(start, :s) - :s) * :cols) / :span AS c,
           sum(n) AS n, min(vmin) AS mn, max(vmax) AS mx, sum(vavg * n) AS sm,
           min(start) AS t0, max(start) + :w AS t1,
           min(CASE WHEN n > 0 THEN start END) AS fb,
           max(CASE WHEN n > 0 THEN start END) AS lb,
           max(worst) AS worst
    FROM bucket WHERE width = :w AND tag_id = :id AND start >= :a AND start < :b
    GROUP BY c
) AS g ORDER BY g.c
"""

# One column per bucket (no decimation requested).
_BUCKET_ROWS = """
SELECT start, n, vmin, vmax, vavg * n, start, start + :w, v_first, v_last, worst
FROM bucket WHERE width = :w AND tag_id = :id AND start >= :a AND start < :b ORDER BY start
"""


def to_us(when: datetime | int) -> int:
    """Integer µs since the epoch for an aware datetime (ints pass through)."""
    if isinstance(when, int):
        return when
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: process history needs timezone-aware times")
    return (when - _EPOCH) // _US


def _floor(ts: int, width: int) -> int:
    return (ts // width) * width


def _fine_width_s(bucket_s: int) -> int | None:
    for f in _FINE_LADDER_S:
        if f * 20 <= bucket_s and bucket_s % f == 0:
            return f
    return None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Series:
    """One tag's points in time order, as arrays ready for pyqtgraph.

    ``t`` is seconds since the epoch (UTC, for ``DateAxisItem``), ``v`` the value to draw,
    ``q`` the quality (0 GOOD, 1 UNCERTAIN, 2 BAD). A raw sample is one point
    (``vmin == vmax == vavg == v``, ``n == 1``). An aggregated column (a bucket, or a
    display column when decimating) is drawn as two points, its minimum and its maximum,
    in the order the bucket's first and last values suggest, so a single curve shows every
    spike; both points carry the column's ``vmin``/``vmax``/``vavg``/``n`` and its worst
    quality. A column with no usable value is one point with ``v`` NaN (a gap).
    ``resolution_s`` is the coarsest stored resolution the points were read from: 0 for
    raw samples, else the bucket width in seconds (e.g. 60: built from 1-minute buckets).
    """

    t: np.ndarray
    v: np.ndarray
    q: np.ndarray
    vmin: np.ndarray
    vmax: np.ndarray
    vavg: np.ndarray
    n: np.ndarray
    resolution_s: float = 0.0

    def __len__(self) -> int:
        return len(self.t)

    def gapped(self) -> np.ndarray:
        """``v`` with NaN wherever quality is BAD: plot with ``connect="finite"`` to draw gaps."""
        out = self.v.copy()
        out[self.q >= BAD] = np.nan
        return out

    @classmethod
    def empty(cls) -> Series:
        return _Points().series(0.0)


class _Points:
    """Builds a :class:`Series` from chunks appended in time order (numpy, no per-point Python)."""

    __slots__ = ("chunks",)

    def __init__(self) -> None:
        self.chunks: list[tuple[np.ndarray, ...]] = []

    def add_raw(self, rows: list[tuple[int, float | None, int]]) -> None:
        """Raw samples ``(ts, value, quality)``, one point each."""
        if not rows:
            return
        a = np.array(rows, dtype=np.float64)  # µs timestamps < 2**53: exact
        t, v, q = a[:, 0].astype(np.int64), a[:, 1], a[:, 2].astype(np.int8)
        n = ((q < BAD) & ~np.isnan(v)).astype(np.int64)
        self.chunks.append((t, v, q, v, v, v, n))

    def add_columns(self, rows: list[list[Any]], lo_t: int, hi_end: int) -> None:
        """Columns ``[c, n, min, max, sum, t0, t1, first, last, worst, spread]`` in time order.

        Each column becomes one point (no usable value: NaN at its start; a flat column: its
        value in the middle) or two, its minimum and maximum, ordered as its first and last
        values suggest. Points are clamped to ``[lo_t, next column's t0)`` (the last column
        to ``hi_end``), so they stay in time order even where a bucket is wider than a column;
        ``spread`` columns (buckets, where the extremes lie somewhere inside) place their
        points at 1/4 and 3/4 of their span, raw columns at their first and last sample.
        """
        if not rows:
            return
        a = np.array(rows, dtype=np.float64)
        n = a[:, 1].astype(np.int64)
        mn, mx, sm = a[:, 2], a[:, 3], a[:, 4]
        t0, t1 = a[:, 5].astype(np.int64), a[:, 6].astype(np.int64)
        first, last, worst, spread = a[:, 7], a[:, 8], a[:, 9].astype(np.int8), a[:, 10] > 0
        hi = np.empty_like(t0)
        hi[:-1] = t0[1:]
        hi[-1] = hi_end
        hi = np.maximum(hi, t0 + 1)
        t0 = np.minimum(np.maximum(t0, lo_t), hi - 1)
        t1 = np.maximum(np.minimum(t1, hi - 1), t0)
        d = t1 - t0
        p0 = np.where(spread, t0 + d // 4, t0)
        p1 = np.where(spread, t0 + 3 * d // 4, t1)
        empty = n == 0
        single = empty | (mn == mx)
        avg = np.where(empty, np.nan, sm / np.maximum(n, 1))
        lo_v = np.where(empty, np.nan, mn)
        hi_v = np.where(empty, np.nan, mx)
        desc = first > last  # NaN compares False: rising by default
        counts = np.where(single, 1, 2)
        at = np.cumsum(counts) - counts
        t = np.empty(int(counts.sum()), dtype=np.int64)
        v = np.empty(len(t), dtype=np.float64)
        t[at] = np.where(single, np.where(empty, t0, (p0 + p1) // 2), p0)
        v[at] = np.where(single, lo_v, np.where(desc, mx, mn))
        pair = ~single
        t[at[pair] + 1] = p1[pair]
        v[at[pair] + 1] = np.where(desc, mn, mx)[pair]
        self.chunks.append((t, v, *(np.repeat(x, counts) for x in (worst, lo_v, hi_v, avg, n))))

    def series(self, resolution_s: float) -> Series:
        if not self.chunks:
            f, i = np.empty(0, dtype=np.float64), np.empty(0, dtype=np.int64)
            return Series(t=f, v=f, q=np.empty(0, dtype=np.int8), vmin=f, vmax=f, vavg=f, n=i,
                          resolution_s=resolution_s)
        t, v, q, lo, hi, avg, n = (np.concatenate(parts) for parts in zip(*self.chunks, strict=True))
        return Series(t=t / _SEC, v=v, q=q.astype(np.int8), vmin=lo, vmax=hi, vavg=avg,
                      n=n.astype(np.int64), resolution_s=resolution_s)


@dataclass(frozen=True)
class HistoryStats:
    tags: int
    raw_rows: int
    fine_rows: int
    bucket_rows: int
    file_bytes: int  # database file plus its WAL
    used_bytes: int  # pages in use (what the size cap measures)
    oldest: datetime | None  # oldest data held (bucket or sample)
    newest: datetime | None  # newest sample
    full_rate_since: datetime | None  # raw samples exist from here on (None: nothing cut yet)
    pending: int  # recorded, not yet committed
    dropped_full: int  # refused because the queue was full (writer stuck)
    dropped_late: int  # older than the raw window when they arrived
    rejected: int  # unusable records (naive time, unknown quality)
    skipped_non_numeric: int  # strings and other non-numbers
    write_errors: int
    cap_reached: bool
    last_maintain_s: float | None
    last_maintain_at: datetime | None


class _Flush(threading.Event):
    """Queued behind the samples it waits for; set once they are committed."""


class _Unusable(Exception):
    pass


# --------------------------------------------------------------------------- history


class ProcessHistory:
    """Bounded local history of process values (see the module docstring).

    ``full_rate``: raw samples are kept this long; ``bucket``: width of the long-term
    buckets; ``keep``: buckets older than this are dropped; ``max_bytes``: size cap (the
    oldest data goes first). ``clock`` returns the current aware UTC time (injectable for
    tests). ``maintain_every``: seconds between automatic maintenance on the writer
    thread (None: only when :meth:`maintain` is called). ``max_clock_skew``: a device
    source timestamp further than this from the station's receive time is not trusted
    and the receive time is used instead.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        full_rate: timedelta = timedelta(hours=24),
        bucket: timedelta = timedelta(seconds=60),
        keep: timedelta = timedelta(days=90),
        max_bytes: int = 1024 * 2**20,
        clock: Callable[[], datetime] | None = None,
        commit_interval: float = 0.5,
        batch_size: int = 5000,
        max_pending: int = 200_000,
        maintain_every: float | None = 10.0,
        max_clock_skew: timedelta = timedelta(seconds=60),
    ) -> None:
        bucket_us = bucket // _US
        if bucket_us < _SEC or bucket_us % _SEC:
            raise ValueError(f"bucket must be a whole number of seconds >= 1, got {bucket}")
        if full_rate < bucket:
            raise ValueError(f"full_rate ({full_rate}) must be at least one bucket ({bucket})")
        if keep < full_rate:
            raise ValueError(f"keep ({keep}) must cover the full-rate window ({full_rate})")
        self.path = Path(path)
        self._full_rate_us = full_rate // _US
        self._keep_us = keep // _US
        self._coarse = bucket_us
        fine_s = _fine_width_s(bucket_us // _SEC)
        self._fine = fine_s * _SEC if fine_s else None
        #: Rollup tiers, fine first (maintenance order).
        self._widths = tuple(w for w in (self._fine, self._coarse) if w)
        self._max_bytes = max_bytes
        self._clock = clock or (lambda: datetime.now(UTC))
        self._commit_interval = commit_interval
        self._batch_size = batch_size
        self._max_pending = max_pending
        self._maintain_every = maintain_every
        self._skew_us = max_clock_skew // _US

        self._queue: deque[Any] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._wlock = threading.Lock()  # the write connection and the rollup state below
        self._count_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._closed = False
        self._carry: list[Any] = []  # items of a failed commit, retried first
        self._carry_marks: list[_Flush] = []
        self._last_ts: dict[int, int] = {}
        self._dropped_full = self._dropped_late = self._rejected = self._skipped = 0
        self._write_errors = 0
        self._error_streak = 0
        self._warned_full = self._warned_cap = self._cap_reached = False
        self._last_maintain_s: float | None = None
        self._last_maintain_at: datetime | None = None
        self._step_us = self._step_max_us = _STEP_MIN_US

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._w = self._open_writer()
        self._load_state()
        self._mark_restart_gaps()
        self._thread = threading.Thread(target=self._run, name="hmi-history", daemon=True)
        self._thread.start()

    @classmethod
    def from_config(cls, section: HistorySection, path: str | os.PathLike[str],
                    **kwargs: Any) -> ProcessHistory:
        """Build from the station file's ``[history]`` section (path already resolved)."""
        return cls(path, full_rate=timedelta(hours=section.full_rate_hours),
                   bucket=timedelta(seconds=section.bucket_s), keep=timedelta(days=section.keep_days),
                   max_bytes=section.max_mb * 2**20, **kwargs)

    # ------------------------------------------------------------------ recording (any thread)

    def record(self, item: TagValue | tuple[str, datetime | int, object, Quality | int]) -> bool:
        """Queue one sample; cheap and thread-safe. False if refused (queue full, closed).

        A :class:`TagValue` is stamped with its source timestamp (the receive time if the
        device clock is off by more than ``max_clock_skew``); a BAD value is stamped no
        earlier than its receive time, so a "link lost" mark lands when the loss was noticed.
        A tuple ``(tag, ts, value, quality)`` is stored as given (``ts`` aware datetime or
        µs since the epoch). Booleans are stored as 0/1, None and non-finite numbers as
        "no value", strings are skipped.
        """
        q = self._queue
        if self._closed or len(q) >= self._max_pending:
            with self._count_lock:
                self._dropped_full += 1
                warn = not self._warned_full and not self._closed
                self._warned_full = True
            if warn:
                log.warning("process history: %d samples waiting to be written; new samples are "
                            "dropped until the writer catches up", len(q))
            return False
        q.append(item)
        if len(q) >= self._batch_size:
            self._wake.set()
        return True

    def record_sample(self, tag: str, ts: datetime | int, value: object,
                      quality: Quality | int = GOOD) -> bool:
        return self.record((tag, ts, value, quality))

    @property
    def pending(self) -> int:
        """Samples recorded but not yet committed (cheap; for back-pressure and diagnostics)."""
        return len(self._queue) + len(self._carry)

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until everything recorded before this call is committed (False on timeout)."""
        if not self._thread.is_alive():
            return not self._queue and not self._carry
        mark = _Flush()
        self._queue.append(mark)
        self._wake.set()
        return mark.wait(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, stop the writer, close the file. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("process history writer did not stop within %.0f s", timeout)
            return
        with self._wlock:
            self._w.close()
        for conn in self._readers:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._readers.clear()

    def __enter__(self) -> ProcessHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ opening

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                               timeout=10.0)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _open_writer(self) -> sqlite3.Connection:
        try:
            return self._init_db()
        except sqlite3.OperationalError:
            raise  # cannot open / locked / I/O: not the file's fault, do not discard it
        except (sqlite3.DatabaseError, _Unusable) as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self.path.with_name(f"{self.path.name}.unusable-{stamp}")
            log.error("process history %s cannot be used (%s); moved aside to %s, starting empty",
                      self.path, exc, aside)
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
            return self._init_db()

    def _init_db(self) -> sqlite3.Connection:
        conn = self._connect()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise _Unusable(f"schema version {version}, this build knows {SCHEMA_VERSION}")
            for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                           "PRAGMA journal_size_limit=33554432", "PRAGMA cache_size=-16000",
                           "PRAGMA temp_store=MEMORY"):
                conn.execute(pragma)
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _load_state(self) -> None:
        c = self._w
        self._tag_ids: dict[str, int] = dict(c.execute("SELECT name, id FROM tags"))
        meta = dict(c.execute("SELECT key, value FROM meta"))
        self._raw_cutoff: int | None = meta.get("raw_cutoff")
        self._rolled: dict[int, int | None] = {w: meta.get(f"rolled:{w}") for w in self._widths}
        #: Every bucket width ever rolled in this file (older settings expire with keep).
        self._all_widths = sorted({int(k.split(":", 1)[1]) for k in meta if k.startswith("rolled:")}
                                  | set(self._widths))
        old = [w for w in self._all_widths if w not in self._widths]
        if old:
            log.warning("process history %s holds buckets of %s s from an earlier setting; they are "
                        "kept until they expire but not shown", self.path, [w // _SEC for w in old])

    def _mark_restart_gaps(self) -> None:
        """A restart is a hole in the recording: mark it BAD right after each tag's last sample."""
        with self._wlock, self._tx():
            for tid in self._tag_ids.values():
                row = self._w.execute("SELECT ts, value, quality FROM raw WHERE tag_id = ? "
                                      "ORDER BY ts DESC LIMIT 1", (tid,)).fetchone()
                if row is None or (row[1] is None and row[2] == BAD):
                    continue
                self._w.execute(_INSERT_RAW, (tid, row[0] + 1, None, BAD))
                self._note_late(tid, row[0] + 1)

    @contextlib.contextmanager
    def _tx(self):
        self._w.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._w.execute("ROLLBACK")
            raise
        self._w.execute("COMMIT")

    def _set_meta(self, key: str, value: int) -> None:
        self._w.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _note_late(self, tid: int, ts: int) -> None:
        """A sample at ``ts`` may fall into buckets already rolled up: recompute them later."""
        hi = max((w for w in self._rolled.values() if w is not None), default=None)
        if hi is not None and ts < hi:
            self._w.execute("UPDATE tags SET dirty_from = min(coalesce(dirty_from, ?), ?) WHERE id = ?",
                            (ts, ts, tid))

    # ------------------------------------------------------------------ writer thread

    def _run(self) -> None:
        next_maintain = time.monotonic()  # once at start: catch up after a stop
        backoff = 0.0
        while True:
            self._wake.wait(backoff or self._commit_interval)
            self._wake.clear()
            stopping = self._stop.is_set()
            ok = self._drain()
            if stopping:
                if not ok:
                    lost = len(self._carry) + len(self._queue)
                    log.error("process history closed with %d samples unwritten", lost)
                for mark in self._carry_marks:
                    mark.set()
                return
            backoff = 0.0 if ok else min(max(backoff * 2, 0.5), 10.0)
            if ok and self._maintain_every is not None and time.monotonic() >= next_maintain:
                try:
                    self._maintain(interleave=True)
                except Exception:  # noqa: BLE001 - logged; recording goes on
                    log.exception("process history maintenance failed")
                next_maintain = time.monotonic() + self._maintain_every

    def _drain(self) -> bool:
        """Commit everything queued, in chunks; False if a commit failed (kept for a retry)."""
        q = self._queue
        while True:
            items, self._carry = self._carry, []
            marks, self._carry_marks = self._carry_marks, []
            for _ in range(min(len(q), _CHUNK)):
                item = q.popleft()
                if item.__class__ is _Flush:
                    marks.append(item)
                    break
                items.append(item)
            if not items and not marks:
                return True
            if items:
                try:
                    with self._wlock:
                        self._write(items)
                except Exception as exc:  # noqa: BLE001 - kept and retried, reported once per streak
                    self._write_errors += 1
                    self._error_streak += 1
                    if self._error_streak == 1:
                        log.error("process history: writing %d samples failed (%s); retrying",
                                  len(items), exc, exc_info=exc)
                    overflow = len(items) - self._max_pending
                    if overflow > 0:
                        del items[:overflow]
                        self._dropped_full += overflow
                    self._carry, self._carry_marks = items, marks
                    return False
                if self._error_streak:
                    log.warning("process history: writing works again after %d failures",
                                self._error_streak)
                    self._error_streak = 0
            for mark in marks:
                mark.set()

    def _write(self, items: list[Any]) -> None:
        """Convert and insert ``items`` in one transaction (caller holds the write lock)."""
        rows: list[tuple[int, int, float | None, int]] = []
        mins: dict[int, int] = {}
        last_ts = self._last_ts
        saved_last = dict(last_ts)
        ids = self._tag_ids
        cut = self._raw_cutoff if self._raw_cutoff is not None else -(1 << 62)
        skew = self._skew_us
        skipped = rejected = late = 0
        try:
            self._w.execute("BEGIN IMMEDIATE")
            for item in items:
                try:
                    if isinstance(item, TagValue):
                        tag, value = item.tag, item.value
                        qc = _QCODE[item.quality]
                        ts = (item.source_ts - _EPOCH) // _US
                        rts = (item.received_ts - _EPOCH) // _US
                        if ts - rts > skew or rts - ts > skew or (qc == BAD and rts > ts):
                            ts = rts
                    else:
                        tag, ts, value, qraw = item
                        qc = _QCODE[qraw]
                        if ts.__class__ is not int:
                            ts = to_us(ts)
                except (KeyError, TypeError, ValueError, AttributeError):
                    rejected += 1
                    continue
                vt = value.__class__
                if vt is float:
                    v = value if math.isfinite(value) else None
                elif vt is int or vt is bool:
                    v = float(value)
                elif value is None:
                    v = None
                elif isinstance(value, int | float | np.integer | np.floating | np.bool_):
                    v = float(value)
                    if not math.isfinite(v):
                        v = None
                else:
                    skipped += 1
                    continue
                if ts < cut:
                    late += 1
                    continue
                tid = ids.get(tag)
                if tid is None:
                    self._w.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
                    tid = self._w.execute("SELECT id FROM tags WHERE name = ?", (tag,)).fetchone()[0]
                    ids[tag] = tid
                last = last_ts.get(tid)
                if last is None or ts > last:
                    last_ts[tid] = ts
                elif ts == last:  # same stamp as the previous sample (e.g. a BAD copy): keep both
                    ts += 1
                    last_ts[tid] = ts
                m = mins.get(tid)
                if m is None or ts < m:
                    mins[tid] = ts
                rows.append((tid, ts, v, qc))
            self._insert_rows(rows)
            for tid, m in mins.items():
                self._note_late(tid, m)
            self._w.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._w.execute("ROLLBACK")
            last_ts.clear()
            last_ts.update(saved_last)
            self._tag_ids = dict(self._w.execute("SELECT name, id FROM tags"))
            raise
        self._skipped += skipped
        self._rejected += rejected
        self._dropped_late += late
        if rejected and self._rejected == rejected:
            log.warning("process history: %d records refused (naive time or unknown quality)", rejected)

    def _insert_rows(self, rows: list[tuple[int, int, float | None, int]]) -> None:
        self._w.executemany(_INSERT_RAW, rows)

    # ------------------------------------------------------------------ maintenance

    def maintain(self) -> None:
        """Roll up completed buckets, expire old data, enforce the size cap (idempotent)."""
        self._maintain(interleave=False)

    def _maintain(self, *, interleave: bool) -> None:
        t0 = time.perf_counter()
        now_dt = self._clock()
        now = to_us(now_dt)
        per_s = 10 * max(1, len(self._tag_ids))
        self._step_us = min(max(_STEP_ROWS * _SEC // per_s, _STEP_MIN_US), _STEP_MAX_US)
        self._step_max_us = 4 * self._step_us
        while self._maintain_step(now):
            if interleave:
                if self._stop.is_set():
                    break  # closing: the rest is picked up at the next start
                if self._queue:
                    self._drain()
        self._last_maintain_s = time.perf_counter() - t0
        self._last_maintain_at = now_dt

    def _first_ts(self, at_least: int | None = None) -> int | None:
        """The oldest raw timestamp (>= ``at_least``) over all tags, by one index seek per tag."""
        if at_least is None:
            sql, args = "SELECT min((SELECT min(ts) FROM raw WHERE tag_id = t.id)) FROM tags t", ()
        else:
            sql = "SELECT min((SELECT min(ts) FROM raw WHERE tag_id = t.id AND ts >= ?)) FROM tags t"
            args = (at_least,)
        return self._w.execute(sql, args).fetchone()[0]

    def _maintain_step(self, now: int) -> bool:
        """Do one unit of maintenance in one transaction; False when nothing is left to do."""
        with self._wlock:
            return (self._step_rollup(now) or self._step_dirty() or self._step_expire_raw(now)
                    or self._step_keep(now) or self._step_cap())

    def _step_rollup(self, now: int) -> bool:
        for w in self._widths:
            target = _floor(now - _GRACE_US, w)
            wm = self._rolled[w]
            if wm is None:
                first = self._first_ts()
                wm = target if first is None else min(_floor(first, w), target)
            if wm >= target:
                if self._rolled[w] is None:
                    with self._tx():
                        self._set_meta(f"rolled:{w}", wm)
                    self._rolled[w] = wm
                    return True
                continue
            nxt = self._first_ts(wm)
            a = wm if nxt is None else max(wm, _floor(nxt, w))
            b = target if a >= target else min(target, a + max(w, _floor(self._step_us, w)))
            t0 = time.perf_counter()
            with self._tx():
                if a < b:
                    self._rollup(w, a, b, None)
                self._set_meta(f"rolled:{w}", b)
            self._rolled[w] = b
            self._adapt_step(t0)
            return True
        return False

    def _rollup(self, w: int, a: int, b: int, tag: int | None) -> None:
        """Recompute buckets of width ``w`` in ``[a, b)``: from the fine tier when it covers
        the range (30x fewer rows to read), else from raw samples."""
        fine, rolled_f = self._fine, self._rolled.get(self._fine) if self._fine else None
        if fine and w != fine and rolled_f is not None and rolled_f >= b:
            self._w.execute(_ROLLUP_FROM_FINE, {"w": w, "fw": fine, "a": a, "b": b, "tag": tag})
        else:
            self._w.execute(_ROLLUP, {"w": w, "a": a, "b": b, "tag": tag})

    def _step_dirty(self) -> bool:
        row = self._w.execute("SELECT id, dirty_from FROM tags WHERE dirty_from IS NOT NULL "
                              "LIMIT 1").fetchone()
        if row is None:
            return False
        tid, since = row
        with self._tx():
            for w in self._widths:
                a = max(_floor(since, w), self._raw_cutoff or 0)
                b = self._rolled[w]
                if b is not None and a < b:
                    self._rollup(w, a, b, tid)
            self._w.execute("UPDATE tags SET dirty_from = NULL WHERE id = ?", (tid,))
        return True

    def _cut_raw(self, new_cut: int) -> None:
        """Delete raw samples and fine buckets before ``new_cut`` (caller holds a transaction)."""
        for tid in self._tag_ids.values():
            self._w.execute("DELETE FROM raw WHERE tag_id = ? AND ts < ?", (tid, new_cut))
            if self._fine:
                self._w.execute("DELETE FROM bucket WHERE width = ? AND tag_id = ? AND start < ?",
                                (self._fine, tid, new_cut))
        self._set_meta("raw_cutoff", new_cut)

    def _next_raw_cut(self, limit: int) -> int | None:
        """One step of moving ``raw_cutoff`` towards ``limit`` (never past the coarse rollup)."""
        rolled = self._rolled[self._coarse]
        if rolled is None:
            return None
        limit = min(limit, rolled)
        cur = self._raw_cutoff
        if cur is not None and limit <= cur:
            return None
        first = self._first_ts()
        if first is None or first >= limit:
            return limit
        base = max(_floor(first, self._coarse), cur if cur is not None else first)
        return min(limit, base + max(self._coarse, _floor(self._step_us, self._coarse)))

    def _adapt_step(self, t0: float) -> None:
        """Grow the step while steps are quick, shrink it when one keeps the writer too long."""
        took = time.perf_counter() - t0
        if took < 0.05:
            self._step_us = min(self._step_us * 2, self._step_max_us)
        elif took > 0.2:
            self._step_us = max(self._step_us // 2, _STEP_MIN_US)

    def _step_expire_raw(self, now: int) -> bool:
        new_cut = self._next_raw_cut(_floor(now - self._full_rate_us, self._coarse))
        if new_cut is None:
            return False
        t0 = time.perf_counter()
        with self._tx():
            self._cut_raw(new_cut)
        self._raw_cutoff = new_cut
        self._adapt_step(t0)
        return True

    def _oldest_bucket(self) -> int | None:
        best = None
        for w in self._all_widths:
            v = self._w.execute("SELECT min((SELECT min(start) FROM bucket WHERE width = ? AND tag_id = t.id))"
                                " FROM tags t", (w,)).fetchone()[0]
            if v is not None and (best is None or v < best):
                best = v
        return best

    def _drop_buckets_before(self, cut: int) -> int:
        before = self._w.total_changes
        for w in self._all_widths:
            for tid in self._tag_ids.values():
                self._w.execute("DELETE FROM bucket WHERE width = ? AND tag_id = ? AND start < ?",
                                (w, tid, cut))
        return self._w.total_changes - before

    def _step_keep(self, now: int) -> bool:
        limit = _floor(now - self._keep_us, self._coarse)
        oldest = self._oldest_bucket()
        if oldest is None or oldest >= limit:
            return False
        with self._tx():
            self._drop_buckets_before(min(limit, oldest + 86_400 * _SEC))
        return True

    def _used_bytes(self) -> int:
        c = self._w
        pages = c.execute("PRAGMA page_count").fetchone()[0] - c.execute("PRAGMA freelist_count").fetchone()[0]
        return pages * c.execute("PRAGMA page_size").fetchone()[0]

    def _step_cap(self) -> bool:
        if self._used_bytes() <= self._max_bytes:
            return False
        if not self._warned_cap:
            self._warned_cap = True
            log.warning("process history %s reached its size cap of %.0f MB; the oldest data is "
                        "dropped first (raise [history] max_mb or shorten keep_days/full_rate_hours)",
                        self.path, self._max_bytes / 2**20)
        self._cap_reached = True
        # Oldest first: buckets from before the full-rate window, then the oldest raw samples
        # (their buckets stay, so the chart keeps its reach at bucket resolution).
        oldest = self._oldest_bucket()
        horizon = self._raw_cutoff if self._raw_cutoff is not None else self._first_ts()
        if oldest is not None and horizon is not None and oldest < horizon:
            step = max(self._coarse, _floor((horizon - oldest) // 16, self._coarse))
            with self._tx():
                dropped = self._drop_buckets_before(min(horizon, oldest + step))
            if dropped:
                return True
        first = self._first_ts()
        rolled = self._rolled[self._coarse]
        if first is not None and rolled is not None and first < rolled:
            start = max(first, self._raw_cutoff or first)
            new_cut = self._next_raw_cut(start + max(self._coarse, _floor((rolled - start) // 16,
                                                                          self._coarse)))
            if new_cut is not None:
                with self._tx():
                    self._cut_raw(new_cut)
                self._raw_cutoff = new_cut
                return True
        log.warning("process history %s is over its size cap but holds nothing more it may drop",
                    self.path)
        return False

    # ------------------------------------------------------------------ reading (any thread)

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("process history is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._count_lock:
                self._readers.append(conn)
        return conn

    def query(self, tags: Iterable[str], start: datetime | int, end: datetime | int,
              max_points: int | None = None) -> dict[str, Series]:
        """Points of each tag in ``[start, end)``, merged across tiers, in time order.

        Without ``max_points``: every raw sample inside the full-rate window and one column
        (two points) per bucket before it. With ``max_points`` (>= 2): at most that many
        points per tag, as min/max pairs per display column, read from the coarsest tier
        that still resolves a column (buckets, fine buckets or raw samples) plus the raw
        tail not yet rolled up; if the range holds no more raw samples than ``max_points``
        they come back as they are. Safe from any thread while the writer writes.
        """
        s, e = to_us(start), to_us(end)
        if max_points is not None and max_points < 2:
            raise ValueError("max_points must be at least 2")
        names = list(dict.fromkeys(tags))
        conn = self._reader()
        out: dict[str, Series] = {}
        conn.execute("BEGIN")  # one snapshot: watermarks and data agree
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            for name in names:
                row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
                if row is None or e <= s:
                    out[name] = Series.empty()
                else:
                    out[name] = self._query_tag(conn, row[0], s, e, max_points, meta)
        finally:
            conn.execute("COMMIT")
        return out

    def _query_tag(self, conn: sqlite3.Connection, tid: int, s: int, e: int, max_points: int | None,
                   meta: dict[str, int]) -> Series:
        coarse, fine = self._coarse, self._fine
        low = -(1 << 62)
        rc = meta.get("raw_cutoff", low)
        rolled_c = meta.get(f"rolled:{coarse}")
        rolled_f = meta.get(f"rolled:{fine}") if fine else None
        pts = _Points()
        raw_sql = "SELECT ts, value, quality FROM raw WHERE tag_id = ? AND ts >= ? AND ts < ? ORDER BY ts"
        if max_points is None:
            resolution = 0.0
            if s < rc:
                rows = conn.execute(_BUCKET_ROWS, {"w": coarse, "id": tid, "a": _floor(s, coarse),
                                                   "b": min(e, rc)}).fetchall()
                pts.add_columns([[*r, 1] for r in rows], s, min(e, rc))
                resolution = coarse / _SEC if rows else 0.0
            if e > max(s, rc):
                pts.add_raw(conn.execute(raw_sql, (tid, max(s, rc), e)).fetchall())
            return pts.series(resolution)

        cols = max_points // 2
        span = e - s
        col_w = span / cols
        # (width or 0 for raw, from, to): each covers a part of [s, e), in time order.
        if rolled_c is not None and col_w >= coarse:
            segs = [(coarse, s, min(e, rolled_c)), (0, max(s, rolled_c, rc), e)]
        elif fine and rolled_f is not None and col_w >= fine:
            segs = [(coarse, s, min(e, rc)), (fine, max(s, rc), min(e, rolled_f)),
                    (0, max(s, rc, rolled_f), e)]
        else:
            segs = [(coarse, s, min(e, rc)), (0, max(s, rc), e)]
            if s >= rc:
                n = conn.execute("SELECT count(*) FROM raw WHERE tag_id = ? AND ts >= ? AND ts < ?",
                                 (tid, s, e)).fetchone()[0]
                if n <= max_points:
                    pts.add_raw(conn.execute(raw_sql, (tid, s, e)).fetchall())
                    return pts.series(0.0)
        columns: list[list[Any]] = []
        resolution = 0.0
        for width, a, b in segs:
            if a >= b:
                continue
            if width:
                rows = conn.execute(_BUCKET_COLUMNS, {"w": width, "id": tid, "s": s, "cols": cols,
                                                      "span": span, "a": _floor(a, width) if a == s else a,
                                                      "b": b}).fetchall()
            else:
                rows = conn.execute(_RAW_COLUMNS, {"id": tid, "s": s, "cols": cols, "span": span,
                                                   "a": a, "b": b}).fetchall()
            if not rows:
                continue
            resolution = max(resolution, width / _SEC)
            flag = 1 if width else 0
            if columns and columns[-1][0] == rows[0][0]:  # a column split by a tier boundary
                columns[-1] = _merge_columns(columns[-1], [*rows[0], flag])
                rows = rows[1:]
            columns.extend([*r, flag] for r in rows)
        pts.add_columns(columns, s, e)
        return pts.series(resolution)

    # ------------------------------------------------------------------ diagnostics

    def stats(self) -> HistoryStats:
        """Sizes and counters (counts rows: milliseconds to a second; not for every repaint)."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            tags = conn.execute("SELECT count(*) FROM tags").fetchone()[0]
            raw_rows = conn.execute("SELECT count(*) FROM raw").fetchone()[0]
            fine_rows = (conn.execute("SELECT count(*) FROM bucket WHERE width = ?", (self._fine,))
                         .fetchone()[0] if self._fine else 0)
            all_b = conn.execute("SELECT count(*) FROM bucket").fetchone()[0]
            oldest_raw = conn.execute("SELECT min((SELECT min(ts) FROM raw WHERE tag_id = t.id)) "
                                      "FROM tags t").fetchone()[0]
            newest = conn.execute("SELECT max((SELECT max(ts) FROM raw WHERE tag_id = t.id)) "
                                  "FROM tags t").fetchone()[0]
            oldest_b = min((x for w in self._all_widths for x in conn.execute(
                "SELECT min((SELECT min(start) FROM bucket WHERE width = ? AND tag_id = t.id)) FROM tags t",
                (w,)).fetchone() if x is not None), default=None)
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        finally:
            conn.execute("COMMIT")
        file_bytes = sum(os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal"))
                         if os.path.exists(p))
        oldest = min((x for x in (oldest_raw, oldest_b) if x is not None), default=None)
        return HistoryStats(
            tags=tags, raw_rows=raw_rows, fine_rows=fine_rows, bucket_rows=all_b - fine_rows,
            file_bytes=file_bytes, used_bytes=(pages - free) * page_size,
            oldest=_dt(oldest), newest=_dt(newest), full_rate_since=_dt(meta.get("raw_cutoff")),
            pending=self.pending, dropped_full=self._dropped_full,
            dropped_late=self._dropped_late, rejected=self._rejected,
            skipped_non_numeric=self._skipped, write_errors=self._write_errors,
            cap_reached=self._cap_reached, last_maintain_s=self._last_maintain_s,
            last_maintain_at=self._last_maintain_at)


def _dt(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def _merge_columns(x: list[Any], y: list[Any]) -> list[Any]:
    """Two parts of one display column (from two tiers, ``x`` earlier) as one column."""
    _, n1, mn1, mx1, s1, a1, b1, f1, l1, w1, sp1 = x
    _, n2, mn2, mx2, s2, a2, b2, f2, l2, w2, sp2 = y
    mns = [v for v in (mn1, mn2) if v is not None]
    mxs = [v for v in (mx1, mx2) if v is not None]
    return [x[0], n1 + n2, min(mns) if mns else None, max(mxs) if mxs else None, (s1 or 0.0) + (s2 or 0.0),
            min(a1, a2), max(b1, b2), f1 if f1 is not None else f2, l2 if l2 is not None else l1,
            max(w1, w2), max(sp1, sp2)]
