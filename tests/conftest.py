"""Shared test set-up.

Qt runs offscreen. Servers that many tests share (PostgreSQL, the machine
simulator) are session-scoped fixtures in ``tests/fixtures``; under xdist each
worker starts its own instance on a free port.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HMI_NO_USER_CONFIG", "1")

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.ptys",
    "tests.fixtures.simulator",
    "tests.fixtures.station",
]
