# Shared by install.sh, update.sh and rollback.sh (sourced, never run).
# Paths named here are the paths ON THE PANEL; with --root DIR every file
# operation goes to DIR/<path> while the generated files still name the
# real paths (a staging root, used by the tests).

PREFIX=/opt/openmes-hmi                 # releases/<version>/ (one venv each) and current ->
ETC_DIR=/etc/openmes-hmi                # station.toml, installer.conf, secrets/
SECRETS_DIR=$ETC_DIR/secrets            # 0700 root: read by systemd (LoadCredential=), not the app
CONFIG=$ETC_DIR/station.toml
DATA_DIR=/var/lib/openmes-hmi           # 0700 hmi: the local database, logs, pki, backups
BACKUP_DIR=$DATA_DIR/backups
UNIT=openmes-hmi.service
UNIT_DIR=/etc/systemd/system
CRED_NAME=central-password              # the station reads $CREDENTIALS_DIRECTORY/central-password

ROOT=""            # --root DIR: staging root (no apt, no useradd, no systemctl)
HMI_USER=hmi
DEPS_FROM_VENV=""  # development/tests only, see docs/installer.md

INSTALLER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say()  { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

r() { printf '%s%s' "$ROOT" "$1"; }     # a panel path inside the (staging) root

staging() { [ -n "$ROOT" ]; }

need_root_unless_staging() {
    if ! staging && [ "$(id -u)" != 0 ]; then
        die "run as root (sudo $0 …), or use --root DIR to install into a staging directory"
    fi
}

# ---------------------------------------------------------------- wheelhouse

# wh_field DIR KEY: a value from DIR/wheelhouse.json
wh_field() {
    "$BOOT_PY" - "$1/wheelhouse.json" "$2" <<'PY'
import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])
PY
}

check_wheelhouse() {
    local wh=$1
    [ -f "$wh/wheelhouse.json" ] && [ -f "$wh/SHA256SUMS" ] \
        || die "$wh is not a wheelhouse (no wheelhouse.json / SHA256SUMS); build one with installer/build-wheelhouse.sh"
    (cd "$wh" && sha256sum --quiet --strict -c SHA256SUMS) \
        || die "$wh is damaged: a file does not match SHA256SUMS (copy it again from the build machine)"
}

# ---------------------------------------------------------------- python

py_minor() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

# Pick the interpreter for a release venv: --python, else 3.12/3.13, else python3 (>= 3.11).
pick_python() {
    local want=$1 c
    if [ -n "$want" ]; then command -v "$want" || die "--python $want: not found"; return; fi
    for c in python3.12 python3.13 python3.14 python3 python3.11; do
        if command -v "$c" >/dev/null 2>&1 \
           && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$c"; return
        fi
    done
    die "no Python 3.11 or newer found (Debian 12: python3; Ubuntu 24.04: python3; Ubuntu 22.04: apt-get install python3.11 python3.11-venv); or pass --python PATH"
}

# Refuse the combinations known not to work, before anything is installed.
check_python_for_wheelhouse() {
    local py=$1 wh=$2 minor built plat built_plat
    minor=$(py_minor "$py")
    case "$minor" in
        3.11|3.12|3.13|3.14) ;;
        *) die "Python $minor ($py) is too old: the station needs Python 3.11 or newer (3.12 preferred). See docs/installer.md, 'Releases'." ;;
    esac
    if [ "$(wh_field "$wh" deps)" = "True" ]; then
        built=$(wh_field "$wh" python)
        if [ "$built" != "$minor" ]; then
            die "this wheelhouse was built for Python $built, but the panel's Python is $minor ($py). Build it on a machine with Python $minor (installer/build-wheelhouse.sh --python python$minor OUT) or pass --python /path/to/python$built."
        fi
        plat=$("$py" -c 'import sysconfig; print(sysconfig.get_platform())')
        built_plat=$(wh_field "$wh" platform)
        [ "$plat" = "$built_plat" ] || die "this wheelhouse was built for $built_plat, this panel is $plat"
        # PySide6 6.12 on CPython 3.11 dies while plotting (DEVELOPERS.md).
        if [ "$minor" = 3.11 ] && ls "$wh"/[Pp]y[Ss]ide6_[Ee]ssentials-6.1[2-9]*.whl >/dev/null 2>&1; then
            die "the wheelhouse holds PySide6 6.12+, which crashes on Python 3.11 (none_dealloc while plotting). Rebuild it with Python 3.11 (pyproject pins PySide6 6.11 there) or use Python 3.12."
        fi
    fi
}

# ---------------------------------------------------------------- releases

current_version() {
    local link; link=$(readlink "$(r $PREFIX/current)" 2>/dev/null) || return 0
    basename "$link"
}

