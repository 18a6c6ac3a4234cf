import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { matchRoutes, silentWindows } from '../../alertmanager/routing';
import { PrometheusModuleConfig } from '../../config';
import {
  AlertmanagerAlert,
  AlertmanagerEntityFacts,
  PrometheusEntityFacts,
} from '../../collectors/facts';
import {
  ALERTMANAGER_CHECK_SCOPE,
  amSource,
  selector,
  serviceEvidence,
  withAlertmanager,
} from '../prometheusFacts';

/** The label sets the service's alerts carry (exact when firing, else from the rule). */
function alertLabelSets(
  f: PrometheusEntityFacts,
): Array<{ rule: string; labels: Record<string, string>; observed: boolean }> {
  const sets = new Map<
    string,
    { rule: string; labels: Record<string, string>; observed: boolean }
  >();
  for (const rule of f.rules) {
    if (rule.type !== 'alerting') {
      continue;
    }
    const observed = rule.alerts.filter(
      a => (a.labels[f.serviceLabel] ?? f.service) === f.service,
    );
    const candidates = observed.length
      ? observed.map(a => ({ labels: a.labels, observed: true }))
      : [
          {
            labels: {
              [f.serviceLabel]: f.service,
              ...rule.labels,
              alertname: rule.name,
            },
            observed: false,
          },
        ];
    for (const c of candidates) {
      const key = JSON.stringify(Object.entries(c.labels).sort());
      if (!sets.has(key)) {
        sets.set(key, { rule: rule.name, ...c });
      }
    }
  }
  return [...sets.values()];
}

/**
 * The alert Alertmanager holds with these labels, if it received it: its labels are the
 * Prometheus alert's plus the external labels Prometheus adds.
 */
function reportedAlert(
  am: AlertmanagerEntityFacts,
  labels: Record<string, string>,
): AlertmanagerAlert | undefined {
  return am.alerts.find(
    a =>
      a.receivers.length > 0 &&
      Object.entries(labels).every(([name, value]) => a.labels[name] === value),
  );
}

function ownerName(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  try {
    return parseEntityRef(owner, { defaultKind: 'group' }).name;
  } catch {
    return undefined;
  }
}

/** `Mon 17:00–Tue 09:00 UTC`: a silent window, in UTC. */
function describeWindow(window: { start: Date; end: Date }): string {
  const at = (d: Date) =>
    `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d
      .toISOString()
      .slice(11, 16)}`;
  return `${at(window.start)}–${at(window.end)} UTC`;
}

