"""Start-up time of the demo station, from process launch.

Runs ``hmi --demo --screenshot`` (offscreen) several times and reads the
milestones the app prints with ``--trace-startup``:

* login_painted     – the login screen has been painted (target ≤ 1 s)
* first_live_value  – machine state and good count from the simulator are on
                      screen, i.e. passed through OPC UA → service → view (target ≤ 3 s)

The launch time is taken by this script just before it spawns the process, so
interpreter start-up and imports are included. The first run uses an empty
data directory (migrations and master-data import happen); later runs reuse it.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(data_dir: Path, png: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, "-c",
         f"import sys; sys.argv[0]='hmi'; from hmi import cli; cli.LAUNCHED_AT={t0!r}; "
         "sys.exit(cli.main())",
         "--demo", "--trace-startup", "--data-dir", str(data_dir), "--screenshot", str(png)],
        capture_output=True, text=True, env=env, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"hmi failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    marks = {}
    for line in proc.stderr.splitlines():
        if line.startswith("STARTUP "):
            _, name, secs = line.split()
            marks[name] = float(secs)
    return marks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        data_dir = Path(d) / "data"
        runs = []
        for i in range(args.runs):
            marks = one_run(data_dir, Path(d) / f"shot{i}.png")
            runs.append(marks)
            print(f"run {i + 1}{' (empty data dir)' if i == 0 else ''}: "
                  + "  ".join(f"{k}={v:.3f}s" for k, v in marks.items()))
    names = ["login_painted", "store_ready", "driver_started", "first_live_value"]
    print()
    print(f"{'milestone':<18} {'first run':>10} {'median (warm)':>14} {'max (warm)':>11}")
    for n in names:
        vals = [r[n] for r in runs[1:] if n in r]
        first = runs[0].get(n)
        if not vals:
            continue
        print(f"{n:<18} {first:>9.3f}s {statistics.median(vals):>13.3f}s {max(vals):>10.3f}s")


if __name__ == "__main__":
    main()
