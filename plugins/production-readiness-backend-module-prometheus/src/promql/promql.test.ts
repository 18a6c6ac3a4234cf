import {
  escapeRegex,
  exactValuesRegexLiteral,
  parseQueryTemplate,
  renderQueryTemplate,
  validateServiceValue,
} from './promql';
import { classifyRule, ruleScope } from './rules';
import { readRuleExpr } from './ruleExpr';

/** The matchers of every selector of `expr`, as the PromQL grammar reads them. */
function matchersOf(expr: string) {
  const read = readRuleExpr(expr);
  if (!read.ok) throw new Error(read.error);
  return read.selectors.flatMap(s => s.matchers);
}

describe('query templates', () => {
  it('accepts $service only as an equality matcher value', () => {
    expect(parseQueryTemplate('sum by (job) (up{job="$service"})')).toEqual({
      template: 'sum by (job) (up{job="$service"})',
      label: 'job',
    });
    expect(() => parseQueryTemplate('up{job=~"$service"}')).toThrow(
      /only as the value of an equality label matcher/,
    );
    expect(() => parseQueryTemplate('up{job="$service-x"}')).toThrow(
      /only as the value/,
    );
    expect(() => parseQueryTemplate('up + $service')).toThrow(
      /only as the value/,
    );
    expect(() => parseQueryTemplate('up')).toThrow(/must select the service/);
    expect(() =>
      parseQueryTemplate('a{job="$service"} / b{service="$service"}'),
    ).toThrow(/several labels/);
  });

  it.each([
    'foo"} or vector(1) #',
    'foo"}) or vector(1',
    '.*',
    'a|b',
    '\\"',
    'x\\',
    "it's",
  ])('renders %j as one literal, regex-escaped and quoted', value => {
    const rendered = renderQueryTemplate(
      parseQueryTemplate('sum by (job) (up{job="$service"})'),
      [value],
    );
    // The rendered query has exactly one matcher value, and it decodes back to the escaped value.
    const matchers = matchersOf(rendered);
    expect(matchers).toEqual([
      { name: 'job', op: '=~', value: escapeRegex(value) },
    ]);
    expect(new RegExp(`^(?:${matchers[0].value})$`).test(value)).toBe(true);
    expect(rendered.startsWith('sum by (job) (up{job=~"')).toBe(true);
    expect(rendered.endsWith('"})')).toBe(true);
  });

  it('joins several services into one alternation that matches only them', () => {
    const literal = exactValuesRegexLiteral(['b.c', 'a', 'a']);
    expect(literal).toBe('"a|b\\\\.c"');
  });

  it('refuses control characters and overlong values', () => {
    expect(validateServiceValue('orders')).toBeUndefined();
    expect(validateServiceValue('a\nb')).toBe('contains control characters');
    expect(validateServiceValue('x'.repeat(201))).toBe(
      'is longer than 200 characters',
    );
  });
});

describe('rules', () => {
  const rule = (query: string, labels: Record<string, string> = {}) => ({
    name: 'R',
    type: 'alerting' as const,
    query,
    labels,
    matchers: matchersOf(query),
  });

  it.each([
    ['up{job="orders"} == 0', ['target-down']],
    ['absent(up{job="orders"})', ['target-down']],
    ['sum(rate(http_requests_total{code=~"5.."}[5m])) > 1', ['error-rate']],
    ['histogram_quantile(0.99, rate(x_bucket[5m])) > 1', ['latency']],
    ['rate(process_cpu_seconds_total[5m]) > 0.9', ['saturation-cpu']],
    ['process_resident_memory_bytes > 1e9', ['saturation-memory']],
    [
      'predict_linear(node_filesystem_avail_bytes[6h], 86400) < 0',
      ['disk-fill'],
    ],
    ['node_filesystem_avail_bytes < 1e9', []],
    ['vector(1)', []],
    // What the grammar reads, not words in the text: a label value is not a metric, and
    // predict_linear must be over the filesystem metric itself.
    ['probe_success{reason="up{"} == 0', []],
    [
      'predict_linear(queue_depth[1h], 3600) > 100 and on() node_filesystem_avail_bytes < 1e9',
      [],
    ],
    [
      'predict_linear(kubelet_volume_stats_available_bytes{namespace="orders"}[6h], 4 * 3600) < 0',
      ['disk-fill'],
    ],
    [
      'kube_pod_container_resource_limits{resource="cpu"} > 2',
      ['saturation-cpu'],
    ],
    [
      'sum(rate(grpc_server_handled_total{code=~"5.."}[5m])) > 0',
      ['error-rate'],
    ],
  ])('classifies %s', (query, expected) => {
    expect(classifyRule(rule(query), readRuleExpr(query))).toEqual(expected);
  });

  it('says where the grammar stops reading an expression, and classifies nothing from it', () => {
    const read = readRuleExpr('rate(http_errors_total{job=~"orders"[5m]) > 1');
    expect(read).toEqual({
      ok: false,
      // Character 37 is the '[' where the selector's closing brace is missing.
      error: 'the PromQL grammar cannot read it at character 37',
    });
    expect(classifyRule(rule('x'), read)).toEqual([]);
    expect(readRuleExpr('vector(1)')).toMatchObject({
      ok: true,
      alwaysTrue: true,
    });
    expect(readRuleExpr('vector(1) > 0')).toMatchObject({ alwaysTrue: false });
  });

  it('scopes rules by matchers on the service label, static labels and sloth_service', () => {
    const accepts = (query: string, labels?: Record<string, string>) => {
      const scope = ruleScope(rule(query, labels), 'job');
      return scope.kind === 'fleet'
        ? 'fleet'
        : ['orders', 'payments', 'ordersx'].filter(s => scope.accepts(s));
    };
    expect(accepts('up{job="orders"} == 0')).toEqual(['orders']);
    expect(accepts('up{job=~"orders|payments"} == 0')).toEqual([
      'orders',
      'payments',
    ]);
    expect(accepts('up{job!="orders"} == 0')).toEqual(['payments', 'ordersx']);
    expect(accepts('up == 0')).toBe('fleet');
    expect(accepts('vector(1)', { job: 'payments' })).toEqual(['payments']);
    expect(accepts('x > 1', { sloth_service: 'orders' })).toEqual(['orders']);
  });

  it('scopes rules without a service matcher to the namespaces they select', () => {
    const scope = ruleScope(
      rule(
        'predict_linear(kubelet_volume_stats_available_bytes{namespace="orders"}[6h], 86400) < 0',
      ),
      'job',
    );
    expect(scope.kind).toBe('namespaces');
    expect(
      ['orders', 'payments'].filter(
        ns => scope.kind === 'namespaces' && scope.accepts(ns),
      ),
    ).toEqual(['orders']);
    // A service matcher wins over a namespace matcher; neither makes it instance-wide.
    expect(
      ruleScope(rule('up{job="orders",namespace="shop"} == 0'), 'job').kind,
    ).toBe('services');
    expect(
      ruleScope(
        rule('predict_linear(node_filesystem_avail_bytes[6h], 86400) < 0'),
        'job',
      ).kind,
    ).toBe('fleet');
  });
});
