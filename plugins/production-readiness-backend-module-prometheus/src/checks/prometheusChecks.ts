import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  EntityFilter,
  Evidence,
  formatDuration,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { parse as parseYaml } from 'yaml';
import { matchRoutes } from '../alertmanager/routing';
import {
  ALERTMANAGER_COLLECTOR_ID,
  AlertmanagerEntityFacts,
  AlertmanagerFacts,
  PROMETHEUS_COLLECTOR_ID,
  PrometheusEntityFacts,
  PrometheusFacts,
} from '../collectors/facts';
import { PrometheusModuleConfig } from '../config';
import {
  BASELINE_CATEGORIES,
  BASELINE_TITLES,
  BaselineCategory,
  FLEET_WIDE_CATEGORIES,
  RuleFact,
} from '../promql/rules';

/** Services and websites, plus anything that names its Prometheus service or instance. */
export const PROMETHEUS_CHECKS_APPLY_TO: EntityFilter = {
  anyOf: [
    { kind: ['Component'], type: ['service', 'website'] },
    { hasAnnotations: [ANNOTATIONS.prometheusService] },
    { hasAnnotations: [ANNOTATIONS.prometheusInstance] },
  ],
};

/**
 * Where coverage requires monitoring, every Component faces these checks: one that declares
 * nothing is looked up under its name and fails when Prometheus knows no such service.
 */
export const PROMETHEUS_CHECKS_REQUIRED_OF: EntityFilter = {
  kind: ['Component'],
};

const source = (f: { instance: string }) => `prometheus:${f.instance}`;
const amSource = (f: { instance: string }) => `alertmanager:${f.instance}`;
const selector = (f: PrometheusEntityFacts) =>
  `${f.serviceLabel}=${JSON.stringify(f.service)}`;

function serviceEvidence(f: PrometheusEntityFacts): Evidence {
  return {
    label: 'service',
    value: {
      instance: f.instance,
      label: f.serviceLabel,
      value: f.service,
      from: f.serviceSource,
    },
    source: source(f),
  };
}

/** Runs `evaluate` with the entity's Prometheus facts; `unknown` (saying why) without them. */
function withPrometheus(
  evaluate: (
    facts: PrometheusEntityFacts,
    context: CheckContext,
  ) => CheckEvaluation,
): (context: CheckContext) => CheckEvaluation {
  return context => {
    const facts = context.facts<PrometheusFacts>(PROMETHEUS_COLLECTOR_ID);
    if (!facts) {
      return checkResult.unknown(
        'Prometheus returned no facts for this entity',
        [],
        `Declare productionReadiness.prometheus.instances and add the annotation ${ANNOTATIONS.prometheusInstance}.`,
      );
    }
    if (!facts.configured) {
      return checkResult.unknown(facts.reason, [], facts.remediation);
    }
    return evaluate(facts, context);
  };
}

function withAlertmanager(
  evaluate: (
    prometheus: PrometheusEntityFacts,
    alertmanager: AlertmanagerEntityFacts | undefined,
    alertmanagerReason: { reason: string; remediation: string } | undefined,
    context: CheckContext,
  ) => CheckEvaluation,
): (context: CheckContext) => CheckEvaluation {
  return withPrometheus((prometheus, context) => {
    const am = context.facts<AlertmanagerFacts>(ALERTMANAGER_COLLECTOR_ID);
    if (!am) {
      return evaluate(
        prometheus,
        undefined,
        {
          reason: 'Alertmanager returned no facts for this entity',
          remediation:
            'Set alertmanager.baseUrl on the Prometheus instance in productionReadiness.prometheus.instances.',
        },
        context,
      );
    }
    return am.configured
      ? evaluate(prometheus, am, undefined, context)
      : evaluate(prometheus, undefined, am, context);
  });
}

const ruleRef = (r: RuleFact) => `${r.group}/${r.name}`;

function ruleEvidence(rule: RuleFact, facts: PrometheusEntityFacts): Evidence {
  return {
    label: `${rule.type} rule ${rule.name}`,
    value: {
      group: rule.group,
      file: rule.file,
      health: rule.health,
      ...(rule.lastError ? { lastError: rule.lastError } : {}),
      expr: rule.query.slice(0, 300),
    },
    source: source(facts),
    url: `${facts.baseUrl}/rules`,
  };
}

