#!/usr/bin/env bash
# The full path the suite cannot afford: build a COMPLETE wheelhouse (every
# dependency wheel), install it offline into a staging root, and start the
# installed demo station offscreen until it shows live machine data.
#
#   installer/smoke-full.sh [WORKDIR]      (default: a temporary directory)
#
# Measured on the development machine (2 cores, warm pip cache, Python 3.12):
# wheelhouse 27 s / 139 MB / 48 files, offline install 46 s, station live in 8 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
py=${HMI_PYTHON:-$(command -v python3.12 || command -v python3)}
mkdir -p "$work"
rm -rf "$work/wheelhouse" "$work/root"
time "$here/build-wheelhouse.sh" --python "$py" "$work/wheelhouse"
time "$here/install.sh" --wheelhouse "$work/wheelhouse" --root "$work/root" --no-apt --python "$py" \
    --config "$here/../resources/stations/demo.toml"
hmi=$work/root/opt/openmes-hmi/current/bin/hmi
"$hmi" --version
# The demo station file names its master data relative to itself; point it at the release's copy.
res=$("$work/root/opt/openmes-hmi/current/bin/python" -I -c 'from hmi.config import resources_dir; print(resources_dir())')
sed "s|\.\./masterdata/demo.toml|$res/masterdata/demo.toml|" "$work/root/etc/openmes-hmi/station.toml" > "$work/demo.toml"
time QT_QPA_PLATFORM=offscreen "$hmi" --config "$work/demo.toml" --data-dir "$work/root/var/lib/openmes-hmi" \
    --screenshot "$work/station.png"
echo "OK: $work/station.png"