# install_release WHEELHOUSE PYTHON: build $PREFIX/releases/<version> (idempotent), print the version.
install_release() {
    local wh=$1 py=$2 version rel whl wheel_sha site data
    version=$(wh_field "$wh" version)
    whl=$wh/$(wh_field "$wh" wheel)
    wheel_sha=$(sha256sum "$whl" | cut -d' ' -f1)
    rel=$(r "$PREFIX/releases/$version")
    if [ -f "$rel/.complete" ]; then
        if [ "$(cat "$rel/.complete")" = "$wheel_sha" ]; then
            say "release $version is already installed ($PREFIX/releases/$version)"
            echo "$version"; return
        fi
        [ "$(current_version)" = "$version" ] && die "release $version is installed and current, but from a different build of the same version. Give the new build a new version number and use update.sh."
        warn "release $version was installed from a different build; replacing it (it is not current)"
    fi
    rm -rf "$rel"   # a partial release from an interrupted run, or a replaced one
    mkdir -p "$(dirname "$rel")"
    say "creating the release environment $PREFIX/releases/$version ($("$py" --version 2>&1))"
    if [ -n "$DEPS_FROM_VENV" ]; then
        # Development/tests: no pip of its own (seconds saved), the borrowed venv's pip installs.
        "$py" -m venv --without-pip "$rel" || die "cannot create a venv with $py"
        "$DEPS_FROM_VENV/bin/python" -m pip --python "$rel/bin/python" install --quiet --no-index \
            --no-deps "$whl" >&2 || die "pip could not install $whl"
        site=$("$rel/bin/python" -I -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
        "$DEPS_FROM_VENV/bin/python" -I -c 'import sysconfig; print(sysconfig.get_path("purelib"))' > "$site/zz-openmes-borrowed-deps.pth"
    else
        "$py" -m venv "$rel" || die "cannot create a venv with $py (Debian/Ubuntu: apt-get install python3-venv, or python3.11-venv)"
        say "installing from the wheelhouse (offline, hashes checked)"
        "$rel/bin/python" -m pip install --quiet --no-index --find-links "$wh" \
            --require-hashes -r "$wh/requirements.txt" >&2 \
            || die "pip could not install the wheelhouse into $PREFIX/releases/$version (see above); nothing was switched"
    fi
    # resources/ and migrations/ sit beside the hmi package (hmi.config.resources_dir,
    # hmi.store.engine.MIGRATIONS_DIR); the wheel does not carry them, the data tarball does.
    site=$("$rel/bin/python" -I -c 'import hmi, os; print(os.path.dirname(os.path.dirname(hmi.__file__)))')
    data=$wh/$(wh_field "$wh" data)
    tar -xzf "$data" -C "$site" || die "cannot unpack $data"
    "$rel/bin/python" -I -m compileall -q "$site/migrations" >/dev/null 2>&1 || true
    install -m 0755 "$INSTALLER_DIR/kiosk/openmes-kiosk-session" "$rel/bin/openmes-kiosk-session"
    local got; got=$("$rel/bin/hmi" --version 2>&1) || die "the new release does not run: $got"
    [ "$got" = "hmi $version" ] || die "the new release reports '$got', expected 'hmi $version'"
    local problem
    if ! problem=$("$rel/bin/python" -I - <<'PY' 2>&1
import sys
from hmi.cli import pyside_version, python_guard
problem = python_guard(pyside_version(), sys.version_info[:3])
if problem:
    print(problem)
    sys.exit(1)
PY
    ); then
        rm -rf "$rel"
        die "refusing release $version: $problem"
    fi
    echo "$wheel_sha" > "$rel/.complete"
    echo "$version"
}

# switch_current VERSION: atomically point $PREFIX/current at releases/VERSION.
switch_current() {
    local tmp; tmp=$(r "$PREFIX/.current.$$")
    ln -sfn "releases/$1" "$tmp"
    mv -T "$tmp" "$(r "$PREFIX/current")"
}

# ---------------------------------------------------------------- store (tool run by a release's python)

# store_tool VERSION ARGS…: installer/lib/store_tool.py with release VERSION's python, as the station user.
store_tool() {
    local version=$1; shift
    local py; py=$(r "$PREFIX/releases/$version/bin/python")
    local cmd=("$py" -I "$INSTALLER_DIR/lib/store_tool.py" --config "$(r $CONFIG)" --data-dir "$(r $DATA_DIR)" "$@")
    if ! staging && [ "$(id -u)" = 0 ] && id "$HMI_USER" >/dev/null 2>&1; then
        runuser -u "$HMI_USER" -- "${cmd[@]}"
    else
        "${cmd[@]}"
    fi
}

load_installer_conf() {
    local f; f=$(r "$ETC_DIR/installer.conf")
    [ -f "$f" ] || die "no installation found ($ETC_DIR/installer.conf is missing); run install.sh first"
    # shellcheck disable=SC1090
    . "$f"
}

unit_ctl() {   # systemctl on the real system only
    if staging; then say "(staging root: would run systemctl $*)"; return 0; fi
    systemctl "$@"
}

# The interpreter the scripts themselves use for small JSON jobs (any python3).
BOOT_PY=$(command -v python3 || command -v python3.12 || command -v python3.11 || true)
[ -n "$BOOT_PY" ] || { echo "python3 is needed to run the installer" >&2; exit 1; }
