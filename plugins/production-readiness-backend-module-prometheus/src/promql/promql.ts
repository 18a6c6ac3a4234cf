import { RE2JS } from 're2js';

/**
 * The little PromQL this module writes and evaluates itself: unquoting string literals,
 * evaluating label matchers against values, and building the only query that carries entity
 * data — a regex matcher over service names, escaped twice (regex, then string). Rule
 * expressions are read with the PromQL grammar (`ruleExpr.ts`).
 */

/** A label matcher found in a selector. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Unquotes a PromQL string literal (Go quoting rules, the common escapes). */
export function unquotePromQLString(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') {
    return body;
  }
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g,
    (_, esc: string) => {
      if (/^[xuU]/.test(esc)) {
        return String.fromCodePoint(parseInt(esc.slice(1), 16));
      }
      if (/^[0-7]{3}$/.test(esc)) {
        return String.fromCodePoint(parseInt(esc, 8));
      }
      return ESCAPES[esc] ?? esc;
    },
  );
}

/** A compiled, anchored regex: `test` tells whether it matches a whole value. */
export interface AnchoredRegex {
  test(value: string): boolean;
}

// Rule scopes are tested against every service of an instance: compile each pattern once.
const regexCache = new Map<string, AnchoredRegex>();

/**
 * Compiles a Prometheus/Alertmanager regex the way they apply it: with RE2 semantics (`re2js`,
 * a port of the engine Go uses: `[[:alpha:]]`, `\pL`, `\z`, inline flags such as `(?i:…)`,
 * `.` on any code point) and anchored to the whole value as `^(?:pattern)$`. Throws RE2's
 * error for a pattern RE2 rejects.
 */
export function compileAnchoredRegex(pattern: string): AnchoredRegex {
  const cached = regexCache.get(pattern);
  if (cached) {
    return cached;
  }
  const re = RE2JS.compile(`^(?:${pattern})$`);
  const compiled = { test: (value: string) => re.matches(value) };
  if (regexCache.size >= 10_000) {
    regexCache.clear();
  }
  regexCache.set(pattern, compiled);
  return compiled;
}

/** Whether a matcher accepts a label value (absent labels have the value ""). */
export function matcherAccepts(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
    case '!~': {
      let matches: boolean;
      try {
        matches = compileAnchoredRegex(matcher.value).test(value);
      } catch {
        // An invalid regex never matches; Prometheus would have rejected the rule.
        matches = false;
      }
      return matcher.op === '=~' ? matches : !matches;
    }
    default:
      return false;
  }
}

/** Escapes regex metacharacters so a value matches only itself (RE2 syntax). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Quotes a value as a PromQL double-quoted string literal. */
const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

export function quotePromQLString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, c => STRING_ESCAPES[c])}"`;
}

/**
 * Whether a value may be used as a service label value at all. Prometheus accepts any
 * UTF-8, but a catalog annotation with control characters or a kilobyte of text is a
 * mistake (or an attack), so such entities get `unknown` with the reason instead.
 */
export function validateServiceValue(value: string): string | undefined {
  if (value.length === 0) {
    return 'is empty';
  }
  if (value.length > 200) {
    return 'is longer than 200 characters';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return 'contains control characters';
  }
  // Prometheus's lexer refuses U+FFFD ("invalid UTF-8 rune"), which is also what a lone
  // surrogate becomes on the wire: one such value would fail the batched query of every entity.
  if (
    value.includes('\uFFFD') ||
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
      value,
    )
  ) {
    return 'contains U+FFFD or a lone surrogate, which Prometheus cannot read in a query';
  }
  return undefined;
}

/** The PromQL regex-matcher literal that matches exactly the given values and nothing else. */
export function exactValuesRegexLiteral(values: string[]): string {
  const unique = [...new Set(values)].sort();
  return quotePromQLString(unique.map(escapeRegex).join('|'));
}

/** A `prometheus-query` template: PromQL with `$service` only as an equality matcher value. */
export interface QueryTemplate {
  template: string;
  /** The label `$service` is matched on; results are grouped by it. */
  label: string;
}

const PLACEHOLDER = '$service';
const PLACEHOLDER_MATCHER =
  /([{,]\s*)([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"\$service"(?=\s*[,}])/g;

/**
 * Validates a query template. `$service` may appear only as `label="$service"` inside a
 * selector, always with the same label, so that substitution can only ever produce a
 * matcher value: the entity's text can never become PromQL syntax.
 */
export function parseQueryTemplate(query: string): QueryTemplate {
  const total = query.split(PLACEHOLDER).length - 1;
  if (total === 0) {
    throw new Error(
      'field "query" must select the service with a matcher like {job="$service"}',
    );
  }
  const labels = new Set<string>();
  let placed = 0;
  for (const match of query.matchAll(PLACEHOLDER_MATCHER)) {
    labels.add(match[2]);
    placed += 1;
  }
  if (placed !== total) {
    throw new Error(
      'field "query" may use $service only as the value of an equality label matcher, e.g. {job="$service"}',
    );
  }
  if (labels.size !== 1) {
    throw new Error(
      `field "query" matches $service on several labels (${[...labels].join(
        ', ',
      )}); use one`,
    );
  }
  return { template: query, label: [...labels][0] };
}

/**
 * Renders a template for a batch of services: each `label="$service"` becomes
 * `label=~"<escaped alternation>"`. The values are regex-escaped, then string-escaped.
 */
export function renderQueryTemplate(
  template: QueryTemplate,
  services: string[],
): string {
  const literal = exactValuesRegexLiteral(services);
  return template.template.replace(
    PLACEHOLDER_MATCHER,
    (_, prefix: string, label: string) => `${prefix}${label}=~${literal}`,
  );
}
