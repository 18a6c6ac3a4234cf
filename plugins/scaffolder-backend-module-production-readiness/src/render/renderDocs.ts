import { formatDuration } from '@production-readiness/plugin-production-readiness-common';
import { stringify } from 'yaml';
import { ansibleGroup } from './renderAnsible';
import { alertNames } from './renderMonitoring';
import { RenderContext, RenderedFile } from './context';

function kubernetesOperations(ctx: RenderContext): string {
  const { o } = ctx;
  return `## Target down

1. \`kubectl -n ${ctx.namespace} get pods -l app.kubernetes.io/name=${o.name}\`: are pods ready?
2. \`kubectl -n ${ctx.namespace} describe pod <pod>\`: probe failures, OOMKilled, image pull errors.
3. Roll back: \`kubectl -n ${ctx.namespace} rollout undo deployment/${o.name}\`.

## Error rate

Logs are JSON on stdout: \`kubectl -n ${ctx.namespace} logs deploy/${o.name} | jq 'select(.level == "error")'\`.
Check recent deploys; roll back first, investigate after.

## Latency

Compare p99 latency with CPU and memory on the dashboard; scale out with
\`kubectl -n ${ctx.namespace} scale deployment/${o.name} --replicas=<n>\` if the HPA is at its maximum.

## Saturation

CPU or memory close to the limits: check the HPA (\`kubectl -n ${ctx.namespace} get hpa ${o.name}\`),
raise requests/limits in \`deploy/kubernetes/deployment.yaml\` through a pull request.

## Disk fill

Logs go to stdout and every writable volume has a size limit, so a full disk means a growing
volume: find it with \`kubectl -n ${ctx.namespace} get pvc\`, then expand it or clean up.
`;
}

function vmOperations(ctx: RenderContext): string {
  const { o } = ctx;
  return `## Target down

1. \`ansible ${ansibleGroup(
    o.name,
  )} -i deploy/ansible/inventory.ini -b -m ansible.builtin.command -a "systemctl status ${
    o.name
  }"\`: is the unit active on every host?
2. \`journalctl -u ${o.name}\` and \`/var/log/${o.name}/${
    o.name
  }.log\` on the host: crashes, image pull errors.
3. Roll back: run the playbook with the previous image, \`ansible-playbook -i deploy/ansible/inventory.ini deploy/ansible/playbook.yml -e service_image=${
    o.image
  }:<previous tag>\`.

## Error rate

Logs are JSON lines in \`/var/log/${o.name}/\` (and in the platform log store):
\`jq 'select(.level == "error")' /var/log/${o.name}/${o.name}.log\`.
Check recent deploys; roll back first, investigate after.

## Latency

Compare p99 latency with CPU and memory on the dashboard; add a host to the inventory and run
the playbook if every host is busy.

## Saturation

CPU or memory close to the host's size: resize the VM or add hosts through a pull request to
the inventory.

## Disk fill

logrotate rotates \`/var/log/${o.name}/*.log\` daily and above ${
    o.logMaxSize
  }, keeping the
logs the retention asks for; the daily run exports \`logrotate_last_success_timestamp_seconds\`
for node_exporter. A full disk despite it: \`du -sh /var/log/* /var/lib/*\` on the host, then
clean up or grow the disk.

`;
}

/** The runbook's operational sections, for where the service runs. */
function operations(ctx: RenderContext): string {
  return ctx.o.runtime === 'vm' ? vmOperations(ctx) : kubernetesOperations(ctx);
}

export function renderDocs(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const db = ctx.databaseName;
  const entityPath = `component/default/${o.name}`;
  const runbook = `# Runbook: ${o.name}

Owner: \`${ctx.ownerRef}\` · on-call: ${
    o.onCall
  } · alerts go to the Alertmanager receiver
\`${o.alertReceiver}\` (label \`team=${ctx.team}\`).

Dashboards: \`monitoring/grafana-dashboard.json\` (import it into Grafana). Production Readiness:
the entity's **Production Readiness** tab in Backstage (\`${entityPath}\`).

## Alerts

${alertNames(ctx)
  .map(name => `- \`${name}\``)
  .join('\n')}

${operations(ctx)}
## SLO availability

