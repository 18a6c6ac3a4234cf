import {
  matchRoutes,
  parseAlertmanagerConfig,
  parseMatcherList,
  UndecidableRouteError,
} from './routing';

const CONFIG = `
route:
  receiver: default
  routes:
    - receiver: deadman
      matchers: ['alertname="Watchdog"']
    - receiver: audit
      match_re: { severity: 'critical|page' }
      continue: true
    - receiver: team-orders
      matchers: ['job=~"orders|payments"']
      routes:
        - receiver: orders-pager
          matchers: ['severity="critical"']
        - matchers: ['env="staging"']
    - receiver: team-legacy
      match: { team: legacy }
    - receiver: regex-prefix
      matchers: ['{service=~"api", region!~"eu-.*"}']
    - receiver: case-insensitive
      matchers: ['owner=~"(?i)team-web"']
    - receiver: absent-label
      matchers: ['cluster=""', 'kind="absent-test"']
receivers:
  - name: default
    webhook_configs: [{ url: 'http://127.0.0.1:9/' }]
  - name: deadman
  - name: audit
  - name: team-orders
  - name: orders-pager
  - name: team-legacy
  - name: regex-prefix
  - name: case-insensitive
  - name: absent-label
`;

describe('matchRoutes', () => {
  const { route } = parseAlertmanagerConfig(CONFIG);
  const receivers = (labels: Record<string, string>) =>
    matchRoutes(route, labels).map(r => r.receiver);

  it.each([
    [
      'no child matches: the root (default) receiver',
      { alertname: 'X' },
      ['default'],
    ],
    [
      'first match wins without continue',
      { alertname: 'Watchdog', job: 'orders' },
      ['deadman'],
    ],
    [
      'regex is anchored: "order" does not match orders|payments',
      { job: 'order' },
      ['default'],
    ],
    [
      'regex is anchored: "orders-v2" does not match',
      { job: 'orders-v2' },
      ['default'],
    ],
    [
      'nested route: inherits the parent receiver when it has none',
      { job: 'payments', env: 'staging' },
      ['team-orders'],
    ],
    [
      'nested route: the deepest match wins',
      { job: 'orders', severity: 'warning' },
      ['team-orders'],
    ],
    [
      'continue: a match goes on to the next sibling',
      { job: 'orders', severity: 'critical' },
      ['audit', 'orders-pager'],
    ],
    [
      'continue with no later match: only the continuing route',
      { severity: 'page' },
      ['audit'],
    ],
    ['legacy match: equality', { team: 'legacy' }, ['team-legacy']],
    ['legacy match: equality is exact', { team: 'legacy2' }, ['default']],
    [
      'braced matcher list: all must match',
      { service: 'api', region: 'us-1' },
      ['regex-prefix'],
    ],
    [
      'negative regex excludes',
      { service: 'api', region: 'eu-west' },
      ['default'],
    ],
    [
      '(?i) makes the regex case-insensitive',
      { owner: 'Team-Web' },
      ['case-insensitive'],
    ],
    [
      'label="" matches an absent label',
      { kind: 'absent-test' },
      ['absent-label'],
    ],
    [
      'label="" does not match a present label',
      { kind: 'absent-test', cluster: 'c1' },
      ['default'],
    ],
  ])('%s', (_, labels, expected) => {
    expect(receivers(labels as Record<string, string>)).toEqual(expected);
  });

  it('reads receivers and their integrations', () => {
    const { receivers: all } = parseAlertmanagerConfig(CONFIG);
    expect(all.get('default')?.integrations).toEqual(['webhook_configs']);
    expect(all.get('deadman')?.integrations).toEqual([]);
  });

  it('names the route with a malformed matcher', () => {
    expect(() =>
      parseAlertmanagerConfig(
        'route:\n  receiver: a\n  routes:\n    - matchers: [\'job="a"b"\']\nreceivers: [{name: a}]\n',
      ),
    ).toThrow(
      'route.routes[0].matchers: matcher value contains unescaped double quote: "a"b"',
    );
  });

  it('leaves only the alerts that reach a regex RE2 rejects undecided', () => {
    const { route: tree } = parseAlertmanagerConfig(
      [
        'route:',
        '  receiver: a',
        '  routes:',
        '    - receiver: b',
        '      matchers: [\'team="db"\']',
        '    - receiver: c',
        '      matchers: [\'job=~"x(?=y)"\', \'env="prod"\']',
        'receivers: [{name: a}, {name: b}, {name: c}]',
        '',
      ].join('\n'),
    );
    expect(matchRoutes(tree, { team: 'db' }).map(r => r.receiver)).toEqual([
      'b',
    ]);
    // env="staging" decides that route whatever its regex says: the default receiver.
    expect(
      matchRoutes(tree, { job: 'x', env: 'staging' }).map(r => r.receiver),
    ).toEqual(['a']);
    expect(() => matchRoutes(tree, { job: 'x', env: 'prod' })).toThrow(
      UndecidableRouteError,
    );
    expect(() => matchRoutes(tree, { job: 'x', env: 'prod' })).toThrow(
      /^route\.routes\[1\] matches job=~"x\(\?=y\)", a regex RE2 rejects: /,
    );
  });
});

describe('parseMatcherList', () => {
  it.each([
    ['job="a"', [{ name: 'job', op: '=', value: 'a' }]],
    ['job=a', [{ name: 'job', op: '=', value: 'a' }]],
    [
      '{job!="a", team=~"x|y"}',
      [
        { name: 'job', op: '!=', value: 'a' },
        { name: 'team', op: '=~', value: 'x|y' },
      ],
    ],
    ['msg="a, b"', [{ name: 'msg', op: '=', value: 'a, b' }]],
    ['q="say \\"hi\\""', [{ name: 'q', op: '=', value: 'say "hi"' }]],
  ])('%s', (text, expected) => {
    expect(parseMatcherList(text)).toEqual(expected);
  });
});
