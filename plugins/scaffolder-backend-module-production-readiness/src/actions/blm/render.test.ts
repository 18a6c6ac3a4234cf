import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
  parseBackupPlan,
} from '@production-readiness/plugin-production-readiness-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { serviceInput } from '../../__testUtils__/inputs';
import { createBlmRenderAction } from './render';

function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS());
}

describe('production-readiness:blm:render', () => {
  const workspace = createMockDirectory();
  const action = createBlmRenderAction();

  beforeEach(() => workspace.clear());

  it('writes catalog-info with every annotation the checks read', async () => {
    const ctx = createMockActionContext({
      input: serviceInput,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);

    const [component, database] = readYaml(
      path.join(workspace.path, 'catalog-info.yaml'),
    );
    expect(component.kind).toBe('Component');
    expect(component.spec).toMatchObject({
      owner: 'group:default/team-orders',
      lifecycle: 'production',
      system: 'webshop',
      dependsOn: ['resource:orders-api-db'],
    });
    const a = component.metadata.annotations;
    for (const key of [
      ANNOTATIONS.kubernetesId,
      ANNOTATIONS.kubernetesNamespace,
      ANNOTATIONS.techdocsRef,
      ANNOTATIONS.prometheusService,
      ANNOTATIONS.runbook,
      ANNOTATIONS.onCall,
      ANNOTATIONS.alertReceiver,
      ANNOTATIONS.slo,
      ANNOTATIONS.backupTool,
    ]) {
      expect(a[key]).toBeTruthy();
    }
    expect(database.kind).toBe('Resource');
    expect(database.spec.type).toBe('database');
    const plan = parseBackupPlan(database.metadata.annotations);
    expect(plan).toMatchObject({
      ok: true,
      value: { method: 'incremental', rpo: 24 * 3600_000, rto: 2 * 3600_000 },
    });
    expect(database.metadata.annotations).toMatchObject({
      [ANNOTATIONS.backupLocation]: 'main',
      [ANNOTATIONS.backupPrefix]: 'pg/orders-api-db',
      [ANNOTATIONS.restoreTestPrefix]: 'restore-tests/orders-api-db',
      [ANNOTATIONS.backupTool]: 'pgbackrest',
      [ANNOTATIONS.patroniCluster]: 'orders-pg',
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
  });

  it('declares the log retention always, and the log store when one is named', async () => {
    const annotationsFor = async (input: Record<string, unknown>) => {
      workspace.clear();
      await action.handler(
        createMockActionContext({
          input: { ...serviceInput, ...input },
          workspacePath: workspace.path,
        }) as any,
      );
      const [component] = readYaml(
        path.join(workspace.path, 'catalog-info.yaml'),
      );
      return component.metadata.annotations;
    };
    const defaults = await annotationsFor({});
    expect(defaults[ANNOTATIONS.logRetention]).toBe('30d');
    expect(defaults[ANNOTATIONS.logStore]).toBeUndefined();
    // The shipper labels the lines with the kubernetes-id, the checks' default service value.
    expect(defaults[ANNOTATIONS.logService]).toBeUndefined();
    expect(defaults[ANNOTATIONS.kubernetesId]).toBe('orders-api');

    const named = await annotationsFor({
      logStore: 'audit',
      logRetention: '90d',
    });
    expect(named).toMatchObject({
      [ANNOTATIONS.logStore]: 'audit',
      [ANNOTATIONS.logRetention]: '90d',
    });
  });

  it('writes backup and restore-test CronJobs and a Velero Schedule for a database', async () => {
    const ctx = createMockActionContext({
      input: serviceInput,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    const backupDir = path.join(workspace.path, 'deploy/kubernetes/backup');
    const jobs = readYaml(path.join(backupDir, 'backup-cronjob.yaml'));
    expect(jobs.map(j => [j.metadata.name, j.spec.schedule])).toEqual([
      ['orders-api-db-backup', '0 2 * * *'],
      ['orders-api-db-backup-full', '0 3 * * 0'],
    ]);
    const container = (job: any) =>
      job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(jobs.map(j => container(j).command)).toEqual([
      ['/scripts/backup-pgbackrest.sh'],
      ['/scripts/backup-pgbackrest.sh'],
    ]);
    expect(
      jobs.map(
        j => container(j).env.find((e: any) => e.name === 'BACKUP_TYPE').value,
      ),
    ).toEqual(['incr', 'full']);
    // Every job is the service's: it names its entity, so no copy can claim it.
    expect(
      jobs.map(
        j => j.metadata.annotations[EVIDENCE_OWNER.kubernetesAnnotation],
      ),
    ).toEqual(['component:default/orders-api', 'component:default/orders-api']);
    // The backup names the database as the owner of its prefix.
    const [scripts] = readYaml(path.join(backupDir, 'scripts-configmap.yaml'));
    expect(scripts.data['backup-pgbackrest.sh']).toContain(
      `s3://$S3_BUCKET/$BACKUP_PREFIX/${EVIDENCE_OWNER.backupPrefixManifest}`,
    );
    expect(
      container(jobs[0]).env.find((e: any) => e.name === 'ENTITY_REF').value,
    ).toBe('resource:default/orders-api-db');
    const [restore] = readYaml(
      path.join(backupDir, 'restore-test-cronjob.yaml'),
    );
    expect(restore.metadata.labels['production-readiness.io/purpose']).toBe(
      'restore-test',
    );
    const [schedule] = readYaml(path.join(backupDir, 'velero-schedule.yaml'));
    expect(schedule.spec.template.includedNamespaces).toEqual(['orders-api']);
  });

  it('names the entity on every object, target and backup it generates, so none can be contested', async () => {
    for (const backupTool of ['pgbackrest', 'dump']) {
      workspace.clear();
      const ctx = createMockActionContext({
        input: {
          ...serviceInput,
          backupTool,
          ...(backupTool === 'dump' ? { backupMethod: 'full' } : {}),
        },
        workspacePath: workspace.path,
      });
      await action.handler(ctx as any);
      const walk = (dir: string): string[] =>
        fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap(e =>
            e.isDirectory()
              ? walk(path.join(dir, e.name))
              : [path.join(dir, e.name)],
          );
      const objects = walk(path.join(workspace.path, 'deploy'))
        .filter(f => f.endsWith('.yaml'))
        .flatMap(readYaml)
        .filter(o => o?.apiVersion && o?.metadata);
      // What the Kubernetes module lets an entity claim.
      const claimable = objects.filter(o =>
        [
          'Deployment',
          'StatefulSet',
          'CronJob',
          'PrometheusRule',
          'ServiceMonitor',
        ].includes(o.kind),
      );
      expect(claimable.map(o => o.kind)).toEqual(
        expect.arrayContaining(['Deployment', 'CronJob', 'PrometheusRule']),
      );
      for (const o of claimable) {
        expect([
          o.kind,
          o.metadata.annotations?.[EVIDENCE_OWNER.kubernetesAnnotation],
        ]).toEqual([o.kind, 'component:default/orders-api']);
      }
      const monitor = objects.find(o => o.kind === 'ServiceMonitor');
      for (const endpoint of monitor.spec.endpoints) {
        expect(endpoint.relabelings).toContainEqual({
          action: 'replace',
          targetLabel: EVIDENCE_OWNER.prometheusLabel,
          replacement: 'component:default/orders-api',
        });
      }
      const scripts = objects.find(
        o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-scripts'),
      );
      const backupScript =
        scripts.data[
          backupTool === 'dump' ? 'backup-dump.sh' : 'backup-pgbackrest.sh'
        ];
      expect(backupScript).toContain(
        `"s3://$S3_BUCKET/$BACKUP_PREFIX/${EVIDENCE_OWNER.backupPrefixManifest}"`,
      );
      expect(backupScript).toMatch(/\nname_prefix\n/);
    }
  });

  it('writes no backup jobs for a stateless service', async () => {
    const ctx = createMockActionContext({
      input: { ...serviceInput, database: false },
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    expect(
      fs.existsSync(path.join(workspace.path, 'deploy/kubernetes/backup')),
    ).toBe(false);
    const [component] = readYaml(
      path.join(workspace.path, 'catalog-info.yaml'),
    );
    expect(component.spec.dependsOn).toBeUndefined();
  });

  it('renders the same files in a dry run', async () => {
    // createMockActionContext drops isDryRun, so set it on the context it returns.
    const ctx = {
      ...createMockActionContext({
        input: serviceInput,
        workspacePath: workspace.path,
      }),
      isDryRun: true,
    };
    await action.handler(ctx as any);
    const files = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'files',
    )[1];
    expect(files).toEqual(
      expect.arrayContaining([
        'catalog-info.yaml',
        'deploy/kubernetes/deployment.yaml',
        'monitoring/rules.yaml',
        'monitoring/rules.test.yaml',
        'deploy/kubernetes/backup/restore-test-cronjob.yaml',
        'docs/backup-and-restore.md',
        '.github/workflows/ci.yaml',
      ]),
    );
    for (const file of files) {
      expect(fs.existsSync(path.join(workspace.path, file))).toBe(true);
    }
  });

  it('renders only missing files with onlyMissing and reports the missing pieces', async () => {
    workspace.setContent({
      'repo/mkdocs.yml': 'site_name: mine\n',
      'repo/docs/runbook.md': '# my runbook\n',
    });
    const ctx = createMockActionContext({
      input: {
        ...serviceInput,
        database: false,
        targetPath: 'repo',
        onlyMissing: true,
        pieces: ['docs', 'monitoring'],
      },
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    expect(
      fs.readFileSync(
        path.join(workspace.path, 'repo/docs/runbook.md'),
        'utf8',
      ),
    ).toBe('# my runbook\n');
    expect(ctx.output).toHaveBeenCalledWith('skipped', [
      'mkdocs.yml',
      'docs/runbook.md',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('missingPieces', [
      'monitoring',
      'docs',
    ]);
    expect(
      fs.existsSync(path.join(workspace.path, 'repo/catalog-info.yaml')),
    ).toBe(false);
  });

  it.each([
    [{ name: 'Orders_API' }, 'name: must be a DNS label'],
    [{ imageTag: 'latest' }, 'imageTag: must be pinned'],
    [
      { backupLocation: undefined },
      'backupLocation: is required when database is true',
    ],
    [
      { backupLocation: 'https://evil.example.com' },
      'backupLocation: must be a location name',
    ],
    [
      { patroniCluster: 'orders pg; rm -rf /' },
      'patroniCluster: must be a cluster name',
    ],
    [
      { backupPrefix: '../other-team' },
      'backupPrefix: must be a relative folder',
    ],
    [{ rpo: 'soon' }, 'rpo: must be a duration'],
    [
      { backupTool: 'dump', backupMethod: 'incremental' },
      'backupMethod: pg_dump backups are always full',
    ],
    [{ runbookUrl: ['javascript', 'alert(1)'].join(':') }, 'runbookUrl'],
    [{ port: 80 }, 'port: must be >= 1024'],
    [{ logStore: 'http://logs.example.com' }, 'logStore: must be a store name'],
    [
      { logStoreUrl: 'http://reader:secret@victorialogs:9428' },
      'logStoreUrl: must be a base URL without credentials',
    ],
    [{ logStoreUrl: 'ftp://victorialogs:9428' }, 'logStoreUrl'],
    [
      { logStoreUrl: 'http://victorialogs:9428/${env:HOME}' },
      'logStoreUrl: must be a base URL',
    ],
    [{ logStoreType: 'elasticsearch' }, 'logStoreType'],
    [{ logRetention: 'forever' }, 'logRetention: must be a duration'],
  ])('refuses invalid input %p', async (patch, message) => {
    const ctx = createMockActionContext({
      input: { ...serviceInput, ...patch },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it('refuses a targetPath outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: { ...serviceInput, targetPath: '../escape' },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /outside its parent/,
    );
  });
});
