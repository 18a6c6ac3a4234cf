import { ReadinessCheck } from '@production-readiness/plugin-production-readiness-node';
import { PrometheusModuleConfig } from '../config';
import { createPrometheusScrapedCheck } from './monitoring/prometheusScraped';
import { createAlertRulesCheck } from './monitoring/alertRules';
import { createBaselineAlertsCheck } from './monitoring/baselineAlerts';
import { createDiskFillAlertCheck } from './logging/diskFillAlert';
import { createSloRulesCheck } from './monitoring/sloRules';
import { createAlertRoutingCheck } from './monitoring/alertRouting';
import { createDeadMansSwitchCheck } from './monitoring/deadMansSwitch';
import { createLongFiringAlertsCheck } from './monitoring/longFiringAlerts';

/** The Prometheus and Alertmanager checks of this module, one per file. */
export function createPrometheusChecks(
  config: PrometheusModuleConfig,
): ReadinessCheck[] {
  return [
    createPrometheusScrapedCheck(config),
    createAlertRulesCheck(),
    createBaselineAlertsCheck(),
    createDiskFillAlertCheck(),
    createSloRulesCheck(),
    createAlertRoutingCheck(config),
    createDeadMansSwitchCheck(),
    createLongFiringAlertsCheck(config),
  ];
}
