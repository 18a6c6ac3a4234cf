import {
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { BASELINE_CATEGORIES } from '../../promql/rules';
import { PROMETHEUS_CHECK_SCOPE, withPrometheus } from '../prometheusFacts';
import { evaluateCoverage } from '../alertCoverage';

/** `monitoring.baseline-alerts`. */
export function createBaselineAlertsCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
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
  });
}
