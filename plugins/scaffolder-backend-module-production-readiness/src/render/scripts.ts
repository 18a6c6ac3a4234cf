import { COMPARE_INVENTORY, TAKE_INVENTORY } from './inventoryScripts';

/**
 * Shell scripts the backup and restore-test CronJobs run. They read every value from the
 * environment (set from the manifest and Secrets), so no input is ever spliced into code.
 */

/**
 * Pushes a record (type, file) to Production Readiness (POST /api/production-readiness/results)
 * with the job's token: jobs report even where the backup module cannot read the bucket. A push
 * that is refused or cannot reach Backstage fails the job, so nobody mistakes it for reported.
 */
const PUSH = `
push_record() {
  jq -n --arg entityRef "$ENTITY_REF" --arg type "$1" --slurpfile payload "$2" \\
    '{entityRef: $entityRef, type: $type, observedAt: $payload[0].finishedAt, payload: $payload[0]}' > "$SCRATCH/push.json"
  curl -sS --fail-with-body --retry 3 --retry-connrefused --max-time 30 -o "$SCRATCH/push-answer.json" \\
    -H "Authorization: Bearer $PRODUCTION_READINESS_TOKEN" -H 'Content-Type: application/json' \\
    --data "@$SCRATCH/push.json" "$PRODUCTION_READINESS_URL/api/production-readiness/results" || {
    echo "Production Readiness did not take the $1 record: $(cat "$SCRATCH/push-answer.json" 2>/dev/null)" >&2
    return 1
  }
}
`;

const RECORD = `${PUSH}
write_record() {
  finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  duration=$(( $(date +%s) - start_s ))
  inventory=null
  if [ -s "$SCRATCH/recorded.json" ]; then
    inventory=$(jq -c '{backupId, checksum: .checksum.value, roles: (.roles | length), tables: (.tables | length)}' \\
      "$SCRATCH/recorded.json" 2>/dev/null || echo null)
  fi
  jq -n \\
    --arg entityRef "$ENTITY_REF" --arg backupId "$backup_id" --arg backupTakenAt "$backup_taken_at" \\
    --arg startedAt "$started_at" --arg finishedAt "$finished_at" --arg status "$status" \\
    --argjson durationSeconds "$duration" --argjson validations "$validations" --argjson inventory "$inventory" \\
    '{entityRef: $entityRef, backupId: $backupId, startedAt: $startedAt, finishedAt: $finishedAt,
      status: $status, durationSeconds: $durationSeconds, validations: $validations}
     + (if $backupTakenAt == "" then {} else {backupTakenAt: $backupTakenAt} end)
     + (if $inventory == null then {} else {inventory: $inventory} end)' > "$SCRATCH/record.json"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  aws s3 cp "$SCRATCH/record.json" "s3://$S3_BUCKET/$RESTORE_TEST_PREFIX/$stamp-restore-test.json" \\
    --endpoint-url "$S3_ENDPOINT" --only-show-errors
  push_record restore-test "$SCRATCH/record.json"
  echo "{\\"msg\\":\\"restore test finished\\",\\"status\\":\\"$status\\",\\"backupId\\":\\"$backup_id\\",\\"durationSeconds\\":$duration}"
}

# check KIND NAME EXPECTED ACTUAL OK: adds one validation to the record.
check() {
  validations=$(echo "$validations" | jq -c --arg kind "$1" --arg name "$2" --arg expected "$3" \\
    --arg actual "$4" --argjson ok "$5" '. + [{kind: $kind, name: $name, expected: $expected, actual: $actual, ok: $ok}]')
}

validate() {
  # name, expected minimum, SQL returning one number
  actual=$(psql -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE" -tAc "$3" 2>/dev/null || echo -1)
  if [ "$actual" -ge "$2" ] 2>/dev/null; then ok=true; else ok=false; all_ok=false; fi
  validations=$(echo "$validations" | jq -c --arg name "$1" --argjson expected "$2" --arg actual "$actual" --argjson ok "$ok" \\
    '. + [{name: $name, expected: $expected, actual: ($actual | tonumber? // $actual), ok: $ok}]')
}

run_validations() {
  all_ok=true
  validate "database $PGDATABASE accepts queries" 1 "select 1"
  validate "application roles restored (user accounts)" 1 "select count(*) from pg_roles where rolname !~ '^pg_' and rolname <> 'postgres'"
  validate "application tables restored" "\${MIN_TABLES:-1}" "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')"
  if [ "$all_ok" = true ]; then status=succeeded; fi
}
`;

