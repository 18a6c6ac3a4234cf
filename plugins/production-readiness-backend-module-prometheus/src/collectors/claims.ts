import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
} from '@production-readiness/plugin-production-readiness-common';
import { EvidenceClaim } from '@production-readiness/plugin-production-readiness-node';
import { matcherAccepts } from '../promql/promql';
import { RuleFact } from '../promql/rules';
import { EntityTarget } from './facts';

/** What a rule adopted by name must select to count for the entity. */
export interface EntitySeries {
  serviceLabel: string;
  service: string;
  namespace?: string;
  /** The `job` labels of the service's targets. */
  jobs: string[];
}

/**
 * Whether a rule's expression (or its static labels) selects the entity's own series: its
 * service label value, one of its targets' jobs, or its namespace. A rule adopted with
 * `prometheus.io/alert` counts only then; otherwise any team's rule could be adopted by name.
 */
export function ruleSelectsEntity(
  rule: RuleFact,
  series: EntitySeries,
): boolean {
  if (
    rule.labels[series.serviceLabel] === series.service ||
    rule.labels.sloth_service === series.service
  ) {
    return true;
  }
  const positive = rule.matchers.filter(m => m.op === '=' || m.op === '=~');
  return positive.some(
    m =>
      (m.name === series.serviceLabel && matcherAccepts(m, series.service)) ||
      (m.name === 'job' && series.jobs.some(job => matcherAccepts(m, job))) ||
      (m.name === 'namespace' &&
        series.namespace !== undefined &&
        matcherAccepts(m, series.namespace)),
  );
}

/** The entity's claim on its service's series (targets, rules and queries by service label). */
export function serviceClaim(
  target: EntityTarget,
  serviceLabel: string,
  namedEntity: string | undefined,
): EvidenceClaim {
  return {
    kind: 'prometheus-service',
    id: `${target.instance}/${serviceLabel}=${target.service}`,
    how: `${target.serviceSource}=${target.service}`,
    namedEntity,
    settle: `Give the targets of ${serviceLabel}="${target.service}" on Prometheus ${target.instance} the label \`${EVIDENCE_OWNER.prometheusLabel}="<the ref of the entity they belong to>"\` (a relabeling, or the ServiceMonitor's targetLabels), or give each entity its own ${ANNOTATIONS.prometheusService}.`,
  };
}

/** The entity's claim on an alerting rule it adopted by name. */
export function adoptedRuleClaim(
  instance: string,
  rule: RuleFact,
): EvidenceClaim {
  const name = `${rule.file}/${rule.group}/${rule.name}`;
  return {
    kind: 'prometheus-rule',
    id: `${instance}/${name}`,
    how: `${ANNOTATIONS.prometheusAlert}=${rule.name}`,
    namedEntity: rule.labels[EVIDENCE_OWNER.prometheusLabel] || undefined,
    settle: `Give rule ${rule.name} (group ${rule.group}) the label \`${EVIDENCE_OWNER.prometheusLabel}: <the ref of the entity it belongs to>\`, or select one service only in its expression.`,
  };
}
