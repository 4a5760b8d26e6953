"""The panel-PC installer (installer/, docs/installer.md), run for real into staging roots.

Wheelhouses here hold the station wheel only (``build-wheelhouse.sh --no-deps``);
the release venvs borrow this checkout's ``.venv`` for the dependencies
(``--deps-from-venv``), because a full dependency wheelhouse (PySide6 and the
rest) takes minutes to build and install. Everything else is what a panel
gets: the real scripts, the release venv, ``current`` link, generated unit,
migrations run by the release's own code, backups and rollback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTALLER = REPO / "installer"
VENV = Path(sys.prefix)
BASE_PY = getattr(sys, "_base_executable", sys.executable)

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="the installer targets Debian/Ubuntu"),
    pytest.mark.timeout(300),
]


def _run(cmd: list[str | Path], *, ok: bool = True, env: dict | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd="/",
                          timeout=timeout, env={**os.environ, **(env or {})})
    if ok and proc.returncode != 0:
        raise AssertionError(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def _install(root: Path, wheelhouse: Path, *extra: str | Path, ok: bool = True):
    return _run([INSTALLER / "install.sh", "--wheelhouse", wheelhouse, "--root", root, "--no-apt",
                 "--python", BASE_PY, "--deps-from-venv", VENV, *extra], ok=ok)


def _update(root: Path, wheelhouse: Path, ok: bool = True):
    return _run([INSTALLER / "update.sh", "--wheelhouse", wheelhouse, "--root", root,
                 "--deps-from-venv", VENV], ok=ok)


def _rollback(root: Path, *extra: str, ok: bool = True):
    return _run([INSTALLER / "rollback.sh", "--root", root, *extra], ok=ok)


def _copy_source(dest: Path) -> Path:
    """The working tree as build-wheelhouse.sh sees it (tracked + untracked, not ignored)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for raw in filter(None, files):
        src = REPO / raw.decode()
        if src.is_file():
            (dest / raw.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / raw.decode())
    return dest