/** Restore test for pgBackRest: restore the newest backup into a scratch instance in the pod. */
export const RESTORE_TEST_PGBACKREST = `#!/bin/sh
# Restores the newest pgBackRest backup into a scratch PostgreSQL inside this pod, validates it,
# writes a restore-test record next to the backups and pushes it to Production Readiness.
set -eu
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RECORD}
trap 'pg_ctl -D "$SCRATCH/pgdata" -m immediate stop >/dev/null 2>&1 || true; write_record' EXIT

info=$(pgbackrest --stanza="$STANZA" info --output=json)
backup_id=$(echo "$info" | jq -r '.[0].backup[-1].label')
backup_taken_at=$(date -u -d "@$(echo "$info" | jq -r '.[0].backup[-1].timestamp.stop')" +%Y-%m-%dT%H:%M:%SZ)
pgbackrest --stanza="$STANZA" --pg1-path="$SCRATCH/pgdata" --set="$backup_id" \\
  --type=immediate --target-action=promote --log-level-console=warn restore
pg_ctl -D "$SCRATCH/pgdata" -w -t 600 \\
  -o "-c port=5433 -c listen_addresses='' -c unix_socket_directories=$SCRATCH -c archive_mode=off" start
run_validations
`;

/**
 * Restore test for pg_dump archives: restores the newest dump with its globals (the roles)
 * into a scratch PostgreSQL, compares what came back with the inventory the backup job
 * recorded, pushes the record, and exits non-zero when anything is missing.
 */
export const RESTORE_TEST_DUMP = `#!/bin/bash
# Restores the newest dump into a scratch PostgreSQL inside this pod, compares the restored
# roles, memberships, tables and row counts with the inventory recorded at backup time,
# writes a restore-test record next to the backups, pushes it to Production Readiness, and
# fails when a validation fails.
set -euo pipefail
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RECORD}${TAKE_INVENTORY}${COMPARE_INVENTORY}
trap 'pg_ctl -D "$SCRATCH/pgdata" -m immediate stop >/dev/null 2>&1 || true; write_record' EXIT
s3() { aws s3 "$@" --endpoint-url "$S3_ENDPOINT" --only-show-errors; }

echo "Finding the newest dump under s3://$S3_BUCKET/$BACKUP_PREFIX/"
newest=$(aws s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" --endpoint-url "$S3_ENDPOINT" | awk '{print $4}' | grep '\\.dump$' | sort | tail -n 1)
backup_id=\${newest%.dump}
s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest" "$SCRATCH/backup.dump"
backup_taken_at=$(s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest.manifest.json" - | jq -r '.finishedAt')

echo "Reading the inventory the backup job recorded"
s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest.inventory.json" "$SCRATCH/recorded.json"
recorded_sum=$(jq -r '.checksum.value' "$SCRATCH/recorded.json")
actual_sum=$(sha256sum "$SCRATCH/backup.dump" | cut -d' ' -f1)
check checksum "dump $newest is the one inventoried" "$recorded_sum" "$actual_sum" \\
  "$([ "$recorded_sum" = "$actual_sum" ] && echo true || echo false)"

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
check query "pg_restore applied every object" "0 errors" "$restore_errors errors$(grep -m1 '^pg_restore: error' "$SCRATCH/pg_restore.log" | sed 's/^pg_restore: error:/:/' || true)" \\
  "$([ "$restore_errors" = 0 ] && echo true || echo false)"
restored_s=$(( $(date +%s) - start_s ))
check rto "restored within the RTO" "\${RTO_SECONDS}s" "\${restored_s}s" \\
  "$([ "$restored_s" -le "$RTO_SECONDS" ] && echo true || echo false)"

echo "Comparing what came back with the inventory"
SNAPSHOT= EXACT_COUNT_LIMIT=-1 take_inventory "$SCRATCH/restored.json" -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE"
compared=$(compare_inventory "$SCRATCH/recorded.json" "$SCRATCH/restored.json")
validations=$(jq -c --argjson more "$compared" '. + $more' <<< "$validations")
if jq -e 'all(.[]; .ok)' <<< "$validations" >/dev/null; then
  status=succeeded
else
  jq -r '.[] | select(.ok | not) | "FAILED: \\(.name): expected \\(.expected), found \\(.actual)"' <<< "$validations" >&2
  exit 1
fi
`;

