import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusEntityFacts } from '../collectors/facts';
import {
  BASELINE_TITLES,
  BaselineCategory,
  FLEET_WIDE_CATEGORIES,
  RuleFact,
} from '../promql/rules';
import {
  ruleRef,
  serviceEvidence,
  source,
  unreadableRulesVerdict,
} from './prometheusFacts';

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

export function evaluateCoverage(
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
    const summary = `${categories.length - missing.length}/${
      categories.length
    } covered; no healthy alert for: ${missing
      .map(c => BASELINE_TITLES[c])
      .join(', ')}`;
    return (
      unreadableRulesVerdict(f, summary, evidence) ??
      checkResult.fail(summary, evidence, remediation)
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
