"""Tag change to pixel: source timestamp -> end of the paint that shows the value.

Issue 4 target: p99 <= sampling interval + 50 ms with 1,000 subscribed tags
(offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/tag_to_pixel.py --duration 60

Method
------
* **Server**: the OPC UA benchmark server (``bench/_common.py opcua-server``,
  its own process) with 1,000 tags written every 100 ms (value = tick number,
  SourceTimestamp = write time, ten slices spread over the interval) plus static
  ``M.State`` / ``M.Good`` / ``M.Scrap`` so a station file can be built.
* **Station**: the real chain of the app in this process under qasync: the
  OPC UA driver (all 1,000 tags subscribed at 100 ms), the
  :class:`~hmi.services.production.ProductionMonitor` (emits at ``[ui]
  max_fps``) and the real :class:`~hmi.views.live.LiveView` shown offscreen at
  1120x728, with its trend, cycle chart and state band. Tags ``t0001`` and
  ``t0003`` are the process values shown in tiles (``t0001``..``t0007`` in the
  trend).
* **Measure**: the value label of the ``t0001`` tile is replaced by a label that
  records ``time.time()`` when its ``paintEvent`` returns, with the text it
  painted. The text is the tick number, so the painted value's source
  timestamp is looked up from what the driver delivered (tag, value) ->
  SourceTimestamp. Latency = paint end - source timestamp (one clock). Only
  paints showing a new value count; values superseded before a paint was due
  are not painted at all, by design (repaint at a bounded rate).
* CPU: ``time.process_time()`` of this process over the window (driver +
  services + Qt painting the whole live screen).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import BENCH_DIR, CpuWindow, fmt_ms, load_line, summary_ms, verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def station_config(port: int, tags: int, interval_ms: int, max_fps: int):
    from hmi import config

    lines = [
        "[station]\nsite='B'\narea='B'\nline='B'\nid='BENCH'\nname='Bench'\n",
        f"[machine]\nurl='opc.tcp://127.0.0.1:{port}/openmes/bench'\n",
        "[machine.opcua]\nallow_insecure=true\nsecurity_policy='None'\n",
        f"[ui]\nmax_fps={max_fps}\n",
        "[[machine.tags]]\nname='state'\naddress='ns=2;s=M.State'\ndatatype='uint32'\n",
        "[[machine.tags]]\nname='good_count'\naddress='ns=2;s=M.Good'\ndatatype='uint32'\n",
        "[[machine.tags]]\nname='scrap_count'\naddress='ns=2;s=M.Scrap'\ndatatype='uint32'\n",
    ]
    for i in range(tags):
        dtype = "uint32" if i % 2 == 0 else "float64"
        pv = "true" if i in (1, 3, 5, 7) else "false"
        lines.append(f"[[machine.tags]]\nname='t{i:04d}'\naddress='ns=2;s=T{i:04d}'\n"
                     f"datatype='{dtype}'\nsampling_ms={interval_ms}\nprocess_value={pv}\n")
    return config.parse("\n".join(lines), Path("bench-station.toml"))


class Server:
    """The benchmark OPC UA server, spawned before Qt (qasync's loop does not run subprocesses)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "_common.py"), "opcua-server", "--count",
             str(args.tags), "--interval-ms", str(args.interval_ms), "--machine-tags",
             "--parent-pid", str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("READY "):
                self.port = int(dict(p.split("=", 1) for p in line.split()[1:])["port"])
                return
        raise RuntimeError(f"benchmark server exited: {self.proc.wait()}")


async def run(args: argparse.Namespace, srv: Server) -> int:
    from hmi.devices.base import open_driver
    from hmi.services.production import ProductionMonitor
    from hmi.views.live import LiveView

    cfg = station_config(srv.port, args.tags, args.interval_ms, args.max_fps)
    monitor = ProductionMonitor(cfg)
    view = LiveView(cfg, monitor)
    view.resize(1120, 728)
    view.show()

    painted: list[tuple[float, str]] = []

    from hmi.widgets.tiles import FitLabel

    class TimedLabel(FitLabel):  # the tile's own label class, timed
        def paintEvent(self, ev) -> None:  # noqa: N802 - Qt override
            super().paintEvent(ev)
            painted.append((time.time(), self.text()))

    tile = view.pv_tiles["t0001"]
    old = tile.value
    timed = TimedLabel(old.text(), tile)
    timed.setObjectName("tileValue")
    timed.setMinimumWidth(0)
    tile.layout().itemAt(1).layout().replaceWidget(old, timed)
    old.hide()
    tile.value = timed

    sources: dict[float, float] = {}

    def on_value(tv) -> None:
        if tv.tag == "t0001":
            sources[float(tv.value)] = tv.source_ts.timestamp()
        monitor.on_tag_value(tv)

    driver = open_driver(cfg.machine.url, cfg.device_tags(), on_value=on_value,
                         on_state=monitor.on_connection_state, wait_connected=True)
    await driver.__aenter__()
    print(f"tag change to pixel: {args.tags} tags @ {args.interval_ms} ms, max_fps "
          f"{args.max_fps}, {args.duration:.0f} s; {load_line()}", flush=True)
    await asyncio.sleep(args.warmup)
    painted.clear()
    cpu = CpuWindow(server_pids=(srv.proc.pid,))
    cpu.start()
    await asyncio.sleep(args.duration)
    wall, client_cpu, server_cpu = cpu.read()
    await driver.__aexit__(None, None, None)
    srv.proc.terminate()

    lat: list[float] = []
    shown_prev = None
    unknown = 0
    for t_end, text in painted:
        if text == shown_prev:
            continue  # a repaint of the same value (time in state, a neighbour) is not news
        shown_prev = text
        try:
            src = sources[float(text.replace("\u2009", ""))]
        except (KeyError, ValueError):
            unknown += 1
            continue
        lat.append(t_end - src)
    lat.sort()
    s = summary_ms(lat)
    target = args.interval_ms + 50
    print(f"\n=== tag change to pixel, {args.tags} tags @ {args.interval_ms} ms, "
          f"max_fps {args.max_fps}, {wall:.0f} s ===")
    print(f"new values painted      {len(lat)} ({len(lat) / wall:.1f}/s), unmatched {unknown}")
    print(f"source -> end of paint  {fmt_ms(s, ('p50', 'p95', 'p99', 'max'))}   "
          f"[{verdict(s['p99'] <= target)}: p99 <= {target} ms]")
    print(f"client CPU (driver + services + live screen) {client_cpu:.1f} % of one core; "
          f"server {server_cpu:.1f} %")
    print(load_line())
    return 0 if s["p99"] <= target else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--tags", type=int, default=1000)
    ap.add_argument("--interval-ms", type=int, default=100)
    ap.add_argument("--max-fps", type=int, default=30)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    srv = Server(args)
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from hmi.config import resources_dir

    app.setStyleSheet((resources_dir() / "theme" / "isa101.qss").read_text(encoding="utf-8"))
    try:
        return qasync.run(run(args, srv))
    finally:
        srv.proc.kill()


if __name__ == "__main__":
    sys.exit(main())