function ageMs(iso: string | undefined, now: Date): number | undefined {
  const at = iso ? Date.parse(iso) : NaN;
  // Prometheus reports "0001-01-01T00:00:00Z" for never.
  return Number.isFinite(at) && at > 0 ? now.getTime() - at : undefined;
}

function evaluateScraped(
  f: PrometheusEntityFacts,
  now: Date,
  config: PrometheusModuleConfig,
): CheckEvaluation {
  const evidence: Evidence[] = [serviceEvidence(f)];
  if (f.targets.length === 0) {
    return checkResult.fail(
      `No active scrape target with ${selector(f)} on Prometheus "${
        f.instance
      }"`,
      evidence,
      `Make Prometheus "${
        f.instance
      }" scrape the service with the target label ${selector(
        f,
      )} (a scrape job or ServiceMonitor), or set ${
        ANNOTATIONS.prometheusService
      } to the label value it already uses.`,
    );
  }
  const down: string[] = [];
  const stale: string[] = [];
  for (const t of f.targets) {
    const age = ageMs(t.lastScrape, now);
    const limit = t.scrapeIntervalMs
      ? Math.max(3 * t.scrapeIntervalMs, 30_000)
      : config.scrapeMaxAgeMs;
    if (t.health !== 'up') {
      down.push(
        `${t.instance} (${t.health}${t.lastError ? `: ${t.lastError}` : ''})`,
      );
    } else if (age === undefined || age > limit) {
      stale.push(
        `${t.instance} (last scrape ${
          age === undefined ? 'never' : summaryTime(t.lastScrape!)
        })`,
      );
    }
    const healthy = t.health === 'up' && age !== undefined && age <= limit;
    evidence.push({
      label: `target ${t.instance}`,
      value: {
        scrapePool: t.scrapePool,
        health: t.health,
        ...(t.lastError ? { lastError: t.lastError } : {}),
      },
      source: source(f),
      // A healthy target is scraped again every interval: its scrape time is not kept, so
      // that an unchanged result is not rewritten at each refresh.
      ...(healthy ? {} : { timestamp: t.lastScrape }),
      url: `${f.baseUrl}/targets`,
    });
  }
  const up = f.targets.length - down.length;
  if (down.length || stale.length) {
    return checkResult.fail(
      [
        `${up}/${f.targets.length} targets up`,
        down.length ? `down: ${down.join(', ')}` : undefined,
        stale.length ? `stale: ${stale.join(', ')}` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      evidence,
      `Fix the failing targets of ${selector(f)} on Prometheus "${
        f.instance
      }" (see its /targets page): the service must answer on its metrics endpoint.`,
    );
  }
  return checkResult.pass(
    `${up}/${f.targets.length} targets of ${selector(
      f,
    )} up, each scraped within its interval`,
    evidence,
  );
}

function evaluateAlertRules(f: PrometheusEntityFacts): CheckEvaluation {
  const alerting = f.rules.filter(r => r.type === 'alerting');
  const broken = f.rules.filter(r => r.health === 'err');
  const pending = f.rules.filter(r => r.health !== 'ok' && r.health !== 'err');
  const evidence = [
    serviceEvidence(f),
    ...f.rules.slice(0, 50).map(r => ruleEvidence(r, f)),
  ];
  if (alerting.length === 0) {
    return checkResult.fail(
      `No alerting rule on Prometheus "${f.instance}" selects ${selector(f)}`,
      evidence,
      `Add alerting rules for the service that select ${selector(
        f,
      )} (or carry that label), or list their names in ${
        ANNOTATIONS.prometheusAlert
      }.`,
    );
  }
  if (broken.length) {
    return checkResult.fail(
      `${broken.length} of ${f.rules.length} rules are failing: ${broken
        .map(r => `${ruleRef(r)}: ${r.lastError ?? 'health err'}`)
        .join('; ')}`,
      evidence,
      'Fix the failing rule expressions (see the Prometheus /rules page): a rule that errors never alerts.',
    );
  }
  if (pending.length) {
    return checkResult.warn(
      `${pending.length} of ${f.rules.length} rules not evaluated yet: ${pending
        .map(ruleRef)
        .join(', ')}`,
      evidence,
      'Wait for Prometheus to evaluate the rules, then re-run; if it persists, check the rule group interval.',
    );
  }
  return checkResult.pass(
    `${alerting.length} alerting rules (${
      f.rules.length
    } rules in all) for ${selector(f)}, all healthy`,
    evidence,
  );
}

/** Rules that cover each category for the service (healthy alerting rules only). */
function coverage(f: PrometheusEntityFacts) {
  const covered = new Map<
    BaselineCategory,
    Array<{ rule: RuleFact; fleet: boolean }>
  >();
  const add = (rule: RuleFact, fleet: boolean) => {
    if (rule.type !== 'alerting' || rule.health === 'err') {
      return;
    }
    for (const category of rule.categories) {
      if (fleet && !FLEET_WIDE_CATEGORIES.has(category)) {
        continue;
      }
      covered.set(category, [
        ...(covered.get(category) ?? []),
        { rule, fleet },
      ]);
    }
  };
  f.rules.forEach(r => add(r, false));
  f.fleetRules.forEach(r => add(r, true));
  return covered;
}

function evaluateCoverage(
  f: PrometheusEntityFacts,
  categories: readonly BaselineCategory[],
  remediation: string,
): CheckEvaluation {
  const covered = coverage(f);
  const evidence: Evidence[] = [serviceEvidence(f)];
  for (const category of categories) {
    const rules = covered.get(category) ?? [];
    evidence.push({
      label: BASELINE_TITLES[category],
      value: rules.length
        ? rules
            .slice(0, 10)
            .map(
              ({ rule, fleet }) =>
                `${ruleRef(rule)}${fleet ? ' (instance-wide)' : ''}`,
            )
        : null,
      source: source(f),
      url: `${f.baseUrl}/alerts`,
    });
  }
  const missing = categories.filter(c => !covered.has(c));
  if (missing.length) {
    return checkResult.fail(
      `${categories.length - missing.length}/${
        categories.length
      } covered; no healthy alert for: ${missing
        .map(c => BASELINE_TITLES[c])
        .join(', ')}`,
      evidence,
      remediation,
    );
  }
  return checkResult.pass(
    categories.length === 1
      ? `Covered by ${covered
          .get(categories[0])!
          .map(({ rule }) => ruleRef(rule))
          .join(', ')}`
      : `All ${categories.length} baseline failure modes have a healthy alert`,
    evidence,
  );
}

/** Declared availability target from the SLO annotation, as a ratio. */
function declaredAvailability(entity: Entity): {
  ratio?: number;
  problem?: string;
} {
  const raw = entity.metadata.annotations?.[ANNOTATIONS.slo];
  if (raw === undefined || raw.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(raw);
  } catch (e) {
    return { problem: `is not YAML (${(e as Error).message.split('\n')[0]})` };
  }
  const value = (parsed as { availability?: unknown } | null)?.availability;
  if (value === undefined) {
    return {};
  }
  const percent =
    typeof value === 'number'
      ? value
      : Number(String(value).replace(/%\s*$/, ''));
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
    return {
      problem: `availability ${JSON.stringify(value)} is not a percentage`,
    };
  }
  return { ratio: percent / 100 };
}

