import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from '@internal/test-servers';
import { matchRoutes, parseAlertmanagerConfig } from './routing';

/**
 * Differential test: for every configuration of the corpus and every label set, the receivers
 * this module computes must be exactly those `amtool config routes test` (Alertmanager's own
 * routing code, Debian's prometheus-alertmanager) prints, in order, duplicates included.
 */
const FIXTURES = join(__dirname, '..', '__fixtures__', 'alertmanager');

type Labels = Record<string, string>;

const CORPUS: Record<string, Labels[]> = {
  'kube-prometheus.yml': [
    { alertname: 'Watchdog', severity: 'none' },
    { alertname: 'InfoInhibitor', severity: 'none' },
    { alertname: 'KubePodCrashLooping', severity: 'warning' },
    { alertname: 'KubeAPIDown', severity: 'critical' },
    { alertname: 'TargetDown', severity: 'critical', namespace: 'shop' },
    { alertname: 'Watchdog', severity: 'critical' },
    { alertname: 'NodeFilesystemAlmostOutOfSpace', severity: 'info' },
    { alertname: 'x', severity: 'Critical' },
    { alertname: 'x' },
    { severity: 'critical ' },
    {
      alertname: 'KubeletDown',
      severity: 'critical',
      namespace: 'kube-system',
    },
    { alertname: 'InfoInhibitor', severity: 'critical' },
    { alertname: 'CPUThrottlingHigh', severity: 'info', namespace: 'shop' },
  ],
  'operator-merged.yml': [
    { namespace: 'shop', severity: 'critical', service: 'orders' },
    { namespace: 'shop', severity: 'page', service: 'orders' },
    {
      namespace: 'shop',
      severity: 'warning',
      service: 'orders',
      team: 'orders',
    },
    { namespace: 'shop', severity: 'warning', service: 'orders' },
    { namespace: 'shop', severity: 'info', service: 'storefront-eu' },
    { namespace: 'shop', service: 'storefront-' },
    { namespace: 'shop', severity: 'critical', service: 'cart' },
    { namespace: 'payments', severity: 'critical' },
    { namespace: 'payments', severity: 'warning' },
    { namespace: 'payments', severity: 'pagex' },
    { namespace: 'other', severity: 'critical' },
    { namespace: 'other', alertname: 'Watchdog' },
    { namespace: 'shop', alertname: 'Watchdog' },
    { namespace: 'Shop', severity: 'critical' },
    { namespace: 'shop', severity: 'critical', service: 'orders', team: 'x' },
    { namespace: 'shop', severity: 'warning', team: '' },
    { namespace: 'payments', severity: 'page', alertname: 'Watchdog' },
    {},
  ],
  'legacy-match.yml': [
    { app_version: '2.10' },
    { app_version: '2.1' },
    { app_version: '2.10', team: 'ops', enabled: 'true' },
    { team: 'ops', enabled: 'true' },
    { team: 'ops', enabled: 'True' },
    { team: 'ops', enabled: 'true', service: 'db-main', code: '010' },
    { team: 'ops', enabled: 'true', service: 'db-main', code: '8' },
    { team: 'ops', enabled: 'true', service: 'database-x' },
    { team: 'ops', enabled: 'true', shift: 'night' },
    { team: 'ops', enabled: 'true', shift: 'nightly' },
    { team: 'ops', enabled: 'true', service: 'db-main', shift: 'weekend' },
    { service: 'web', env: 'prod' },
    { service: 'frontend', env: 'production' },
    { service: 'web', env: 'productio' },
    { service: 'web' },
    { team: 'ops' },
  ],
  'escapes.yml': [
    { instance: 'db12.prod.example.com' },
    { instance: 'db12.prod.example.com:9187' },
    { instance: 'dbd.prod.example.com' },
    { instance: 'db1xprodxexamplexcom' },
    { path: 'C:\\temp\\logs' },
    { path: 'C:temp' },
    { msg: 'say "hi", then bye' },
    { msg: 'say hi, then bye' },
    { host: 'a.b' },
    { host: 'axb' },
    { team: 'infra', env: 'prod' },
    { team: 'infra', env: 'dev' },
    { env: 'staging', team: 'qa' },
    { env: 'staging' },
    { dir: 'share\\' },
    { dir: 'share' },
    { instance: 'DB12.prod.example.com' },
    { msg: 'say "hi", then bye', team: 'infra', env: 'prod' },
    { path: 'C:\\temp\\logs', env: 'staging', team: 'qa' },
  ],
  're2.yml': [
    { code: 'abc' },
    { code: 'ab1' },
    { city: 'Zürich' },
    { city: 'São' },
    { city: 'Lyon2' },
    { suffix: 'v1' },
    { suffix: 'v12' },
    { icon: '😀' },
    { icon: 'ab' },
    { team: 'OPS-core' },
    { team: 'Ops-' },
    { team: 'dev-core' },
    { owner: 'TEAM-WEB' },
    { owner: 'team-webx' },
    { svc: 'api-1' },
    { svc: 'worker-9' },
    { svc: 'cron-1' },
    { svc: 'api-12' },
    { city: '' },
    { code: '' },
    { team: 'ops-' },
  ],
  'negative.yml': [
    { kind: 'absent-test' },
    { kind: 'absent-test', cluster: 'c1' },
    { kind: 'absent-test', cluster: '' },
    { kind: 'neg', team: 'a' },
    { kind: 'neg', team: 'c', region: 'eu' },
    { kind: 'neg', team: 'c', region: 'us' },
    { kind: 'neg', region: 'us' },
    { kind: 'neg', team: 'b', region: 'eu' },
    { kind: 'empty' },
    { kind: 'empty', zone: 'z1' },
    { kind: 'other' },
    { kind: 'neg', team: 'ab', region: 'eu' },
    { kind: 'absent-test', cluster: ' ' },
  ],
  'time-intervals.yml': [
    { severity: 'warning' },
    { severity: 'warning', team: 'web' },
    { severity: 'critical' },
    { severity: 'page', team: 'web' },
    { team: 'web' },
    {},
  ],
};

const amtool = findBinary({
  names: ['amtool'],
  debianPackage: 'prometheus-alertmanager',
});

/** A label as an amtool argument: `name="value"` in Alertmanager's matcher syntax. */
const argument = (name: string, value: string) =>
  `${name}="${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;

/** The receivers amtool routes the labels to, in its order. */
function amtoolReceivers(file: string, labels: Labels): string[] {
  const out = execFileSync(
    amtool,
    [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      ...Object.entries(labels).map(([n, v]) => argument(n, v)),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ).trim();
  return out ? out.split(',') : [];
}

describe('alert routing, differential against amtool config routes test', () => {
  const cases = Object.entries(CORPUS).flatMap(([config, sets]) =>
    sets.map(labels => ({ config, labels })),
  );

  it('covers the corpus with at least 100 label sets', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it('names exactly the receivers amtool names, for every label set', () => {
    const disagreements: string[] = [];
    for (const { config, labels } of cases) {
      const file = join(FIXTURES, config);
      const expected = amtoolReceivers(file, labels);
      const { route } = parseAlertmanagerConfig(readFileSync(file, 'utf8'));
      const actual = matchRoutes(route, labels).map(r => r.receiver);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        disagreements.push(
          `${config} ${JSON.stringify(labels)}: amtool ${JSON.stringify(
            expected,
          )}, module ${JSON.stringify(actual)}`,
        );
      }
    }
    // eslint-disable-next-line no-console
    console.info(
      `amtool agreement: ${cases.length - disagreements.length}/${
        cases.length
      } label sets`,
    );
    expect(disagreements).toEqual([]);
  });
});
