/**
 * Shell scripts the backup and restore-test CronJobs run. They read every value from the
 * environment (set from the manifest and Secrets), so no input is ever spliced into code.
 */

const RECORD = `
write_record() {
  finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  duration=$(( $(date +%s) - start_s ))
  jq -n \\
    --arg entityRef "$ENTITY_REF" --arg backupId "$backup_id" --arg backupTakenAt "$backup_taken_at" \\
    --arg startedAt "$started_at" --arg finishedAt "$finished_at" --arg status "$status" \\
    --argjson durationSeconds "$duration" --argjson validations "$validations" \\
    '{entityRef: $entityRef, backupId: $backupId, startedAt: $startedAt, finishedAt: $finishedAt,
      status: $status, durationSeconds: $durationSeconds, validations: $validations}
     + (if $backupTakenAt == "" then {} else {backupTakenAt: $backupTakenAt} end)' > /scratch/record.json
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  aws s3 cp /scratch/record.json "s3://$S3_BUCKET/$RESTORE_TEST_PREFIX/$stamp-restore-test.json" \\
    --endpoint-url "$S3_ENDPOINT" --only-show-errors
  echo "{\\"msg\\":\\"restore test finished\\",\\"status\\":\\"$status\\",\\"backupId\\":\\"$backup_id\\",\\"durationSeconds\\":$duration}"
}

validate() {
  # name, expected minimum, SQL returning one number
  actual=$(psql -h /scratch -p 5433 -U postgres -d "$PGDATABASE" -tAc "$3" 2>/dev/null || echo -1)
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
# Restores the newest pgBackRest backup into a scratch PostgreSQL inside this pod, validates it
# and writes a restore-test record next to the backups, where Production Readiness reads it.
set -eu
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RECORD}
trap 'pg_ctl -D /scratch/pgdata -m immediate stop >/dev/null 2>&1 || true; write_record' EXIT

info=$(pgbackrest --stanza="$STANZA" info --output=json)
backup_id=$(echo "$info" | jq -r '.[0].backup[-1].label')
backup_taken_at=$(date -u -d "@$(echo "$info" | jq -r '.[0].backup[-1].timestamp.stop')" +%Y-%m-%dT%H:%M:%SZ)
pgbackrest --stanza="$STANZA" --pg1-path=/scratch/pgdata --set="$backup_id" \\
  --type=immediate --target-action=promote --log-level-console=warn restore
pg_ctl -D /scratch/pgdata -w -t 600 \\
  -o "-c port=5433 -c listen_addresses='' -c unix_socket_directories=/scratch -c archive_mode=off" start
run_validations
`;

/** Restore test for pg_dump archives. */
export const RESTORE_TEST_DUMP = `#!/bin/sh
# Restores the newest dump into a scratch PostgreSQL inside this pod, validates it and writes
# a restore-test record next to the backups, where Production Readiness reads it.
set -eu
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RECORD}
trap 'pg_ctl -D /scratch/pgdata -m immediate stop >/dev/null 2>&1 || true; write_record' EXIT

newest=$(aws s3 ls "s3://$S3_BUCKET/$BACKUP_PREFIX/" --endpoint-url "$S3_ENDPOINT" | awk '{print $4}' | grep '\\.dump$' | sort | tail -n 1)
backup_id=\${newest%.dump}
aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest" /scratch/backup.dump --endpoint-url "$S3_ENDPOINT" --only-show-errors
aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$backup_id.globals.sql" /scratch/globals.sql --endpoint-url "$S3_ENDPOINT" --only-show-errors
backup_taken_at=$(aws s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$newest.manifest.json" - --endpoint-url "$S3_ENDPOINT" | jq -r '.finishedAt')
initdb -D /scratch/pgdata -A trust -U postgres >/dev/null
pg_ctl -D /scratch/pgdata -w -o "-c port=5433 -c listen_addresses='' -c unix_socket_directories=/scratch" start
psql -h /scratch -p 5433 -U postgres -q -f /scratch/globals.sql >/dev/null
createdb -h /scratch -p 5433 -U postgres "$PGDATABASE"
pg_restore -h /scratch -p 5433 -U postgres -d "$PGDATABASE" --no-owner --exit-on-error /scratch/backup.dump
run_validations
`;

/**
 * Names the entity the backup prefix belongs to (production-readiness.json at its root), so
 * that another entity pointing at the same prefix cannot count these backups as its own.
 */
const NAME_PREFIX = `
name_prefix() {
  jq -n --arg entityRef "$ENTITY_REF" '{entityRef: $entityRef}' > /scratch/production-readiness.json
  aws s3 cp /scratch/production-readiness.json "s3://$S3_BUCKET/$BACKUP_PREFIX/production-readiness.json" \\
    --endpoint-url "$S3_ENDPOINT" --only-show-errors
}
`;

/** pgBackRest backup of the type BACKUP_TYPE into the repository at the backup prefix. */
export const BACKUP_PGBACKREST = `#!/bin/sh
# pgBackRest backup (its options come from PGBACKREST_* variables), then the prefix is named
# for its entity.
set -eu
${NAME_PREFIX}
pgbackrest --stanza="$STANZA" --type="$BACKUP_TYPE" backup
name_prefix
`;

/** Full logical backup with pg_dump, a manifest sidecar and count-based retention. */
export const BACKUP_DUMP = `#!/bin/sh
# pg_dump backup to S3 with a manifest the backup checks read, then retention by count.
set -eu
${NAME_PREFIX}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
name=$(date -u +%Y%m%dT%H%M%SZ)
pg_dumpall --globals-only > "/scratch/$name.globals.sql"
pg_dump -Fc -f "/scratch/$name.dump"
size=$(stat -c %s "/scratch/$name.dump")
finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq -n --arg startedAt "$started_at" --arg finishedAt "$finished_at" --argjson sizeBytes "$size" \\
  '{status: "succeeded", type: "full", startedAt: $startedAt, finishedAt: $finishedAt, sizeBytes: $sizeBytes}' \\
  > "/scratch/$name.dump.manifest.json"
for file in "$name.globals.sql" "$name.dump" "$name.dump.manifest.json"; do
  aws s3 cp "/scratch/$file" "s3://$S3_BUCKET/$BACKUP_PREFIX/$file" --endpoint-url "$S3_ENDPOINT" --only-show-errors
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