The availability SLO is ${o.sloAvailability}% over 30 days (error budget ${(
    100 - o.sloAvailability
  ).toFixed(
    3,
  )}%). A page means 2% of the monthly budget burnt in an hour (or 5% in 6 hours): treat
it as an incident and open a postmortem from \`docs/postmortem-template.md\`.

## SLO latency

${o.sloLatencyObjective}% of requests must be faster than ${o.sloLatencyMs} ms.
${
  o.database
    ? `
## Database restore

Follow [Backup and restore](backup-and-restore.md).
`
    : ''
}`;
  const backupDoc = o.database
    ? `# Backup and restore plan: ${db}

| what | value |
| --- | --- |
| what is backed up | every schema of \`${db}\`, roles and users |
| tool | ${
        o.backupTool === 'pgbackrest'
          ? 'pgBackRest (S3 repository, WAL archiving)'
          : 'pg_dump / pg_dumpall --globals-only'
      } |
| method | ${o.backupMethod} |
| schedule | \`${o.backupSchedule}\` (UTC)${
        o.backupMethod === 'full'
          ? ''
          : `, full backups \`${o.fullBackupSchedule}\``
      } |
| RPO | ${o.rpo} (${formatDuration(ctx.rpoSeconds * 1000)}) |
| RTO | ${o.rto} (${formatDuration(ctx.rtoSeconds * 1000)}) |
| retention | ${o.retentionCount} ${
        o.backupMethod === 'full' ? 'backups' : 'days of backups'
      } |
| location | backup location \`${o.backupLocation}\`, prefix \`${
        ctx.backupPrefix
      }\` |
| restore tests | \`${o.restoreTestSchedule}\` (UTC), records under \`${
        ctx.restoreTestPrefix
      }\` |
| volumes | Velero Schedule \`${o.name}-volumes\` (namespace \`${
        ctx.namespace
      }\`, daily) |

The same plan is declared in \`catalog-info.yaml\` (annotation \`production-readiness.io/backup-plan\`):

\`\`\`yaml
${stringify(
  {
    method: o.backupMethod,
    schedule: o.backupSchedule,
    rpo: o.rpo,
    rto: o.rto,
    retentionCount: o.retentionCount,
  },
  { lineWidth: 0 },
).trim()}
\`\`\`

## Last tested restore

Each backup job records an inventory of what the database held: its roles (user accounts)
with their memberships and attributes, its databases and every table with its row count
(\`${
        o.backupTool === 'pgbackrest'
          ? 'inventory/<label>.inventory.json'
          : '<dump>.inventory.json'
      }\` under \`${ctx.backupPrefix}\`, never a password). The CronJob
\`${db}-restore-test\` restores the newest backup into a scratch PostgreSQL inside its pod${
        o.backupTool === 'pgbackrest'
          ? ', recovered to the WAL position the inventory was read at,'
          : ' with its roles,'
      }
compares every role and table with that inventory, measures the restore against the RTO,
writes a record \`<time>-restore-test.json\` under \`${
        ctx.restoreTestPrefix
      }\`, pushes it to Production Readiness, and fails (the Job shows failed, its log says
\`FAILED: …\`) when anything did not come back.
The date and result of the last test are on the **Production Readiness** tab of
\`resource:default/${db}\` (check \`backup.restore-tested\`); a failed or missing test blocks the
production gate.

## Secrets the jobs need

- \`${db}-backup-s3\`: \`bucket\`, \`endpoint\` (URL), \`endpointHost\` (host only, for pgBackRest),
  \`region\`, \`accessKeyId\`, \`secretAccessKey\`.
- \`${db}-connection\`: \`host\`, \`port\`, \`user\`, \`password\`, \`database\`, \`url\`.
- \`${db}-production-readiness\`: \`url\` (Backstage's backend URL) and \`token\`: a
  \`backend.auth.externalAccess\` static token whose subject the platform team names for
  \`resource:default/${db}\` in \`productionReadiness.pushedResults.principals\`. The backup and
  restore-test jobs push each run's record with it (\`backup-run\`, \`restore-test\`), so a failed
  run shows on the tab at once; a push that is refused fails the job.
${
  o.backupTool === 'pgbackrest'
    ? `- \`${db}-pgbackrest-tls\`: \`tls.crt\`, \`tls.key\`, \`ca.crt\` for the pgBackRest TLS server on the database host.\n`
    : ''
}
## Restore procedure

