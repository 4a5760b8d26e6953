"""Orders, start checks and recipe downloads: how long the operator waits.

    .venv/bin/python bench/orders.py [--orders 1000] [--downloads 20]

* **ERP import**: a B2MML ProductionSchedule with N orders (one operation each,
  recipe, instruction and plan referenced) into a copy of the demo database:
  parse + XSD validation + reference checks + one transaction; then the same
  file again (nothing to write).
* **Queue load**: ``OrderService.reload`` with those N orders (plus the demo's)
  and a day of production counts (28,800 count events) in the store.
* **Start check**: ``OrderService.check_start`` for an order whose tools are
  mounted and whose recipe is approved, downloaded and validated — what runs on
  the GUI thread when Start is pressed.
* **Recipe download**: approve once, then N downloads of the demo recipe (5
  parameters: limit check, write with read-back, read all back, compare, event)
  to the simulator over OPC UA and over Modbus TCP, timed from the call to the
  stored event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication  # noqa: E402

from hmi import config  # noqa: E402

NS = "http://www.mesa.org/xml/B2MML-V0600"


def b2mml(n: int) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<ProductionSchedule xmlns="{NS}">',
             "<ID>PS-BENCH</ID>"]
    for i in range(n):
        parts.append(f"""<ProductionRequest><ID>WO-B{i:05d}</ID>
