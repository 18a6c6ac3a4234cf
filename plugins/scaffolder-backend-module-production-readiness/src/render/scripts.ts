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
  jq -n \\
    --arg entityRef "$ENTITY_REF" --arg backupId "$backup_id" --arg backupTakenAt "$backup_taken_at" \\
    --arg startedAt "$started_at" --arg finishedAt "$finished_at" --arg status "$status" \\
    --argjson durationSeconds "$duration" --argjson validations "$validations" \\
    '{entityRef: $entityRef, backupId: $backupId, startedAt: $startedAt, finishedAt: $finishedAt,
      status: $status, durationSeconds: $durationSeconds, validations: $validations}
     + (if $backupTakenAt == "" then {} else {backupTakenAt: $backupTakenAt} end)' > "$SCRATCH/record.json"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  aws s3 cp "$SCRATCH/record.json" "s3://$S3_BUCKET/$RESTORE_TEST_PREFIX/$stamp-restore-test.json" \\
    --endpoint-url "$S3_ENDPOINT" --only-show-errors
  push_record restore-test "$SCRATCH/record.json"
  echo "{\\"msg\\":\\"restore test finished\\",\\"status\\":\\"$status\\",\\"backupId\\":\\"$backup_id\\",\\"durationSeconds\\":$duration}"
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

/** Restore test for pg_dump archives. */
export const RESTORE_TEST_DUMP = `#!/bin/sh
# Restores the newest dump into a scratch PostgreSQL inside this pod, validates it, writes a
# restore-test record next to the backups and pushes it to Production Readiness.
set -eu
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RECORD}
trap 'pg_ctl -D "$SCRATCH/pgdata" -m immediate stop >/dev/null 2>&1 || true; write_record' EXIT

newest=$(aws s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" --endpoint-url "$S3_ENDPOINT" | awk '{print $4}' | grep '\\.dump$' | sort | tail -n 1)
backup_id=\${newest%.dump}
aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest" "$SCRATCH/backup.dump" --endpoint-url "$S3_ENDPOINT" --only-show-errors
aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$backup_id.globals.sql" "$SCRATCH/globals.sql" --endpoint-url "$S3_ENDPOINT" --only-show-errors
backup_taken_at=$(aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest.manifest.json" - --endpoint-url "$S3_ENDPOINT" | jq -r '.finishedAt')
initdb -D "$SCRATCH/pgdata" -A trust -U postgres >/dev/null
pg_ctl -D "$SCRATCH/pgdata" -w -o "-c port=5433 -c listen_addresses='' -c unix_socket_directories=$SCRATCH" start
psql -h "$SCRATCH" -p 5433 -U postgres -q -f "$SCRATCH/globals.sql" >/dev/null
createdb -h "$SCRATCH" -p 5433 -U postgres "$PGDATABASE"
pg_restore -h "$SCRATCH" -p 5433 -U postgres -d "$PGDATABASE" --no-owner --exit-on-error "$SCRATCH/backup.dump"
run_validations
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

/** Full logical backup with pg_dump, a manifest sidecar and count-based retention. */
export const BACKUP_DUMP = `#!/bin/sh
# pg_dump backup to S3 with a manifest the backup checks read, then retention by count.
set -eu
${REPORT_RUN}${NAME_PREFIX}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
name=$(date -u +%Y%m%dT%H%M%SZ)
backup_id="$name.dump"
method=full
size_bytes=
trap report_run EXIT
pg_dumpall --globals-only > "$SCRATCH/$name.globals.sql"
pg_dump -Fc -f "$SCRATCH/$name.dump"
size=$(stat -c %s "$SCRATCH/$name.dump")
size_bytes=$size
finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq -n --arg startedAt "$started_at" --arg finishedAt "$finished_at" --argjson sizeBytes "$size" \\
  '{status: "succeeded", type: "full", startedAt: $startedAt, finishedAt: $finishedAt, sizeBytes: $sizeBytes}' \\
  > "$SCRATCH/$name.dump.manifest.json"
for file in "$name.globals.sql" "$name.dump" "$name.dump.manifest.json"; do
  aws s3 cp "$SCRATCH/$file" "s3://$S3_BUCKET/$BACKUP_PREFIX/$file" --endpoint-url "$S3_ENDPOINT" --only-show-errors
done
# Keep the newest RETENTION_COUNT dumps.
aws s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" --endpoint-url "$S3_ENDPOINT" | awk '{print $4}' | grep '\\.dump$' | sort -r |
  tail -n +"$((RETENTION_COUNT + 1))" | while read -r old; do
    for file in "$old" "$old.manifest.json" "\${old%.dump}.globals.sql"; do
      aws s3 rm "s3://$S3_BUCKET/$BACKUP_PREFIX/$file" --endpoint-url "$S3_ENDPOINT" --only-show-errors
    done
  done
name_prefix
echo "{\\"msg\\":\\"backup finished\\",\\"backup\\":\\"$name\\",\\"sizeBytes\\":$size}"
`;
