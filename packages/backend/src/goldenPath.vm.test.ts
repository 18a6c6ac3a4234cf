/*
 * Golden path on VMs: a service rendered with `runtime: vm` is judged ready on its hosts as soon
 * as its Ansible role has run, and removing one piece of the role fails the matching check.
 *
 * Each service is rendered by the real `production-readiness:blm:render` action. Its playbook
 * passes the real `ansible-playbook --syntax-check`. What the role would put on a host is put
 * on a real node_exporter with the role's own files: the logrotate config rendered from the
 * role's template by real Ansible (`ansible -m template`, with the role's defaults), and the
 * role's rotation script run with real logrotate (its paths pointed at the test's folders). A
 * real Prometheus scrapes each host with the label the rendered inventory asks for and loads the
 * rendered `monitoring/rules.yaml`. Stand-in, labelled: systemd does not run in this container,
 * so the unit state node_exporter's systemd collector would report for the role's unit
 * (`<name>.service`, started by the role) is written through the textfile collector.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  startNodeExporter,
  startPrometheus,
  TestNodeExporter,
  TestPrometheus,
} from '@internal/test-servers';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import prometheusModule from '@production-readiness/plugin-production-readiness-backend-module-prometheus';
import { ReadinessReport } from '@production-readiness/plugin-production-readiness-common';
import { createBlmRenderAction } from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';

jest.setTimeout(180_000);

const ANSIBLE = 'deploy/ansible';
const RULES = 'monitoring/rules.yaml';

/** The checks that judge a service on VMs. */
const VM_CHECKS = [
  'availability.vm-hosts-up',
  'availability.vm-service-active',
  'logging.vm-disk-fill-alert',
  'logging.vm-log-rotation',
];

interface Variant {
  name: string;
  removed?: string;
  edit?(workspace: string): void;
  /** The VM checks that do not pass. */
  expected: Record<string, string>;
}

const role = (workspace: string, name: string) =>
  path.join(workspace, ANSIBLE, 'roles', name);

function editYamlFile(file: string, change: (doc: any) => any) {
  fs.writeFileSync(
    file,
    stringify(change(parseYaml(fs.readFileSync(file, 'utf8'))), {
      lineWidth: 0,
    }),
  );
}

const VARIANTS: Variant[] = [
  { name: 'billing-vm', expected: {} },
  {
    name: 'no-rotation-vm',
    removed: "the role's rotation script and its daily cron job",
    edit: ws =>
      editYamlFile(
        path.join(role(ws, 'no-rotation-vm'), 'tasks/main.yml'),
        (tasks: Array<Record<string, any>>) =>
          tasks.filter(
            t =>
              !t['ansible.builtin.cron'] &&
              !String(t['ansible.builtin.copy']?.dest).includes('logrotate'),
          ),
      ),
    expected: { 'logging.vm-log-rotation': 'fail' },
  },
  {
    name: 'no-disk-alert-vm',
    removed: "the hosts' disk-fill alert",
    edit: ws =>
      editYamlFile(path.join(ws, RULES), file => ({
        groups: file.groups.map((g: { rules: Array<{ alert?: string }> }) => ({
          ...g,
          rules: g.rules.filter(r => !r.alert?.endsWith('HostDiskWillFill')),
        })),
      })),
    expected: { 'logging.vm-disk-fill-alert': 'fail' },
  },
];

async function render(variant: Variant, root: string): Promise<string> {
  const workspace = path.join(root, variant.name);
  fs.mkdirSync(workspace, { recursive: true });
  await createBlmRenderAction().handler(
    createMockActionContext({
      workspacePath: workspace,
      input: {
        name: variant.name,
        owner: 'group:default/team-billing',
        system: 'billing',
        lifecycle: 'production',
        tier: 'tier-2',
        image: `ghcr.io/acme/${variant.name}`,
        alertReceiver: 'team-billing',
        onCall: 'pagerduty:P123ABC',
        runbookUrl: `https://backstage.example.com/docs/default/component/${variant.name}/runbook/`,
        database: false,
        runtime: 'vm',
        logMaxSize: '1k',
      },
    }) as any,
  );
  variant.edit?.(workspace);
  return workspace;
}

