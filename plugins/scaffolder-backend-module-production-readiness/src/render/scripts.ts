import { COMPARE_INVENTORY, TAKE_INVENTORY } from './inventoryScripts';

/**
 * What the backup and restore-test scripts of both flavours (dumpScripts.ts,
 * pgbackrestScripts.ts) share. They read every value from the environment (set from the
 * manifest and Secrets), so no input is ever spliced into code.
 */

/** `s3 ARGS…`: the AWS CLI against the backup location's endpoint (quiet but for errors). */
const S3 = `
s3() {
  if [ "$1" = ls ]; then
    aws s3 "$@" --endpoint-url "$S3_ENDPOINT"
  else
    aws s3 "$@" --endpoint-url "$S3_ENDPOINT" --only-show-errors
  fi
}
`;

/**
 * Pushes a record (type, file) to Production Readiness (POST /api/production-readiness/results)
 * with the job's token: jobs report even where the backup module cannot read the bucket. A push
 * that is refused or cannot reach Backstage fails the job, so nobody mistakes it for reported.
 * With PRODUCTION_READINESS_URL empty nothing is pushed (the module reads the bucket).
 */
const PUSH = `
push_record() {
  if [ -z "\${PRODUCTION_READINESS_URL:-}" ]; then
    echo "PRODUCTION_READINESS_URL is empty: the $1 record is not pushed"
    return 0
  fi
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

/**
 * The restore test's record: its validations, the inventory it compared with, written next to
 * the backups and pushed when the script exits, whatever step it stopped at.
 */
const RESTORE_RECORD = `${S3}${PUSH}
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
  s3 cp "$SCRATCH/record.json" "s3://$S3_BUCKET/$RESTORE_TEST_PREFIX/$(date -u +%Y%m%dT%H%M%SZ)-restore-test.json"
  push_record restore-test "$SCRATCH/record.json"
  echo "{\\"msg\\":\\"restore test finished\\",\\"status\\":\\"$status\\",\\"backupId\\":\\"$backup_id\\",\\"durationSeconds\\":$duration}"
}

# On exit: stop the scratch PostgreSQL, write and push the record; a refused push fails the job.
finish_restore_test() {
  code=$?
  trap - EXIT
  pg_ctl -D "$SCRATCH/pgdata" -m immediate stop >/dev/null 2>&1 || true
  write_record || code=1
  exit "$code"
}

# check KIND NAME EXPECTED ACTUAL OK: adds one validation to the record.
check() {
  validations=$(jq -c --arg kind "$1" --arg name "$2" --arg expected "$3" --arg actual "$4" --argjson ok "$5" \\
    '. + [{kind: $kind, name: $name, expected: $expected, actual: $actual, ok: $ok}]' <<< "$validations")
}

# holds TEST…: "true" when the test command succeeds, else "false" (the OK of a check).
holds() { if "$@"; then echo true; else echo false; fi; }

# read_inventory KEY: the inventory the backup job recorded under the backup prefix.
read_inventory() {
  echo "Reading the inventory the backup job recorded ($1)"
  if s3 cp "s3://$S3_BUCKET/$BACKUP_PREFIX/$1" "$SCRATCH/recorded.json" &&
    jq -e '.format == "production-readiness.io/backup-inventory/v1"' "$SCRATCH/recorded.json" >/dev/null; then
    check inventory "inventory of backup $backup_id recorded at backup time" "$1" "$1" true
  else
    rm -f "$SCRATCH/recorded.json"
    check inventory "inventory of backup $backup_id recorded at backup time" "$1" "missing" false
  fi
}

# compare_restored [psql options…]: one validation per role, table (and database) inventoried.
compare_restored() {
  [ -s "$SCRATCH/recorded.json" ] || return 0
  echo "Comparing what came back with the inventory"
  SNAPSHOT= RECORD_LSN= EXACT_COUNT_LIMIT=-1 take_inventory "$SCRATCH/restored.json" "$@"
  compared=$(compare_inventory "$SCRATCH/recorded.json" "$SCRATCH/restored.json")
  validations=$(jq -c --argjson more "$compared" '. + $more' <<< "$validations")
}

# conclude: succeeded when every validation passed; otherwise names the failed ones, exits 1.
conclude() {
  if jq -e 'length > 0 and all(.[]; .ok)' <<< "$validations" >/dev/null; then
    status=succeeded
  else
    jq -r '.[] | select(.ok | not) | "FAILED: \\(.name): expected \\(.expected), found \\(.actual)"' <<< "$validations" >&2
    exit 1
  fi
}
`;

/** `#!/bin/bash`, the description as comments, and strict mode. */
function bashHeader(description: string): string {
  const comments = description
    .trim()
    .split('\n')
    .map(line => `# ${line}`)
    .join('\n');
  return `#!/bin/bash\n${comments}\nset -euo pipefail`;
}

/**
 * A restore-test script: restores the newest backup into a scratch PostgreSQL in the pod
 * (`steps`, which set `backup_id`, `backup_taken_at` and add validations), compares it with the
 * backup's inventory, writes the record next to the backups, pushes it, and exits non-zero
 * when a validation failed.
 */
export function restoreTestScript(description: string, steps: string): string {
  return `${bashHeader(description)}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_s=$(date +%s)
status=failed
validations='[]'
backup_id=none
backup_taken_at=
${RESTORE_RECORD}${TAKE_INVENTORY}${COMPARE_INVENTORY}
trap finish_restore_test EXIT
${steps.trim()}
conclude
`;
}

/** Pushes the run's backup-run record when the script exits (`trap report_run EXIT`). */
const REPORT_RUN = `${S3}${PUSH}
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

# Names the entity the backup prefix belongs to (production-readiness.json at its root), so
# that another entity pointing at the same prefix cannot count these backups as its own.
name_prefix() {
  jq -n --arg entityRef "$ENTITY_REF" '{entityRef: $entityRef}' > "$SCRATCH/production-readiness.json"
  s3 cp "$SCRATCH/production-readiness.json" "s3://$S3_BUCKET/$BACKUP_PREFIX/production-readiness.json"
}
`;

/**
 * A backup script: `steps` take the backup and its inventory (setting `backup_id`, `method`
 * and `size_bytes`); the run is pushed as a backup-run record whatever step it stopped at,
 * and a run that succeeded names the prefix for its entity.
 */
export function backupScript(description: string, steps: string): string {
  return `${bashHeader(description)}
${REPORT_RUN}${TAKE_INVENTORY}
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
backup_id="run-$(date -u +%Y%m%dT%H%M%SZ)"
method=full
size_bytes=
trap report_run EXIT
${steps.trim()}
name_prefix
`;
}
