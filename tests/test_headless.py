"""`hmi --headless`: the station without a window records production, says where it writes
and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HMI = [sys.executable, "-m", "hmi"]


def _env() -> dict[str, str]:
    env = dict(os.environ, HMI_NO_USER_CONFIG="1")
    env.pop("QT_QPA_PLATFORM", None)  # headless needs no platform plugin at all
    return env


def _wait_for(predicate, timeout: float, what: str, proc=None, err: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.1)
    tail = err.read_text(errors="replace")[-3000:] if err is not None and err.exists() else ""
    raise AssertionError(f"{what} did not happen within {timeout} s\n{tail}")


def _counts(db: Path) -> tuple[int, int]:
    """(production count events, good parts) in the station's store."""
    if not db.exists():
        return 0, 0
    con = sqlite3.connect(db, timeout=5)
    try:
        return con.execute("SELECT count(*), coalesce(sum(good_increment), 0) "
                           "FROM production_count_event").fetchone()
    except sqlite3.OperationalError:  # not migrated yet
        return 0, 0
    finally:
        con.close()


def test_demo_station_headless_records_counts_and_stops_on_sigterm(tmp_path):
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen([*HMI, "--headless", "--demo", "--data-dir", str(tmp_path),
                                 "--print-commits"], stdout=fo, stderr=fe, cwd=ROOT,
                                env=_env())
    try:
        db = tmp_path / "demo" / "station.sqlite"
        _wait_for(lambda: "READY" in out.read_text(), 60, "READY", proc, err)
        text = out.read_text()
        # Says where it writes, first thing.
        assert text.splitlines()[0].startswith("HEADLESS station=ST-10 ")
        assert f"store=sqlite:///{db}" in text
        # The demo machine (simulator, cycle 1.5 s) makes parts: they become events.
        _wait_for(lambda: _counts(db)[1] >= 1, 30, "a good part recorded", proc, err)
        buffers = tmp_path / "diag" / "devices.txt"  # for `hmi diagnostics`
        buffers.unlink(missing_ok=True)  # the minute's copy: the one written at stop counts
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, err.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    text = out.read_text()
    assert text.rstrip().endswith("STOPPED")
    assert "[machine]" in buffers.read_text()  # the driver's last link events, at shutdown
    events, good = _counts(db)
    assert events >= 1 and good >= 1
    # Every commit line names events that are in the store (counter == max seq printed).
    con = sqlite3.connect(db)
    last_seq = con.execute("SELECT last_seq FROM station_sequence WHERE station_id='ST-10'"
                           ).fetchone()[0]
    con.close()
    printed = [int(line.split()[2]) for line in text.splitlines() if line.startswith("COMMIT ")]
    assert printed and max(printed) == last_seq
    assert "Traceback" not in err.read_text()


def test_headless_import_pulls_in_no_widgets_and_no_qasync():
    code = ("import sys, hmi.headless; "
            "print(sorted(m for m in ('PySide6.QtWidgets', 'PySide6.QtGui', 'qasync', "
            "'hmi.app', 'hmi.views') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_bad_station_file_is_refused_with_the_reason(tmp_path):
    bad = tmp_path / "station.toml"
    bad.write_text("[station]\nid = 5\n", encoding="utf-8")
    proc = subprocess.run([*HMI, "--headless", "--config", str(bad), "--data-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=_env())
    assert proc.returncode == 2
    assert "station file is invalid" in proc.stderr and str(bad) in proc.stderr
    assert not (tmp_path / "station.sqlite").exists()


@pytest.mark.parametrize("load", [3000])
def test_load_option_writes_through_group_commit_and_sigterm_commits_the_rest(
        tmp_path, sim_server, load):
    """With --load the station writes synthetic events through the group-commit writer;
    SIGTERM stops it with everything submitted committed: the last printed commit is the
    end of the store's sequence, and the store's sequence is gap-free."""
    sys.path.insert(0, str(ROOT / "bench"))
    from sync_kill import check_store, write_station_file

    station = write_station_file(tmp_path / "station.toml", sim_server.url)
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen([*HMI, "--headless", "--config", str(station), "--data-dir",
                                 str(tmp_path), "--print-commits", "--load", str(load)],
                                stdout=fo, stderr=fe, cwd=ROOT, env=_env())
    try:
        _wait_for(lambda: out.read_text().count("COMMIT ") > 20, 60, "20 commits", proc, err)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, err.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    lines = [line.split() for line in out.read_text().splitlines() if line.startswith("COMMIT")]
    check = check_store(tmp_path / "demo" / "station.sqlite")
    assert check.integrity == "ok" and check.gap_free
    assert max(int(w[2]) for w in lines) == check.max_seq  # nothing written unconfirmed
    assert sum(int(w[3]) for w in lines) == check.rows  # every event was confirmed once
    assert check.rows > load  # more than a second's worth: the load really ran
