import {
  ANNOTATIONS,
  Evidence,
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
  selector,
  serviceEvidence,
  source,
  withPrometheus,
} from '../prometheusFacts';

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

/** `monitoring.prometheus-scraped`. */
export function createPrometheusScrapedCheck(
  config: PrometheusModuleConfig,
): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
    id: 'monitoring.prometheus-scraped',
    pillar: 'monitoring',
    title: 'Scraped by Prometheus and up',
    description:
      'Prometheus has active targets for the service, all healthy, each scraped recently.',
    severity: 'critical',
    remediation:
      'Add a scrape job or ServiceMonitor for the service whose target label matches the service name, and make the metrics endpoint answer.',
    evaluate: withPrometheus((f, { now }) => evaluateScraped(f, now, config)),
  });
}
