import { parse as parseYaml } from 'yaml';
import {
  LabelMatcher,
  compileAnchoredRegex,
  matcherAccepts,
} from '../promql/promql';

/** A node of the Alertmanager route tree, with inherited fields resolved. */
export interface RouteNode {
  /** Receiver of this node (inherited from the parent when not set). */
  receiver: string;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: RouteNode[];
  /** Where the node is in the tree, for evidence: `route.routes[1].routes[0]`. */
  path: string;
}

/** A receiver and the integrations it notifies through. */
export interface ReceiverInfo {
  name: string;
  /** e.g. `webhook_configs`, `email_configs`; empty means alerts are dropped. */
  integrations: string[];
}

/** What this module needs from an Alertmanager configuration. */
export interface AlertmanagerRouting {
  route: RouteNode;
  receivers: Map<string, ReceiverInfo>;
}

/** Splits `a="x,y", b=~"z"` on commas outside quotes. */
function splitMatchers(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (c === '"') {
      quoted = !quoted;
    }
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p !== '');
}

const MATCHER_TEXT =
  /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/**
 * Parses one entry of a route's `matchers` list as Alertmanager does: one or more
 * comma-separated matchers, optionally in braces, values quoted or bare.
 */
export function parseMatcherList(text: string): LabelMatcher[] {
  let body = text.trim();
  if (body.startsWith('{') && body.endsWith('}')) {
    body = body.slice(1, -1);
  }
  return splitMatchers(body).map(part => {
    const match = MATCHER_TEXT.exec(part);
    if (!match) {
      throw new Error(`bad matcher ${JSON.stringify(part)}`);
    }
    let value = match[3];
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value
        .slice(1, -1)
        .replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const matcher: LabelMatcher = {
      name: match[1],
      op: match[2] as LabelMatcher['op'],
      value,
    };
    if (matcher.op === '=~' || matcher.op === '!~') {
      compileAnchoredRegex(value);
    }
    return matcher;
  });
}

function readRoute(
  raw: Record<string, unknown>,
  parentReceiver: string | undefined,
  path: string,
): RouteNode {
  const receiver =
    typeof raw.receiver === 'string' ? raw.receiver : parentReceiver;
  if (receiver === undefined) {
    throw new Error(`${path} has no receiver`);
  }
  const matchers: LabelMatcher[] = [];
  for (const [name, value] of Object.entries(
    (raw.match as Record<string, unknown>) ?? {},
  )) {
    matchers.push({ name, op: '=', value: String(value) });
  }
  for (const [name, value] of Object.entries(
    (raw.match_re as Record<string, unknown>) ?? {},
  )) {
    compileAnchoredRegex(String(value));
    matchers.push({ name, op: '=~', value: String(value) });
  }
  for (const entry of (raw.matchers as unknown[]) ?? []) {
    try {
      matchers.push(...parseMatcherList(String(entry)));
    } catch (e) {
      throw new Error(`${path}.matchers: ${(e as Error).message}`);
    }
  }
  const children = Array.isArray(raw.routes) ? raw.routes : [];
  return {
    receiver,
    matchers,
    continue: raw.continue === true,
    routes: children.map((child, i) =>
      readRoute(
        (child ?? {}) as Record<string, unknown>,
        receiver,
        `${path}.routes[${i}]`,
      ),
    ),
    path,
  };
}

/** Parses `alertmanager.yml` text (as `/api/v2/status` returns in `config.original`). */
export function parseAlertmanagerConfig(text: string): AlertmanagerRouting {
  const doc = parseYaml(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || typeof doc.route !== 'object') {
    throw new Error('configuration has no route');
  }
  const receivers = new Map<string, ReceiverInfo>();
  for (const raw of (doc.receivers as Array<Record<string, unknown>>) ?? []) {
    const name = String(raw.name);
    receivers.set(name, {
      name,
      integrations: Object.keys(raw).filter(
        k =>
          k.endsWith('_configs') &&
          Array.isArray(raw[k]) &&
          (raw[k] as unknown[]).length > 0,
      ),
    });
  }
  return {
    route: readRoute(doc.route as Record<string, unknown>, undefined, 'route'),
    receivers,
  };
}

function routeMatches(node: RouteNode, labels: Record<string, string>) {
  return node.matchers.every(m => matcherAccepts(m, labels[m.name] ?? ''));
}

/**
 * The routes an alert with these labels ends up in, as Alertmanager's dispatcher decides:
 * depth-first; a node matches when all its matchers do; the first matching child wins
 * unless it has `continue: true`; a matching node whose children all miss is itself the
 * destination. The root matches every alert.
 */
export function matchRoutes(
  root: RouteNode,
  labels: Record<string, string>,
): RouteNode[] {
  const visit = (node: RouteNode, isRoot: boolean): RouteNode[] => {
    if (!isRoot && !routeMatches(node, labels)) {
      return [];
    }
    const all: RouteNode[] = [];
    for (const child of node.routes) {
      const matched = visit(child, false);
      all.push(...matched);
      if (matched.length > 0 && !child.continue) {
        break;
      }
    }
    return all.length > 0 ? all : [node];
  };
  return visit(root, true);
}
