"""Secrets stay out of config dumps and logs; secret files must be private
(hmi/secrets.py, hmi/logsetup.py, ``hmi config show``; docs/upkeep.md)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from hmi.secrets import (
    Scrubber,
    SecretError,
    is_secret_key,
    read_secret,
    redact,
    redact_text,
)

PW = "Tr0ub4dor-x91"


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize("key", ["password", "central_password", "PGPASSWORD", "db_passwd",
                                 "client_secret", "pin", "api_key", "auth_token", "passphrase",
                                 "private_key"])
def test_secret_keys(key):
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["password_file", "central_password_file", "max_pin_failures",
                                 "on_screen_keyboard", "token_ttl_s", "pki_dir", "username",
                                 "keyword", "spinning"])
def test_keys_that_only_look_like_secrets(key):
    assert not is_secret_key(key)


@pytest.mark.parametrize("raw, shown", [
    (f"postgresql+psycopg://mes:{PW}@db/plant", "postgresql+psycopg://mes:***@db/plant"),
    (f"connect failed: host=db user=mes password={PW} dbname=plant",
     "connect failed: host=db user=mes password=*** dbname=plant"),
    (f'{{"user": "mes", "password": "{PW}"}}', '{"user": "mes", "password": "***"}'),
    ("badge 1001 pin=4711 refused", "badge 1001 pin=*** refused"),
    (f"PGPASSWORD={PW} psql", "PGPASSWORD=*** psql"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
     "-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY-----"),
    # left alone: ports, paths to secret files, counters
    ("opc.tcp://10.0.0.5:4840", "opc.tcp://10.0.0.5:4840"),
    ("password_file=/etc/hmi/db.pw max_pin_failures=5", "password_file=/etc/hmi/db.pw max_pin_failures=5"),
])
def test_redact_text(raw, shown):
    assert redact_text(raw) == shown


def test_redact_a_config_dump_keeps_its_shape():
    dump = {"database": {"central_url": f"postgresql://mes:{PW}@db/plant",
                         "central_password_file": "/etc/hmi/db.pw"},
            "security": {"max_pin_failures": 5},
            "service": {"password": PW, "token": "", "list": [f"https://u:{PW}@h/x"]}}
    out = redact(dump)
    assert PW not in repr(out)
    assert out["database"]["central_password_file"] == "/etc/hmi/db.pw"
    assert out["security"]["max_pin_failures"] == 5
    assert out["service"] == {"password": "***", "token": "", "list": ["https://u:***@h/x"]}


def test_scrubber_removes_known_values_in_any_wording():
    s = Scrubber([PW, "12"])                          # too short to mask: ignored
    assert s.text(f"the password is {PW}, twelve is 12") == "the password is ***, twelve is 12"
    assert s.data(PW.encode() * 2) == b"******"


# --------------------------------------------------------------------------- reading secrets


def private(path: Path, content: str, mode: int = 0o600) -> Path:
    path.write_text(content)
    path.chmod(mode)
    return path


def test_read_secret_prefers_the_systemd_credential(tmp_path, monkeypatch):
    creds = tmp_path / "creds"
    creds.mkdir()
    private(creds / "central-db", "from-credential\n", 0o400)
    own = private(tmp_path / "db.pw", "from-file\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    assert read_secret("central-db", own) == "from-credential"
    assert read_secret("other-name", own) == "from-file"
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    assert read_secret("central-db", own) == "from-file"


def test_read_secret_refuses_a_file_others_can_read(tmp_path):
    loose = private(tmp_path / "db.pw", "x\n", 0o644)
    with pytest.raises(SecretError, match=r"can be read by other users \(mode 0644\).*chmod 600"):
        read_secret("central-db", loose, what="database.central_password_file")
    with pytest.raises(SecretError, match="does not exist"):
        read_secret("central-db", tmp_path / "missing.pw")
    with pytest.raises(SecretError, match="is empty"):
        read_secret("central-db", private(tmp_path / "empty.pw", "\n"))
    with pytest.raises(SecretError, match="no secret given"):
        read_secret("central-db", None)


def test_pins_are_stored_only_as_argon2id_hashes(demo_store):
    from hmi.store.security import PinCredential

    with demo_store() as s:
        hashes = list(s.scalars(select(PinCredential.pin_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not {"1234", "2345", "3456", "4567"} & set(hashes)


# --------------------------------------------------------------------------- config show


def station_file(tmp_path: Path, central_url: str) -> Path:
    p = tmp_path / "station.toml"
    p.write_text(f"""