1. Declare an incident; stop writers: \`kubectl -n ${
        ctx.namespace
      } scale deployment/${o.name} --replicas=0\`.
2. Pick the backup: ${
        o.backupTool === 'pgbackrest'
          ? `\`pgbackrest --stanza=${db} info\` (or a point in time within the WAL archive).`
          : `the newest \`*.dump\` under \`${ctx.backupPrefix}\`.`
      }
3. Restore: ${
        o.backupTool === 'pgbackrest'
          ? `on the database host, stop PostgreSQL, then \`pgbackrest --stanza=${db} --delta restore\` (add \`--type=time --target=<time>\` for point-in-time recovery) and start it.`
          : `\`psql -f <name>.globals.sql\` (roles), then \`pg_restore --clean --if-exists -d ${db} <name>.dump\`.`
      }
4. Validate: compare the restore with the backup's inventory as the restore test does (every
   role with its memberships, every table with its row count).
5. Scale the service back up; record the timeline in a postmortem.
`
    : `# Backup and restore plan: ${o.name}

${o.name} keeps no state of its own: nothing to back up. Its configuration and manifests are in
this repository; restoring the service means redeploying a known good commit.
`;
  const postmortem = `# Postmortem: <incident title>

| | |
| --- | --- |
| date | YYYY-MM-DD |
| authors | |
| status | draft / reviewed |
| severity | SEV1 / SEV2 / SEV3 |
| services | ${o.name} |

## Summary

## Impact

Users affected, duration, error budget consumed (availability SLO ${o.sloAvailability}%).

## Timeline (UTC)

| time | event |
| --- | --- |

## Root cause

## Detection

Which alert fired, and when? Should it have fired earlier?

## Resolution and recovery

Was a restore needed? How long did it take compared to the RTO?

## Action items

| action | owner | ticket |
| --- | --- | --- |

## Lessons learned
`;
  const slo = `# Service level objectives

| SLO | objective | window | SLI |
| --- | --- | --- | --- |
| availability | ${o.sloAvailability}% | 30 days | share of requests not answered with 5xx |
| latency | ${o.sloLatencyObjective}% < ${o.sloLatencyMs} ms | 30 days | share of requests faster than ${o.sloLatencyMs} ms |

Alerts use multi-window, multi-burn-rate rules (\`monitoring/rules.yaml\`): a page when the budget
burns 14.4x (5m and 1h) or 6x (30m and 6h) too fast, a ticket at 3x (2h and 1d) or 1x (6h and 3d).
Rules are unit-tested with \`promtool test rules monitoring/rules.test.yaml\`.
`;
  const mkdocs = stringify(
    {
      site_name: o.name,
      ...(o.description ? { site_description: o.description } : {}),
      nav: [
        { Home: 'index.md' },
        { Runbook: 'runbook.md' },
        { 'Backup and restore': 'backup-and-restore.md' },
        { SLOs: 'slo.md' },
        { 'Postmortem template': 'postmortem-template.md' },
      ],
      plugins: ['techdocs-core'],
    },
    { lineWidth: 0 },
  );
  const index = `# ${o.name}

${o.description ?? `The ${o.name} service.`}

Owned by \`${ctx.ownerRef}\`. Runs in namespace \`${ctx.namespace}\` with ${
    o.minReplicas
  } to
${
  o.maxReplicas
} replicas; metrics on \`/metrics\`, health on \`/healthz\` and \`/readyz\`, JSON logs
on stdout.
`;
  return [
    { piece: 'docs', path: 'mkdocs.yml', content: mkdocs },
    { piece: 'docs', path: 'docs/index.md', content: index },
    { piece: 'docs', path: 'docs/runbook.md', content: runbook },
    { piece: 'docs', path: 'docs/backup-and-restore.md', content: backupDoc },
    { piece: 'docs', path: 'docs/slo.md', content: slo },
    { piece: 'docs', path: 'docs/postmortem-template.md', content: postmortem },
  ];
}
