"""Station file validation: bad files are refused naming file, key and reason."""

from pathlib import Path

import pytest

from hmi import config
from hmi.config import ConfigError

DEMO = config.demo_config_path()


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "station.toml"
    p.write_text(text, encoding="utf-8")
    return p


def demo_with(old: str, new: str) -> str:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def test_shipped_examples_are_valid():
    demo = config.load(DEMO)
    assert demo.station.id == "ST-10" and demo.machine.scheme == "sim"
    assert {t.name for t in demo.process_tags()} == {"temperature", "pressure", "speed"}
    real = config.load(config.resources_dir() / "stations" / "opcua-machine.toml")
    assert real.machine.scheme == "opc.tcp" and real.ui.kiosk is True


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ('url = "sim://demo"', 'url = "ftp://plc"', "machine.url", "scheme must be one of"),
        ('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"', "station.timezone",
         "unknown time zone 'Mars/Olympus'"),
        ('datatype = "uint32"', 'datatype = "uint33"', "machine.tags[1].datatype", "'uint32'"),
        ('name = "good_count"', 'name = "state"', "machine", "repeated: state"),
        ('name = "scrap_count"', 'name = "rejects"', "machine", "missing: scrap_count"),
        ("max_fps = 30", "max_fps = 0", "ui.max_fps", "greater than or equal to 1"),
        ("kiosk = false", "kiosk = false\nfullscreen = true", "ui.fullscreen", "unknown key"),
        ("low_limit = 170.0", "low_limit = 200.0", "machine.tags[5]", "must be below high_limit"),
        ('1 = "running"', '1 = "sprinting"', "machine.state_codes.1", "'running'"),
        ('# central_url = "postgresql+psycopg://mes@mes-db.plant.local/mes"',
         'central_url = "mysql://mes@db/mes"', "database.central_url", "PostgreSQL URL"),
    ],
)
def test_bad_station_files_name_file_key_and_reason(tmp_path, old, new, key, reason):
    path = write(tmp_path, demo_with(old, new))
    with pytest.raises(ConfigError) as info:
        config.load(path)
    text = str(info.value)
    line = next((ln for ln in text.splitlines() if f": {key}" in ln), None)
    assert line is not None, f"no error for key {key!r} in:\n{text}"
    assert line.startswith(str(path)), line
    assert reason in line, line


def test_syntax_error_reports_line(tmp_path):
    path = write(tmp_path, '[station]\nsite = "A\n')
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert "not valid TOML" in str(info.value) and "line 2" in str(info.value)


def test_missing_sections_are_all_listed(tmp_path):
    path = write(tmp_path, "[ui]\nkiosk = true\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert info.value.errors == ["station: required key is missing",
                                 "machine: required key is missing"]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        config.load(tmp_path / "nope.toml")


def test_relative_paths_resolve_against_the_file(tmp_path):
    cfg = config.load(DEMO)
    assert cfg.resolve_path("../masterdata/demo.toml", tmp_path) == \
        DEMO.parent / "../masterdata/demo.toml"
    assert cfg.local_db_url(tmp_path) == f"sqlite:///{tmp_path}/demo/station.sqlite"


def test_cli_refuses_invalid_file_with_exit_code_2(tmp_path, capsys):
    from hmi.cli import main

    path = write(tmp_path, demo_with('url = "sim://demo"', 'url = "ftp://plc"'))
    assert main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "station file is invalid" in err and "machine.url" in err


def test_rtu_poll_plan_the_line_cannot_carry_is_refused_at_load(tmp_path):
    text = """
[station]
site = "S"
area = "A"
line = "L"
id = "ST-1"
name = "RTU press"
[machine]
url = "modbus+rtu:///dev/ttyUSB0?baud=9600"
[[machine.tags]]
name = "state"
address = "hr:0"
datatype = "int16"
sampling_ms = %d
[[machine.tags]]
name = "good_count"
address = "hr:100"
datatype = "uint32"
sampling_ms = %d
[[machine.tags]]
name = "scrap_count"
address = "hr:300"
datatype = "uint32"
sampling_ms = %d
"""
    with pytest.raises(config.ConfigError) as info:
        config.parse(text % (10, 10, 10), tmp_path / "rtu.toml")
    msg = str(info.value)
    assert "rtu.toml: machine: RTU line /dev/ttyUSB0 at 9600 baud 8E1 cannot carry" in msg
    assert "sampling_ms ≥" in msg
    # At a rate the line can carry the same file loads.
    cfg = config.parse(text % (500, 500, 500), tmp_path / "rtu.toml")
    assert cfg.machine.scheme == "modbus+rtu"
    with pytest.raises(config.ConfigError, match="machine: .*parity"):
        config.parse((text % (500, 500, 500)).replace("baud=9600", "baud=9600&parity=X"),
                     tmp_path / "rtu.toml")
