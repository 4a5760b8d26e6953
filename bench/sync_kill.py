"""SIGKILL loop: kill the headless station at random moments, restart it, check the store.

Each cycle starts ``hmi --headless`` (python -m hmi.headless) on the same data directory
with the demo station file pointed at one simulator that outlives the station (so the
machine's counters run on across restarts), lets it write (machine counts and states on
the DB worker, plus ``--load`` synthetic events through the group-commit writer), kills
it with SIGKILL after a random time — during start-up (migrations, WAL recovery) or while
writing — and then checks the SQLite file it left:

* ``PRAGMA integrity_check`` is ``ok``;
* no confirmed event is lost: the highest seq the process printed in a ``COMMIT`` line
  (written only after the commit returned) is in the store, and the stored seqs of the
  station across every event table are exactly 1..N (gap-free);
* none is doubled: N rows, N distinct seqs, N = the station's sequence counter;
* the machine's counts are neither lost nor doubled across the restarts: the good
  increments recorded add up to the counter's last raw value minus its first (the
  simulator never restarts, so its counter only grows).

tests/test_kill.py runs 20+ short cycles; this script runs many (default 500) and prints
the figures::

    .venv/bin/python bench/sync_kill.py [--kills 500] [--load 2000] [--min 0.2] [--max 2.5]

``--central-url`` also points the station at a central PostgreSQL (``[database]
central_url``), so it syncs while it is being killed (hmi.sync, when present); then the
central side must hold every event the station holds, once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmi.config import demo_config_path  # noqa: E402

STATION = "ST-10"
_COMMIT = re.compile(r"^COMMIT (\d+) (\d+) (\d+)$")


def event_tables() -> list[str]:
    """Every table whose rows carry the per-station seq (EventMixin)."""
    from hmi.store.base import Base, EventMixin
    from hmi.store.engine import load_all_models

    load_all_models()
    return sorted(m.local_table.name for m in Base.registry.mappers
                  if issubclass(m.class_, EventMixin))


def write_station_file(path: Path, machine_url: str, *, central_url: str = "") -> Path:
    """The demo station file, its machine pointed at ``machine_url`` (the loopback
    simulator, no security: it outlives the station) and without master-data files (an
    unchanged import at every start would only slow the restarts down; so no shift
    calendar either)."""
    text = demo_config_path().read_text(encoding="utf-8")
    text = text.replace('url = "sim://demo"', f'url = "{machine_url}"')
    text = re.sub(r'(?m)^security_policy = .*$', 'allow_insecure = true\nsecurity_policy = "None"',
                  text)
    text = re.sub(r'(?m)^security_mode = .*$', "", text)
    text = re.sub(r'(?m)^(seed|speed|cycle_time_s) = .*$', "", text)
    text = re.sub(r'(?m)^masterdata = .*$', "masterdata = []", text)
    text = re.sub(r'(?m)^shift_calendar = .*$', "", text)  # it lives in the master data
    if central_url:
        text = text.replace("[database]\n", f'[database]\ncentral_url = "{central_url}"\n', 1)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class StoreCheck:
    integrity: str
    rows: int
    distinct: int
    max_seq: int
    counter: int
    good_sum: int
    good_first_raw: int | None
    good_last_raw: int | None

    @property
    def gap_free(self) -> bool:
        return self.distinct == self.rows and self.max_seq == self.rows == self.counter

    @property
    def counts_ok(self) -> bool:
        if self.good_first_raw is None:
            return True
        return self.good_sum == self.good_last_raw - self.good_first_raw


def check_store(db: Path, station: str = STATION, tables: list[str] | None = None
                ) -> StoreCheck:
    """Open the file as the next start would (WAL recovery) and read the invariants."""
    tables = tables or event_tables()
    if not db.exists():  # killed before the store was created
        return StoreCheck("ok", 0, 0, 0, 0, 0, None, None)
    con = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=10)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        union = " UNION ALL ".join(f"SELECT seq FROM {t} WHERE station_id = :s"
                                   for t in tables if t in have)
        rows = distinct = max_seq = 0
        if union:
            rows, distinct, max_seq = con.execute(
                f"SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM ({union})",
                {"s": station}).fetchone()
        counter = 0
        if "station_sequence" in have:
            got = con.execute("SELECT last_seq FROM station_sequence WHERE station_id = ?",
                              (station,)).fetchone()
            counter = got[0] if got else 0
        good_sum, first_raw, last_raw = 0, None, None
        if "production_count_event" in have:
            good = con.execute(
                "SELECT good_increment, raw_counter FROM production_count_event "
                "WHERE station_id = ? AND counter = 'good' ORDER BY seq", (station,)).fetchall()
            if good:
                good_sum = sum(g for g, _ in good[1:])  # the first sets the baseline
                first_raw, last_raw = good[0][1], good[-1][1]
    finally:
        con.close()
    return StoreCheck(integrity, rows, distinct, max_seq, counter, good_sum, first_raw,
                      last_raw)


PRELOAD = ("hmi.headless", "hmi.store.engine", "hmi.store.models", "hmi.store.security",
           "hmi.store.groupcommit", "alembic.command", "hmi.services.orderstack",
           "hmi.services.downtime", "hmi.services.alarms", "hmi.services.auth",
           "hmi.services.masterdata", "hmi.services.recorder", "hmi.devices.opcua")


def zygote_main() -> None:
    """A process that imports the station's modules once and forks a station per request.

    Python's imports are most of a restart (2-3 s on a loaded 2-core machine); a fork
    starts ``hmi.headless.main`` with them done, so a kill loop spends its time on what it
    tests: start-up from the config on (WAL recovery, migrations check, store, services,
    driver) and writing. Commands on stdin, one a line:
    ``RUN <out> <err> <argv...>`` -> ``PID <pid>``; ``KILL <pid>`` (SIGKILL, reap) ->
    ``DEAD <status>``; ``POLL <pid>`` -> ``ALIVE`` or ``EXITED <status>``.
    """
    import importlib

    for mod in PRELOAD:
        importlib.import_module(mod)
    from hmi.store.engine import load_all_models

    load_all_models()
    print("ZYGOTE ready", flush=True)
    for line in sys.stdin:
        cmd, *rest = line.split()
        if cmd == "RUN":
            out, err, *argv = rest
            pid = os.fork()
            if pid == 0:  # the station
                code = 1
                try:
                    os.setpgid(0, 0)
                    fo = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    fe = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                    os.dup2(fo, 1)
                    os.dup2(fe, 2)
                    sys.stdin.close()
                    from hmi.headless import main as headless_main

                    code = headless_main(argv)
                finally:
                    os._exit(code)
            print(f"PID {pid}", flush=True)
        elif cmd == "KILL":
            pid = int(rest[0])
            os.kill(pid, signal.SIGKILL)
            print(f"DEAD {os.waitpid(pid, 0)[1]}", flush=True)
        elif cmd == "POLL":
            pid = int(rest[0])
            got, status = os.waitpid(pid, os.WNOHANG)
            print("ALIVE" if got == 0 else f"EXITED {status}", flush=True)


class Zygote:
    """Client of :func:`zygote_main` (one per kill loop)."""

    def __init__(self) -> None:
        env = dict(os.environ, HMI_NO_USER_CONFIG="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); "
             "import sync_kill; sync_kill.zygote_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("ZYGOTE ready"):
            raise RuntimeError(f"the station zygote did not start: {line!r}")

    def _ask(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def run(self, argv: list[str], out: Path, err: Path) -> int:
        return int(self._ask(f"RUN {out} {err} " + " ".join(argv)).split()[1])

    def kill(self, pid: int) -> None:
        self._ask(f"KILL {pid}")

    def alive(self, pid: int) -> bool:
        return self._ask(f"POLL {pid}") == "ALIVE"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


@dataclass
class Cycle:
    kill_after: float
    ready: bool  # False: killed during start-up (before READY)
    confirmed_max: int
    commits_seen: int
    check: StoreCheck
    problems: list[str] = field(default_factory=list)


class KillLoopFailure(AssertionError):
    pass


def run_cycle(station_file: Path, data_dir: Path, kill_after: float, *, load: float,
              tables: list[str], previous_max: int = 0, after_ready: bool = False,
              log_dir: Path | None = None, zygote: Zygote | None = None) -> Cycle:
    """Start the headless station, SIGKILL it ``kill_after`` s after the start (or after it
    printed READY: ``after_ready``), then check the store it left."""
    out_path = (log_dir or data_dir) / "headless.out"
    err_path = (log_dir or data_dir) / "headless.err"
    argv = ["--config", str(station_file), "--data-dir", str(data_dir), "--print-commits",
            "--load", str(load)]
    out_path.write_bytes(b"")
    if zygote is not None:
        pid = zygote.run(argv, out_path, err_path)
        alive = lambda: zygote.alive(pid)  # noqa: E731
        kill = lambda: zygote.kill(pid)  # noqa: E731
    else:
        env = dict(os.environ, HMI_NO_USER_CONFIG="1")
        with open(out_path, "wb") as out, open(err_path, "ab") as err:
            proc = subprocess.Popen([sys.executable, "-m", "hmi.headless", *argv], stdout=out,
                                    stderr=err, cwd=ROOT, env=env)
        alive = lambda: proc.poll() is None  # noqa: E731

        def kill() -> None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
    try:
        if after_ready:  # the moment counts from READY (the store is open, writing runs)
            deadline = time.monotonic() + 30
            while b"READY" not in out_path.read_bytes():
                if not alive() or time.monotonic() > deadline:
                    raise KillLoopFailure(f"the station did not get ready; see {err_path}")
                time.sleep(0.01)
        end = time.monotonic() + kill_after
        while time.monotonic() < end:
            if not alive():
                raise KillLoopFailure(f"the station exited by itself; see {err_path}")
            time.sleep(min(0.02, max(0.0, end - time.monotonic())))
    finally:
        kill()
    ready = False
    confirmed_max = 0
    commits = 0
    for line in out_path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _COMMIT.match(line)
        if m:
            _first, last, _n = map(int, m.groups())
            commits += 1
            confirmed_max = max(confirmed_max, last)
        elif line.startswith("READY"):
            ready = True
    check = check_store(data_dir / "demo" / "station.sqlite", tables=tables)
    cyc = Cycle(kill_after, ready, confirmed_max, commits, check)
    if check.integrity != "ok":
        cyc.problems.append(f"integrity_check: {check.integrity}")
    if check.distinct != check.rows:
        cyc.problems.append(f"doubled: {check.rows} rows but {check.distinct} distinct seq")
    if not check.gap_free:
        cyc.problems.append(f"seq not 1..N: rows {check.rows}, max {check.max_seq}, "
                            f"counter {check.counter}")
    if confirmed_max > check.max_seq:
        cyc.problems.append(f"confirmed seq {confirmed_max} lost: the store ends at "
                            f"{check.max_seq}")
    if check.max_seq < previous_max:
        cyc.problems.append(f"the store shrank from {previous_max} to {check.max_seq}")
    if not check.counts_ok:
        cyc.problems.append(f"machine counts: recorded {check.good_sum} good, counter went "
                            f"{check.good_first_raw} -> {check.good_last_raw}")
    return cyc


def kill_loop(kills: int, station_file: Path, data_dir: Path, *, load: float,
              start_window: float = 3.0, write_window: float = 1.0, start_share: float = 0.3,
              seed: int = 1, on_cycle=None, zygote: Zygote | None = None) -> list[Cycle]:
    """``kills`` cycles; each kill lands at a random moment: with probability
    ``start_share`` within ``start_window`` s of the start (imports, WAL recovery,
    migrations, opening the store), otherwise within ``write_window`` s after READY
    (recording machine values and the ``load``)."""
    rng = random.Random(seed)
    tables = event_tables()
    cycles: list[Cycle] = []
    previous = 0
    for i in range(kills):
        during_start = rng.random() < start_share
        window = start_window if during_start else write_window
        cyc = run_cycle(station_file, data_dir, rng.uniform(0.0, window), load=load,
                        tables=tables, previous_max=previous, after_ready=not during_start,
                        zygote=zygote)
        cycles.append(cyc)
        if on_cycle is not None:
            on_cycle(i, cyc)
        if cyc.problems:
            raise KillLoopFailure(f"kill {i + 1} after {cyc.kill_after:.2f} s: "
                                  + "; ".join(cyc.problems))
        previous = cyc.check.max_seq
    return cycles


class Simulator:
    """The machine simulator on its own asyncio thread (outlives every station run)."""

    def __init__(self, speed: float = 4.0) -> None:
        from hmi.devices.sim.launcher import SimulatorProcess

        self.loop = asyncio.new_event_loop()
        self._t = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._t.start()
        self.proc = SimulatorProcess()
        self.url = asyncio.run_coroutine_threadsafe(
            self.proc.start(seed=7, speed=speed), self.loop).result(60)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.proc.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._t.join(10)


def central_check(central_url: str, local_db: Path, tables: list[str]) -> str:
    """Every event the station holds is in the central database exactly once."""
    import psycopg

    con = sqlite3.connect(local_db)
    url = central_url.replace("postgresql+psycopg://", "postgresql://")
    problems = []
    with psycopg.connect(url) as pg:
        for t in tables:
            local = con.execute(f"SELECT count(*) FROM {t} WHERE station_id=?",
                                (STATION,)).fetchone()[0]
            try:
                n, d = pg.execute(f"SELECT count(*), count(DISTINCT seq) FROM {t} "
                                  "WHERE station_id=%s", (STATION,)).fetchone()
            except psycopg.Error as exc:
                return f"central: {exc}"
            if d != n:
                problems.append(f"{t}: {n - d} doubled centrally")
            if n > local:
                problems.append(f"{t}: central has {n}, station {local}")
    con.close()
    return "; ".join(problems) or "ok (central holds no event twice, none the station lacks)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=500)
    ap.add_argument("--load", type=float, default=2000.0,
                    help="synthetic events/s through the group-commit writer")
    ap.add_argument("--start-window", type=float,
                    help="kills during start-up land within this many s of the start "
                         "(default 1.0; 3.0 with --no-fork)")
    ap.add_argument("--write-window", type=float, default=1.5,
                    help="the others land within this many s after READY")
    ap.add_argument("--start-share", type=float, default=0.3,
                    help="share of the kills aimed at start-up (default 0.3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--central-url", default="",
                    help="also sync to this PostgreSQL while being killed (hmi.sync)")
    ap.add_argument("--dir", type=Path, help="data directory (default: a temporary one)")
    ap.add_argument("--no-fork", action="store_true",
                    help="start every station as a fresh interpreter (slow: imports each time)")
    args = ap.parse_args()
    sim = Simulator()
    zygote = None if args.no_fork else Zygote()
    start_window = args.start_window or (3.0 if args.no_fork else 1.0)
    t0 = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="sync-kill-") as tmp:
            d = args.dir or Path(tmp)
            d.mkdir(parents=True, exist_ok=True)
            station_file = write_station_file(d / "station.toml", sim.url,
                                              central_url=args.central_url)
            print(f"simulator {sim.url}; store {d / 'demo' / 'station.sqlite'}; "
                  f"{args.kills} kills, {args.load:.0f} synthetic events/s; stations "
                  f"{'fresh interpreters' if zygote is None else 'forked after the imports'}",
                  flush=True)

            def progress(i: int, c: Cycle) -> None:
                if (i + 1) % 25 == 0 or c.problems:
                    print(f"  {i + 1:4d} kills  store {c.check.rows:>9,} events  "
                          f"{time.monotonic() - t0:6.0f} s", flush=True)

            try:
                cycles = kill_loop(args.kills, station_file, d, load=args.load,
                                   start_window=start_window,
                                   write_window=args.write_window,
                                   start_share=args.start_share, seed=args.seed,
                                   on_cycle=progress, zygote=zygote)
            except KillLoopFailure as exc:
                print(f"FAILED: {exc}", file=sys.stderr)
                return 1
            last = cycles[-1].check
            during_start = sum(1 for c in cycles if not c.ready)
            confirmed = sum(c.commits_seen for c in cycles)
            el = time.monotonic() - t0
            print(f"kills                      {len(cycles)} ({during_start} before READY, "
                  f"{len(cycles) - during_start} after)")
            print(f"events in the store        {last.rows:,} (seq 1..{last.max_seq:,}, "
                  f"counter {last.counter:,})")
            print(f"commits confirmed          {confirmed:,} (COMMIT lines); lost 0, doubled 0")
            print("integrity_check            ok after every kill")
            print(f"machine counts             {last.good_sum} good recorded = counter "
                  f"{last.good_first_raw} -> {last.good_last_raw}")
            print(f"kill moment                within {start_window} s of the start or "
                  f"{args.write_window} s after READY")
            print(f"commits per cycle          p50 "
                  f"{statistics.median(c.commits_seen for c in cycles):.0f} commits")
            print(f"wall time                  {el:.0f} s ({el / len(cycles):.2f} s per cycle)")
            if args.central_url:
                print(f"central                    "
                      f"{central_check(args.central_url, d / 'demo' / 'station.sqlite', event_tables())}")
    finally:
        if zygote is not None:
            zygote.close()
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
