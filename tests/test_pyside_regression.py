"""Regression guard for the PySide6 6.12.0 / CPython 3.11 crash (DEVELOPERS.md)."""

import subprocess
import sys
import textwrap

from hmi.cli import pyside_version, python_guard

LIVE_PLOTTING = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    w = pg.PlotWidget()
    w.resize(800, 400)
    curves = [w.plot(pen=pg.mkPen(c, width=2)) for c in ("r", "g", "b", "k")]
    w.show()
    x = np.arange(5000, dtype=float)
    t0 = time.monotonic()
    frames = 0
    def tick():
        global frames
        frames += 1
        for i, c in enumerate(curves):
            c.setData(x, np.sin(x / 50 + frames / 10 + i))
        w.grab()  # forces a full QPainter paint of every item
        if time.monotonic() - t0 > 4:
            print("frames", frames)
            app.quit()
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(16)
    app.exec()
""")


def test_live_plotting_survives_seconds_of_painting():
    """The crash shows up within seconds of live plotting; this paints for 4 s."""
    proc = subprocess.run([sys.executable, "-c", LIVE_PLOTTING], capture_output=True,
                          text=True, timeout=90)
    assert "none_dealloc" not in proc.stderr
    assert proc.returncode == 0, proc.stderr[-2000:]
    frames = int(proc.stdout.split()[-1])
    assert frames > 20


def test_installed_combination_is_not_the_crashing_one():
    assert python_guard(pyside_version(), sys.version_info[:3]) is None


def test_guard_refuses_pyside_612_on_python_311():
    msg = python_guard("6.12.0", (3, 11, 7))
    assert msg is not None and "Python 3.12" in msg and "6.12.0" in msg
    assert python_guard("6.11.3", (3, 11, 7)) is None
    assert python_guard("6.12.0", (3, 12, 1)) is None
    assert python_guard(None, (3, 12, 1)) is not None