/** A host the role ran on: the role's files on a real node_exporter. */
async function runRoleOn(
  variant: Variant,
  workspace: string,
  host: string,
): Promise<TestNodeExporter> {
  const dir = path.join(host, variant.name);
  const logDir = path.join(dir, 'log');
  fs.mkdirSync(logDir, { recursive: true });
  const nodeExporter = await startNodeExporter();
  const roleDir = role(workspace, variant.name);
  // The role's logrotate config, rendered by Ansible from its template and defaults.
  const logrotateConf = path.join(dir, 'logrotate.conf');
  execFileSync(
    'ansible',
    [
      'localhost',
      '-c',
      'local',
      '-i',
      'localhost,',
      '-m',
      'ansible.builtin.template',
      '-a',
      `src=${path.join(
        roleDir,
        'templates/logrotate.j2',
      )} dest=${logrotateConf}`,
      '-e',
      `@${path.join(roleDir, 'defaults/main.yml')}`,
      '-e',
      JSON.stringify({ log_dir: logDir }),
    ],
    { stdio: 'pipe', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } },
  );
  // The service has written more than log_max_size since the last rotation.
  fs.writeFileSync(
    path.join(logDir, `${variant.name}.log`),
    `${JSON.stringify({ level: 'info', msg: 'invoice rendered' })}\n`.repeat(
      100,
    ),
  );
  // The role's rotation script, as its daily cron job runs it, if the role installs it.
  const tasks = parseYaml(
    fs.readFileSync(path.join(roleDir, 'tasks/main.yml'), 'utf8'),
  ) as Array<Record<string, any>>;
  const script = tasks.find(t =>
    String(t['ansible.builtin.copy']?.dest).includes('logrotate'),
  )?.['ansible.builtin.copy'].content as string | undefined;
  if (script && tasks.some(t => t['ansible.builtin.cron'])) {
    const local = script
      .replaceAll('/etc/logrotate.conf', logrotateConf)
      .replaceAll(
        '/usr/sbin/logrotate',
        `/usr/sbin/logrotate --state ${path.join(dir, 'logrotate.state')}`,
      )
      .replaceAll(`/var/log/${variant.name}`, logDir)
      .replaceAll(
        '/var/lib/prometheus/node-exporter',
        nodeExporter.textfileDir,
      );
    execFileSync('sh', ['-c', local], { stdio: 'pipe' });
  }
  // Stand-in (see the file comment): the unit the role starts, as systemd would report it.
  fs.writeFileSync(
    path.join(nodeExporter.textfileDir, 'systemd.prom'),
    `node_systemd_unit_state{name="${variant.name}.service",state="active",type="simple"} 1\n`,
  );
  return nodeExporter;
}

