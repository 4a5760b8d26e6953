#!/usr/bin/env bash
# Update an installed station to the version in a wheelhouse, keeping its data.
#
#   sudo installer/update.sh --wheelhouse DIR [--no-restart] [--root DIR]
#
# 1. installs the new version into /opt/openmes-hmi/releases/<new> (the running
#    release is not touched);
# 2. stops the station, backs the local database up to
#    /var/lib/openmes-hmi/backups/pre-update-<old>-to-<new>-<time>.sqlite and
#    records the update in backups/last-update.json (for rollback.sh);
# 3. migrates the database with the NEW release's migrations; if that fails the
#    backup is put back, the old release is started again, nothing is switched;
# 4. switches /opt/openmes-hmi/current to the new release and starts the station.
#
#   --no-restart         leave the station stopped afterwards
#   --deps-from-venv V   development/tests only (see install.sh)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

WH="" RESTART=1
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) WH=$2; shift 2 ;;
        --no-restart) RESTART=0; shift ;;
        --root) ROOT=$(cd "$2" && pwd); shift 2 ;;
        --deps-from-venv) DEPS_FROM_VENV=$(cd "$2" && pwd); shift 2 ;;
        -h|--help) usage ;;
        *) echo "update.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done
[ -n "$WH" ] || { echo "update.sh: --wheelhouse DIR is required" >&2; usage 2; }
WH=$(cd "$WH" && pwd); cd /
need_root_unless_staging
load_installer_conf
check_wheelhouse "$WH"
if [ "$(wh_field "$WH" deps)" != True ] && [ -z "$DEPS_FROM_VENV" ]; then
    die "$WH holds only the station wheel (built with --no-deps, for tests); build a full wheelhouse"
fi
OLD=$(current_version)
[ -n "$OLD" ] || die "no current release under $PREFIX; run install.sh"
NEW=$(wh_field "$WH" version)
if [ "$OLD" = "$NEW" ]; then say "openmes-station $NEW is already the current release; nothing to do"; exit 0; fi
check_python_for_wheelhouse "$HMI_PYTHON" "$WH"

NEW=$(install_release "$WH" "$HMI_PYTHON") || exit 1

say "stopping the station"
unit_ctl stop "$UNIT"
restart_old() { [ "$RESTART" = 1 ] && unit_ctl start "$UNIT" || true; }

info=$(store_tool "$NEW" info) || { restart_old; die "cannot read the station's database (above); nothing was changed, $OLD keeps running"; }
field() { "$BOOT_PY" -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("" if v is None else v)' "$info" "$1"; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
BACKUP=""
if [ "$(field exists)" = True ]; then
    BACKUP=$BACKUP_DIR/pre-update-$OLD-to-$NEW-$STAMP.sqlite
    say "backing up the local database to $BACKUP"
    store_tool "$NEW" backup "$(r "$BACKUP")" >/dev/null \
        || { restart_old; die "the backup failed (above); nothing was changed, $OLD keeps running"; }
fi
"$BOOT_PY" - "$(r "$BACKUP_DIR/last-update.json")" <<PY
import json, sys
json.dump({"from": "$OLD", "to": "$NEW", "at": "$STAMP", "backup": "$BACKUP" or None,
           "db": "$(field db)", "revision_before": "$(field revision)" or None,
           "max_seq_before": int("$(field max_seq)" or 0)}, open(sys.argv[1], "w"), indent=2)
PY
chmod 0600 "$(r "$BACKUP_DIR/last-update.json")"

if [ "$(field exists)" = True ]; then
    say "migrating the database ($(field revision) -> $(field head))"
    if ! store_tool "$NEW" migrate >/dev/null; then
        warn "the migration failed; putting the backup back"
        store_tool "$NEW" restore "$(r "$BACKUP")" >/dev/null \
            || die "the migration failed AND restoring $BACKUP failed: the station stays stopped. Restore it by hand (docs/installer.md, 'Rollback by hand')."
        mv "$(r "$BACKUP_DIR/last-update.json")" "$(r "$BACKUP_DIR/failed-update-$OLD-to-$NEW-$STAMP.json")"
        restart_old
        die "the migration to $NEW failed (above); the database is as before and $OLD is current again"
    fi
fi
switch_current "$NEW"
if [ "$RESTART" = 1 ]; then unit_ctl start "$UNIT"; fi
say "updated openmes-station $OLD -> $NEW${BACKUP:+ (backup: $BACKUP)}; roll back with installer/rollback.sh"
