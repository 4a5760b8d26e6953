"""The live screen fed by the real simulator over OPC UA (config → device → service → view)."""

import asyncio
import threading

import pytest
from PySide6.QtCore import QObject, Signal

from hmi import config
from hmi.devices.base import open_driver
from hmi.devices.sim.launcher import SimulatorProcess
from hmi.services.production import ProductionMonitor
from hmi.services.session import StationSession
from hmi.services.worker import DbWorker
from hmi.views.live import LiveView
from hmi.views.main_window import MainWindow


class Bridge(QObject):
    """Driver callbacks come from the driver's thread; Qt queues them to the GUI thread."""

    value = Signal(object)
    state = Signal(object)


class DriverThread:
    """Runs the ordinary OPC UA driver on its own asyncio loop in a thread."""

    def __init__(self, url, tags, bridge):
        self.url, self.tags, self.bridge = url, tags, bridge
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        self.driver = open_driver(self.url, self.tags, on_value=self.bridge.value.emit,
                                  on_state=self.bridge.state.emit, wait_connected=False)
        self.call(self.driver.__aenter__())
        return self

    def call(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def __exit__(self, *exc):
        self.call(self.driver.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def demo_cfg():
    return config.load(config.demo_config_path())


def wire(cfg):
    monitor = ProductionMonitor(cfg)
    bridge = Bridge()
    bridge.value.connect(monitor.on_tag_value)
    bridge.state.connect(monitor.on_connection_state)
    return monitor, bridge


def test_live_screen_follows_the_simulator(qtbot, sim_server, demo_cfg):
    monitor, bridge = wire(demo_cfg)
    view = LiveView(demo_cfg, monitor)
    qtbot.addWidget(view)
    view.resize(1120, 728)
    view.show()
    with DriverThread(sim_server.url, demo_cfg.device_tags(), bridge):
        qtbot.waitUntil(lambda: monitor.snapshot.has_live_data, timeout=10_000)
        qtbot.waitUntil(lambda: monitor.snapshot.good >= 2, timeout=15_000)
        qtbot.waitUntil(lambda: view.good_tile.value.text() not in ("—", "0"), timeout=5_000)
        first = int(view.good_tile.value.text().replace("\u2009", ""))
        qtbot.waitUntil(
            lambda: int(view.good_tile.value.text().replace("\u2009", "")) > first, timeout=15_000)
        assert not view.good_tile.is_stale and not view.state_tile.is_stale
        assert view.state_tile.value.text() in (
            "RUNNING", "IDLE", "STARVED", "BLOCKED", "CHANGEOVER", "STOPPED") or \
            view.state_tile.value.text().startswith("FAULTED")
        temp = view.pv_tiles["temperature"]
        assert temp.value.text() != "—" and not temp.is_stale
        qtbot.waitUntil(lambda: view.trend.paints > 0, timeout=5_000)


def test_lost_machine_link_marks_every_value_stale(qtbot, demo_cfg):
    """A dropped PLC: the header says so and no tile keeps showing a value as current."""
    loop = asyncio.new_event_loop()
    sim = SimulatorProcess()
    url = loop.run_until_complete(sim.start(seed=3, speed=4.0))
    monitor, bridge = wire(demo_cfg)
    worker = DbWorker()
    win = MainWindow(demo_cfg, StationSession(worker), monitor)
    qtbot.addWidget(win)
    win.build_screens()
    win.show()
    try:
        with DriverThread(url, demo_cfg.device_tags(), bridge):
            qtbot.waitUntil(lambda: monitor.snapshot.has_live_data, timeout=10_000)
            qtbot.waitUntil(lambda: not win.login_view.good_tile.is_stale, timeout=5_000)
            assert win.header.link.text() == "Link OK" and not win.header.link.isVisible()
            loop.run_until_complete(sim.stop())
            qtbot.waitUntil(lambda: not monitor.snapshot.connected, timeout=10_000)
            qtbot.waitUntil(lambda: win.live_view.good_tile.is_stale, timeout=5_000)
            for tile in (win.live_view.state_tile, win.live_view.good_tile,
                         win.live_view.scrap_tile, *win.live_view.pv_tiles.values(),
                         win.login_view.state_tile, win.login_view.good_tile):
                assert tile.is_stale, tile.title.text()
                assert tile.note.text().startswith("STALE"), tile.note.text()
            assert "reconnecting" in win.header.link.text()
            assert win.header.link.property("severity") == "alarm"
            assert win.header.state.property("severity") == "unknown"
    finally:
        loop.run_until_complete(sim.stop())
        loop.close()
        worker.shutdown()