describe('golden path on VMs: a service rendered with its Ansible role and run on hosts', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-path-vm-'));
  const hosts = new Map<Variant, TestNodeExporter>();
  const workspaces = new Map<Variant, string>();
  const reports = new Map<Variant, ReadinessReport>();
  let prometheus: TestPrometheus;
  let backend: ReadinessTestBackend;

  beforeAll(async () => {
    for (const variant of VARIANTS) {
      const workspace = await render(variant, root);
      workspaces.set(variant, workspace);
      hosts.set(
        variant,
        await runRoleOn(variant, workspace, path.join(root, 'hosts')),
      );
    }
    const entities: Entity[] = VARIANTS.map(
      v =>
        parseAllDocuments(
          fs.readFileSync(
            path.join(workspaces.get(v)!, 'catalog-info.yaml'),
            'utf8',
          ),
        )[0].toJS() as Entity,
    );
    for (const e of entities) e.metadata.namespace ??= 'default';
    prometheus = await startPrometheus({
      config: {
        // Each host scraped as the rendered inventory says.
        scrape_configs: VARIANTS.map(v => {
          const inventory = fs.readFileSync(
            path.join(workspaces.get(v)!, ANSIBLE, 'inventory.example.ini'),
            'utf8',
          );
          const [, label, value] = inventory.match(
            /with the label (\w+)=(\S+?)\.?\n/,
          )!;
          return {
            job_name: `node-${v.name}`,
            static_configs: [
              {
                targets: [new URL(hosts.get(v)!.baseUrl).host],
                labels: { [label]: value },
              },
            ],
          };
        }),
      },
      ruleFiles: Object.fromEntries(
        VARIANTS.map(v => [
          `${v.name}.yaml`,
          fs.readFileSync(path.join(workspaces.get(v)!, RULES), 'utf8'),
        ]),
      ),
    });
    await prometheus.waitForEvaluation({
      targets: VARIANTS.length,
      healthy: true,
    });
    backend = await startReadinessTestBackend({
      features: [prometheusModule],
      entities,
      config: {
        prometheus: {
          instances: [{ name: 'main', baseUrl: prometheus.baseUrl }],
        },
      },
    });
    for (const [variant, ws] of workspaces) {
      const entity = entities.find(e =>
        ws.endsWith(path.sep + e.metadata.name),
      )!;
      reports.set(variant, await backend.refresh(stringifyEntityRef(entity)));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([
      prometheus?.stop(),
      ...[...hosts.values()].map(h => h.stop()),
    ]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('renders a playbook that passes the real ansible-playbook --syntax-check', () => {
    for (const workspace of workspaces.values()) {
      const {
        status,
        stdout: output,
        stderr,
      } = spawnSync(
        'ansible-playbook',
        ['-i', 'inventory.example.ini', '--syntax-check', 'playbook.yml'],
        {
          cwd: path.join(workspace, ANSIBLE),
          encoding: 'utf8',
          env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
        },
      );
      // Clean: no warning either (an inventory group Ansible would rename, for one).
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
      expect(output).toContain('playbook: playbook.yml');
    }
  });

  it('judges the complete service ready on its host by every VM check', () => {
    const report = reports.get(VARIANTS[0])!;
    const results = Object.fromEntries(
      report.results
        .filter(r => VM_CHECKS.includes(r.checkId))
        .map(r => [r.checkId, `${r.status}: ${r.summary}`]),
    );
    const host = new URL(hosts.get(VARIANTS[0])!.baseUrl).host;
    expect(results).toEqual({
      'availability.vm-hosts-up': `pass: Every one of 1 host (node_exporter targets with job="billing-vm" or backstage_entity="component:default/billing-vm") is scraped by node_exporter and up: ${host}`,
      'availability.vm-service-active': `pass: billing-vm.service active on every one of 1 host: ${host}`,
      'logging.vm-disk-fill-alert': `pass: Every one of 1 host is watched by a disk-fill alert: ${host} (billing-vm-baseline/BillingVmHostDiskWillFill)`,
      'logging.vm-log-rotation': expect.stringMatching(
        /^pass: logrotate succeeded on 1 host within \d+s; 1 live log file, none over 1\.0 GiB$/,
      ),
    });
    // The Kubernetes checks of these pillars are replaced, not left unknown.
    expect(report.results.map(r => r.checkId)).not.toContain(
      'logging.log-shipper-on-nodes',
    );
  });

  it.each(VARIANTS.slice(1).map(v => [v.removed!, v] as const))(
    'fails exactly the matching check without %s',
    (_removed, variant) => {
      const notPassing = Object.fromEntries(
        reports
          .get(variant)!
          .results.filter(
            r => VM_CHECKS.includes(r.checkId) && r.status !== 'pass',
          )
          .map(r => [r.checkId, r.status]),
      );
      expect(notPassing).toEqual(variant.expected);
    },
  );
});
