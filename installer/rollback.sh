#!/usr/bin/env bash
# Roll the last update back: the previous release becomes current again and the
# database goes back to the schema that release knows.
#
#   sudo installer/rollback.sh [--restore-backup] [--force] [--no-restart] [--root DIR]
#
# Reads /var/lib/openmes-hmi/backups/last-update.json (written by update.sh).
# If the update moved the schema, the database is first migrated DOWN with the
# newer release's own migrations (keeping everything recorded since the update
# that the old schema can hold). If that is impossible, or with
# --restore-backup, the pre-update backup is restored instead; that drops what
# was recorded after the update, so it is refused when events were recorded
# since then, unless --force is given (check `openmes-hmi sync status` first:
# events already pushed to the central database are kept there).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

RESTORE=0 FORCE=0 RESTART=1
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --restore-backup) RESTORE=1; shift ;;
        --force) FORCE=1; shift ;;
        --no-restart) RESTART=0; shift ;;
        --root) ROOT=$(cd "$2" && pwd); shift 2 ;;
        -h|--help) usage ;;
        *) echo "rollback.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done
cd /
need_root_unless_staging
load_installer_conf
STATE=$(r "$BACKUP_DIR/last-update.json")
[ -f "$STATE" ] || die "no update to roll back ($BACKUP_DIR/last-update.json is missing)"
get() { "$BOOT_PY" -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("" if v is None else v)' "$STATE" "$1"; }
FROM=$(get from) TO=$(get to) BACKUP=$(get backup) REV_BEFORE=$(get revision_before) SEQ_BEFORE=$(get max_seq_before)
CUR=$(current_version)
[ "$CUR" = "$TO" ] || die "the last update went $FROM -> $TO, but the current release is $CUR; nothing rolled back"
[ -f "$(r "$PREFIX/releases/$FROM/.complete")" ] || die "release $FROM is no longer installed under $PREFIX/releases; reinstall it with install.sh --wheelhouse (its wheelhouse) after removing the current link, see docs/installer.md"

say "stopping the station"
unit_ctl stop "$UNIT"
info=$(store_tool "$TO" info) || die "cannot read the station's database (above); the station stays stopped, nothing was changed"
field() { "$BOOT_PY" -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("" if v is None else v)' "$info" "$1"; }
REV_NOW=$(field revision) SEQ_NOW=$(field max_seq)

restore_backup() {
    [ -n "$BACKUP" ] && [ -f "$(r "$BACKUP")" ] || die "no pre-update backup to restore (${BACKUP:-none was made}); the station stays stopped"
    if [ "${SEQ_NOW:-0}" != "${SEQ_BEFORE:-0}" ] && [ "$FORCE" != 1 ]; then
        die "events $((SEQ_BEFORE + 1))..$SEQ_NOW were recorded after the update; restoring the backup would drop them from this station. Check 'openmes-hmi sync status' (pushed events are kept centrally), then run again with --force to restore anyway. The station stays stopped."
    fi
    say "restoring the pre-update backup $BACKUP"
    store_tool "$TO" restore "$(r "$BACKUP")" >/dev/null || die "restoring $BACKUP failed (above); the station stays stopped"
}

if [ -n "$REV_NOW" ] && [ "$REV_NOW" != "$REV_BEFORE" ]; then
    if [ "$RESTORE" = 1 ] || [ -z "$REV_BEFORE" ]; then
        restore_backup
    else
        say "migrating the database down ($REV_NOW -> $REV_BEFORE) with release $TO"
        if ! store_tool "$TO" downgrade "$REV_BEFORE" >/dev/null; then
            warn "migrating down failed; falling back to the pre-update backup"
            restore_backup
        fi
    fi
elif [ "$RESTORE" = 1 ]; then
    restore_backup
fi
switch_current "$FROM"
mv "$STATE" "$(r "$BACKUP_DIR/rolled-back-$TO-to-$FROM-$(date -u +%Y%m%dT%H%M%SZ).json")"
if [ "$RESTART" = 1 ]; then unit_ctl start "$UNIT"; fi
say "rolled back: $PREFIX/current -> releases/$FROM (release $TO stays installed)"
