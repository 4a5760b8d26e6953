"""Render the order screens (queue, instructions, recipe) to PNG, on real services.

    .venv/bin/python bench/render_orders.py [OUTDIR]

A copy of the demo database, the real OrderStack, the main window at 1280×800 and
the simulator over OPC UA for the recipe download (one clean, one the simulated
PLC clamps). Pictures go to ``out/`` (not committed) for looking at them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from hmi import config  # noqa: E402
from hmi.app import _load_theme  # noqa: E402
from hmi.devices.base import open_driver  # noqa: E402
from hmi.devices.sim.model import MachineConfig, MachineModel  # noqa: E402
from hmi.devices.sim.server import SimServer  # noqa: E402
from hmi.services.audit import AuditWriter  # noqa: E402
from hmi.services.auth import AuthService  # noqa: E402
from hmi.services.masterdata import import_file  # noqa: E402
from hmi.services.orderstack import OrderStack  # noqa: E402
from hmi.services.production import ProductionMonitor  # noqa: E402
from hmi.services.session import StationSession  # noqa: E402
from hmi.services.signatures import SignatureService  # noqa: E402
from hmi.services.trace import TraceService  # noqa: E402
from hmi.services.worker import DbWorker  # noqa: E402
from hmi.store.engine import open_store  # noqa: E402
from hmi.store.models import Recipe, RecipeParameter  # noqa: E402
from hmi.views.main_window import MainWindow  # noqa: E402


async def main(out: Path) -> None:
    app = QApplication.instance()
    cfg = config.load(config.demo_config_path())
    tmp = Path(tempfile.mkdtemp())
    engine, sf = open_store(f"sqlite:///{tmp}/station.sqlite")
    import_file(sf, config.resources_dir() / "masterdata" / "demo.toml", station_id="ST-10")
    model = MachineModel(3, config=MachineConfig(random_stops=False))
    server = SimServer(model, port=0, tick_s=0.05)
    await server.start()
    worker = DbWorker()
    session = StationSession(worker)
    monitor = ProductionMonitor(cfg)
    win = MainWindow(cfg, session, monitor)
    win.resize(1280, 800)
    win.show()
    audit = AuditWriter("ST-10")
    auth = AuthService(sf, "ST-10")
    sigs = SignatureService(sf, auth, audit, "ST-10")
    live = {"temperature": (196.2, True)}
    stack = OrderStack(worker, sf, verify_materials=False, station_id="ST-10", line_code="LINE-1", audit=audit,
                       signatures=sigs, tags={t.name: t for t in cfg.device_tags()},
                       read_tag=lambda n: live.get(n, (None, False)))
    stack.start()

    async def settle(pred=lambda: True, n: int = 30) -> None:
        for _ in range(400):
            app.processEvents()
            await asyncio.sleep(0.01)
            if pred():
                n -= 1
                if n <= 0:
                    return

    await settle(lambda: stack.orders.ready and stack.tools.ready)
    async with open_driver(server.urls["opcua"], cfg.device_tags(), on_value=lambda v: None,
                           on_state=lambda s: None) as driver:
        _attach(win, stack, live, driver)
        anna = auth.login("1001", "1234")
        session.actor = anna
        session.sig_user_logged_in.emit(anna)
        win.show_screen("orders")
        ov = win.orders_view
        ov.select("WO-1001")
        ov.do_start()  # blocked: recipe and tools
        await settle()
        win.grab().save(str(out / "orders_blocked_1280x800.png"))

        ov.take_scan(SimpleNamespace(text="DIE-BRK-200-A"))  # wrong die
        await settle()
        win.grab().save(str(out / "orders_wrong_tool_1280x800.png"))
        for code in ("DIE-BRK-100-A", "FIX-NEST-01"):
            ov.take_scan(SimpleNamespace(text=code))
        eva = auth.login("4001", "5678")
        stack.recipes.approve(eva, "RCP-BRK-100", 1, pin="5678").result(20)
        win.open_recipe("WO-1001")
        await settle(lambda: win.recipe_view._view is not None)
        win.grab().save(str(out / "recipe_before_download_1280x800.png"))
        win.recipe_view.do_download()
        await settle(lambda: win.recipe_view._download is not None and not win.recipe_view.busy)
        win.grab().save(str(out / "recipe_downloaded_1280x800.png"))
        win.recipe_view.do_validate(True)
        await settle(lambda: getattr(win.recipe_view._download, "validation", None))
        win.grab().save(str(out / "recipe_validated_1280x800.png"))

        # A recipe the machine cannot hold: the PLC clamps the force to 32 kN.
        with sf.begin() as s:
            s.add(Recipe(code="RCP-BRK-100", version=2, status="draft", name="Press 10 - BRK-100",
                         product_code="BRK-100", equipment_code="ST-10", source="render",
                         parameters=[RecipeParameter(position=1, name="press_force",
                                                     tag="press_force_sp", value=34.0, unit="kN",
                                                     min_value=10, max_value=35, tolerance=1.5,
                                                     actual_tag="press_force"),
                                     RecipeParameter(position=2, name="hold_time",
                                                     tag="hold_time_sp", value=0.4, unit="s",
                                                     min_value=0.1, max_value=2)]))
        stack.recipes.approve(eva, "RCP-BRK-100", 2, pin="5678").result(20)
        win.open_recipe("WO-1001")
        await settle(lambda: win.recipe_view._view is not None
                     and win.recipe_view._view.version == 2)
        win.recipe_view.do_download()
        await settle(lambda: win.recipe_view._download is not None and not win.recipe_view.busy
                     and getattr(win.recipe_view._download, "version", 0) == 2)
        win.grab().save(str(out / "recipe_mismatch_1280x800.png"))
        win.open_recipe_versions("RCP-BRK-100")
        rv = win.recipe_versions_view
        await settle(lambda: len(rv.infos) == 2)
        rv.pick(1)
        rv.pick(2)
        await settle(lambda: "compared with" in rv.compare_title.text())
        win.grab().save(str(out / "recipe_versions_diff_1280x800.png"))
        tools = stack.tools
        tools.on_parts(46_000)
        win.open_tools()
        await settle()
        win.grab().save(str(out / "tools_warning_1280x800.png"))

        # Instructions: the safety step, the PDF page, a wrong scan, a limit, the sign-off.
        win.open_instructions("WO-1001")
        await settle(lambda: stack.instructions.run() is not None)
        iv = win.instructions_view
        iv.refresh(jump=True)
        await settle()
        win.grab().save(str(out / "steps_1_warning_1280x800.png"))
        iv.do_primary()
        await settle(lambda: 1 in stack.instructions.run().records)
        win.grab().save(str(out / "steps_2_pdf_1280x800.png"))
        iv.do_primary()
        await settle(lambda: 2 in stack.instructions.run().records)
        win.grab().save(str(out / "steps_3_picture_scan_1280x800.png"))
        iv.take_scan(SimpleNamespace(text="DIE-BRK-100-A"))
        await settle(lambda: 3 in stack.instructions.run().records)
        iv.take_scan(SimpleNamespace(text="BUSH-16"))
        await settle()
        win.grab().save(str(out / "steps_4_wrong_part_1280x800.png"))
        iv.take_scan(SimpleNamespace(text="BUSH-12"))
        await settle(lambda: 4 in stack.instructions.run().records)
        iv.do_primary()
        await settle(lambda: 5 in stack.instructions.run().records)
        iv.do_primary()  # the reading: 196.2 °C is above 190
        await settle()
        win.grab().save(str(out / "steps_6_reading_refused_1280x800.png"))
        live["temperature"] = (181.0, True)
        iv.do_primary()
        await settle(lambda: 6 in stack.instructions.run().records)
        for key in "45":
            iv.keypad.press(key)
        iv.do_primary()
        await settle()
        win.grab().save(str(out / "steps_7_out_of_limits_1280x800.png"))
        iv.value.clear()
        for key in "22.5":
            iv.keypad.press(key)
        iv.do_primary()
        await settle(lambda: 7 in stack.instructions.run().records)
        win.grab().save(str(out / "steps_8_signoff_1280x800.png"))
        win.show_screen("orders")
        await settle()
        win.grab().save(str(out / "orders_ready_1280x800.png"))

        # Inspection form: start the order (recipe check taken out for the picture).
        stack.registry.unregister("recipe.ready")
        stack.orders.start(anna, "WO-1001")
        await settle(lambda: stack.inspections.run() is not None)
        stack.on_fact("production_count", {"kind": "good", "increment": 1})
        win.open_inspections("WO-1001")
        insp = win.inspection_view
        await settle(lambda: any(c.severity != "normal" for c in insp.list.shown))
        insp.select("BUSH-DEPTH")
        insp.take_scan(SimpleNamespace(text="G-17"))
        await settle()
        win.grab().save(str(out / "inspection_gauge_overdue_1280x800.png"))
        insp.take_scan(SimpleNamespace(text="G-12"))
        for f, v in zip(insp.fields, ("12.01", "11.98", "12.25", "12.00", "12.02"),
                        strict=False):
            f.setText(v)
        insp.save()
        await settle(lambda: insp.verdict.isVisible())
        win.grab().save(str(out / "inspection_fail_1280x800.png"))
        stack.holds.place(anna, "order", "WO-1001", "Depth above USL on the first piece",
                          order_code="WO-1001")
        await settle()
        win.grab().save(str(out / "inspection_hold_banner_1280x800.png"))

        # Quality screen: sign-off (first piece failed above), the hold, the SPC chart.
        await settle(lambda: not stack.quality.busy and not stack.holds.busy)
        stack.holds.on_parts("WO-1001", 7)
        win.show_screen("quality")
        qv = win.quality_view
        qv.show_page("signoff")
        await settle()
        win.grab().save(str(out / "quality_signoff_1280x800.png"))
        qv.show_page("holds")
        qv.holds.refresh()
        await settle()
        win.grab().save(str(out / "quality_holds_1280x800.png"))
        qv.show_page("spc")
        await settle()
        win.grab().save(str(out / "quality_spc_1280x800.png"))
        # Materials: lots scanned (one wrong), parts made; then the trace of a unit.
        win.open_materials("WO-1001")
        mv = win.materials_view
        for text in ("]C1010401234510001317271231" "10STB-1\x1d30500",
                     "]C1010401234510002017271231" "10B12-1\x1d3060",
                     "]C1010401234510005117271231" "10GR-1\x1d302000"):
            mv.take_scan(SimpleNamespace(text=text, symbology=None))
            await settle(lambda: not stack.materials.busy)
        for _ in range(15):
            stack.on_fact("production_count", {"kind": "good", "increment": 1})
        stack.materials.flush()
        await settle(lambda: not stack.materials.busy)
        mv.take_scan(SimpleNamespace(text="]C1010401234510003717271231" "10B16-1\x1d30100",
                                     symbology=None))
        await settle()
        win.grab().save(str(out / "materials_1280x800.png"))
        from sqlalchemy import select

        from hmi.store.models import ProducedUnit

        with sf() as s:
            serial = s.scalars(select(ProducedUnit.identifier).order_by(
                ProducedUnit.seq.desc())).first()
        win.show_screen("quality")
        qv.show_page("trace")
        qv.trace.code.setText(serial)
        qv.trace.backward_button.click()
        await settle()
        win.grab().save(str(out / "trace_backward_1280x800.png"))
        qv.trace.code.setText("B12-1")
        qv.trace.forward_button.click()
        await settle()
        win.grab().save(str(out / "trace_forward_1280x800.png"))
    stack.shutdown()
    worker.shutdown()
    await server.stop()
    engine.dispose()
    print("written to", out)


def _attach(win: MainWindow, stack: OrderStack, live: dict, driver) -> None:
    """Only the order screens (the downtime/alarm services are not needed here)."""
    svc = SimpleNamespace(orders=stack.orders, tools=stack.tools, instructions=stack.instructions,
                          recipes=stack.recipes, inspections=stack.inspections, holds=stack.holds,
                          quality=stack.quality, materials=stack.materials,
                          trace=TraceService(stack.orders._worker, stack.orders._sf, "ST-10",
                                             Path(tempfile.mkdtemp()) / "reports"),
                          read_tag=lambda n: live.get(n, (None, False)),
                          media_root=config.resources_dir() / "masterdata",
                          driver=lambda: driver)
    win._services = svc
    win._attach_order_screens(svc)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    out.mkdir(exist_ok=True)
    app = QApplication([])
    _load_theme(app)
    asyncio.run(main(out))
