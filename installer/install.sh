#!/usr/bin/env bash
# Install the OpenMES station on a Debian 12 / Ubuntu 22.04 / Ubuntu 24.04 panel PC.
#
#   sudo installer/install.sh --wheelhouse DIR [--config FILE] [options]
#
#   --wheelhouse DIR     built by installer/build-wheelhouse.sh (offline install)
#   --config FILE        the station file, installed as /etc/openmes-hmi/station.toml
#                        (validated first; an existing one is kept when omitted)
#   --central-password-file FILE
#                        the central database password, installed 0600 in
#                        /etc/openmes-hmi/secrets/ and passed as a systemd credential
#   --user NAME          the station's system user (default hmi)
#   --python PATH        interpreter for the release venv (default: 3.12/3.13, else python3)
#   --tty ttyN           the kiosk's virtual terminal (default tty1)
#   --no-apt             do not apt-get the system libraries (already installed)
#   --start              start the kiosk now (default: at the next boot)
#   --root DIR           install into a staging root: no apt, useradd or systemctl
#   --deps-from-venv V   development/tests only: install the station wheel without
#                        dependencies and let the release use venv V's packages
#
# Running it again with the same wheelhouse changes nothing; a new version goes
# through update.sh (backup, migrations, switch, restart). docs/installer.md.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

WH="" CONFIG_SRC="" PASS_SRC="" PY_WANT="" TTY=tty1 APT=1 START=0
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) WH=$2; shift 2 ;;
        --config) CONFIG_SRC=$2; shift 2 ;;
        --central-password-file) PASS_SRC=$2; shift 2 ;;
        --user) HMI_USER=$2; shift 2 ;;
        --python) PY_WANT=$2; shift 2 ;;
        --tty) TTY=$2; shift 2 ;;
        --no-apt) APT=0; shift ;;
        --start) START=1; shift ;;
        --root) ROOT=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        --deps-from-venv) DEPS_FROM_VENV=$(cd "$2" && pwd); shift 2 ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done
[ -n "$WH" ] || { echo "install.sh: --wheelhouse DIR is required" >&2; usage 2; }
WH=$(cd "$WH" && pwd)
[ -z "$CONFIG_SRC" ] || CONFIG_SRC=$(realpath -m "$CONFIG_SRC")
[ -z "$PASS_SRC" ] || PASS_SRC=$(realpath -m "$PASS_SRC")
cd /   # no relative path (or a source tree in the working directory) leaks into the install
[[ "$TTY" =~ ^tty[0-9]+$ ]] || die "--tty: expected tty1…tty63, got $TTY"
[[ "$HMI_USER" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "--user: '$HMI_USER' is not a valid user name"
[ -z "$CONFIG_SRC" ] || [ -f "$CONFIG_SRC" ] || die "--config $CONFIG_SRC: no such file"
[ -z "$PASS_SRC" ] || [ -f "$PASS_SRC" ] || die "--central-password-file $PASS_SRC: no such file"
need_root_unless_staging
check_wheelhouse "$WH"
if [ "$(wh_field "$WH" deps)" != True ] && [ -z "$DEPS_FROM_VENV" ]; then
    die "$WH holds only the station wheel (built with --no-deps, for tests); build a full wheelhouse for a panel"
fi

# ------------------------------------------------------------ system packages
. /etc/os-release 2>/dev/null || true
RELEASE="${ID:-unknown} ${VERSION_ID:-}"
case "$RELEASE" in
    "debian 12"|"ubuntu 22.04"|"ubuntu 24.04") ;;
    *) warn "untested release '$RELEASE' (tested: Debian 12, Ubuntu 22.04, Ubuntu 24.04)" ;;
esac
# Qt's xcb/egl/xkb libraries, Wayland client libraries for the kiosk, the
# kiosk compositor itself, fonts, and venv support for the chosen Python.
APT_PKGS=(libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
          libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1
          libwayland-client0 libwayland-cursor0 libwayland-egl1 libfontconfig1 fonts-dejavu-core
          cage xwayland)   # Debian 12's cage 0.1.4 refuses to start without /usr/bin/Xwayland
if [ "$RELEASE" = "ubuntu 22.04" ] && [ -z "$PY_WANT" ]; then
    APT_PKGS+=(python3.11 python3.11-venv)      # jammy's python3 is 3.10
else
    APT_PKGS+=(python3-venv)
