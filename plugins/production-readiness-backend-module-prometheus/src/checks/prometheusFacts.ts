import {
  ANNOTATIONS,
  EntityFilter,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckContext,
  CheckEvaluation,
  checkResult,
  withFacts,
} from '@production-readiness/plugin-production-readiness-node';
import {
  ALERTMANAGER_COLLECTOR_ID,
  ALERTMANAGER_FACTS,
  AlertmanagerEntityFacts,
  PROMETHEUS_COLLECTOR_ID,
  PROMETHEUS_FACTS,
  PrometheusEntityFacts,
} from '../collectors/facts';
import { RuleFact } from '../promql/rules';
import { UndecidableRouteError } from '../alertmanager/routing';

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

/** What every check reading the Prometheus facts shares. */
export const PROMETHEUS_CHECK_SCOPE = {
  appliesTo: PROMETHEUS_CHECKS_APPLY_TO,
  requiredOf: PROMETHEUS_CHECKS_REQUIRED_OF,
  sources: [PROMETHEUS_COLLECTOR_ID],
  collectors: [PROMETHEUS_COLLECTOR_ID],
};

/** What every check reading the Prometheus and Alertmanager facts shares. */
export const ALERTMANAGER_CHECK_SCOPE = {
  appliesTo: PROMETHEUS_CHECKS_APPLY_TO,
  requiredOf: PROMETHEUS_CHECKS_REQUIRED_OF,
  sources: [PROMETHEUS_COLLECTOR_ID, ALERTMANAGER_COLLECTOR_ID],
  collectors: [PROMETHEUS_COLLECTOR_ID, ALERTMANAGER_COLLECTOR_ID],
};

export const source = (f: { instance: string }) => `prometheus:${f.instance}`;
export const amSource = (f: { instance: string }) =>
  `alertmanager:${f.instance}`;
export const selector = (f: PrometheusEntityFacts) =>
  `${f.serviceLabel}=${JSON.stringify(f.service)}`;

export function serviceEvidence(f: PrometheusEntityFacts): Evidence {
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
export function withPrometheus(
  evaluate: (
    facts: PrometheusEntityFacts,
    context: CheckContext,
  ) => CheckEvaluation,
) {
  return withFacts(PROMETHEUS_FACTS, evaluate, {
    missing: {
      summary: 'Prometheus returned no facts for this entity',
      remediation: `Declare productionReadiness.prometheus.instances and add the annotation ${ANNOTATIONS.prometheusInstance}.`,
    },
  });
}

/**
 * Runs `evaluate` with the entity's Prometheus facts and its Alertmanager's, or, where the
 * Alertmanager has none for the entity, why (each check decides what that means).
 */
export function withAlertmanager(
  evaluate: (
    prometheus: PrometheusEntityFacts,
    alertmanager: AlertmanagerEntityFacts | undefined,
    alertmanagerReason: { reason: string; remediation?: string } | undefined,
    context: CheckContext,
  ) => CheckEvaluation,
) {
  return withPrometheus((prometheus, context) => {
    const am = context.facts(ALERTMANAGER_FACTS);
    switch (am?.state) {
      case 'ok':
        try {
          return evaluate(prometheus, am.facts, undefined, context);
        } catch (e) {
          if (!(e instanceof UndecidableRouteError)) throw e;
          return checkResult.unknown(
            `Where Alertmanager "${am.facts.instance}" sends the service's alerts cannot be told: ${e.message}`,
            [],
            'Write the matcher as a regex Alertmanager (Go RE2) and the RE2 port this module uses both accept.',
          );
        }
      case 'unconfigured':
        return evaluate(prometheus, undefined, am, context);
      case 'failed':
        return checkResult.error(am.error);
      default:
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
  });
}

export const ruleRef = (r: RuleFact) => `${r.group}/${r.name}`;

export function ruleEvidence(
  rule: RuleFact,
  facts: PrometheusEntityFacts,
): Evidence {
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

/**
 * `unknown` instead of a failing verdict when alerting rules of the instance cannot be read by
 * the PromQL grammar: one of them may be the missing alert. Undefined when all were read.
 */
export function unreadableRulesVerdict(
  f: PrometheusEntityFacts,
  failing: string,
  evidence: Evidence[],
): CheckEvaluation | undefined {
  if (f.unreadableRules.length === 0) return undefined;
  const shown = f.unreadableRules
    .slice(0, 3)
    .map(r => `${ruleRef(r)} (${r.unreadable})`)
    .join('; ');
  return checkResult.unknown(
    `${failing}, but ${f.unreadableRules.length} alerting rule${
      f.unreadableRules.length === 1 ? '' : 's'
    } on Prometheus "${
      f.instance
    }" cannot be read by the PromQL grammar and may be it: ${shown}`,
    [
      ...evidence,
      ...f.unreadableRules.slice(0, 20).map(r => ({
        ...ruleEvidence(r, f),
        value: {
          unreadable: r.unreadable ?? null,
          expr: r.query.slice(0, 300),
        },
      })),
    ],
    'Write the rule in PromQL the grammar of @prometheus-io/lezer-promql reads (or update the module when Prometheus added syntax), so that what it watches can be told.',
  );
}

export function ageMs(iso: string | undefined, now: Date): number | undefined {
  const at = iso ? Date.parse(iso) : NaN;
  // Prometheus reports "0001-01-01T00:00:00Z" for never.
  return Number.isFinite(at) && at > 0 ? now.getTime() - at : undefined;
}
