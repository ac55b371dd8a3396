#!/usr/bin/env bash
# Dump the AidTracker database to a timestamped file and prune old dumps.
#
#   DATABASE_URL=postgres://user@host:5432/aidtracker ops/backup.sh [DIR]
#
# DIR defaults to $BACKUP_DIR or /var/backups/aidtracker; dumps older than
# $BACKUP_KEEP_DAYS (default 14) are deleted. pg_dump takes a consistent
# snapshot without blocking the site. The database is the only state: app
# servers keep nothing on local disk.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up.}"
dir=${1:-${BACKUP_DIR:-/var/backups/aidtracker}}
keep_days=${BACKUP_KEEP_DAYS:-14}

mkdir -p "$dir"
file="$dir/aidtracker-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name, so a failed dump never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
find "$dir" -name 'aidtracker-*.dump' -mtime +"$keep_days" -delete
echo "$file"
