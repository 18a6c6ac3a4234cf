import { parser } from '@prometheus-io/lezer-promql';
import { LabelMatcher, unquotePromQLString } from './promql';

/** A node of the PromQL syntax tree (`@prometheus-io/lezer-promql`). */
export type PromQLNode = ReturnType<typeof parser.parse>['topNode'];

/** A vector selector of an expression, as the grammar reads it. */
export interface SelectorFact {
  /** The metric name (`up`, or `{"up"}`'s quoted name); undefined for `{job="x"}` alone. */
  metric?: string;
  matchers: LabelMatcher[];
  /** The functions the selector is an argument of, innermost first, e.g. `predict_linear`. */
  within: string[];
}

/** A rule expression read with the PromQL grammar, or where the grammar stops reading it. */
export type RuleExpr =
  | {
      ok: true;
      selectors: SelectorFact[];
      /** Every function the expression calls, e.g. `histogram_quantile`, `absent`. */
      functions: string[];
      /** The expression is `vector(1)`: always true. */
      alwaysTrue: boolean;
    }
  | { ok: false; error: string };

/** The matchers of a selector: `{"name", label op "value", …}` as Prometheus reads them. */
export function readMatchers(
  selector: PromQLNode,
  expr: string,
): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  const list = selector.getChild('LabelMatchers');
  for (let child = list?.firstChild ?? null; child; child = child.nextSibling) {
    if (child.name === 'QuotedLabelName') {
      // {"metric_name", …}: the metric name, quoted.
      matchers.push({ name: '__name__', op: '=', value: text(child, expr) });
      continue;
    }
    const name =
      child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
    const op = child.getChild('MatchOp');
    const value = child.getChild('StringLiteral');
    if (!name || !op || !value) continue;
    matchers.push({
      name: text(name, expr),
      op: expr.slice(op.from, op.to) as LabelMatcher['op'],
      value: unquotePromQLString(expr.slice(value.from, value.to)),
    });
  }
  return matchers;
}

/** A label name or quoted label name as Prometheus reads it. */
function text(node: PromQLNode, expr: string): string {
  const raw = expr.slice(node.from, node.to);
  return node.name === 'QuotedLabelName' ? unquotePromQLString(raw) : raw;
}

/** The function a FunctionCall node calls, e.g. `predict_linear`. */
function functionName(call: PromQLNode, expr: string): string | undefined {
  const identifier = call.getChild('FunctionIdentifier');
  return identifier ? expr.slice(identifier.from, identifier.to) : undefined;
}

/** Where the grammar stops reading `expr`, or undefined when it reads all of it. */
export function unreadableAt(
  tree: ReturnType<typeof parser.parse>,
): number | undefined {
  let error: number | undefined;
  tree.iterate({
    enter: ref => {
      if (ref.type.isError) error ??= ref.from;
    },
  });
  return error;
}

/**
 * Reads a rule expression with the PromQL grammar: its selectors (metric name, matchers, the
 * functions around each) and the functions it calls. An expression the grammar cannot read
 * says where, so that what depends on it is `unknown` rather than guessed from its text.
 */
export function readRuleExpr(expr: string): RuleExpr {
  const tree = parser.parse(expr);
  const error = unreadableAt(tree);
  if (error !== undefined) {
    return {
      ok: false,
      error: `the PromQL grammar cannot read it at character ${error + 1}`,
    };
  }
  const selectors: SelectorFact[] = [];
  const functions = new Set<string>();
  tree.iterate({
    enter: ref => {
      if (ref.name === 'FunctionCall') {
        const name = functionName(ref.node, expr);
        if (name) functions.add(name);
        return undefined;
      }
      if (ref.name !== 'VectorSelector') return undefined;
      const node = ref.node;
      const matchers = readMatchers(node, expr);
      const identifier = node.getChild('Identifier');
      const within: string[] = [];
      for (let up = node.parent; up; up = up.parent) {
        if (up.name === 'FunctionCall') {
          const name = functionName(up, expr);
          if (name) within.push(name);
        }
      }
      selectors.push({
        metric: identifier
          ? expr.slice(identifier.from, identifier.to)
          : matchers.find(m => m.name === '__name__' && m.op === '=')?.value,
        matchers,
        within,
      });
      return false;
    },
  });
  const top = tree.topNode.firstChild;
  const argument = top?.getChild('FunctionCallBody')?.firstChild;
  const alwaysTrue =
    top?.name === 'FunctionCall' &&
    functionName(top, expr) === 'vector' &&
    argument?.name === 'NumberDurationLiteral' &&
    argument.nextSibling === null &&
    Number(expr.slice(argument.from, argument.to)) === 1;
  return { ok: true, selectors, functions: [...functions], alwaysTrue };
}
