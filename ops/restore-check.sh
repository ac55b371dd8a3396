#!/usr/bin/env bash
# Prove a dump restores: load it into a scratch database and compare row counts
# with the live database.
#
#   DATABASE_URL=postgres://user@host:5432/aidtracker ops/restore-check.sh [DUMP]
#
# DUMP defaults to the newest file in $BACKUP_DIR (or /var/backups/aidtracker).
# Run it right after ops/backup.sh (counts move as staff work) and regularly:
# a backup that was never restored is a hope, not a backup.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the live PostgreSQL database.}"
dir=${BACKUP_DIR:-/var/backups/aidtracker}
dump=${1:-$(ls -t "$dir"/aidtracker-*.dump | head -n 1)}
scratch=aidtracker_restore_check
scratch_url="${DATABASE_URL%/*}/$scratch"

psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $scratch" -c "CREATE DATABASE $scratch"
trap 'psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $scratch"' EXIT
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$dump"

tables="shipments_shipment shipments_shipmentitem shipments_source shipments_shipment_donors
donors_donor donors_recipient shipments_historicalshipment auth_user django_migrations"
count_all() {
  for table in $tables; do
    printf '%s %s\n' "$table" "$(psql -tAq "$1" -c "SELECT count(*) FROM $table")"
  done
}
live=$(count_all "$DATABASE_URL")
restored=$(count_all "$scratch_url")
echo "table live restored"
paste -d' ' <(echo "$live") <(echo "$restored" | cut -d' ' -f2)
if [ "$live" != "$restored" ]; then
  echo "MISMATCH: $dump does not hold what the live database holds." >&2
  exit 1
fi
echo "OK: $dump restores with every row."