const percent = (ratio: number) => `${+(ratio * 100).toFixed(4)}%`;

function evaluateSlo(
  f: PrometheusEntityFacts,
  entity: Entity,
): CheckEvaluation {
  const evidence: Evidence[] = [
    serviceEvidence(f),
    ...f.slos.map(s => ({
      label: `${s.framework} SLO ${s.name}`,
      value: {
        objective: s.objective === undefined ? null : percent(s.objective),
        rules: s.rules.slice(0, 10),
      },
      source: source(f),
      url: `${f.baseUrl}/rules`,
    })),
  ];
  if (f.slos.length === 0) {
    return checkResult.fail(
      `No Sloth or Pyrra SLO rules for ${selector(f)} on Prometheus "${
        f.instance
      }"`,
      evidence,
      `Generate SLO rules for the service with Sloth (sloth_service="${
        f.service
      }") or Pyrra (an SLO whose query selects ${selector(
        f,
      )}) and load them into Prometheus.`,
    );
  }
  const declared = declaredAvailability(entity);
  const names = f.slos.map(s => `${s.framework}/${s.name}`).join(', ');
  if (declared.problem) {
    return checkResult.warn(
      `SLO rules found (${names}), but annotation ${ANNOTATIONS.slo} ${declared.problem}`,
      evidence,
      `Write ${ANNOTATIONS.slo} as YAML, e.g. "availability: 99.9".`,
    );
  }
  if (declared.ratio === undefined) {
    return checkResult.pass(
      `${f.slos.length} SLOs (${names}); no declared target in ${ANNOTATIONS.slo} to compare`,
      evidence,
    );
  }
  evidence.push({
    label: `${ANNOTATIONS.slo} availability`,
    value: percent(declared.ratio),
    source: 'catalog',
  });
  const known = f.slos.filter(s => s.objective !== undefined);
  if (known.length === 0) {
    if (f.sloError) {
      return checkResult.error(
        `Could not read SLO objectives: ${f.sloError}`,
        evidence,
      );
    }
    return checkResult.warn(
      `SLO rules found (${names}), but no objective series to compare with the declared ${percent(
        declared.ratio,
      )}`,
      evidence,
      'Load the SLO metadata rules too (Sloth: slo:objective:ratio; Pyrra: generic rules, pyrra_objective).',
    );
  }
  const matching = known.filter(
    s => Math.abs(s.objective! - declared.ratio!) < 1e-9,
  );
  if (matching.length === 0) {
    return checkResult.fail(
      `Declared availability ${percent(
        declared.ratio,
      )} does not match the SLO rules: ${known
        .map(s => `${s.name} ${percent(s.objective!)}`)
        .join(', ')}`,
      evidence,
      `Make the SLO objective and ${ANNOTATIONS.slo} agree.`,
    );
  }
  return checkResult.pass(
    `SLO ${matching[0].framework}/${matching[0].name} objective ${percent(
      matching[0].objective!,
    )} matches the declared target`,
    evidence,
  );
}

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

