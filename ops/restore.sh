#!/usr/bin/env bash
# Restore a dump made by ops/backup.sh into the live database, bring it up to
# the code, and empty the cache.
#
#   DATABASE_URL=postgres://user@host:5432/aidtracker [REDIS_URL=redis://...] \
#       ops/restore.sh /var/backups/aidtracker/aidtracker-20261201T020000Z.dump
#
# Run it with the settings of the app servers (the same DATABASE_URL and
# REDIS_URL), with the site stopped or in maintenance. The data version is a
# random token, so no page cached after the backup can be served for the
# restored data; emptying the cache frees what those pages hold, and the
# download counters with them.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to restore into.}"
dump=${1:?Give the dump to restore (a file written by ops/backup.sh).}
python=${PYTHON:-python}
cd "$(dirname "$0")/.."

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"
"$python" manage.py migrate --no-input
"$python" manage.py clear_cache
echo "Restored $dump."
