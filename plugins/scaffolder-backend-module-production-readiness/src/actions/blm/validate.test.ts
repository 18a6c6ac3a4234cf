import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { createBlmRenderAction } from './render';
import { createBlmValidateAction } from './validate';
import { serviceInput } from '../../__testUtils__/inputs';

describe('production-readiness:blm:validate', () => {
  const workspace = createMockDirectory();
  const render = createBlmRenderAction();
  const validate = createBlmValidateAction();

  async function renderBundle(input: Record<string, unknown> = {}) {
    workspace.clear();
    await render.handler(
      createMockActionContext({
        input: { ...serviceInput, ...input },
        workspacePath: workspace.path,
      }) as any,
    );
  }

  function edit(file: string, change: (docs: any[]) => void) {
    const full = path.join(workspace.path, file);
    const docs = parseAllDocuments(fs.readFileSync(full, 'utf8')).map(d =>
      d.toJS(),
    );
    change(docs);
    fs.writeFileSync(full, docs.map(d => stringify(d)).join('---\n'));
  }

  function run(input: Record<string, unknown> = {}, isDryRun = false) {
    // createMockActionContext drops isDryRun, so set it on the context it returns.
    const ctx = {
      ...createMockActionContext({
        input: { promtool: 'required', ...input },
        workspacePath: workspace.path,
      }),
      isDryRun,
    };
    return { ctx, done: validate.handler(ctx as any) };
  }

  it.each([
    ['with a database (pgBackRest)', {}],
    ['with a database (pg_dump)', { backupTool: 'dump', backupMethod: 'full' }],
    ['without a database', { database: false }],
    ['on VMs (an Ansible role)', { database: false, runtime: 'vm' }],
    [
      'tier-1 with other SLOs',
      { tier: 'tier-1', sloAvailability: 99.95, sloLatencyMs: 250 },
    ],
  ])('accepts the rendered bundle %s, promtool included', async (_, input) => {
    await renderBundle(input);
    const { ctx, done } = run();
    await done;
    expect(ctx.output).toHaveBeenCalledWith('promtool', 'ran');
    // The real ansible-playbook checks the role's playbook; Kubernetes bundles have none.
    expect(ctx.output).toHaveBeenCalledWith(
      'ansible',
      (input as { runtime?: string }).runtime === 'vm' ? 'ran' : 'skipped',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'checkedFiles',
      expect.arrayContaining([
        'catalog-info.yaml',
        'monitoring/grafana-dashboard.json',
      ]),
    );
  });

  it("names the playbook whose role ansible-playbook --syntax-check refuses, and a VM's catalog entry needs no cluster", async () => {
    await renderBundle({ database: false, runtime: 'vm' });
    fs.writeFileSync(
      path.join(
        workspace.path,
        'deploy/ansible/roles/orders-api/handlers/main.yml',
      ),
      '- name: Restart the service\n  ansible.builtin.no_such_module: {}\n',
    );
    edit('catalog-info.yaml', docs => {
      delete docs[0].metadata.annotations['production-readiness.io/runtime'];
    });
    const { done } = run({ ansible: 'required' });
    const error = await done.catch(e => e);
    const lines = String(error.message).split('\n').slice(1);
    expect(lines).toEqual([
      'catalog-info.yaml: metadata.annotations.backstage.io/kubernetes-id: is missing',
      'catalog-info.yaml: metadata.annotations.backstage.io/kubernetes-namespace: is missing',
      expect.stringMatching(
        /^deploy\/ansible\/playbook\.yml: ansible-playbook --syntax-check failed: .*no_such_module/,
      ),
    ]);
  });

  it('validates in a dry run too', async () => {
    await renderBundle();
    const { done } = run({}, true);
    await expect(done).resolves.toBeUndefined();
  });

  it('names file and field of Kubernetes objects missing what the checks need', async () => {
    await renderBundle();
    edit('deploy/kubernetes/deployment.yaml', ([d]) => {
      d.spec.replicas = 1;
      delete d.spec.template.spec.containers[0].readinessProbe;
      d.spec.template.spec.containers[0].image =
        'ghcr.io/acme/orders-api:latest';
      delete d.spec.template.spec.volumes[0].emptyDir.sizeLimit;
    });
    edit('deploy/kubernetes/hpa.yaml', ([h]) => {
      h.spec.minReplicas = 1;
    });
    const { done } = run({ promtool: 'skip' });
    await expect(done).rejects.toThrow(
      'deploy/kubernetes/deployment.yaml: spec.replicas: is 1: at least 2 are required',
    );
    const message = await done.catch(e => e.message);
    expect(message).toContain(
      'deploy/kubernetes/deployment.yaml: spec.template.spec.containers[0].readinessProbe: is required',
    );
    expect(message).toContain(
      'spec.template.spec.containers[0].image: "ghcr.io/acme/orders-api:latest" must be pinned',
    );
    expect(message).toContain(
      'spec.template.spec.volumes[0].emptyDir.sizeLimit: is required',
    );
    expect(message).toContain(
      'deploy/kubernetes/hpa.yaml: spec.minReplicas: must be at least 2',
    );
  });

  it('validates only the listed files, so existing files of a repository do not fail the task', async () => {
    await renderBundle();
    // The repository's own deployment predates the BLM bundle and lacks what the checks need.
    edit('deploy/kubernetes/deployment.yaml', ([d]) => {
      d.spec.replicas = 1;
    });
    const added = ['monitoring/rules.yaml', 'deploy/kubernetes/pdb.yaml'];
    const { ctx, done } = run({ files: added });
    await done;
    expect(ctx.output).toHaveBeenCalledWith('checkedFiles', [...added].sort());
    expect(ctx.output).toHaveBeenCalledWith('promtool', 'ran');

    // A listed file is still judged, and a listed file that is not there is a problem.
    edit('deploy/kubernetes/pdb.yaml', ([pdb]) => {
      delete pdb.spec.selector;
    });
    const listed = run({
      files: [...added, 'docs/missing.md'],
      promtool: 'skip',
    }).done.catch(e => e.message);
    await expect(listed).resolves.toContain(
      'deploy/kubernetes/pdb.yaml: spec.selector',
    );
    await expect(listed).resolves.toContain(
      'docs/missing.md: is not in the workspace',
    );
    await expect(listed).resolves.not.toContain('deployment.yaml');
  });

  it('names missing and invalid catalog annotations', async () => {
    await renderBundle();
    edit('catalog-info.yaml', ([component, database]) => {
      delete component.metadata.annotations['production-readiness.io/runbook'];
      component.metadata.annotations['production-readiness.io/slo'] =
        'availability: high';
      component.metadata.annotations['production-readiness.io/log-retention'] =
        'forever';
      component.metadata.annotations['production-readiness.io/log-store'] =
        'http://victorialogs:9428';
      database.metadata.annotations['production-readiness.io/backup-plan'] =
        'what: everything\nmethod: incremental\nschedule: "0 2 * * *"\nrpo: 24h\nrto: 2h\nretentionCount: 7\nprocedure: see runbook';
      database.metadata.annotations['production-readiness.io/backup-location'] =
        'https://s3.example.com/bucket';
    });
    const message = await run({ promtool: 'skip' }).done.catch(e => e.message);
    expect(message).toContain(
      'catalog-info.yaml (document 1): metadata.annotations.production-readiness.io/runbook: is missing',
    );
    expect(message).toContain(
      'metadata.annotations.production-readiness.io/slo: availability must be a percentage',
    );
    expect(message).toContain(
      'metadata.annotations.production-readiness.io/log-retention: must be a duration such as 30d',
    );
    expect(message).toContain(
      'metadata.annotations.production-readiness.io/log-store: must name a log store from app-config',
    );
    expect(message).toContain(
      'catalog-info.yaml (document 2): metadata.annotations.production-readiness.io/backup-plan: annotation production-readiness.io/backup-plan is invalid: fullSchedule: incremental and differential plans also need fullSchedule',
    );
    expect(message).toContain(
      'metadata.annotations.production-readiness.io/backup-location: must name a location from app-config',
    );
  });

  describe('log shipping', () => {
    const SHIPPING = 'deploy/kubernetes/log-shipping.yaml';

    function editCollectorConfig(change: (config: any) => void) {
      edit(SHIPPING, ([configMap]) => {
        const config = parseYaml(configMap.data['collector.yaml']);
        change(config);
        configMap.data['collector.yaml'] = stringify(config);
      });
    }

    it('fails a bundle whose workload has no log shipper, naming the file it expects', async () => {
      await renderBundle({ database: false });
      fs.rmSync(path.join(workspace.path, SHIPPING));
      const message = await run({ promtool: 'skip' }).done.catch(
        e => e.message,
      );
      expect(message).toContain(
        'deploy/kubernetes/log-shipping.yaml: is missing: nothing ships the logs of Deployment orders-api (deploy/kubernetes/deployment.yaml) to the log store, so logging.logs-in-store fails',
      );
    });

    it('counts a shipper the repository already has when only other files are validated', async () => {
      await renderBundle({ database: false });
      const { done } = run({
        files: ['deploy/kubernetes/deployment.yaml'],
        promtool: 'skip',
      });
      await expect(done).resolves.toBeUndefined();
    });

    it('fails a shipper that labels the lines with another service than the checks look up', async () => {
      await renderBundle({ database: false });
      editCollectorConfig(config => {
        config.processors['resource/service'].attributes[0].value = 'orders';
      });
      const message = await run({ promtool: 'skip' }).done.catch(
        e => e.message,
      );
      expect(message).toContain(
        'deploy/kubernetes/log-shipping.yaml (document 1): data.collector.yaml: processors.resource/service: sets service to "orders", but the logging checks look up the lines of component:default/orders-api under "orders-api" (backstage.io/kubernetes-id)',
      );
    });

    it('judges the service value against the log-service annotation of the catalog', async () => {
      await renderBundle({ database: false });
      edit('catalog-info.yaml', ([component]) => {
        component.metadata.annotations['production-readiness.io/log-service'] =
          'orders';
      });
      const message = await run({ promtool: 'skip' }).done.catch(
        e => e.message,
      );
      expect(message).toContain(
        'sets service to "orders-api", but the logging checks look up the lines of component:default/orders-api under "orders" (production-readiness.io/log-service)',
      );
    });

    it('fails a collector config without a pipeline from a filelog receiver or a service attribute', async () => {
      await renderBundle({ database: false });
      editCollectorConfig(config => {
        config.service.pipelines.logs.receivers = ['otlp'];
      });
      let message = await run({ promtool: 'skip' }).done.catch(e => e.message);
      expect(message).toContain(
        'data.collector.yaml: service.pipelines.logs.receivers: "otlp" is not defined under receivers',
      );
      expect(message).toContain(
        'data.collector.yaml: service.pipelines: no logs pipeline from a filelog receiver to an exporter',
      );

      await renderBundle({ database: false });
      editCollectorConfig(config => {
        config.service.pipelines.logs.processors = ['batch'];
      });
      message = await run({ promtool: 'skip' }).done.catch(e => e.message);
      expect(message).toContain(
        'data.collector.yaml: service.pipelines.logs: sets no service or service.name attribute',
      );
    });

    it('fails a shipper that could write to the node it reads logs from', async () => {
      await renderBundle({ database: false });
      edit(SHIPPING, ([, daemonSet]) => {
        const [container] = daemonSet.spec.template.spec.containers;
        const logs = container.volumeMounts.find(
          (m: any) => m.name === 'pod-logs',
        );
        delete logs.readOnly;
        delete container.resources.limits.memory;
      });
      const message = await run({ promtool: 'skip' }).done.catch(
        e => e.message,
      );
      expect(message).toMatch(
        /log-shipping.yaml \(document 2\): spec.template.spec.containers\[0\].volumeMounts\[\d\].readOnly: must be true: pod-logs is a hostPath volume/,
      );
      expect(message).toContain(
        'spec.template.spec.containers[0].resources.limits.memory: is required',
      );
    });
  });

  it('reports YAML and JSON syntax errors by file', async () => {
    await renderBundle({ database: false });
    fs.writeFileSync(
      path.join(workspace.path, 'monitoring/grafana-dashboard.json'),
      '{"title": ',
    );
    fs.writeFileSync(
      path.join(workspace.path, 'deploy/kubernetes/service.yaml'),
      'kind: Service\n  spec: [\n',
    );
    const message = await run({ promtool: 'skip' }).done.catch(e => e.message);
    expect(message).toMatch(/monitoring\/grafana-dashboard.json: invalid JSON/);
    expect(message).toMatch(/deploy\/kubernetes\/service.yaml: invalid YAML/);
  });

  it('fails when promtool rejects a rule', async () => {
    await renderBundle({ database: false });
    edit('monitoring/rules.yaml', ([file]) => {
      file.groups[0].rules[0].expr = 'up{job="orders-api" == 0';
    });
    const message = await run().done.catch(e => e.message);
    expect(message).toMatch(
      /monitoring\/rules.yaml: promtool check rules failed: .*parse error/,
    );
  });

  it('fails when a promtool unit test of the rules fails', async () => {
    await renderBundle({ database: false });
    edit('monitoring/rules.yaml', ([file]) => {
      // Still valid PromQL, but the alert can no longer fire: the unit test must catch it.
      file.groups[0].rules[0].expr = 'up{job="orders-api"} == 42';
    });
    edit('deploy/kubernetes/monitoring/prometheusrule.yaml', ([rule]) => {
      rule.spec.groups[0].rules[0].expr = 'up{job="orders-api"} ==';
    });
    const message = await run().done.catch(e => e.message);
    expect(message).toMatch(
      /monitoring\/rules.test.yaml: promtool test rules failed: .*OrdersApiTargetDown/,
    );
    expect(message).toMatch(
      /deploy\/kubernetes\/monitoring\/prometheusrule.yaml: spec.groups: promtool check rules failed/,
    );
  });

  it('refuses a targetPath outside the workspace', async () => {
    await expect(run({ targetPath: '../../etc' }).done).rejects.toThrow(
      /outside its parent/,
    );
  });
});