fi
# Refuse a Python/wheelhouse combination before the system is changed at all
# (on Ubuntu 22.04 the usable Python only arrives with apt: checked after it).
if PY=$(pick_python "$PY_WANT" 2>/dev/null); then check_python_for_wheelhouse "$PY" "$WH"; fi
if [ "$APT" = 1 ] && ! staging; then
    say "apt-get install ${APT_PKGS[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${APT_PKGS[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q "${APT_PKGS[@]}" >/dev/null; } \
        || die "apt-get could not install the system libraries (${APT_PKGS[*]}); install them and run again with --no-apt"
fi

PY=$(pick_python "$PY_WANT")
check_python_for_wheelhouse "$PY" "$WH"

# ------------------------------------------------------------ user and directories
if ! staging; then
    if ! id "$HMI_USER" >/dev/null 2>&1; then
        say "creating the system user $HMI_USER"
        useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
                --shell /usr/sbin/nologin --comment "OpenMES station" "$HMI_USER"
    fi
    # Serial scanners and Modbus RTU lines (/dev/ttyUSB*, /dev/ttyS*).
    getent group dialout >/dev/null && usermod -a -G dialout "$HMI_USER"
fi
owned_by_user() {   # chown to the station user where that user exists
    if id "$HMI_USER" >/dev/null 2>&1 && { ! staging || [ "$(id -u)" = 0 ]; }; then
        chown "$@" "$HMI_USER:$HMI_USER" 2>/dev/null || true
    fi
}
install -d -m 0755 "$(r $PREFIX)" "$(r $PREFIX/releases)" "$(r $ETC_DIR)"
install -d -m 0700 "$(r $SECRETS_DIR)" "$(r $DATA_DIR)" "$(r $BACKUP_DIR)"
chmod 0700 "$(r $SECRETS_DIR)" "$(r $DATA_DIR)" "$(r $BACKUP_DIR)"
owned_by_user -R "$(r $DATA_DIR)"

# ------------------------------------------------------------ the release
CUR=$(current_version)
NEW=$(wh_field "$WH" version)
if [ -n "$CUR" ] && [ "$CUR" != "$NEW" ]; then
    die "release $CUR is installed; use update.sh --wheelhouse $WH to go to $NEW (it backs up and migrates the database first)"
fi
VERSION=$(install_release "$WH" "$PY") || exit 1
[ "$CUR" = "$VERSION" ] || switch_current "$VERSION"
install -d -m 0755 "$(r $PREFIX/releases/$VERSION/share/doc/openmes-hmi)"
[ -f "$INSTALLER_DIR/../docs/installer.md" ] \
    && install -m 0644 "$INSTALLER_DIR/../docs/installer.md" "$(r $PREFIX/releases/$VERSION/share/doc/openmes-hmi/)"

# ------------------------------------------------------------ configuration and secrets
validate_config() {   # FILE: the new release checks the station file as the station would
    "$(r $PREFIX/releases/$VERSION/bin/python)" -I - "$1" <<'PY'
import sys
from pathlib import Path
from hmi.config import ConfigError, load
try:
    load(Path(sys.argv[1]))
except ConfigError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
PY
}
if [ -n "$CONFIG_SRC" ]; then
    validate_config "$CONFIG_SRC" || die "the station file $CONFIG_SRC is invalid (above); nothing was configured. Fix it and run install.sh again."
    if [ -f "$(r $CONFIG)" ] && ! cmp -s "$CONFIG_SRC" "$(r $CONFIG)"; then
        cp -p "$(r $CONFIG)" "$(r $CONFIG).$(date +%Y%m%d-%H%M%S).bak"
        say "the previous station file was kept as $CONFIG.*.bak"
    fi
    install -m 0640 "$CONFIG_SRC" "$(r $CONFIG)"
elif [ ! -f "$(r $CONFIG)" ]; then
    example=$("$(r $PREFIX/releases/$VERSION/bin/python)" -I -c 'from hmi.config import resources_dir; print(resources_dir())')/stations/opcua-machine.toml
    install -m 0640 "$example" "$(r $CONFIG)"
    warn "no --config: $CONFIG is the EXAMPLE station file; edit it (docs/configuration.md) before the station goes live"
fi
chgrp "$HMI_USER" "$(r $CONFIG)" 2>/dev/null || true
if [ -n "$PASS_SRC" ]; then
    install -m 0600 "$PASS_SRC" "$(r $SECRETS_DIR/$CRED_NAME)"
fi

