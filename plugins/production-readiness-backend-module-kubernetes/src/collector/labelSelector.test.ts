import {
  formatLabelSelector,
  fromKubernetesSelector,
  matchesLabels,
  parseLabelSelector,
} from './labelSelector';

const parse = (text: string) => {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.selector;
};

describe('parseLabelSelector', () => {
  it.each([
    ['app=orders', [{ key: 'app', operator: 'In', values: ['orders'] }]],
    ['app == orders', [{ key: 'app', operator: 'In', values: ['orders'] }]],
    [
      'app=orders,tier!=cache',
      [
        { key: 'app', operator: 'In', values: ['orders'] },
        { key: 'tier', operator: 'NotIn', values: ['cache'] },
      ],
    ],
    [
      'app.kubernetes.io/name in (orders, payments),env notin (dev)',
      [
        {
          key: 'app.kubernetes.io/name',
          operator: 'In',
          values: ['orders', 'payments'],
        },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
      ],
    ],
    [
      'team, !canary',
      [
        { key: 'team', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    ],
  ])('reads %p', (text, requirements) => {
    expect(parse(text).requirements).toEqual(requirements);
  });

  it.each([
    ['', 'the selector is empty'],
    ['app=', undefined],
    ['app in (a,b', 'unbalanced parentheses'],
    ['app in ((a))', 'unbalanced parentheses'],
    ['app=a,,b=c', 'the selector has an empty requirement'],
    [
      'app=a b',
      '"app=a b" is not a requirement (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))',
    ],
    ['-app=x', '"-app" is not a valid label key'],
    ['Example.COM/app=x', '"Example.COM/app" is not a valid label key'],
    [`app=${'x'.repeat(64)}`, `"${'x'.repeat(64)}" is not a valid label value`],
    ['app in ()', '"" in "app in ()" is not a valid label value'],
    [
      '!app',
      'the selector has only negative requirements (!=, notin, !key), which select nearly every object',
    ],
    [
      Array.from({ length: 21 }, (_, i) => `k${i}=v`).join(','),
      'the selector has more than 20 requirements',
    ],
    ['a=b'.padEnd(1100, ' '), undefined],
  ])('checks %p', (text, error) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok ? undefined : parsed.error).toBe(error);
  });

  it('writes selectors back in kubectl syntax', () => {
    expect(formatLabelSelector(parse('a = b, c in (d,e), !f, g, h != i'))).toBe(
      'a=b,c in (d,e),!f,g,h!=i',
    );
  });
});

describe('matchesLabels', () => {
  const labels = {
    app: 'orders',
    tier: 'api',
    'app.kubernetes.io/part-of': 'shop',
  };
  it.each([
    ['app=orders', true],
    ['app=payments', false],
    ['app=orders,tier=worker', false],
    ['app in (orders,payments)', true],
    ['app=orders,tier notin (worker)', true],
    ['app=orders,missing notin (x)', true],
    ['app=orders,missing!=x', true],
    ['app.kubernetes.io/part-of', true],
    ['app=orders,!tier', false],
    ['missing', false],
  ])('%p → %p', (text, expected) => {
    expect(matchesLabels(parse(text), labels)).toBe(expected);
  });

  it('follows Kubernetes for selectors of objects: absent selects nothing, {} selects all, bad operators nothing', () => {
    expect(matchesLabels(fromKubernetesSelector(undefined), labels)).toBe(
      false,
    );
    expect(matchesLabels(fromKubernetesSelector({}), labels)).toBe(true);
    expect(
      matchesLabels(
        fromKubernetesSelector({
          matchLabels: { app: 'orders' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }],
        }),
        labels,
      ),
    ).toBe(true);
    expect(
      matchesLabels(
        fromKubernetesSelector({
          matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }],
        }),
        labels,
      ),
    ).toBe(false);
  });
});
