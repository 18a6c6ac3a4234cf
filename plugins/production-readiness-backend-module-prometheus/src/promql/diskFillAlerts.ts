import { parser } from '@prometheus-io/lezer-promql';
import { LabelMatcher, matcherAccepts } from './promql';
import { RuleFact } from './rules';
import { PromQLNode, readMatchers, unreadableAt } from './ruleExpr';

/** node_exporter's free-space metrics: a rule on one of these watches a host's disks. */
export const FREE_SPACE_METRICS: ReadonlySet<string> = new Set([
  'node_filesystem_avail_bytes',
  'node_filesystem_free_bytes',
]);

/**
 * Labels node_exporter puts on each filesystem series, not on the host's target: matchers on
 * them choose which filesystems of a host are watched, not which hosts.
 */
const FILESYSTEM_LABELS: ReadonlySet<string> = new Set([
  '__name__',
  'device',
  'device_error',
  'fstype',
  'mountpoint',
]);

const COMPARISONS: ReadonlySet<string> = new Set([
  'Lss',
  'Gtr',
  'Lte',
  'Gte',
  'EqlSingle',
  'Neq',
]);

/** A disk-fill alert as read from its expression: the selectors of free space it alerts on. */
export type DiskFillAlert =
  | { kind: 'alert'; rule: string; selectors: LabelMatcher[][] }
  /** The expression names a free-space metric, but the grammar cannot read it. */
  | { kind: 'unparsed'; rule: string; error: string }
  | { kind: 'none' };

const ruleName = (rule: Pick<RuleFact, 'group' | 'name'>) =>
  `${rule.group}/${rule.name}`;

/**
 * Reads an alerting rule with the PromQL grammar (`@prometheus-io/lezer-promql`): it is a
 * disk-fill alert when it predicts (`predict_linear`) or compares (a threshold) one of
 * node_exporter's free-space metrics. Each such selector's matchers are kept, so that which
 * hosts it watches is decided by the hosts' own labels.
 */
export function readDiskFillAlert(
  rule: Pick<RuleFact, 'group' | 'name' | 'type' | 'query'>,
): DiskFillAlert {
  if (rule.type !== 'alerting') return { kind: 'none' };
  const expr = rule.query;
  const tree = parser.parse(expr);
  const error = unreadableAt(tree);
  const selectors: LabelMatcher[][] = [];
  let mentioned = false;
  tree.iterate({
    enter: ref => {
      if (ref.name !== 'VectorSelector') return undefined;
      const node = ref.node;
      const matchers = readMatchers(node, expr);
      const identifier = node.getChild('Identifier');
      const metric = identifier
        ? expr.slice(identifier.from, identifier.to)
        : matchers.find(m => m.name === '__name__' && m.op === '=')?.value;
      if (metric === undefined || !FREE_SPACE_METRICS.has(metric)) {
        return false;
      }
      mentioned = true;
      if (alertsOn(node)) selectors.push(matchers);
      return false;
    },
  });
  if (error !== undefined && mentioned) {
    return {
      kind: 'unparsed',
      rule: ruleName(rule),
      error: `the PromQL grammar cannot read it at character ${error + 1}`,
    };
  }
  return selectors.length
    ? { kind: 'alert', rule: ruleName(rule), selectors }
    : { kind: 'none' };
}

/** Whether the selector feeds a `predict_linear` call or a comparison. */
function alertsOn(selector: PromQLNode): boolean {
  for (let node = selector.parent; node; node = node.parent) {
    if (
      node.name === 'FunctionCall' &&
      node.getChild('FunctionIdentifier')?.getChild('PredictLinear')
    ) {
      return true;
    }
    if (
      node.name === 'BinaryExpr' &&
      [...COMPARISONS].some(op => node.getChild(op))
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a selector selects the filesystems of a host with these target labels: every matcher
 * on a host label accepts the host's value (an absent label has the value "", as in
 * Prometheus); matchers on filesystem labels only choose among the host's filesystems.
 */
export function selectsHost(
  selector: LabelMatcher[],
  hostLabels: Record<string, string>,
): boolean {
  return selector.every(
    m =>
      FILESYSTEM_LABELS.has(m.name) ||
      matcherAccepts(m, hostLabels[m.name] ?? ''),
  );
}
