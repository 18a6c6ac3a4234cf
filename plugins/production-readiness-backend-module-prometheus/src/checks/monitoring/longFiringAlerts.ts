import {
  Evidence,
  formatDuration,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusEntityFacts } from '../../collectors/facts';
import { PrometheusModuleConfig } from '../../config';
import {
  ageMs,
  PROMETHEUS_CHECK_SCOPE,
  serviceEvidence,
  source,
  withPrometheus,
} from '../prometheusFacts';

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

/** `monitoring.long-firing-alerts`. */
export function createLongFiringAlertsCheck(
  config: PrometheusModuleConfig,
): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
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
  });
}
