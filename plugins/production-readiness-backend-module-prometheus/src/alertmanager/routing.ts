import { parse as parseYaml } from 'yaml';
import { intervalHolds, readTimePeriods, TimePeriod } from './timeIntervals';
import {
  LabelMatcher,
  compileAnchoredRegex,
  matcherAccepts,
} from '../promql/promql';

/** A node of the Alertmanager route tree, with inherited fields resolved. */
export interface RouteNode {
  /** Receiver of this node (inherited from the parent when not set). */
  receiver: string;
  matchers: RouteMatcher[];
  continue: boolean;
  /** Set when a matcher's regex is one RE2 rejects: whether an alert matches is not known. */
  undecidable?: string;
  /** Named time intervals during which the route notifies nobody (not inherited). */
  muteTimeIntervals: string[];
  /** Named time intervals outside which the route notifies nobody; empty: always active. */
  activeTimeIntervals: string[];
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
  /** `time_intervals` and the legacy `mute_time_intervals`, by name. */
  timeIntervals: Map<string, TimePeriod[]>;
}

/** A matcher of a route; `invalid` when RE2 rejects its regex (Alertmanager would too). */
export interface RouteMatcher extends LabelMatcher {
  invalid?: string;
}

/** Go's `\s`: what Alertmanager's matcher syntax trims around its tokens. */
const MATCHER_SYNTAX =
  /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;

/** A matcher; a regex that RE2 rejects is kept, marked invalid, for the routes it affects. */
function routeMatcher(
  name: string,
  op: LabelMatcher['op'],
  value: string,
): RouteMatcher {
  if (op === '=~' || op === '!~') {
    try {
      compileAnchoredRegex(value);
    } catch (e) {
      return { name, op, value, invalid: (e as Error).message };
    }
  }
  return { name, op, value };
}

/**
 * One matcher of Alertmanager's matcher syntax, unescaped as its `labels.ParseMatcher` does:
 * `\"`, `\n` and `\\` are escapes, any other backslash stays literal (`\d` is `\d`), a value
 * may be bare or in double quotes, and an unescaped quote inside the value is an error.
 */
function parseMatcher(token: string): RouteMatcher {
  const match = MATCHER_SYNTAX.exec(token);
  if (!match) {
    throw new Error(`bad matcher format: ${token}`);
  }
  let raw = match[3];
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += `\\${c}`;
      continue;
    }
    if (c === '\\') {
      if (i < raw.length - 1) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || i < raw.length - 1) {
        throw new Error(
          `matcher value contains unescaped double quote: ${match[3]}`,
        );
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) {
    throw new Error(
      `matcher value contains unescaped double quote: ${match[3]}`,
    );
  }
  return routeMatcher(match[1], match[2] as LabelMatcher['op'], value);
}

/**
 * Parses one entry of a route's `matchers` list as Alertmanager's `labels.ParseMatchers` does:
 * optional braces, matchers separated by commas outside unescaped double quotes, a trailing
 * comma allowed.
 */
