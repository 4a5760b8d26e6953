"""The `hmi` command end to end, through the real composition root."""

import os
import sqlite3
import subprocess
import sys

from PySide6.QtGui import QImage

from hmi import __version__, config


def hmi(*args, timeout=90, env_extra=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "hmi", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_demo_screenshot_shows_live_data_from_the_simulator(tmp_path):
    png = tmp_path / "demo.png"
    proc = hmi("--demo", "--data-dir", str(tmp_path / "data"), "--screenshot", str(png),
               "--trace-startup")
    assert proc.returncode == 0, proc.stderr[-3000:]
    marks = dict(line.split()[1:] for line in proc.stderr.splitlines()
                 if line.startswith("STARTUP "))
    assert {"login_painted", "simulator_ready", "first_live_value", "store_ready"} <= set(marks)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 800)
    # The station's own database was created, migrated and filled.
    assert (tmp_path / "data" / "demo" / "station.sqlite").stat().st_size > 0
    # Process values went to the local history, with good quality.
    with sqlite3.connect(tmp_path / "data" / "demo" / "history.sqlite") as db:
        rows = dict(db.execute("SELECT t.name, count(*) FROM raw r JOIN tags t ON t.id = r.tag_id "
                               "WHERE r.quality = 0 GROUP BY t.name"))
    assert {"temperature", "pressure"} <= set(rows) and rows["temperature"] >= 2
    # Bare stderr carries no Qt noise: Qt's messages go through logging.
    assert "propagateSizeHints" not in proc.stderr


def test_screenshot_fails_clearly_when_the_machine_is_unreachable(tmp_path):
    text = config.demo_config_path().read_text(encoding="utf-8")
    text = text.replace('url = "sim://demo"', 'url = "opc.tcp://127.0.0.1:9/none"')
    text = text.replace('masterdata = ["../masterdata/demo.toml"]', "masterdata = []")
    station = tmp_path / "station.toml"
    station.write_text(text, encoding="utf-8")
    png = tmp_path / "x.png"
    proc = hmi("--config", str(station), "--data-dir", str(tmp_path / "data"),
               "--screenshot", str(png), "--screenshot-timeout", "4")
    assert proc.returncode == 2
    assert "no changing live machine data within 4 s" in proc.stderr
    assert not png.exists()


def test_version_and_invalid_station_file(tmp_path):
    assert hmi("--version").stdout.strip() == f"hmi {__version__}"
    bad = tmp_path / "bad.toml"
    bad.write_text("[station]\nsite = 'A'\n", encoding="utf-8")
    proc = hmi("--config", str(bad))
    assert proc.returncode == 2
    assert f"{bad}: station.area: required key is missing" in proc.stderr


def test_masterdata_import_command_is_all_or_nothing(tmp_path):
    data = str(tmp_path / "data")
    ok = hmi("masterdata", "import", str(config.resources_dir() / "masterdata" / "demo.toml"),
             "--demo", "--data-dir", data)
    assert ok.returncode == 0, ok.stderr
    assert "products: 3 new version(s)" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('format_version = 1\n[[products]]\ncode = "X-1"\nname = "X"\n'
                   'unit = "pcs"\nideal_cycle_time_s = -1\n', encoding="utf-8")
    proc = hmi("masterdata", "import", str(bad), "--demo", "--data-dir", data)
    assert proc.returncode == 2
    assert "nothing was imported" in proc.stderr
    assert "bad.toml: products[0] (code 'X-1').ideal_cycle_time_s" in proc.stderr