function evaluateRouting(
  f: PrometheusEntityFacts,
  am: AlertmanagerEntityFacts,
  entity: Entity,
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
  for (const set of sets) {
    const matched = matchRoutes(route, set.labels);
    const names = [...new Set(matched.map(r => r.receiver))];
    names.forEach(n => routedTo.add(n));
    evidence.push({
      label: `alert ${set.rule}`,
      value: {
        labels: set.labels,
        labelsFrom: set.observed ? 'firing alert' : 'rule definition',
        routes: matched.map(r => r.path),
        receivers: names,
      },
      source: amSource(am),
      url: `${am.baseUrl}/#/status`,
    });
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

function evaluateDeadMansSwitch(
  f: PrometheusEntityFacts,
  am: AlertmanagerEntityFacts | undefined,
  amMissing: { reason: string; remediation: string } | undefined,
): CheckEvaluation {
  const candidates = f.deadMansSwitches;
  const evidence: Evidence[] = candidates.map(r => ({
    ...ruleEvidence(r, f),
    value: { state: r.state ?? null, health: r.health, expr: r.query },
  }));
  const healthy = candidates.filter(
    r => r.health === 'ok' && r.state === 'firing',
  );
  if (candidates.length === 0) {
    return checkResult.fail(
      `No dead-man's switch (always-firing alert such as Watchdog) on Prometheus "${f.instance}"`,
      evidence,
      "Add an alerting rule `Watchdog` with `expr: vector(1)` and route it to an external dead-man's-switch service, so silence of the alerting pipeline is noticed.",
    );
  }
  if (healthy.length === 0) {
    return checkResult.fail(
      `Dead-man's switch ${candidates
        .map(r => `${r.name} (${r.health}, ${r.state ?? 'no state'})`)
        .join(', ')} is not firing`,
      evidence,
      "A dead-man's switch must always fire: use `expr: vector(1)` and fix the rule error if any.",
    );
  }
  const names = healthy.map(r => r.name);
  if (!am) {
    return checkResult.warn(
      `${names.join(', ')} fires in Prometheus; delivery not verified: ${
        amMissing?.reason
      }`,
      evidence,
      amMissing?.remediation,
    );
  }
  const received = am.alerts.filter(a => names.includes(a.labels.alertname));
  evidence.push({
    label: 'received by Alertmanager',
    value: received.map(a => ({
      alertname: a.labels.alertname,
      startsAt: a.startsAt,
      receivers: a.receivers,
    })),
    source: amSource(am),
    url: `${am.baseUrl}/#/alerts`,
  });
  if (received.length === 0) {
    return checkResult.fail(
      `${names.join(', ')} fires in Prometheus but Alertmanager "${
        am.instance
      }" has not received it`,
      evidence,
      'Check alerting.alertmanagers in the Prometheus configuration: Prometheus must deliver alerts to this Alertmanager.',
    );
  }
  const labels = received[0].labels;
  const receiverNames = [
    ...new Set(matchRoutes(am.routing.route, labels).map(r => r.receiver)),
  ];
  const silent = receiverNames.filter(
    n => (am.routing.receivers.get(n)?.integrations.length ?? 0) === 0,
  );
  if (silent.length === receiverNames.length) {
    return checkResult.warn(
      `${
        labels.alertname
      } reaches Alertmanager but routes to ${receiverNames.join(
        ', ',
      )}, which notifies nobody`,
      evidence,
      `Route ${labels.alertname} to a receiver that calls an external dead-man's-switch service.`,
    );
  }
  return checkResult.pass(
    `${
      labels.alertname
    } fires and reaches Alertmanager, routed to ${receiverNames.join(', ')}`,
    evidence,
  );
}

function evaluateLongFiring(
  f: PrometheusEntityFacts,
  now: Date,
  config: PrometheusModuleConfig,
): CheckEvaluation {
  const limit = config.criticalFiringWarnAfterMs;
  const critical = f.rules.flatMap(rule =>
    rule.type === 'alerting'
      ? rule.alerts
          .filter(
            a =>
              a.state === 'firing' &&
              config.criticalSeverities.includes(a.labels.severity ?? '') &&
              (a.labels[f.serviceLabel] ?? f.service) === f.service,
          )
          .map(a => ({
            rule: rule.name,
            alert: a,
            age: ageMs(a.activeAt, now),
          }))
      : [],
  );
  const evidence: Evidence[] = [
    serviceEvidence(f),
    ...critical.slice(0, 20).map(c => ({
      label: `firing ${c.rule}`,
      value: c.alert.labels,
      source: source(f),
      timestamp: c.alert.activeAt,
      url: `${f.baseUrl}/alerts`,
    })),
  ];
  const old = critical.filter(c => c.age !== undefined && c.age > limit);
  if (old.length) {
    return checkResult.warn(
      `${old.length} critical alerts firing longer than ${formatDuration(
        limit,
      )}: ${old
        .map(c => `${c.rule} (since ${summaryTime(c.alert.activeAt!)})`)
        .join(', ')}`,
      evidence,
      'Resolve the cause, or fix or silence an alert that nobody acts on: a critical alert that fires for hours trains people to ignore it.',
    );
  }
  return checkResult.pass(
    critical.length
      ? `${
          critical.length
        } critical alerts firing, none longer than ${formatDuration(limit)}`
      : 'No critical alert of the service is firing',
    evidence,
  );
}

/** The checks this module adds. */
export function createPrometheusChecks(
  config: PrometheusModuleConfig,
): ReadinessCheck[] {
  const common = {
    appliesTo: PROMETHEUS_CHECKS_APPLY_TO,
    requiredOf: PROMETHEUS_CHECKS_REQUIRED_OF,
    sources: [PROMETHEUS_COLLECTOR_ID],
    collectors: [PROMETHEUS_COLLECTOR_ID],
  };
  const withAm = {
    appliesTo: PROMETHEUS_CHECKS_APPLY_TO,
    requiredOf: PROMETHEUS_CHECKS_REQUIRED_OF,
    sources: [PROMETHEUS_COLLECTOR_ID, ALERTMANAGER_COLLECTOR_ID],
    collectors: [PROMETHEUS_COLLECTOR_ID, ALERTMANAGER_COLLECTOR_ID],
  };
  return [
    createReadinessCheck({
      ...common,
      id: 'monitoring.prometheus-scraped',
      pillar: 'monitoring',
      title: 'Scraped by Prometheus and up',
      description:
        'Prometheus has active targets for the service, all healthy, each scraped recently.',
      severity: 'critical',
      remediation:
        'Add a scrape job or ServiceMonitor for the service whose target label matches the service name, and make the metrics endpoint answer.',
      evaluate: withPrometheus((f, { now }) => evaluateScraped(f, now, config)),
    }),
    createReadinessCheck({
      ...common,
      id: 'monitoring.alert-rules',
      pillar: 'monitoring',
      title: 'Healthy alert rules',
      description:
        'Prometheus has alerting rules for the service, and every rule for it evaluates without error.',
      severity: 'critical',
      remediation:
        'Add alerting rules that select the service label (or carry it), and fix rules whose health is "err".',
      evaluate: withPrometheus(evaluateAlertRules),
    }),
    createReadinessCheck({
      ...common,
      id: 'monitoring.baseline-alerts',
      pillar: 'monitoring',
      title: 'Baseline alerts',
      description:
        'Healthy alerts cover target down, error rate, latency, CPU and memory saturation, and disk filling (predict_linear). Instance-wide rules count for target down, saturation and disk.',
      severity: 'major',
      remediation:
        'Add the missing alerts: up == 0 / absent(), 5xx ratio, p99 latency (histogram_quantile), CPU and memory saturation, and predict_linear on filesystem or volume free bytes.',
      evaluate: withPrometheus(f =>
        evaluateCoverage(
          f,
          BASELINE_CATEGORIES,
          'Add alerting rules for the missing failure modes (the scaffolder template has a baseline PrometheusRule).',
        ),
      ),
    }),
    createReadinessCheck({
      ...common,
      id: 'logging.disk-fill-alert',
      pillar: 'logging',
      title: 'Disk-fill prediction alert',
      description:
        'A healthy predict_linear alert watches the filesystems or volumes the service writes to (its own, or every node of the instance), so logs cannot fill a disk unnoticed.',
      severity: 'major',
      remediation:
        "Add an alert like `predict_linear(node_filesystem_avail_bytes[6h], 24*3600) < 0` (or kubelet_volume_stats_available_bytes for the service's volumes).",
      evaluate: withPrometheus(f =>
        evaluateCoverage(
          f,
          ['disk-fill'],
          'Add a predict_linear alert on node_filesystem_avail_bytes or kubelet_volume_stats_available_bytes that fires a day before the disk is full.',
        ),
      ),
    }),
    createReadinessCheck({
      ...common,
      id: 'monitoring.slo-rules',
      pillar: 'monitoring',
      title: 'SLO rules',
      description: `Sloth or Pyrra SLO rules exist for the service, and their objective matches the availability declared in ${ANNOTATIONS.slo}.`,
      severity: 'major',
      remediation:
        'Define the SLO with Sloth or Pyrra, load the generated rules, and declare the same target in the annotation.',
      evaluate: withPrometheus((f, { entity }) => evaluateSlo(f, entity)),
    }),
    createReadinessCheck({
      ...withAm,
      id: 'monitoring.alert-routing',
      pillar: 'monitoring',
      title: 'Alerts reach the owning team',
      description: `The Alertmanager route tree sends every alert of the service to a receiver other than the catch-all default, with a notification integration: the one named in ${ANNOTATIONS.alertReceiver}, or the owner's.`,
      severity: 'critical',
      remediation:
        "Add an Alertmanager route for the service (or its team label) to the owning team's receiver.",
      evaluate: withAlertmanager((f, am, missing, { entity }) =>
        am
          ? evaluateRouting(f, am, entity)
          : checkResult.unknown(missing!.reason, [], missing!.remediation),
      ),
    }),
    createReadinessCheck({
      ...withAm,
      id: 'monitoring.dead-mans-switch',
      pillar: 'monitoring',
      title: "Dead-man's switch",
      description:
        "The service's Prometheus has an always-firing alert (Watchdog) that reaches Alertmanager and a receiver, so a broken alerting pipeline is noticed.",
      severity: 'major',
      remediation:
        "Add a Watchdog rule (`expr: vector(1)`) and route it to an external dead-man's-switch service.",
      evaluate: withAlertmanager((f, am, missing) =>
        evaluateDeadMansSwitch(f, am, missing),
      ),
    }),
    createReadinessCheck({
      ...common,
      id: 'monitoring.long-firing-alerts',
      pillar: 'monitoring',
      title: 'No long-firing critical alerts',
      description: `Warns when a critical alert of the service has been firing for longer than ${formatDuration(
        config.criticalFiringWarnAfterMs,
      )}.`,
      severity: 'minor',
      remediation:
        'Resolve the cause, or fix the alert: critical alerts must be actionable.',
      evaluate: withPrometheus((f, { now }) =>
        evaluateLongFiring(f, now, config),
      ),
    }),
  ];
}
