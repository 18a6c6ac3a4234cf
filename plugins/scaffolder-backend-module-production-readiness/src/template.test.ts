import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { scaffolderModuleProductionReadiness } from './module';
import { validateBundle } from './validate/validateBundle';

const execFileAsync = promisify(execFile);
const templateDir = path.resolve(
  __dirname,
  '../../../templates/service-with-blm',
);

function readDirectory(
  root: string,
  dir = root,
): Array<{ path: string; base64Content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? readDirectory(root, full)
      : [
          {
            path: path.relative(root, full).split(path.sep).join('/'),
            base64Content: fs.readFileSync(full).toString('base64'),
          },
        ];
  });
}

/**
 * Runs templates/service-with-blm through the real scaffolder backend in dry-run mode, as the
 * template editor does, and checks the files it produces.
 */
describe('template service-with-blm (dry run through the scaffolder)', () => {
  jest.setTimeout(120_000);

  async function dryRun(values: Record<string, unknown>) {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModuleProductionReadiness,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { integrations: { github: [{ host: 'github.com' }] } },
        }),
      ],
    });
    const template = parseYaml(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    const response = await fetch(
      `http://127.0.0.1:${server.port()}/api/scaffolder/v2/dry-run`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header(),
        },
        body: JSON.stringify({
          template,
          values,
          directoryContents: readDirectory(templateDir),
        }),
      },
    );
    return { status: response.status, body: await response.json() };
  }

  const values = {
    name: 'orders-api',
    description: 'Takes orders',
    owner: 'group:default/team-orders',
    system: 'webshop',
    lifecycle: 'production',
    tier: 'tier-1',
    image: 'ghcr.io/acme/orders-api',
    port: 8080,
    minReplicas: 2,
    maxReplicas: 6,
    ciProvider: 'both',
    alertReceiver: 'team-orders',
    onCall: 'pagerduty:P123ABC',
    runbookUrl:
      'https://backstage.example.com/docs/default/component/orders-api/runbook/',
    sloAvailability: 99.9,
    sloLatencyMs: 300,
    sloLatencyObjective: 99,
    logStoreType: 'loki',
    logStoreUrl: 'http://loki-gateway.logging.svc:3100',
    logStore: 'audit',
    logRetention: '90d',
    database: true,
    backupLocation: 'main',
    backupTool: 'pgbackrest',
    backupMethod: 'incremental',
    backupSchedule: '0 2 * * *',
    fullBackupSchedule: '0 3 * * 0',
    rpo: '24h',
    rto: '2h',
    retentionCount: 14,
    repoUrl: 'github.com?owner=acme&repo=orders-api',
  };

  it('produces the service, the BLM bundle and rules that pass promtool', async () => {
    const response = await dryRun(values);
    expect(response.status).toBe(200);
    const failed = response.body.steps.filter(
      (s: any) => s.status === 'failed',
    );
    expect(failed).toEqual([]);

    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'service-with-blm-'));
    try {
      for (const file of response.body.directoryContents) {
        const target = path.join(out, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'));
      }
      const files = response.body.directoryContents.map((f: any) => f.path);
      expect(files).toEqual(
        expect.arrayContaining([
          'package.json',
          'src/server.ts',
          'Dockerfile',
          'catalog-info.yaml',
          'deploy/kubernetes/deployment.yaml',
          'deploy/kubernetes/pdb.yaml',
          'deploy/kubernetes/hpa.yaml',
          'deploy/kubernetes/networkpolicy.yaml',
          'deploy/kubernetes/log-shipping.yaml',
          'deploy/kubernetes/monitoring/servicemonitor.yaml',
          'deploy/kubernetes/monitoring/prometheusrule.yaml',
          'deploy/kubernetes/backup/backup-cronjob.yaml',
          'deploy/kubernetes/backup/restore-test-cronjob.yaml',
          'deploy/kubernetes/backup/velero-schedule.yaml',
          'monitoring/rules.yaml',
          'monitoring/rules.test.yaml',
          'monitoring/grafana-dashboard.json',
          'docs/runbook.md',
          'docs/backup-and-restore.md',
          'docs/postmortem-template.md',
          'mkdocs.yml',
          '.github/workflows/ci.yaml',
          '.gitlab-ci.yml',
        ]),
      );
      // The skeleton was templated with the parameters.
      expect(
        JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8'))
          .name,
      ).toBe('orders-api');
      const [component] = parseAllDocuments(
        fs.readFileSync(path.join(out, 'catalog-info.yaml'), 'utf8'),
      ).map(d => d.toJS());
      expect(component.metadata.name).toBe('orders-api');
      expect(component.spec.system).toBe('webshop');
      // The logging inputs reach the catalog and the shipper.
      expect(component.metadata.annotations).toMatchObject({
        'production-readiness.io/log-store': 'audit',
        'production-readiness.io/log-retention': '90d',
      });
      const [shipperConfig] = parseAllDocuments(
        fs.readFileSync(
          path.join(out, 'deploy/kubernetes/log-shipping.yaml'),
          'utf8',
        ),
      ).map(d => d.toJS());
      expect(parseYaml(shipperConfig.data['collector.yaml']).exporters).toEqual(
        {
          'otlphttp/loki': expect.objectContaining({
            endpoint: 'http://loki-gateway.logging.svc:3100/otlp',
          }),
        },
      );

      // Real promtool (Debian package prometheus), as the generated CI runs it.
      const checked = await execFileAsync(
        'promtool',
        ['check', 'rules', 'monitoring/rules.yaml'],
        {
          cwd: out,
        },
      );
      expect(checked.stdout).toContain('SUCCESS');
      const tested = await execFileAsync(
        'promtool',
        ['test', 'rules', 'rules.test.yaml'],
        {
          cwd: path.join(out, 'monitoring'),
        },
      );
      expect(tested.stdout).toContain('SUCCESS');
      const validation = await validateBundle(out, { promtool: 'required' });
      expect(validation.problems).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails the dry run with a precise message for invalid parameters', async () => {
    const response = await dryRun({ ...values, backupSchedule: 'every night' });
    // The scaffolder checks every step's input against the action's schema before running.
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(
      'Invalid input passed to action production-readiness:blm:render, instance.backupSchedule does not match pattern',
    );
  });
});
