#!/usr/bin/env bash
# Build everything a panel PC without internet needs to install the station:
#
#   installer/build-wheelhouse.sh [--python PY] [--source DIR] [--no-deps] OUT
#
# OUT gets: the station wheel, every dependency wheel (pip wheel, for PY's
# version and platform), openmes-station-data-<v>.tar.gz (resources/ and
# migrations/, which the wheel does not carry), requirements.txt (every wheel
# pinned with its sha256, installed with --require-hashes), wheelhouse.json
# (version, Python, platform) and SHA256SUMS over all of it.
#
# Build on a machine with the panel's release and architecture, or at least the
# same Python minor version (Debian 12: 3.11, Ubuntu 24.04: 3.12): wheels with C
# code are per Python version. --no-deps builds the station wheel only (tests).
set -euo pipefail

PY="" SRC="" DEPS=1 OUT=""
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --python) PY=$2; shift 2 ;;
        --source) SRC=$2; shift 2 ;;
        --no-deps) DEPS=0; shift ;;
        -h|--help) usage ;;
        -*) echo "build-wheelhouse.sh: unknown option $1" >&2; usage 2 ;;
        *) [ -z "$OUT" ] || usage 2; OUT=$1; shift ;;
    esac
done
[ -n "$OUT" ] || usage 2
die() { echo "build-wheelhouse.sh: $*" >&2; exit 1; }
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

SRC=$(cd "${SRC:-$(dirname "$0")/..}" && pwd)
[ -f "$SRC/pyproject.toml" ] || die "$SRC has no pyproject.toml"
if [ -z "$PY" ]; then
    for c in python3.12 python3.13 python3; do command -v "$c" >/dev/null && { PY=$(command -v "$c"); break; }; done
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "$PY is older than Python 3.11"
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then die "$OUT is not empty (a wheelhouse is built into a fresh directory)"; fi
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
# Build from a clean copy: the working tree gets no build/ or egg-info, and
# ignored files (.venv, caches) stay out.
say "copying the source ($SRC)"
mkdir "$WORK/src"
if git -C "$SRC" rev-parse --show-toplevel >/dev/null 2>&1 && [ "$(git -C "$SRC" rev-parse --show-toplevel)" = "$SRC" ]; then
    (cd "$SRC" && git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
else
    (cd "$SRC" && tar --exclude=.venv --exclude=.git --exclude=__pycache__ --exclude='*.egg-info' \
        --exclude=build --exclude=dist -cf - .) | tar -xf - -C "$WORK/src"
fi

PIP=("$PY" -m pip)
if ! "$PY" -m pip --version >/dev/null 2>&1; then
    "$PY" -m venv "$WORK/venv" || die "$PY has no pip and cannot make a venv (apt-get install python3-venv)"
    PIP=("$WORK/venv/bin/python" -m pip)
fi
say "building the station wheel"
"${PIP[@]}" wheel --quiet --no-deps --wheel-dir "$OUT" "$WORK/src" >&2 || die "the station wheel did not build"
WHEEL=$(cd "$OUT" && ls openmes_station-*.whl)
VERSION=$(echo "$WHEEL" | cut -d- -f2)
if [ "$DEPS" = 1 ]; then
    say "downloading/building the dependency wheels for $("$PY" --version)"
    "${PIP[@]}" wheel --quiet --wheel-dir "$OUT" "$OUT/$WHEEL" >&2 || die "pip wheel failed for the dependencies (see above)"
    if [ "$("$PY" -c 'import sys; print(sys.version_info[:2] == (3, 11))')" = True ] \
       && ls "$OUT"/[Pp]y[Ss]ide6_[Ee]ssentials-6.1[2-9]*.whl >/dev/null 2>&1; then
        die "pip picked PySide6 6.12+ for Python 3.11, which crashes (DEVELOPERS.md); check pyproject's markers"
    fi
fi
DATA=openmes-station-data-$VERSION.tar.gz
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --exclude=__pycache__ \
    -C "$WORK/src" -czf "$OUT/$DATA" resources migrations

"$PY" - "$OUT" "$WHEEL" "$DATA" "$VERSION" "$DEPS" <<'PY'
import datetime, hashlib, json, pathlib, re, sys, sysconfig
out, wheel, data, version, deps = pathlib.Path(sys.argv[1]), *sys.argv[2:]
lines = []
for whl in sorted(out.glob("*.whl")):
    name, ver = whl.name.split("-")[:2]
    digest = hashlib.sha256(whl.read_bytes()).hexdigest()
    lines.append(f"{re.sub(r'[-_.]+', '-', name).lower()}=={ver} --hash=sha256:{digest}")
(out / "requirements.txt").write_text("\n".join(lines) + "\n")
(out / "wheelhouse.json").write_text(json.dumps({
    "name": "openmes-station", "version": version, "wheel": wheel, "data": data,
    "deps": deps == "1", "python": "%d.%d" % sys.version_info[:2],
    "platform": sysconfig.get_platform(),
    "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
}, indent=2) + "\n")
PY
(cd "$OUT" && sha256sum -- $(ls | grep -v '^SHA256SUMS$') > SHA256SUMS)
say "wheelhouse for openmes-station $VERSION in $OUT ($(ls "$OUT" | wc -l) files)"