function evaluateRouting(
  f: PrometheusEntityFacts,
  am: AlertmanagerEntityFacts,
  entity: Entity,
  config: Pick<PrometheusModuleConfig, 'criticalSeverities' | 'routingGaps'>,
  now: Date,
): CheckEvaluation {
  const { route, receivers } = am.routing;
  const sets = alertLabelSets(f);
  const evidence: Evidence[] = [serviceEvidence(f)];
  if (sets.length === 0) {
    return checkResult.unknown(
      `No alerting rules for ${selector(f)}, so there is nothing to route`,
      evidence,
      'Add alerting rules for the service first (see the alert rules check).',
    );
  }
  const expected =
    entity.metadata.annotations?.[ANNOTATIONS.alertReceiver]?.trim();
  const owner = ownerName(entity)?.toLocaleLowerCase('en-US');
  const defaultOnly: string[] = [];
  const dropped: string[] = [];
  const missingExpected: string[] = [];
  const toOwner: string[] = [];
  const routedTo = new Set<string>();
  /** Critical alerts whose routes notify nobody during part of the week, with when. */
  const silent: Array<{ rule: string; windows: string[] }> = [];
  const windowsByRoutes = new Map<string, string[]>();
  for (const set of sets) {
    // A firing alert Alertmanager holds: the receivers it reports are the evidence. Otherwise
    // the route tree decides, as Alertmanager would for those labels.
    const reported = set.observed ? reportedAlert(am, set.labels) : undefined;
    const matched = reported ? [] : matchRoutes(route, set.labels);
    const names = [
      ...new Set(reported ? reported.receivers : matched.map(r => r.receiver)),
    ];
    names.forEach(n => routedTo.add(n));
    evidence.push({
      label: `alert ${set.rule}`,
      value: {
        labels: set.labels,
        labelsFrom: set.observed ? 'firing alert' : 'rule definition',
        ...(reported
          ? { receiversFrom: 'reported by Alertmanager for the firing alert' }
          : { routes: matched.map(r => r.path) }),
        receivers: names,
      },
      source: amSource(am),
      url: `${am.baseUrl}/#/${reported ? 'alerts' : 'status'}`,
    });
    if (config.criticalSeverities.includes(set.labels.severity ?? '')) {
      const routes = reported ? matchRoutes(route, set.labels) : matched;
      const key = routes.map(r => r.path).join(' ');
      let windows = windowsByRoutes.get(key);
      if (!windows) {
        windows = silentWindows(routes, am.routing, now).map(describeWindow);
        windowsByRoutes.set(key, windows);
      }
      if (windows.length) silent.push({ rule: set.rule, windows });
    }
    if (names.every(n => n === route.receiver)) {
      defaultOnly.push(set.rule);
    } else if (
      names.every(n => (receivers.get(n)?.integrations.length ?? 0) === 0)
    ) {
      dropped.push(`${set.rule} → ${names.join(', ')}`);
    }
    if (expected && !names.includes(expected)) {
      missingExpected.push(set.rule);
    }
    if (
      owner &&
      names.some(n => n.toLocaleLowerCase('en-US').includes(owner))
    ) {
      toOwner.push(set.rule);
    }
  }
  const total = sets.length;
  if (defaultOnly.length) {
    return checkResult.fail(
      `${
        defaultOnly.length
      } of ${total} alerts reach only the default receiver "${
        route.receiver
      }": ${defaultOnly.join(', ')}`,
      evidence,
      `Add an Alertmanager route that matches the service's alerts (e.g. matchers: ['${f.serviceLabel}="${f.service}"'] or a team label on the rules) and sends them to the owning team's receiver.`,
    );
  }
  if (dropped.length) {
    return checkResult.fail(
      `${
        dropped.length
      } of ${total} alerts route to receivers without any integration (dropped): ${dropped.join(
        '; ',
      )}`,
      evidence,
      'Route the alerts to a receiver with a notification integration (email, webhook, PagerDuty, ...).',
    );
  }
  if (silent.length) {
    const [first] = silent;
    return checkResult[config.routingGaps](
      `${
        silent.length
      } of ${total} alerts are critical and notify nobody during part of the week (mute or active time intervals): ${
        first.rule
      } is silent ${first.windows.slice(0, 3).join(', ')}${
        first.windows.length > 3
          ? ` and ${first.windows.length - 3} more windows`
          : ''
      }`,
      [
        ...evidence,
        ...silent.map(s => ({
          label: `critical alert ${s.rule} notifies nobody`,
          value: s.windows,
          source: amSource(am),
          url: `${am.baseUrl}/#/status`,
        })),
      ],
      'Route critical alerts to a receiver that is active around the clock (an on-call pager), or remove the mute/active time intervals from their routes.',
    );
  }
  if (expected) {
    return missingExpected.length
      ? checkResult.fail(
          `${
            missingExpected.length
          } of ${total} alerts do not reach receiver "${expected}" named in ${
            ANNOTATIONS.alertReceiver
          }: ${missingExpected.join(', ')}`,
          evidence,
          `Route the service's alerts to "${expected}", or correct ${ANNOTATIONS.alertReceiver}.`,
        )
      : checkResult.pass(
          `All ${total} alerts reach receiver "${expected}"`,
          evidence,
        );
  }
  if (owner && toOwner.length === total) {
    return checkResult.pass(
      `All ${total} alerts reach the owner's receiver (${[...routedTo].join(
        ', ',
      )})`,
      evidence,
    );
  }
  return checkResult.warn(
    `All ${total} alerts reach a team receiver (${[...routedTo].join(
      ', ',
    )}), but none is recognisably the owner's${owner ? ` (${owner})` : ''}`,
    evidence,
    `Name the receiver after the owning team, or set ${ANNOTATIONS.alertReceiver} to the receiver that pages the owner.`,
  );
}

/** `monitoring.alert-routing`. */
export function createAlertRoutingCheck(
  config: Pick<PrometheusModuleConfig, 'criticalSeverities' | 'routingGaps'>,
): ReadinessCheck {
  return createReadinessCheck({
    ...ALERTMANAGER_CHECK_SCOPE,
    id: 'monitoring.alert-routing',
    pillar: 'monitoring',
    title: 'Alerts reach the owning team',
    description: `The Alertmanager route tree sends every alert of the service to a receiver other than the catch-all default, with a notification integration: the one named in ${ANNOTATIONS.alertReceiver}, or the owner's.`,
    severity: 'critical',
    remediation:
      "Add an Alertmanager route for the service (or its team label) to the owning team's receiver.",
    evaluate: withAlertmanager((f, am, missing, { entity, now }) =>
      am
        ? evaluateRouting(f, am, entity, config, now)
        : checkResult.unknown(missing!.reason, [], missing!.remediation),
    ),
  });
}
