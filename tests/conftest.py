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


import pytest  # noqa: E402


@pytest.fixture
def themed(qapp):
    """The station's real QSS theme for this test (sizes depend on it); restored after."""
    from hmi.app import _load_theme

    before = qapp.styleSheet()
    _load_theme(qapp)
    yield qapp
    qapp.setStyleSheet(before)
