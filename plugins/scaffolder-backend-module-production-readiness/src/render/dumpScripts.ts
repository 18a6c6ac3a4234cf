import { backupScript, restoreTestScript } from './scripts';

/**
 * Full logical backup with pg_dump: the globals (roles), the dump, a manifest the backup
 * checks read and the inventory the restore test compares with, both read from one snapshot;
 * then count-based retention.
 */
export const BACKUP_DUMP = backupScript(
  `
pg_dump backup to S3 with the roles (globals), a manifest the backup checks read and an
inventory of what the database held (read in the same snapshot as the dump), then
retention by count.
`,
  `
name=$(date -u +%Y%m%dT%H%M%SZ)
backup_id="$name.dump"

echo "Dumping the roles (globals)"
pg_dumpall --globals-only > "$SCRATCH/$name.globals.sql"
# One read-only transaction exports the snapshot that pg_dump and the inventory both read.
coproc SNAPSHOT_SESSION { psql -X -q -tA -v ON_ERROR_STOP=1; }
snapshot_session=$SNAPSHOT_SESSION_PID
echo "begin transaction isolation level repeatable read read only; select pg_export_snapshot();" >&"\${SNAPSHOT_SESSION[1]}"
read -r -t 60 SNAPSHOT <&"\${SNAPSHOT_SESSION[0]}"
echo "Dumping $PGDATABASE in snapshot $SNAPSHOT"
pg_dump -Fc --snapshot="$SNAPSHOT" -f "$SCRATCH/$name.dump"
echo "Taking the inventory in the same snapshot"
take_inventory "$SCRATCH/inventory.json"
echo "commit;" >&"\${SNAPSHOT_SESSION[1]}"
exec {SNAPSHOT_SESSION[1]}>&-
wait "$snapshot_session"
size_bytes=$(stat -c %s "$SCRATCH/$name.dump")
sha256=$(sha256sum "$SCRATCH/$name.dump" | cut -d' ' -f1)
finish_inventory "$SCRATCH/inventory.json" "$SCRATCH/$name.dump.inventory.json" "$name.dump" \\
  "$sha256" "$name.dump"
# The backup checks compare the object with sizeBytes and sha256 (corrupted or replaced: failed).
jq -n --arg startedAt "$started_at" --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson sizeBytes "$size_bytes" \\
  --arg sha256 "$sha256" \\
  '{status: "succeeded", type: "full", startedAt: $startedAt, finishedAt: $finishedAt, sizeBytes: $sizeBytes, sha256: $sha256}' \\
  > "$SCRATCH/$name.dump.manifest.json"
for file in "$name.globals.sql" "$name.dump" "$name.dump.manifest.json" "$name.dump.inventory.json"; do
  s3 cp "$SCRATCH/$file" "s3://$S3_BUCKET/$BACKUP_PREFIX/$file"
done
echo "Keeping the newest $RETENTION_COUNT dumps"
s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" | awk '{print $4}' | grep '\\.dump$' | sort -r |
  tail -n +"$((RETENTION_COUNT + 1))" | while read -r old; do
    for file in "$old" "$old.manifest.json" "$old.inventory.json" "\${old%.dump}.globals.sql"; do
      s3 rm "s3://$S3_BUCKET/$BACKUP_PREFIX/$file"
    done
  done
echo "{\\"msg\\":\\"backup finished\\",\\"backup\\":\\"$name\\",\\"sizeBytes\\":$size_bytes}"
`,
);

/**
 * Restore test for pg_dump archives: restores the newest dump with its globals (the roles)
 * into a scratch PostgreSQL and compares what came back with the inventory the backup job
 * recorded next to the dump.
 */
export const RESTORE_TEST_DUMP = restoreTestScript(
  `
Restores the newest dump into a scratch PostgreSQL inside this pod, compares the restored
roles, memberships, tables and row counts with the inventory recorded at backup time,
writes a restore-test record next to the backups, pushes it to Production Readiness, and
fails when a validation fails.
`,
  `
echo "Finding the newest dump under s3://$S3_BUCKET/$BACKUP_PREFIX/"
newest=$(s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" | awk '{print $4}' | grep '\\.dump$' | sort | tail -n 1)
backup_id=\${newest%.dump}
s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest" "$SCRATCH/backup.dump"
backup_taken_at=$(s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest.manifest.json" - | jq -r '.finishedAt')
read_inventory "$newest.inventory.json"
if [ -s "$SCRATCH/recorded.json" ]; then
  recorded_sum=$(jq -r '.checksum.value' "$SCRATCH/recorded.json")
  actual_sum=$(sha256sum "$SCRATCH/backup.dump" | cut -d' ' -f1)
  check checksum "dump $newest is the one inventoried" "$recorded_sum" "$actual_sum" "$(holds [ "$recorded_sum" = "$actual_sum" ])"
fi

echo "Restoring roles and data into a scratch PostgreSQL"
initdb -D "$SCRATCH/pgdata" -A trust -U postgres >/dev/null
pg_ctl -D "$SCRATCH/pgdata" -w -o "-c port=5433 -c listen_addresses='' -c unix_socket_directories=$SCRATCH" start >/dev/null
if s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$backup_id.globals.sql" "$SCRATCH/globals.sql"; then
  # The bootstrap role exists already; every other statement must apply.
  psql -h "$SCRATCH" -p 5433 -U postgres -d postgres -X -q -f "$SCRATCH/globals.sql" >/dev/null 2>"$SCRATCH/globals.log" || true
else
  echo "No globals ($backup_id.globals.sql) next to the dump: roles cannot be restored" >&2
fi
createdb -h "$SCRATCH" -p 5433 -U postgres "$PGDATABASE"
restore_errors=0
pg_restore -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE" "$SCRATCH/backup.dump" 2>"$SCRATCH/pg_restore.log" ||
  restore_errors=$(grep -c '^pg_restore: error' "$SCRATCH/pg_restore.log" || true)
check restore "pg_restore applied every object" "0 errors" \\
  "$restore_errors errors$(grep -m1 '^pg_restore: error' "$SCRATCH/pg_restore.log" | sed 's/^pg_restore: error:/:/' || true)" \\
  "$(holds [ "$restore_errors" = 0 ])"
restored_s=$(( $(date +%s) - start_s ))
check rto "restored within the RTO" "\${RTO_SECONDS}s" "\${restored_s}s" "$(holds [ "$restored_s" -le "$RTO_SECONDS" ])"
compare_restored -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE"
`,
);