/** Pushes the run's backup-run record when the script exits (`trap report_run EXIT`). */
const REPORT_RUN = `${PUSH}
# Pushes the run's backup-run record when the script exits: a failed run is seen at once.
report_run() {
  code=$?
  trap - EXIT
  status=failed
  if [ "$code" -eq 0 ]; then status=succeeded; fi
  jq -n --arg entityRef "$ENTITY_REF" --arg backupId "$backup_id" --arg startedAt "$started_at" \\
    --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg status "$status" --arg method "$method" \\
    --arg sizeBytes "$size_bytes" --arg code "$code" \\
    '{entityRef: $entityRef, backupId: $backupId, startedAt: $startedAt, finishedAt: $finishedAt,
      status: $status, method: $method}
     + (if $sizeBytes == "" then {} else {sizeBytes: ($sizeBytes | tonumber)} end)
     + (if $status == "failed" then {error: ("backup script exited with status " + $code + "; see the job log")} else {} end)' \\
    > "$SCRATCH/backup-run.json"
  push_record backup-run "$SCRATCH/backup-run.json" || code=1
  exit "$code"
}
`;

/**
 * Names the entity the backup prefix belongs to (production-readiness.json at its root), so
 * that another entity pointing at the same prefix cannot count these backups as its own.
 */
const NAME_PREFIX = `
name_prefix() {
  jq -n --arg entityRef "$ENTITY_REF" '{entityRef: $entityRef}' > "$SCRATCH/production-readiness.json"
  aws s3 cp "$SCRATCH/production-readiness.json" "s3://$S3_BUCKET/$BACKUP_PREFIX/production-readiness.json" \\
    --endpoint-url "$S3_ENDPOINT" --only-show-errors
}
`;

/** pgBackRest backup of the type BACKUP_TYPE into the repository at the backup prefix. */
export const BACKUP_PGBACKREST = `#!/bin/sh
# pgBackRest backup (its options come from PGBACKREST_* variables), then the prefix is named
# for its entity.
set -eu
${REPORT_RUN}${NAME_PREFIX}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
backup_id="run-$(date -u +%Y%m%dT%H%M%SZ)"
method=$(case "$BACKUP_TYPE" in incr) echo incremental ;; diff) echo differential ;; *) echo full ;; esac)
size_bytes=
trap report_run EXIT
pgbackrest --stanza="$STANZA" --type="$BACKUP_TYPE" backup
backup_id=$(pgbackrest --stanza="$STANZA" info --output=json | jq -r '.[0].backup[-1].label')
name_prefix
`;

/**
 * Full logical backup with pg_dump: the globals (roles), the dump, a manifest the backup
 * checks read and the inventory the restore test compares with, both read from one snapshot;
 * then count-based retention.
 */
export const BACKUP_DUMP = `#!/bin/bash
# pg_dump backup to S3 with the roles (globals), a manifest the backup checks read and an
# inventory of what the database held (read in the same snapshot as the dump), then
# retention by count.
set -euo pipefail
${REPORT_RUN}${NAME_PREFIX}${TAKE_INVENTORY}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
name=$(date -u +%Y%m%dT%H%M%SZ)
backup_id="$name.dump"
method=full
size_bytes=
trap report_run EXIT

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
size=$(stat -c %s "$SCRATCH/$name.dump")
size_bytes=$size
finish_inventory "$SCRATCH/inventory.json" "$SCRATCH/$name.dump.inventory.json" "$name.dump" \\
  "$(sha256sum "$SCRATCH/$name.dump" | cut -d' ' -f1)" "$name.dump"
finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq -n --arg startedAt "$started_at" --arg finishedAt "$finished_at" --argjson sizeBytes "$size" \\
  '{status: "succeeded", type: "full", startedAt: $startedAt, finishedAt: $finishedAt, sizeBytes: $sizeBytes}' \\
  > "$SCRATCH/$name.dump.manifest.json"
for file in "$name.globals.sql" "$name.dump" "$name.dump.manifest.json" "$name.dump.inventory.json"; do
  aws s3 cp "$SCRATCH/$file" "s3://$S3_BUCKET/$BACKUP_PREFIX/$file" --endpoint-url "$S3_ENDPOINT" --only-show-errors
done
# Keep the newest RETENTION_COUNT dumps.
aws s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" --endpoint-url "$S3_ENDPOINT" | awk '{print $4}' | grep '\\.dump$' | sort -r |
  tail -n +"$((RETENTION_COUNT + 1))" | while read -r old; do
    for file in "$old" "$old.manifest.json" "$old.inventory.json" "\${old%.dump}.globals.sql"; do
      aws s3 rm "s3://$S3_BUCKET/$BACKUP_PREFIX/$file" --endpoint-url "$S3_ENDPOINT" --only-show-errors
    done
  done
name_prefix
echo "{\\"msg\\":\\"backup finished\\",\\"backup\\":\\"$name\\",\\"sizeBytes\\":$size}"
`;
