import { backupScript, restoreTestScript } from './scripts';

/**
 * pgBackRest backup of the type BACKUP_TYPE into the repository at the backup prefix (its
 * options come from PGBACKREST_* variables), then the inventory of the database with the WAL
 * position it was read at, archived by `pgbackrest check` so that the restore test can
 * recover the backup to exactly that position.
 */
export const BACKUP_PGBACKREST = backupScript(
  `
pgBackRest backup (its options come from PGBACKREST_* variables), then an inventory of what
the database held, read at a WAL position the restore test recovers the backup to.
`,
  `
method=$(case "$BACKUP_TYPE" in incr) echo incremental ;; diff) echo differential ;; *) echo full ;; esac)
echo "pgBackRest $BACKUP_TYPE backup of stanza $STANZA"
pgbackrest --stanza="$STANZA" --type="$BACKUP_TYPE" backup
info=$(pgbackrest --stanza="$STANZA" info --output=json)
backup_id=$(jq -r '.[0].backup[-1].label' <<< "$info")
size_bytes=$(jq -r '.[0].backup[-1].info.repository.delta // empty' <<< "$info")
echo "Taking the inventory of $PGDATABASE with the WAL position it was read at"
RECORD_LSN=1 take_inventory "$SCRATCH/inventory.json"
echo "Archiving the WAL up to that position (pgbackrest check switches the WAL and waits for it)"
pgbackrest --stanza="$STANZA" check
manifest="backup/$STANZA/$backup_id/backup.manifest"
finish_inventory "$SCRATCH/inventory.json" "$SCRATCH/$backup_id.inventory.json" "$backup_id" \\
  "$(pgbackrest --stanza="$STANZA" repo-get "$manifest" | sha256sum | cut -d' ' -f1)" "$manifest"
s3 cp "$SCRATCH/$backup_id.inventory.json" "s3://$S3_BUCKET/$BACKUP_PREFIX/inventory/$backup_id.inventory.json"
echo "Removing the inventories of backups pgBackRest expired"
kept=$(jq -r '.[0].backup[].label' <<< "$info")
s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/inventory/" | awk '{print $4}' | while read -r file; do
  if ! grep -qxF "\${file%.inventory.json}" <<< "$kept"; then
    s3 rm "s3://$S3_BUCKET/$BACKUP_PREFIX/inventory/$file"
  fi
done
echo "{\\"msg\\":\\"backup finished\\",\\"backup\\":\\"$backup_id\\",\\"sizeBytes\\":\\"$size_bytes\\"}"
`,
);

/**
 * Restore test for pgBackRest: restores the newest backup into a scratch PostgreSQL in the pod,
 * recovered to the WAL position its inventory was read at, and compares every database, role
 * and table with that inventory.
 */
export const RESTORE_TEST_PGBACKREST = restoreTestScript(
  `
Restores the newest pgBackRest backup into a scratch PostgreSQL inside this pod, recovered to
the WAL position the backup job read its inventory at, compares the restored databases,
roles, memberships, tables and row counts with that inventory, writes a restore-test record
next to the backups, pushes it to Production Readiness, and fails when a validation fails.
`,
  `
echo "Finding the newest backup of stanza $STANZA"
info=$(pgbackrest --stanza="$STANZA" info --output=json)
backup_id=$(jq -r '.[0].backup[-1].label // "none"' <<< "$info")
if [ "$backup_id" = none ]; then
  check restore "a backup of stanza $STANZA to restore" "a backup" "no backup in the repository" false
  conclude
fi
backup_taken_at=$(date -u -d "@$(jq -r '.[0].backup[-1].timestamp.stop' <<< "$info")" +%Y-%m-%dT%H:%M:%SZ)
read_inventory "inventory/$backup_id.inventory.json"
target=(--type=immediate)
target_text="the end of the backup"
if [ -s "$SCRATCH/recorded.json" ]; then
  manifest="backup/$STANZA/$backup_id/backup.manifest"
  recorded_sum=$(jq -r '.checksum.value' "$SCRATCH/recorded.json")
  actual_sum=$(pgbackrest --stanza="$STANZA" repo-get "$manifest" | sha256sum | cut -d' ' -f1)
  check checksum "backup $backup_id is the one inventoried (sha256 of its manifest)" "$recorded_sum" "$actual_sum" \\
    "$(holds [ "$recorded_sum" = "$actual_sum" ])"
  lsn=$(jq -r '.lsn // empty' "$SCRATCH/recorded.json")
  if [ -n "$lsn" ]; then
    target=(--type=lsn --target="$lsn")
    target_text="the inventory's WAL position $lsn"
  fi
fi

echo "Restoring backup $backup_id up to $target_text into a scratch PostgreSQL"
mkdir -m 700 -p "$SCRATCH/pgdata"
if ! pgbackrest --stanza="$STANZA" --pg1-path="$SCRATCH/pgdata" --set="$backup_id" "\${target[@]}" \\
  --target-action=promote --log-level-console=error restore 2>"$SCRATCH/restore.log"; then
  check restore "pgbackrest restore of backup $backup_id" "restored" "$(grep -m1 -o 'ERROR: .*' "$SCRATCH/restore.log" || tail -n 1 "$SCRATCH/restore.log")" false
  conclude
fi
# Only this pod reaches the copy (a socket in the scratch folder), so it trusts local users;
# it never archives into the real repository; a cluster configured outside its data folder
# starts with the defaults.
[ -f "$SCRATCH/pgdata/postgresql.conf" ] || touch "$SCRATCH/pgdata/postgresql.conf"
echo "local all all trust" > "$SCRATCH/restore_hba.conf"
pg_ctl -D "$SCRATCH/pgdata" -w -t "$RTO_SECONDS" -l "$SCRATCH/postgres.log" -o "-c port=5433 -c listen_addresses='' \\
  -c unix_socket_directories=$SCRATCH -c hba_file=$SCRATCH/restore_hba.conf -c archive_mode=off -c ssl=off" start >/dev/null || true
echo "Waiting for recovery to $target_text and promotion"
state=down
for _ in $(seq "$RTO_SECONDS"); do
  state=$(psql -h "$SCRATCH" -p 5433 -U postgres -d postgres -X -tAc 'select pg_is_in_recovery()' 2>/dev/null || echo down)
  if [ "$state" = f ] || ! pg_ctl -D "$SCRATCH/pgdata" status >/dev/null; then break; fi
  sleep 1
done
recovered="recovered and promoted"
if [ "$state" != f ]; then recovered="not promoted: $(tail -n 1 "$SCRATCH/postgres.log" 2>/dev/null)"; fi
check restore "backup $backup_id recovered to $target_text and promoted" "recovered and promoted" "$recovered" \\
  "$(holds [ "$state" = f ])"
[ "$state" = f ] || conclude
restored_s=$(( $(date +%s) - start_s ))
check rto "restored within the RTO" "\${RTO_SECONDS}s" "\${restored_s}s" "$(holds [ "$restored_s" -le "$RTO_SECONDS" ])"
COMPARE_DATABASES=all compare_restored -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE"
`,
);
