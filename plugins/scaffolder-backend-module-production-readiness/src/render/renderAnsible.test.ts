import { rotationMetricCommand } from '@production-readiness/plugin-production-readiness-common';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod/v3';
import { serviceInput } from '../__testUtils__/inputs';
import { blmRenderInputSchema } from './blmOptions';
import { renderBlmBundle } from './renderBlmBundle';

const VM_INPUT = {
  ...serviceInput,
  database: false,
  backupLocation: undefined,
  patroniCluster: undefined,
  runtime: 'vm',
  logMaxSize: '50M',
  logRetention: '14d',
};

function render(input: Record<string, unknown> = {}) {
  const files = renderBlmBundle(
    blmRenderInputSchema(z).parse({ ...VM_INPUT, ...input }),
  );
  const file = (name: string) => {
    const found = files.find(f => f.path === name);
    if (!found) throw new Error(`${name} was not rendered`);
    return found.content;
  };
  return { files, file };
}

describe('renderAnsible (runtime vm)', () => {
  it('renders an Ansible role instead of Kubernetes manifests, and a catalog entry that says vm', () => {
    const { files, file } = render();
    const paths = files.map(f => f.path);
    expect(paths.filter(p => p.startsWith('deploy/kubernetes/'))).toEqual([]);
    expect(paths.filter(p => p.startsWith('deploy/ansible/')).sort()).toEqual([
      'deploy/ansible/inventory.example.ini',
      'deploy/ansible/playbook.yml',
      'deploy/ansible/roles/orders-api/defaults/main.yml',
      'deploy/ansible/roles/orders-api/handlers/main.yml',
      'deploy/ansible/roles/orders-api/tasks/main.yml',
      'deploy/ansible/roles/orders-api/templates/logrotate.j2',
      'deploy/ansible/roles/orders-api/templates/otelcol.yaml.j2',
      'deploy/ansible/roles/orders-api/templates/service.j2',
    ]);
    const component = parseYaml(file('catalog-info.yaml').split('---')[0]);
    expect(component.metadata.annotations).toMatchObject({
      'production-readiness.io/runtime': 'vm',
    });
    expect(component.metadata.annotations).not.toHaveProperty(
      'backstage.io/kubernetes-id',
    );
    expect(
      parseYaml(file('deploy/ansible/roles/orders-api/defaults/main.yml')),
    ).toMatchObject({
      service_image: 'ghcr.io/acme/orders-api:0.1.0',
      log_max_size: '50M',
      log_keep_days: 14,
    });
  });

  it("alerts on its own hosts' disks, not on Kubernetes volumes", () => {
    const rules = parseYaml(render().file('monitoring/rules.yaml'))
      .groups.flatMap((g: { rules: unknown[] }) => g.rules)
      .filter((r: { alert?: string }) => r.alert?.endsWith('WillFill'));
    expect(rules).toEqual([
      expect.objectContaining({
        alert: 'OrdersApiHostDiskWillFill',
        expr: 'predict_linear(node_filesystem_avail_bytes{backstage_entity="component:default/orders-api",fstype!~"tmpfs|overlay|squashfs"}[6h], 24 * 3600) < 0',
      }),
    ]);
    // The label the rule selects is the one the inventory asks the platform to scrape with.
    expect(render().file('deploy/ansible/inventory.example.ini')).toContain(
      'with the label backstage_entity=component:default/orders-api.\n[orders_api]\n',
    );
  });

  it('installs the rotation that exports the metrics the Prometheus module reads', () => {
    const tasks = parseYaml(
      render().file('deploy/ansible/roles/orders-api/tasks/main.yml'),
    ) as Array<Record<string, any>>;
    const script = tasks.find(
      t =>
        t['ansible.builtin.copy']?.dest ===
        '/usr/local/sbin/logrotate-with-metrics',
    )!['ansible.builtin.copy'].content as string;
    expect(script).toContain(
      rotationMetricCommand({
        config: '/etc/logrotate.conf',
        logDir: '/var/log/orders-api',
        textfileDir: '/var/lib/prometheus/node-exporter',
      }),
    );
    // Cron would read the % of the command as newlines: it runs the script instead.
    expect(
      tasks.find(t => t['ansible.builtin.cron'])!['ansible.builtin.cron'],
    ).toMatchObject({
      special_time: 'daily',
      job: '/usr/local/sbin/logrotate-with-metrics',
    });
  });

  it('deploys from CI with the role and refuses a database it cannot back up yet', () => {
    const workflow = parseYaml(render().file('.github/workflows/ci.yaml'));
    expect(workflow.jobs.deploy.steps[1].run).toContain(
      'ansible-playbook -i deploy/ansible/inventory.ini deploy/ansible/playbook.yml -e service_image="ghcr.io/acme/orders-api:${{ github.sha }}"',
    );
    expect(render().file('docs/runbook.md')).toContain(
      'systemctl status orders-api',
    );
    const refused = blmRenderInputSchema(z).safeParse({
      ...VM_INPUT,
      database: true,
      backupLocation: 'main',
    });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain(
      'is not templated for VMs yet',
    );
  });

  it('passes ansible-playbook --syntax-check (the real tool)', () => {
    const { files } = render();
    const dir = mkdtempSync(join(tmpdir(), 'vm-role-'));
    try {
      for (const f of files.filter(x => x.path.startsWith('deploy/ansible/'))) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      const ansible = join(dir, 'deploy/ansible');
      const output = execFileSync(
        'ansible-playbook',
        ['-i', 'inventory.example.ini', '--syntax-check', 'playbook.yml'],
        {
          cwd: ansible,
          encoding: 'utf8',
          env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
        },
      );
      expect(output).toContain('playbook: playbook.yml');
      // The check is real: a task with a module that does not exist fails it.
      writeFileSync(
        join(ansible, 'roles/orders-api/handlers/main.yml'),
        '- name: broken\n  ansible.builtin.no_such_module: {}\n',
      );
      expect(() =>
        execFileSync(
          'ansible-playbook',
          ['-i', 'inventory.example.ini', '--syntax-check', 'playbook.yml'],
          { cwd: ansible, stdio: 'pipe' },
        ),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
