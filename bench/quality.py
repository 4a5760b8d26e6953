"""How fast the quality path answers at the panel.

    .venv/bin/python bench/quality.py [--history 1000] [--entries 200]

On a fresh demo database (SQLite, real DbWorker, real services) with a plan whose
characteristic is charted (I-MR, all eight Nelson rules, limits frozen):

* **Save → verdict**: ``InspectionService.record`` until its ``on_done`` (checks, SPC
  rules on the whole series since the limits were frozen, the durable write, the
  tracker), with ``--history`` points already on the chart — p50/p95/max;
* **review list**: ``QualityService.reload`` with as many results (signature checks of
  every signed item included);
* **FPY**: ``QualityService.fpy`` over all of them (worker load + arithmetic);
* **pure SPC**: ``spc.rule_hits(only_last=True)`` on the series alone.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication  # noqa: E402

PLAN = """
format_version = 1
[[gauges]]
code = "G-B"
name = "Bench gauge"
kind = "depth_gauge"
resolution = 0.01
unit = "mm"
calibration_due = 2099-01-01

[[inspection_plans]]
code = "IP-BENCH"
name = "Bench plan"
product = "BRK-100"
operation = "Press"

[[inspection_plans.characteristics]]
code = "DEPTH"
name = "Insertion depth"
type = "variable"
target = 12.0
lsl = 11.8
usl = 12.2
unit = "mm"
resolution = 0.01
chart = "imr"
reaction = "note"
gauge_kind = "depth_gauge"
frequencies = [{ trigger = "every_parts", every = 5 }]

[[work_orders]]
code = "WO-BENCH"
product = "BRK-100"
quantity = 100000
operations = [{ sequence = 10, name = "Press", station = "ST-10", inspection_plan = "IP-BENCH" }]
"""


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=200)
    args = ap.parse_args()
    app = QCoreApplication([])

    from hmi import config
    from hmi.services import spc
    from hmi.services.audit import AuditWriter
    from hmi.services.auth import AuthService
    from hmi.services.inspections import InspectionService
    from hmi.services.masterdata import import_file
    from hmi.services.quality import QualityService
    from hmi.services.signatures import SignatureService
    from hmi.services.worker import DbWorker
    from hmi.store.engine import open_store

    tmp = Path(tempfile.mkdtemp())
    engine, sf = open_store(f"sqlite:///{tmp}/station.sqlite")
    import_file(sf, config.resources_dir() / "masterdata" / "demo.toml", station_id="ST-10")
    plan = tmp / "plan.toml"
    plan.write_text(textwrap.dedent(PLAN), encoding="utf-8")
    import_file(sf, plan, station_id="ST-10")
    worker = DbWorker()
    audit = AuditWriter("ST-10")
    auth = AuthService(sf, "ST-10")
    sigs = SignatureService(sf, auth, audit, "ST-10")
    insp = InspectionService(worker, sf, "ST-10", audit, sigs)
    quality = QualityService(worker, sf, "ST-10", audit, sigs)
    anna, clara = auth.login("1001", "1234"), auth.login("2001", "3456")

    def wait(pred, timeout=60.0) -> None:
        end = time.monotonic() + timeout
        while not pred():
            app.processEvents()
            if time.monotonic() > end:
                raise SystemExit("timed out")
            time.sleep(0.0005)

    insp.order_started("WO-BENCH")
    wait(lambda: insp.run() is not None and not insp.busy)
    rnd = random.Random(7)

    def value() -> str:
        return f"{rnd.gauss(12.0, 0.02):.2f}"

    def record_one() -> object:
        got: list = []
        insp.record(anna, "DEPTH", [value()], gauge_code="G-B", on_done=got.append)
        wait(lambda: bool(got))
        return got[0]

    def fpy_once(since: object) -> object:
        got: list = []
        quality.fpy(since, None, got.append)
        wait(lambda: bool(got))
        return got[0]

    ids = [record_one().result_id for _ in range(30)]
    insp.freeze_limits(clara, "DEPTH", ids, "bench baseline")
    wait(lambda: not insp.busy)
    t0 = time.perf_counter()
    for _ in range(args.history):
        record_one()
    fill = time.perf_counter() - t0

    lat = []
    for _ in range(args.entries):
        t = time.perf_counter()
        record_one()
        lat.append((time.perf_counter() - t) * 1000)
    total = 30 + args.history + args.entries

    t = time.perf_counter()
    quality.reload()
    wait(lambda: not quality.busy)
    reload_ms = (time.perf_counter() - t) * 1000

    since = insp.run().history["DEPTH"][0].recorded_at.replace(year=2000)
    fpy_runs = []
    for _ in range(3):  # the first run compiles the statements
        quality.results_changed()  # a result recorded: the cache is dropped
        wait(lambda: not quality.busy)
        t = time.perf_counter()
        result = fpy_once(since)
        fpy_runs.append((time.perf_counter() - t) * 1000)
    fpy_ms = statistics.median(fpy_runs)

    series = [p.values[0] for p in insp.run().history["DEPTH"]]
    lim = insp.limits("DEPTH")
    limits = spc.Limits(lim.center, lim.ucl, lim.lcl)
    pure = []
    for _ in range(50):
        t = time.perf_counter()
        spc.rule_hits(series, limits, spc.NELSON, only_last=True)
        pure.append((time.perf_counter() - t) * 1000)

    print(f"results stored: {total} (fill rate {args.history / fill:.0f} results/s)")
    print(f"Save → verdict with {len(series) - args.entries}…{len(series)} points on the chart:"
          f" p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 0.95):.1f} ms,"
          f" max {max(lat):.1f} ms")
    print(f"review list reload ({len(quality.items())} items to sign): {reload_ms:.0f} ms")
    print(f"FPY over {result.inspected} inspected: {fpy_ms:.0f} ms (first run "
          f"{fpy_runs[0]:.0f} ms)")
    print(f"pure spc.rule_hits(only_last) on {len(series)} points: "
          f"p50 {statistics.median(pure):.2f} ms")
    worker.shutdown()
    engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
