/**
 * Kubernetes label selectors, parsed and matched in memory. Selectors written in entity
 * annotations are never sent to an API server: the module lists objects and matches them here,
 * so annotation text cannot change what is asked of a cluster.
 */

/** One requirement of a selector, in the form of `matchExpressions`. */
export type LabelRequirement =
  | { key: string; operator: 'In' | 'NotIn'; values: string[] }
  | { key: string; operator: 'Exists' | 'DoesNotExist' };

/** A parsed selector; an empty list of requirements selects everything. */
export interface LabelSelector {
  requirements: LabelRequirement[];
}

/** `matchLabels` / `matchExpressions`, as Kubernetes objects carry them. */
export interface KubernetesLabelSelector {
  matchLabels?: { [key: string]: string };
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

const NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const DNS_LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const KEY_PATTERN = new RegExp(
  `^(?:(${DNS_LABEL}(?:\\.${DNS_LABEL})*)/)?(${NAME})$`,
);
const VALUE_PATTERN = new RegExp(`^(?:${NAME})?$`);
const NAMESPACE_PATTERN = new RegExp(`^${DNS_LABEL}$`);

const MAX_SELECTOR_LENGTH = 1024;
const MAX_REQUIREMENTS = 20;

/** Whether `key` is a valid label key (optional DNS prefix, name of at most 63 characters). */
export function isLabelKey(key: string): boolean {
  const match = KEY_PATTERN.exec(key);
  return match !== null && (match[1] ?? '').length <= 253;
}

/** Whether `value` is a valid label value (at most 63 characters, may be empty). */
export function isLabelValue(value: string): boolean {
  return VALUE_PATTERN.test(value);
}

/** Whether `name` is a valid namespace name (a DNS label). */
export function isNamespaceName(name: string): boolean {
  return NAMESPACE_PATTERN.test(name);
}

/** Splits on commas that are not inside a `(...)` value set. */
function splitRequirements(text: string): string[] | string {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0 || depth > 1) {
      return 'unbalanced parentheses';
    }
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) {
    return 'unbalanced parentheses';
  }
  parts.push(current);
  return parts.map(p => p.trim());
}

function parseRequirement(text: string): LabelRequirement | string {
  const checkKey = (key: string) =>
    isLabelKey(key) ? undefined : `"${key}" is not a valid label key`;
  let match = /^!\s*(\S+)$/.exec(text);
  if (match) {
    return checkKey(match[1]) ?? { key: match[1], operator: 'DoesNotExist' };
  }
  match = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(text);
  if (match) {
    const [, key, op, list] = match;
    const values = list.split(',').map(v => v.trim());
    const bad = values.find(v => v === '' || !isLabelValue(v));
    if (bad !== undefined) {
      return `"${bad}" in "${text}" is not a valid label value`;
    }
    return (
      checkKey(key) ?? {
        key,
        operator: op === 'in' ? 'In' : 'NotIn',
        values: [...new Set(values)],
      }
    );
  }
  match = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(text);
  if (match) {
    const [, key, op, value] = match;
    if (!isLabelValue(value)) {
      return `"${value}" is not a valid label value`;
    }
    return (
      checkKey(key) ?? {
        key,
        operator: op === '!=' ? 'NotIn' : 'In',
        values: [value],
      }
    );
  }
  if (/^\S+$/.test(text)) {
    return checkKey(text) ?? { key: text, operator: 'Exists' };
  }
  return `"${text}" is not a requirement (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))`;
}

/**
 * Parses a selector in the syntax `kubectl -l` accepts: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, joined by commas. An empty selector is refused:
 * from an annotation it would select every object of every team.
 */
export function parseLabelSelector(
  text: string,
): { ok: true; selector: LabelSelector } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, error: 'the selector is empty' };
  }
  if (trimmed.length > MAX_SELECTOR_LENGTH) {
    return {
      ok: false,
      error: `the selector is longer than ${MAX_SELECTOR_LENGTH} characters`,
    };
  }
  const parts = splitRequirements(trimmed);
  if (typeof parts === 'string') {
    return { ok: false, error: parts };
  }
  if (parts.length > MAX_REQUIREMENTS) {
    return {
      ok: false,
      error: `the selector has more than ${MAX_REQUIREMENTS} requirements`,
    };
  }
  const requirements: LabelRequirement[] = [];
  for (const part of parts) {
    if (part === '') {
      return { ok: false, error: 'the selector has an empty requirement' };
    }
    const requirement = parseRequirement(part);
    if (typeof requirement === 'string') {
      return { ok: false, error: requirement };
    }
    requirements.push(requirement);
  }
  if (
    requirements.every(
      r => r.operator === 'NotIn' || r.operator === 'DoesNotExist',
    )
  ) {
    // Only negative requirements match nearly everything in a cluster.
    return {
      ok: false,
      error:
        'the selector has only negative requirements (!=, notin, !key), which select nearly every object',
    };
  }
  return { ok: true, selector: { requirements } };
}

/**
 * Converts the selector of a PodDisruptionBudget, NetworkPolicy, ServiceMonitor... An absent
 * selector gives undefined (selects nothing); `{}` selects everything. Unknown operators
 * select nothing, as the API server would refuse them.
 */
export function fromKubernetesSelector(
  selector: KubernetesLabelSelector | undefined,
): LabelSelector | undefined {
  if (!selector) {
    return undefined;
  }
  const requirements: LabelRequirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  for (const expression of selector.matchExpressions ?? []) {
    const { key, operator, values = [] } = expression;
    if (operator === 'In' || operator === 'NotIn') {
      requirements.push({ key, operator, values });
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      requirements.push({ key, operator });
    } else {
      return undefined;
    }
  }
  return { requirements };
}

/** Whether the labels satisfy every requirement (Kubernetes semantics: `notin` matches absent keys). */
export function matchesLabels(
  selector: LabelSelector | undefined,
  labels: { [key: string]: string } | undefined,
): boolean {
  if (!selector) {
    return false;
  }
  const actual = labels ?? {};
  return selector.requirements.every(requirement => {
    const present = Object.prototype.hasOwnProperty.call(
      actual,
      requirement.key,
    );
    switch (requirement.operator) {
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      case 'In':
        return present && requirement.values.includes(actual[requirement.key]);
      case 'NotIn':
        return (
          !present || !requirement.values.includes(actual[requirement.key])
        );
      default:
        return false;
    }
  });
}

/** Writes a selector back in `kubectl -l` syntax, for summaries. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements
    .map(r => {
      switch (r.operator) {
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'In':
          return r.values.length === 1
            ? `${r.key}=${r.values[0]}`
            : `${r.key} in (${r.values.join(',')})`;
        default:
          return r.values.length === 1
            ? `${r.key}!=${r.values[0]}`
            : `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}