# ------------------------------------------------------------ kiosk session, unit, locks
render() {   # TEMPLATE DEST MODE
    sed -e "s|@USER@|$HMI_USER|g" -e "s|@TTY@|$TTY|g" -e "s|@PREFIX@|$PREFIX|g" \
        -e "s|@CONFIG@|$CONFIG|g" -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@UNIT_DIR@|$UNIT_DIR|g" \
        "$1" > "$2.tmp"
    chmod "$3" "$2.tmp"; mv "$2.tmp" "$2"
}
install -d -m 0755 "$(r $UNIT_DIR)" "$(r /etc/pam.d)" "$(r /etc/sysctl.d)" "$(r /usr/local/bin)"
render "$INSTALLER_DIR/systemd/openmes-hmi.service.in" "$(r $UNIT_DIR/$UNIT)" 0644
# Every file in the secrets directory becomes a systemd credential of the same name:
# systemd (as root) reads it and hands the station a private copy in
# $CREDENTIALS_DIRECTORY/<name>; the station user never reads $SECRETS_DIR itself.
creds=()
for f in "$(r $SECRETS_DIR)"/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    [[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || { warn "ignoring secret file '$name' (name not usable as a credential)"; continue; }
    chmod 0600 "$f"
    creds+=("LoadCredential=$name:$SECRETS_DIR/$name")
done
if [ ${#creds[@]} -gt 0 ]; then
    install -d -m 0755 "$(r $UNIT_DIR/$UNIT.d)"
    { echo "# Generated by install.sh from the files in $SECRETS_DIR (re-run it after adding one)."
      echo "[Service]"; printf '%s\n' "${creds[@]}"; } > "$(r $UNIT_DIR/$UNIT.d/credentials.conf.tmp)"
    chmod 0644 "$(r $UNIT_DIR/$UNIT.d/credentials.conf.tmp)"
    mv "$(r $UNIT_DIR/$UNIT.d/credentials.conf.tmp)" "$(r $UNIT_DIR/$UNIT.d/credentials.conf)"
else
    rm -f "$(r $UNIT_DIR/$UNIT.d/credentials.conf)"
fi
install -m 0644 "$INSTALLER_DIR/kiosk/pam-openmes-hmi" "$(r /etc/pam.d/openmes-hmi)"
install -m 0644 "$INSTALLER_DIR/kiosk/sysctl-90-openmes-hmi.conf" "$(r /etc/sysctl.d/90-openmes-hmi.conf)"
# Ctrl+Alt+Del must not reboot the panel (the kiosk grabs the keyboard, this covers the gaps).
ln -sfn /dev/null "$(r $UNIT_DIR/ctrl-alt-del.target)"
# Nothing else claims the kiosk's virtual terminal (a mask, like `systemctl mask`).
ln -sfn /dev/null "$(r "$UNIT_DIR/getty@$TTY.service")"
# The technician's command: `openmes-hmi ARGS` = hmi as the station user with its config and data.
cat > "$(r /usr/local/bin/openmes-hmi.tmp)" <<SH
#!/bin/sh
# openmes-hmi ARGS: run \`hmi ARGS\` as the station user (installed by install.sh).
# e.g. openmes-hmi masterdata import plant.toml --config $CONFIG
export HMI_DATA_DIR=$DATA_DIR
if [ "\$(id -u)" = 0 ]; then exec runuser -u $HMI_USER -- env HMI_DATA_DIR=$DATA_DIR $PREFIX/current/bin/hmi "\$@"; fi
exec $PREFIX/current/bin/hmi "\$@"
SH
chmod 0755 "$(r /usr/local/bin/openmes-hmi.tmp)"; mv "$(r /usr/local/bin/openmes-hmi.tmp)" "$(r /usr/local/bin/openmes-hmi)"

cat > "$(r $ETC_DIR/installer.conf)" <<CONF
# Written by install.sh; read by update.sh and rollback.sh.
HMI_USER=$HMI_USER
HMI_PYTHON=$PY
HMI_TTY=$TTY
CONF
chmod 0644 "$(r $ETC_DIR/installer.conf)"

if ! staging; then
    sysctl --quiet --load=/etc/sysctl.d/90-openmes-hmi.conf || true
    systemctl daemon-reload
    systemctl enable --quiet "$UNIT"
    [ "$(systemctl get-default)" = graphical.target ] || systemctl set-default graphical.target
    if [ "$START" = 1 ]; then systemctl restart "$UNIT"; fi
fi
say "installed openmes-station $VERSION: $PREFIX/current -> releases/$VERSION${ROOT:+ (under $ROOT)}"
if [ "$START" = 0 ] && ! staging; then say "the kiosk starts at the next boot (or now: systemctl start $UNIT)"; fi
