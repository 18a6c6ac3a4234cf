import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { stringify } from 'yaml';
import { alertNames } from './renderMonitoring';
import { deploysWithArgoCd } from './renderArgoCd';
import { RenderContext, RenderedFile, yamlDocuments } from './context';

/** The backup plan annotation, in the shape `backupPlanSchema` of the common package reads. */
export function backupPlanYaml(ctx: RenderContext): string {
  const { o } = ctx;
  return stringify(
    {
      what: `${ctx.databaseName}: every schema, roles and users (pg_dumpall --globals-only is included)`,
      method: o.backupMethod,
      schedule: o.backupSchedule,
      ...(o.backupMethod === 'full'
        ? {}
        : { fullSchedule: o.fullBackupSchedule }),
      rpo: o.rpo,
      rto: o.rto,
      retentionCount: o.retentionCount,
      procedure: new URL(
        'backup-and-restore/',
        ensureSlash(o.runbookUrl, '..'),
      ).toString(),
    },
    { lineWidth: 0 },
  );
}

function ensureSlash(url: string, relative: string): string {
  // runbookUrl is `<docs>/runbook/`; the restore procedure sits next to it.
  return new URL(relative, url.endsWith('/') ? url : `${url}/`).toString();
}

export function renderCatalog(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const annotations: Record<string, string> = {
    // On VMs the hosts' node_exporter targets name the entity (backstage_entity), not labels.
    ...(o.runtime === 'vm'
      ? { [ANNOTATIONS.runtime]: 'vm' }
      : {
          [ANNOTATIONS.kubernetesId]: o.name,
          [ANNOTATIONS.kubernetesNamespace]: ctx.namespace,
        }),
    [ANNOTATIONS.techdocsRef]: 'dir:.',
    [ANNOTATIONS.prometheusService]: o.name,
    [ANNOTATIONS.prometheusAlert]: alertNames(ctx).join(','),
    [ANNOTATIONS.runbook]: o.runbookUrl,
    [ANNOTATIONS.onCall]: o.onCall,
    [ANNOTATIONS.alertReceiver]: o.alertReceiver,
    [ANNOTATIONS.slo]: stringify(
      {
        availability: o.sloAvailability,
        latencyP99: `${o.sloLatencyMs}ms`,
        latencyObjective: o.sloLatencyObjective,
      },
      { lineWidth: 0 },
    ),
  };
  if (o.prometheusInstance) {
    annotations[ANNOTATIONS.prometheusInstance] = o.prometheusInstance;
  }
  // The Argo CD plugin's annotation: the Application that deploys it.
  if (deploysWithArgoCd(ctx)) annotations['argocd/app-name'] = o.name;
  // The shipper in log-shipping.yaml labels the lines with the kubernetes-id, which is the
  // service value the logging checks look up by default: no log-service annotation needed.
  annotations[ANNOTATIONS.logRetention] = o.logRetention;
  if (o.logStore) annotations[ANNOTATIONS.logStore] = o.logStore;
  if (o.database) {
    // The workload runs the backup and restore-test CronJobs, so the Kubernetes module's
    // backup checks apply to it; the storage-side checks apply to the database Resource.
    annotations[ANNOTATIONS.backupTool] = o.backupTool;
  } else {
    // Where its data lives must be said: created without a database, it keeps none.
    annotations[ANNOTATIONS.keepsNoData] =
      'created without a database by the service-with-blm template; when it starts keeping data, list the Resource holding it in spec.dependsOn instead';
  }
  const component = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: o.name,
      ...(o.description ? { description: o.description } : {}),
      tags: ['typescript', 'blm'],
      labels: { tier: o.tier },
      annotations,
      links: [{ url: o.runbookUrl, title: 'Runbook', icon: 'docs' }],
    },
    spec: {
      type: 'service',
      lifecycle: o.lifecycle,
      owner: ctx.ownerRef,
      ...(o.system ? { system: o.system } : {}),
      ...(o.database ? { dependsOn: [`resource:${ctx.databaseName}`] } : {}),
    },
  };
  const docs: unknown[] = [component];
  if (o.database) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: ctx.databaseName,
        description: `PostgreSQL database of ${o.name}`,
        annotations: {
          [ANNOTATIONS.backupLocation]: o.backupLocation!,
          [ANNOTATIONS.backupPrefix]: ctx.backupPrefix,
          [ANNOTATIONS.backupTool]: o.backupTool,
          ...(o.backupTool === 'pgbackrest'
            ? { [ANNOTATIONS.backupStanza]: ctx.databaseName }
            : {}),
          [ANNOTATIONS.restoreTestPrefix]: ctx.restoreTestPrefix,
          [ANNOTATIONS.backupPlan]: backupPlanYaml(ctx),
          [ANNOTATIONS.runbook]: o.runbookUrl,
          // Without it availability.data-store-ha fails, naming what to declare.
          ...(o.patroniCluster
            ? { [ANNOTATIONS.patroniCluster]: o.patroniCluster }
            : {}),
        },
      },
      spec: {
        type: 'database',
        owner: ctx.ownerRef,
        ...(o.system ? { system: o.system } : {}),
      },
    });
  }
  return [
    {
      piece: 'catalog',
      path: 'catalog-info.yaml',
      content: yamlDocuments(...docs),
    },
  ];
}
