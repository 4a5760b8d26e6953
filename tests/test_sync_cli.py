"""``hmi sync status|quarantine``: what waits and what the central side refused, offline."""

from __future__ import annotations

import shutil

from hmi.cli import main
from hmi.store.engine import open_store
from hmi.store.models import SyncQuarantine


def test_status_and_quarantine_listing_and_resolving(demo_db_template, tmp_path, capsys):
    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)  # the demo station file: {data_dir}/demo/station.sqlite
    shutil.copy(demo_db_template, data / "demo" / "station.sqlite")
    engine, sf = open_store(f"sqlite:///{data / 'demo' / 'station.sqlite'}")
    with sf() as s:
        s.add(SyncQuarantine(peer="central", direction="push", table_name="alarm_event",
                             row_key="ST-10/42", station_id="ST-10", seq=42,
                             reason="value too long for type character varying(64)"))
        s.commit()
        entry = s.query(SyncQuarantine).one().id
    engine.dispose()

    assert main(["sync", "status", "--demo", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "1 refused row(s) waiting for an admin" in out and "standalone" in out

    assert main(["sync", "quarantine", "--demo", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "alarm_event ST-10/42" in out and "value too long" in out

    assert main(["sync", "quarantine", "--demo", "--data-dir", str(data),
                 "--resolve", str(entry)]) == 2
    assert "--note" in capsys.readouterr().err
    assert main(["sync", "quarantine", "--demo", "--data-dir", str(data), "--resolve",
                 str(entry), "--note", "alarm text shortened centrally", "--by", "5001"]) == 0
    assert main(["sync", "quarantine", "--demo", "--data-dir", str(data)]) == 0
    assert "no refused rows" in capsys.readouterr().out