[station]
site = "S"
area = "A"
line = "L"
id = "ST-10"
name = "Press 10"

[machine]
url = "sim://t"

[[machine.tags]]
name = "state"
address = "ns=2;s=Machine.State"
datatype = "int32"

[[machine.tags]]
name = "good_count"
address = "ns=2;s=Machine.GoodCount"
datatype = "uint32"

[[machine.tags]]
name = "scrap_count"
address = "ns=2;s=Machine.ScrapCount"
datatype = "uint32"

[database]
central_url = "{central_url}"
central_password_file = "/etc/hmi/central.pw"

[upkeep]
log_max_mb = 1
log_backups = 2
""")
    return p


def test_config_show_prints_the_effective_config_redacted(tmp_path, capsys):
    import json

    from hmi import upkeepcli

    f = station_file(tmp_path, f"postgresql+psycopg://mes:{PW}@db/plant")
    assert upkeepcli.main(["config", "show", "--config", str(f), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert PW not in out
    doc = json.loads(out)
    assert doc["config"]["database"]["central_url"] == "postgresql+psycopg://mes:***@db/plant"
    assert doc["config"]["database"]["central_password_file"] == "/etc/hmi/central.pw"
    assert doc["config"]["upkeep"]["retention_days"] == 90          # defaults are shown too


# --------------------------------------------------------------------------- logs


@pytest.fixture
def station_logging(tmp_path):
    """setup_logging on a station file in tmp_path; handlers removed afterwards."""
    from hmi import config
    from hmi.logsetup import setup_logging

    cfg = config.load(station_file(tmp_path, "postgresql+psycopg://mes@db/plant"))
    root = logging.getLogger()
    level = root.level
    path = setup_logging(cfg, tmp_path)
    yield path
    for h in list(root.handlers):
        if getattr(h, "_hmi_logsetup", False):
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def test_no_secret_in_the_log_file_or_on_stderr(capsys, station_logging):
    log = logging.getLogger("hmi.test.secrets")
    log.info("connecting to postgresql://mes:%s@db/plant", PW)
    log.warning("login with pin=%s", "4711")
    log.info("libpq: %s", {"password": PW, "host": "db"})
    try:
        raise RuntimeError(f"connection to postgresql://mes:{PW}@db failed")
    except RuntimeError:
        log.exception("sync failed")
    for h in logging.getLogger().handlers:
        if getattr(h, "_hmi_logsetup", False):
            h.flush()
    text = station_logging.read_text()
    err = capsys.readouterr().err
    for out in (text, err):
        assert PW not in out and "4711" not in out
        assert "postgresql://mes:***@db/plant" in out and "pin=***" in out
        assert "RuntimeError: connection to postgresql://mes:***@db failed" in out
    assert station_logging == station_logging.parent / "hmi.log"
    assert (station_logging.stat().st_mode & 0o077) == 0


def test_logs_rotate_at_the_size_limit(station_logging):
    log = logging.getLogger("hmi.test.rotation")
    line = "x" * 2000
    for i in range(1_900):                             # ~3.9 MB with the prefix: 3 rotations
        log.info("%05d %s", i, line)
    d = station_logging.parent
    names = sorted(p.name for p in d.iterdir())
    assert names == ["hmi.log", "hmi.log.1", "hmi.log.2"]     # log_backups = 2
    for p in d.iterdir():
        assert p.stat().st_size <= 1024 * 1024
        assert (p.stat().st_mode & 0o077) == 0
    # the newest lines are in hmi.log, the ones before in hmi.log.1
    assert "01899 " in station_logging.read_text()
    first_in_current = station_logging.read_text().splitlines()[0]
    last_in_previous = (d / "hmi.log.1").read_text().splitlines()[-1]
    n = int(first_in_current.split(": ", 1)[1][:5])
    assert int(last_in_previous.split(": ", 1)[1][:5]) == n - 1
    assert os.path.getsize(d / "hmi.log.1") > 1024 * 1024 - 2200  # rotated at the limit, not before