export function parseMatcherList(text: string): RouteMatcher[] {
  let body = text.startsWith('{') ? text.slice(1) : text;
  body = body.endsWith('}') ? body.slice(0, -1) : body;
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const c of body) {
    if (c === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** A YAML mapping's entries, or none. */
const entriesOf = (value: unknown): Array<[string, unknown]> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value)
    : [];

/**
 * Reads a route. `text` is the same route read with YAML's failsafe schema: the legacy `match`
 * and `match_re` values are taken from it as written (`2.10` stays `2.10`, as Alertmanager's
 * map of strings keeps it), not as YAML 1.2 would type them.
 */
function readRoute(
  raw: Record<string, unknown>,
  text: Record<string, unknown>,
  parentReceiver: string | undefined,
  path: string,
): RouteNode {
  const receiver =
    typeof raw.receiver === 'string' ? raw.receiver : parentReceiver;
  if (receiver === undefined) {
    throw new Error(`${path} has no receiver`);
  }
  const matchers: RouteMatcher[] = [
    ...entriesOf(text.match).map(([name, value]) =>
      routeMatcher(name, '=', String(value ?? '')),
    ),
    ...entriesOf(text.match_re).map(([name, value]) =>
      routeMatcher(name, '=~', String(value ?? '')),
    ),
  ];
  for (const entry of (raw.matchers as unknown[]) ?? []) {
    try {
      matchers.push(...parseMatcherList(String(entry)));
    } catch (e) {
      throw new Error(`${path}.matchers: ${(e as Error).message}`);
    }
  }
  const invalid = matchers.find(m => m.invalid !== undefined);
  const children = Array.isArray(raw.routes) ? raw.routes : [];
  const childTexts = Array.isArray(text.routes) ? text.routes : [];
  const names = (value: unknown) =>
    Array.isArray(value) ? value.map(v => String(v)) : [];
  return {
    receiver,
    matchers,
    continue: raw.continue === true,
    muteTimeIntervals: names(raw.mute_time_intervals),
    activeTimeIntervals: names(raw.active_time_intervals),
    ...(invalid
      ? {
          undecidable: `${path} matches ${invalid.name}${
            invalid.op
          }${JSON.stringify(invalid.value)}, a regex RE2 rejects: ${
            invalid.invalid
          }`,
        }
      : {}),
    routes: children.map((child, i) =>
      readRoute(
        (child ?? {}) as Record<string, unknown>,
        (childTexts[i] ?? {}) as Record<string, unknown>,
        receiver,
        `${path}.routes[${i}]`,
      ),
    ),
    path,
  };
}

/** Parses `alertmanager.yml` text (as `/api/v2/status` returns in `config.original`). */
export function parseAlertmanagerConfig(source: string): AlertmanagerRouting {
  const doc = parseYaml(source) as Record<string, unknown> | null;
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
  const timeIntervals = new Map<string, TimePeriod[]>();
  for (const key of ['time_intervals', 'mute_time_intervals']) {
    for (const raw of (doc[key] as Array<Record<string, unknown>>) ?? []) {
      const name = String(raw?.name);
      timeIntervals.set(name, readTimePeriods(raw?.time_intervals, name));
    }
  }
  const text = parseYaml(source, { schema: 'failsafe' }) as {
    route: Record<string, unknown>;
  };
  return {
    route: readRoute(
      doc.route as Record<string, unknown>,
      text.route,
      undefined,
      'route',
    ),
    receivers,
    timeIntervals,
  };
}

/** The route an alert reaches depends on a matcher whose regex RE2 rejects. */
export class UndecidableRouteError extends Error {
  readonly name = 'UndecidableRouteError';
}

/**
 * Whether the route's matchers accept the labels: `false` as soon as a readable matcher
 * refuses them (then the route is decided whatever its unreadable ones say); throws
 * `UndecidableRouteError` when only a regex RE2 rejects could decide.
 */
function routeMatches(node: RouteNode, labels: Record<string, string>) {
  const readable = node.matchers.filter(m => m.invalid === undefined);
  if (!readable.every(m => matcherAccepts(m, labels[m.name] ?? ''))) {
    return false;
  }
  if (node.undecidable) {
    throw new UndecidableRouteError(node.undecidable);
  }
  return true;
}

/**
 * The routes an alert with these labels ends up in, as Alertmanager's dispatcher decides:
 * depth-first; a node matches when all its matchers do; the first matching child wins
 * unless it has `continue: true`; a matching node whose children all miss is itself the
 * destination. The root matches every alert. Throws `UndecidableRouteError` when whether the
 * alert matches a route it reaches depends on a regex RE2 rejects.
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

/** Whether a route notifies at `at`: not muted, and within its active intervals if any. */
function notifiesAt(
  route: RouteNode,
  intervals: Map<string, TimePeriod[]>,
  at: Date,
): boolean {
  const holds = (name: string) => intervalHolds(intervals.get(name) ?? [], at);
  return (
    !route.muteTimeIntervals.some(holds) &&
    (route.activeTimeIntervals.length === 0 ||
      route.activeTimeIntervals.some(holds))
  );
}

const silentWindowCache = new WeakMap<
  Pick<AlertmanagerRouting, 'timeIntervals'>,
  Map<string, Array<{ start: Date; end: Date }>>
>();

function scanWeek(
  routes: RouteNode[],
  routing: Pick<AlertmanagerRouting, 'timeIntervals'>,
  start: number,
): Array<{ start: Date; end: Date }> {
  const windows: Array<{ start: Date; end: Date }> = [];
  let open: number | undefined;
  for (let minute = 0; minute <= 7 * 24 * 60; minute++) {
    const at = start + minute * 60_000;
    const silent =
      minute < 7 * 24 * 60 &&
      !routes.some(r => notifiesAt(r, routing.timeIntervals, new Date(at)));
    if (silent && open === undefined) open = at;
    if (!silent && open !== undefined) {
      windows.push({ start: new Date(open), end: new Date(at) });
      open = undefined;
    }
  }
  return windows;
}

/**
 * The windows of the week from `from` (minute by minute, `[start, end)`) in which none of
 * `routes` notifies anyone because of its mute or active time intervals.
 */
export function silentWindows(
  routes: RouteNode[],
  routing: Pick<AlertmanagerRouting, 'timeIntervals'>,
  from: Date,
): Array<{ start: Date; end: Date }> {
  if (
    routes.every(
      r =>
        r.muteTimeIntervals.length === 0 && r.activeTimeIntervals.length === 0,
    )
  ) {
    return [];
  }
  const start = Math.floor(from.getTime() / 60_000) * 60_000;
  // The entities of a refresh share the instance's routing and `from`: scan a week once.
  const cache = silentWindowCache.get(routing) ?? new Map();
  silentWindowCache.set(routing, cache);
  const key = `${start} ${routes.map(r => r.path).join(' ')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const windows = scanWeek(routes, routing, start);
  cache.set(key, windows);
  return windows;
}