<EndTime>2026-03-{1 + i % 28:02d}T14:00:00+01:00</EndTime><Priority>{1 + i % 9}</Priority>
<SegmentRequirement><ID>10</ID><ProcessSegmentID>Press bushing</ProcessSegmentID>
<ProductionParameter><ID>RecipeID</ID><Value><ValueString>RCP-BRK-100</ValueString></Value></ProductionParameter>
<ProductionParameter><ID>WorkInstructionID</ID><Value><ValueString>WI-PRESS-BUSH</ValueString></Value></ProductionParameter>
<EquipmentRequirement><EquipmentID>ST-10</EquipmentID></EquipmentRequirement>
<MaterialProducedRequirement><MaterialDefinitionID>BRK-100</MaterialDefinitionID>
<Quantity><QuantityString>{100 + i}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity>
</MaterialProducedRequirement></SegmentRequirement></ProductionRequest>""")
    parts.append("</ProductionSchedule>")
    return "\n".join(parts)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def wait(pred, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not pred():
        QCoreApplication.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("bench: waited too long")
        time.sleep(0.002)


async def downloads(stack, eva, anna, cfg, url: str, n: int) -> list[float]:
    from hmi.devices.base import open_driver

    times = []
    async with open_driver(url, cfg.device_tags(), on_value=lambda v: None,
                           on_state=lambda s: None) as driver:
        for _ in range(n):
            t0 = time.perf_counter()
            result = await stack.recipes.download(anna, "RCP-BRK-100", 1, order_code="WO-1001",
                                                  operation_sequence=10, driver=driver)
            times.append(time.perf_counter() - t0)
            if not result.ok:
                raise SystemExit(f"download failed: {result.message}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orders", type=int, default=1000)
    ap.add_argument("--downloads", type=int, default=20)
    args = ap.parse_args()
    app = QCoreApplication([])
    from hmi.devices.sim.model import MachineConfig, MachineModel
    from hmi.devices.sim.server import SimServer
    from hmi.services.audit import AuditWriter
    from hmi.services.auth import AuthService
    from hmi.services.erp import import_orders
    from hmi.services.masterdata import import_file
    from hmi.services.orderstack import OrderStack
    from hmi.services.signatures import SignatureService
    from hmi.services.worker import DbWorker
    from hmi.store.engine import open_store
    from tests.fixtures.simulator import LoopThread

    cfg = config.load(config.demo_config_path())
    tmp = Path(tempfile.mkdtemp())
    engine, sf = open_store(f"sqlite:///{tmp}/station.sqlite")
    import_file(sf, config.resources_dir() / "masterdata" / "demo.toml", station_id="ST-10")
    xml = tmp / "schedule.xml"
    xml.write_text(b2mml(args.orders), encoding="utf-8")
    print(f"orders bench: {args.orders} orders in B2MML ({xml.stat().st_size / 1e6:.2f} MB), "
          f"{args.downloads} downloads per protocol", flush=True)

    t0 = time.perf_counter()
    report = import_orders(sf, xml, station_id="ST-10")
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = import_orders(sf, xml, station_id="ST-10")
    t_again = time.perf_counter() - t0
    print(f"ERP import            {ms(t_import)} for {args.orders} orders "
          f"({t_import / args.orders * 1000:.2f} ms per order); {report.summary()}")
    print(f"ERP re-import         {ms(t_again)} (nothing written: {again.summary()})")

    # A day of counts (one part every 3 s) so the queue's quantities have work to do.
    import datetime as dt

    t = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)
    from hmi.store.events import append_event
    from hmi.store.models import ProductionCountEvent

    with sf.begin() as s:
        for i in range(28_800):
            append_event(s, ProductionCountEvent(
                station_id="ST-10", equipment_code="ST-10", counter="good", good_increment=1,
                raw_counter=i, source_ts=t + dt.timedelta(seconds=3 * i)))

    worker = DbWorker()
    audit = AuditWriter("ST-10")
    auth = AuthService(sf, "ST-10")
    sigs = SignatureService(sf, auth, audit, "ST-10")
    stack = OrderStack(worker, sf, verify_materials=False, station_id="ST-10", line_code="LINE-1", audit=audit,
                       signatures=sigs, tags={t.name: t for t in cfg.device_tags()})
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        stack.orders.reload()
        wait(lambda: stack.orders.ready and not stack.orders.busy)
        loads.append(time.perf_counter() - t0)
    stack.tools.reload()
    wait(lambda: stack.tools.ready)
    print(f"queue reload          median {ms(statistics.median(loads))}, max {ms(max(loads))} "
          f"({len(stack.orders.queue())} orders in the queue, 28,800 count events)")

    anna = auth.login("1001", "1234")
    eva = auth.login("4001", "5678")
    stack.recipes.approve(eva, "RCP-BRK-100", 1, pin="5678").result(30)
    for code in ("DIE-BRK-100-A", "FIX-NEST-01"):
        stack.tools.scan(anna, code, "WO-1001")
    wait(lambda: not stack.tools.busy)

    loop = LoopThread()
    model = MachineModel(9, config=MachineConfig(random_stops=False))
    server = SimServer(model, port=0, tick_s=0.05, modbus_port=0)
    loop.run(server.start())
    try:
        for face, url in (("OPC UA", server.urls["opcua"]),
                          ("Modbus TCP", server.urls["modbus"])):
            face_cfg = cfg if face == "OPC UA" else config.load(
                config.resources_dir() / "stations" / "demo-modbus.toml")
            times = asyncio.run(downloads(stack, eva, anna, face_cfg, url, args.downloads))
            print(f"recipe download {face:<10} p50 {ms(statistics.median(times))}, "
                  f"max {ms(max(times))} (5 parameters: check, write + read-back, read all, "
                  f"compare, event)")
    finally:
        loop.run(server.stop())
        loop.close()
    last = stack.recipes.last_download("WO-1001", 10).result(10)
    stack.recipes.validate(anna, last.event_id, True).result(10)
    checks = []
    for _ in range(50):
        t0 = time.perf_counter()
        blockers = stack.orders.check_start(anna, "WO-1001")
        checks.append(time.perf_counter() - t0)
    assert not blockers, blockers
    checks.sort()
    print(f"start check (GUI)     p50 {ms(checks[len(checks) // 2])}, "
          f"p99 {ms(checks[int(len(checks) * 0.99) - 1])} (tooling.verified + recipe.ready, "
          f"both passing)")
    stack.shutdown()
    worker.shutdown()
    engine.dispose()
    del app


if __name__ == "__main__":
    main()
