import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusEntityFacts } from '../../collectors/facts';
import {
  PROMETHEUS_CHECK_SCOPE,
  ruleEvidence,
  ruleRef,
  selector,
  serviceEvidence,
  unreadableRulesVerdict,
  withPrometheus,
} from '../prometheusFacts';

function evaluateAlertRules(f: PrometheusEntityFacts): CheckEvaluation {
  const alerting = f.rules.filter(r => r.type === 'alerting');
  const broken = f.rules.filter(r => r.health === 'err');
  const pending = f.rules.filter(r => r.health !== 'ok' && r.health !== 'err');
  const evidence = [
    serviceEvidence(f),
    ...f.rules.slice(0, 50).map(r => ruleEvidence(r, f)),
  ];
  if (alerting.length === 0) {
    const summary = `No alerting rule on Prometheus "${
      f.instance
    }" selects ${selector(f)}`;
    return (
      unreadableRulesVerdict(f, summary, evidence) ??
      checkResult.fail(
        summary,
        evidence,
        `Add alerting rules for the service that select ${selector(
          f,
        )} (or carry that label), or list their names in ${
          ANNOTATIONS.prometheusAlert
        }.`,
      )
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

/** `monitoring.alert-rules`. */
export function createAlertRulesCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
    id: 'monitoring.alert-rules',
    pillar: 'monitoring',
    title: 'Healthy alert rules',
    description:
      'Prometheus has alerting rules for the service, and every rule for it evaluates without error.',
    severity: 'critical',
    remediation:
      'Add alerting rules that select the service label (or carry it), and fix rules whose health is "err".',
    evaluate: withPrometheus(evaluateAlertRules),
  });
}