def _head_revision(source: Path) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(source / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _variant(base: Path, dest: Path, version: str, migration: str) -> Path:
    """A copy of the source as another version, with one more migration."""
    shutil.copytree(base, dest)
    init = dest / "hmi" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', f'__version__ = "{version}"'))
    head = _head_revision(base)
    (dest / "migrations" / "versions" / f"9{version.replace('.', '')}_installer_probe.py").write_text(
        f'"""installer test migration"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        f'revision = "9{version.replace(".", "")}"\ndown_revision = "{head}"\n'
        f'branch_labels = None\ndepends_on = None\n\n{migration}'
    )
    return dest


PROBE = """
def upgrade():
    if sa.inspect(op.get_bind()).has_table("installer_fail_next"):   # set by a test
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
        raise RuntimeError("this migration fails on purpose")
    op.create_table("installer_probe", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("installer_probe")
"""


def _build(source: Path, out: Path) -> Path:
    _run([INSTALLER / "build-wheelhouse.sh", "--python", sys.executable, "--no-deps",
          "--source", source, out])
    return out


@pytest.fixture(scope="module")
def wheelhouses(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheelhouses")
    base = _copy_source(tmp / "src-0.1.0")
    assert 'version__ = "0.1.0"' in (base / "hmi" / "__init__.py").read_text()
    return {
        "0.1.0": _build(base, tmp / "wh-0.1.0"),
        "0.1.1": _build(_variant(base, tmp / "src-0.1.1", "0.1.1", PROBE), tmp / "wh-0.1.1"),
        "head": _head_revision(base),
    }


@pytest.fixture(scope="module")
def installed(wheelhouses, tmp_path_factory):
    """One staging root with 0.1.0 installed, a station file and a central password."""
    root = tmp_path_factory.mktemp("panel")
    pw = root.parent / "central.pw"
    pw.write_text("s3cret-central\n")
    _install(root, wheelhouses["0.1.0"], "--config", REPO / "resources/stations/demo.toml",
             "--central-password-file", pw)
    return root


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.lstat().st_mode)


def _tree(root: Path) -> dict[str, tuple[int, str]]:
    """(mode, content hash or link target) of every file outside the release venvs."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if "/releases/" in rel + "/" and not rel.endswith("releases"):
            continue
        if p.is_symlink():
            out[rel] = (0, os.readlink(p))
        elif p.is_file():
            out[rel] = (_mode(p), hashlib.sha256(p.read_bytes()).hexdigest())
        else:
            out[rel] = (_mode(p), "dir")
    return out


# ------------------------------------------------------------------ install


def test_installed_station_runs_from_its_own_release(installed):
    current = installed / "opt/openmes-hmi/current"
    assert os.readlink(current) == "releases/0.1.0"
    out = _run([current / "bin/hmi", "--version"]).stdout.strip()
    assert out == "hmi 0.1.0"
    # The release's own code and data, not this checkout's.
    site = _run([current / "bin/python", "-I", "-c",
                 "import hmi, hmi.config as c, hmi.store.engine as e;"
                 "print(hmi.__file__); print(c.resources_dir()); print(e.MIGRATIONS_DIR)"]).stdout
    assert str(REPO / "hmi") not in site
    hmi_file, resources, migrations = site.split()
    assert Path(hmi_file).resolve().is_relative_to(installed / "opt/openmes-hmi/releases/0.1.0")
    # The console script names its release, not `current`: a running station keeps its code
    # when an update switches the link.
    shebang = (current / "bin/hmi").read_text().splitlines()[0]
    assert shebang == f"#!{installed}/opt/openmes-hmi/releases/0.1.0/bin/python"
    assert (Path(resources) / "theme/isa101.qss").is_file()
    assert (Path(migrations) / "env.py").is_file()


def test_file_modes_and_secrets(installed):
    assert _mode(installed / "var/lib/openmes-hmi") == 0o700
    assert _mode(installed / "var/lib/openmes-hmi/backups") == 0o700
    assert _mode(installed / "etc/openmes-hmi/secrets") == 0o700
    secret = installed / "etc/openmes-hmi/secrets/central-password"
    assert _mode(secret) == 0o600 and secret.read_text() == "s3cret-central\n"
    assert _mode(installed / "etc/openmes-hmi/station.toml") == 0o640
    # The password reaches the station as a systemd credential, never through the unit or config.
    dropin = (installed / "etc/systemd/system/openmes-hmi.service.d/credentials.conf").read_text()
    assert "LoadCredential=central-password:/etc/openmes-hmi/secrets/central-password" in dropin
    for f in (installed / "etc").rglob("*"):
        if f.is_file() and "secrets" not in f.parts:
            assert "s3cret-central" not in f.read_text(errors="replace"), f


def test_unit_names_the_panel_paths_and_kiosk_policy(installed):
    unit = (installed / "etc/systemd/system/openmes-hmi.service").read_text()
    assert str(installed) not in unit, "the unit must name the real paths, not the staging root"
    lines = set(unit.splitlines())
    assert ("ExecStart=/opt/openmes-hmi/current/bin/openmes-kiosk-session "
            "--config /etc/openmes-hmi/station.toml --data-dir /var/lib/openmes-hmi") in lines
    for line in ("User=hmi", "TTYPath=/dev/tty1", "PAMName=openmes-hmi", "Restart=on-failure",
                 "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/openmes-hmi",
                 "ProtectHome=yes", "PrivateTmp=yes", "Conflicts=getty@tty1.service",
                 "WantedBy=graphical.target"):
        assert line in lines, line
    # No login prompt on the kiosk's VT and no Ctrl+Alt+Del reboot.
    assert os.readlink(installed / "etc/systemd/system/getty@tty1.service") == "/dev/null"
    assert os.readlink(installed / "etc/systemd/system/ctrl-alt-del.target") == "/dev/null"
    assert "pam_systemd.so" in (installed / "etc/pam.d/openmes-hmi").read_text()
    assert "kernel.sysrq = 0" in (installed / "etc/sysctl.d/90-openmes-hmi.conf").read_text()


def test_unit_passes_systemd_analyze_verify(installed, tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: apt-get install systemd"
    # verify --root looks everything up inside the root: give it the system's own units.
    units = installed / "usr/lib/systemd/system"
    if not units.exists():
        shutil.copytree("/usr/lib/systemd/system", units, symlinks=True)
    proc = _run(["systemd-analyze", "verify", f"--root={installed}", "openmes-hmi.service"], ok=False)
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")
    # The central side's `hmi central apply --watch` unit, against the same release.
    central = installed / "etc/systemd/system/openmes-central-apply.service"
    shutil.copy(INSTALLER / "central/openmes-central-apply.service", central)
    try:
        proc = _run(["systemd-analyze", "verify", f"--root={installed}",
                     "openmes-central-apply.service"], ok=False)
        assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")
    finally:
        central.unlink()
    # The check is real: with the release gone the ExecStart binary is missing and verify says so.
    current = installed / "opt/openmes-hmi/current"
    os.replace(current, tmp_path / "current")
    try:
        os.symlink("releases/0.0.0", current)
        proc = _run(["systemd-analyze", "verify", f"--root={installed}", "openmes-hmi.service"],
                    ok=False)
        assert proc.returncode != 0 and "openmes-kiosk-session" in proc.stderr
    finally:
        current.unlink()
        os.replace(tmp_path / "current", current)


def test_install_twice_changes_nothing(installed, wheelhouses):
    before = _tree(installed)
    python = installed / "opt/openmes-hmi/releases/0.1.0/bin/python"
    inode = python.lstat().st_ino
    proc = _install(installed, wheelhouses["0.1.0"])
    assert "already installed" in proc.stderr
    assert _tree(installed) == before
    assert python.lstat().st_ino == inode, "the release venv was rebuilt"


def test_every_secret_file_becomes_a_credential(installed, wheelhouses):
    """Another secret (an OPC UA login) is dropped into secrets/ and install.sh run again."""
    extra = installed / "etc/openmes-hmi/secrets/opcua-password"
    extra.write_text("plc-login\n")
    extra.chmod(0o644)
    _install(installed, wheelhouses["0.1.0"])
    assert _mode(extra) == 0o600
    dropin = (installed / "etc/systemd/system/openmes-hmi.service.d/credentials.conf").read_text()
    assert [line for line in dropin.splitlines() if line.startswith("LoadCredential=")] == [
        "LoadCredential=central-password:/etc/openmes-hmi/secrets/central-password",
        "LoadCredential=opcua-password:/etc/openmes-hmi/secrets/opcua-password",
    ]


def test_install_refuses_a_new_version_update_does_that(installed, wheelhouses):
    proc = _install(installed, wheelhouses["0.1.1"], ok=False)
    assert proc.returncode != 0
    assert "use update.sh" in proc.stderr
    assert os.readlink(installed / "opt/openmes-hmi/current") == "releases/0.1.0"
    assert not (installed / "opt/openmes-hmi/releases/0.1.1").exists()


def test_kiosk_session_exits_with_the_station_status(installed, tmp_path):
    """Restart=on-failure relies on it: 0 only when the station itself ended with 0."""
    session = installed / "opt/openmes-hmi/current/bin/openmes-kiosk-session"
    fake_cage = tmp_path / "cage"       # runs the client like cage: everything after --
    fake_cage.write_text('#!/bin/sh\nwhile [ "$1" != -- ]; do shift; done; shift\n"$@"\nexit 0\n')
    fake_cage.chmod(0o755)
    env = {"RUNTIME_DIRECTORY": str(tmp_path), "OPENMES_CAGE": str(fake_cage)}
    ok = _run([session, "--version"], env=env, ok=False)
    assert (ok.returncode, ok.stdout.strip()) == (0, "hmi 0.1.0")
    bad = _run([session, "--config", tmp_path / "missing.toml"], env=env, ok=False)
    assert bad.returncode == 2, bad.stderr
    dead_cage = tmp_path / "dead-cage"  # the compositor ends without the station exiting
    dead_cage.write_text("#!/bin/sh\nexit 0\n")
    dead_cage.chmod(0o755)
    gone = _run([session, "--version"], env={**env, "OPENMES_CAGE": str(dead_cage)}, ok=False)
    assert gone.returncode == 70 and "before the station did" in gone.stderr


def test_install_refuses_python_3_11_with_pyside_6_12(tmp_path):
    py311 = shutil.which("python3.11")
    assert py311, "python3.11 is missing (the Debian 12 interpreter this refusal is about)"
    wh = tmp_path / "wh"
    wh.mkdir()
    (wh / "PySide6_Essentials-6.12.0-cp39-abi3-manylinux_2_28_x86_64.whl").write_bytes(b"x")
    (wh / "openmes-station-data-0.1.0.tar.gz").write_bytes(b"x")
    plat = _run([py311, "-c", "import sysconfig; print(sysconfig.get_platform())"]).stdout.strip()
    meta = {"version": "0.1.0", "wheel": "x.whl", "data": "openmes-station-data-0.1.0.tar.gz",
            "deps": True, "python": "3.11", "platform": plat}
    (wh / "wheelhouse.json").write_text(json.dumps(meta))
    (wh / "requirements.txt").write_text("")
    _run(["sh", "-c", f"cd {wh} && sha256sum * > SHA256SUMS"])
    root = tmp_path / "root"
    proc = _run([INSTALLER / "install.sh", "--wheelhouse", wh, "--root", root, "--no-apt",
                 "--python", py311], ok=False)
    assert proc.returncode != 0 and "crashes on Python 3.11" in proc.stderr
    assert not (root / "opt/openmes-hmi/releases").exists() or not any(
        (root / "opt/openmes-hmi/releases").iterdir())
    # A wheelhouse built for another Python minor is refused before anything is installed.
    meta["python"] = "3.12"
    (wh / "wheelhouse.json").write_text(json.dumps(meta))
    _run(["sh", "-c", f"cd {wh} && sha256sum $(ls | grep -v SHA256SUMS) > SHA256SUMS"])
    proc = _run([INSTALLER / "install.sh", "--wheelhouse", wh, "--root", root, "--no-apt",
                 "--python", py311], ok=False)
    assert proc.returncode != 0 and "built for Python 3.12" in proc.stderr


def test_damaged_wheelhouse_is_refused(wheelhouses, tmp_path):
    wh = tmp_path / "wh"
    shutil.copytree(wheelhouses["0.1.0"], wh)
    whl = next(wh.glob("openmes_station-*.whl"))
    whl.write_bytes(whl.read_bytes()[:-10])
    proc = _install(tmp_path / "root", wh, ok=False)
    assert proc.returncode != 0 and "damaged" in proc.stderr


# ------------------------------------------------------------------ update and rollback


def _db(root: Path) -> Path:
    return root / "var/lib/openmes-hmi/demo/station.sqlite"     # demo.toml: {data_dir}/demo/…


def _q(db: Path, sql: str):
    con = sqlite3.connect(db)
    try:
        with con:
            return con.execute(sql).fetchall()
    finally:
        con.close()


def _tables(db: Path) -> set[str]:
    return {r[0] for r in _q(db, "SELECT name FROM sqlite_master WHERE type='table'")}


@pytest.fixture()
def running_station(wheelhouses, tmp_path):
    """0.1.0 installed, its database created (as at first start) with data in it."""
    root = tmp_path / "panel"
    _install(root, wheelhouses["0.1.0"], "--config", REPO / "resources/stations/demo.toml")
    _run([root / "opt/openmes-hmi/current/bin/python", "-I", INSTALLER / "lib/store_tool.py",
          "--config", root / "etc/openmes-hmi/station.toml",
          "--data-dir", root / "var/lib/openmes-hmi", "migrate"])
    _q(_db(root), "INSERT INTO station_sequence (station_id, last_seq) VALUES ('DEMO-01', 41)")
    (root / "var/lib/openmes-hmi/pki").mkdir()
    (root / "var/lib/openmes-hmi/pki/station.key").write_text("key")
    return root


def _seq(root: Path) -> int:
    return _q(_db(root), "SELECT last_seq FROM station_sequence")[0][0]


def test_update_backs_up_migrates_and_switches_then_rollback(running_station, wheelhouses):
    root, head = running_station, wheelhouses["head"]
    current = root / "opt/openmes-hmi/current"
    _update(root, wheelhouses["0.1.1"])

    assert os.readlink(current) == "releases/0.1.1"
    assert _run([current / "bin/hmi", "--version"]).stdout.strip() == "hmi 0.1.1"
    assert (root / "opt/openmes-hmi/releases/0.1.0/.complete").is_file()   # kept for rollback
    db = _db(root)
    assert _q(db, "SELECT version_num FROM alembic_version") == [("9011",)]
    assert "installer_probe" in _tables(db)
    assert _seq(root) == 41                                              # the data stayed
    assert (root / "var/lib/openmes-hmi/pki/station.key").read_text() == "key"
    state = json.loads((root / "var/lib/openmes-hmi/backups/last-update.json").read_text())
    assert (state["from"], state["to"], state["revision_before"], state["max_seq_before"]) == (
        "0.1.0", "0.1.1", head, 41)
    backup = root / state["backup"].lstrip("/")
    assert _mode(backup) == 0o600
    assert _q(backup, "SELECT version_num FROM alembic_version") == [(head,)]
    assert _q(backup, "SELECT last_seq FROM station_sequence") == [(41,)]

    # Updating to the version that is already current changes nothing.
    assert "nothing to do" in _update(root, wheelhouses["0.1.1"]).stderr

    # Rollback: schema back down with 0.1.1's own migration, nothing recorded is lost.
    _q(db, "UPDATE station_sequence SET last_seq = 43")               # recorded after the update
    _rollback(root)
    assert os.readlink(current) == "releases/0.1.0"
    assert _run([current / "bin/hmi", "--version"]).stdout.strip() == "hmi 0.1.0"
    assert _q(db, "SELECT version_num FROM alembic_version") == [(head,)]
    assert "installer_probe" not in _tables(db)
    assert _seq(root) == 43
    assert not (root / "var/lib/openmes-hmi/backups/last-update.json").exists()
    assert "no update to roll back" in _rollback(root, ok=False).stderr

    # Update again (the release is there already), record events, then roll back by backup.
    _update(root, wheelhouses["0.1.1"])
    assert os.readlink(current) == "releases/0.1.1"
    _q(db, "UPDATE station_sequence SET last_seq = 45")
    proc = _rollback(root, "--restore-backup", ok=False)
    assert proc.returncode != 0
    assert "events 44..45 were recorded after the update" in proc.stderr
    assert os.readlink(current) == "releases/0.1.1" and _seq(root) == 45

    _rollback(root, "--restore-backup", "--force")
    assert os.readlink(current) == "releases/0.1.0"
    assert _seq(root) == 43
    assert _q(db, "SELECT version_num FROM alembic_version") == [(head,)]


def test_failed_migration_leaves_the_old_release_and_database(running_station, wheelhouses):
    root, head = running_station, wheelhouses["head"]
    _q(_db(root), "CREATE TABLE installer_fail_next (id INTEGER)")   # 0.1.1's migration fails
    proc = _update(root, wheelhouses["0.1.1"], ok=False)
    assert proc.returncode != 0
    assert "this migration fails on purpose" in proc.stderr
    assert "the database is as before and 0.1.0 is current again" in proc.stderr
    assert not (root / "var/lib/openmes-hmi/backups/last-update.json").exists()   # nothing to roll back
    assert os.readlink(root / "opt/openmes-hmi/current") == "releases/0.1.0"
    db = _db(root)
    assert _q(db, "SELECT version_num FROM alembic_version") == [(head,)]
    assert "half_done" not in _tables(db)
    assert _seq(root) == 41


def test_the_wheel_alone_carries_resources_and_migrations(wheelhouses, tmp_path):
    """pip-installing the station wheel into a bare venv (no source tree, no data tarball)
    gives a station that finds its theme, demo files and migrations (pyproject data-files
    under <venv>/share/openmes-hmi) and migrates a store with them."""
    import sysconfig

    wheel = next(wheelhouses["0.1.0"].glob("openmes_station-*.whl"))
    venv = tmp_path / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    _run([sys.executable, "-m", "pip", "--python", venv / "bin/python", "install", "-q",
          "--no-deps", "--no-index", wheel])
    # The dependencies come from this test run's environment (a path, not a site dir: its
    # editable finder for the checkout is not loaded).
    site = Path(_run([venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    out = _run([venv / "bin/python", "-c",
                "import hmi, hmi.config as c, hmi.store.engine as e;"
                "print(hmi.__file__); print(c.resources_dir()); print(e.MIGRATIONS_DIR);"
                "e.open_store('sqlite:///" + str(tmp_path / "s.sqlite") + "')"],
               env={"PYTHONPATH": ""}).stdout.split()
    hmi_file, resources, migrations = (Path(p) for p in out[:3])
    assert hmi_file.is_relative_to(venv) and not hmi_file.is_relative_to(REPO)
    assert resources == venv / "share/openmes-hmi/resources"
    assert (resources / "theme/isa101.qss").is_file()
    assert (resources / "i18n/hmi_de.qm").is_file()
    assert (resources / "stations/demo.toml").is_file()
    assert migrations == venv / "share/openmes-hmi/migrations"
    head = sorted(p.name for p in (REPO / "migrations/versions").glob("0*.py"))[-1][:4]
    con = sqlite3.connect(tmp_path / "s.sqlite")
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    finally:
        con.close()
