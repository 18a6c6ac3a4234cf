import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import {
  describeObject,
  evidence,
  WORKLOAD_CHECK_SCOPE,
  listSome,
  missingCrd,
  plural,
  withKubernetesFacts,
  workloadName,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

export function createMonitoringChecks(): ReadinessCheck[] {
  return [
    createReadinessCheck({
      id: 'monitoring.scrape-config',
      pillar: 'monitoring',
      title: 'ServiceMonitor or PodMonitor selects the service',
      description:
        'A Prometheus Operator ServiceMonitor selects a Service of every workload, or a PodMonitor selects its pods, so Prometheus scrapes it.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add a ServiceMonitor (monitoring.coreos.com/v1) whose selector matches the Service labels and whose namespaceSelector includes the namespace, or a PodMonitor matching the pod labels.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['servicemonitors', 'podmonitors', 'services'],
        input => {
          const { facts } = input;
          const items = facts.workloads.map(w =>
            evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name}`, {
              services: w.services,
              serviceMonitors: w.serviceMonitors,
              podMonitors: w.podMonitors,
            }),
          );
          const unmonitored = facts.workloads.filter(
            w => !w.serviceMonitors.length && !w.podMonitors.length,
          );
          const notInstalled = unmonitored
            .map(w => {
              const sm = missingCrd(input, w.cluster, 'servicemonitors');
              const pm = missingCrd(input, w.cluster, 'podmonitors');
              return sm && pm ? sm : undefined;
            })
            .filter((m): m is string => Boolean(m));
          if (
            notInstalled.length === unmonitored.length &&
            notInstalled.length
          ) {
            return checkResult.unknown(
              `${notInstalled[0]}; scrape configuration cannot be read from the cluster`,
              items,
              'Install the Prometheus Operator CRDs, or rely on the Prometheus module, which checks that targets are scraped and up.',
            );
          }
          if (unmonitored.length) {
            return checkResult.fail(
              `Nothing scrapes ${listSome(
                unmonitored.map(
                  w =>
                    `${describeObject(w.kind, w)}${
                      w.services.length
                        ? ` (Services ${w.services.join(', ')})`
                        : ' (no Service selects its pods)'
                    }`,
                ),
              )}`,
              items,
            );
          }
          return checkResult.pass(
            `Every workload is scraped: ${listSome(
              facts.workloads.map(
                w =>
                  `${workloadName(w)} by ${
                    [...w.serviceMonitors, ...w.podMonitors][0]
                  }`,
              ),
            )}`,
            items,
          );
        },
      ),
    }),
    createReadinessCheck({
      id: 'monitoring.prometheus-rule',
      pillar: 'monitoring',
      title: 'PrometheusRule with alerts deployed with the service',
      description:
        'A PrometheusRule labelled for the entity, in its namespace, defines at least one alert, so alerts ship with the service.',
      severity: 'minor',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add a PrometheusRule (monitoring.coreos.com/v1) labelled backstage.io/kubernetes-id=<id> with the baseline alerts (target down, error rate, latency, saturation, disk fill).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(['prometheusrules'], input => {
        const { facts } = input;
        const items = facts.prometheusRules.map(r =>
          evidence(r.cluster, describeObject('PrometheusRule', r), r.alerts),
        );
        const alerts = facts.prometheusRules.flatMap(r => r.alerts);
        if (alerts.length) {
          return checkResult.pass(
            `${plural(
              facts.prometheusRules.length,
              'PrometheusRule',
            )} define ${plural(alerts.length, 'alert')}: ${listSome(
              [...new Set(alerts)],
              5,
            )}`,
            items,
          );
        }
        const clusters = [...new Set(facts.workloads.map(w => w.cluster))];
        const missing = clusters
          .map(c => missingCrd(input, c, 'prometheusrules'))
          .filter((m): m is string => Boolean(m));
        if (missing.length === clusters.length && missing.length) {
          return checkResult.unknown(
            `${missing[0]}; alert rules cannot be read from the cluster`,
            items,
            'Install the Prometheus Operator CRDs, or rely on the Prometheus module, which reads the rules Prometheus loaded.',
          );
        }
        return checkResult.fail(
          facts.prometheusRules.length
            ? `PrometheusRules ${listSome(
                facts.prometheusRules.map(r => r.name),
              )} define no alerts`
            : `No PrometheusRule matches ${facts.selector}`,
          items,
        );
      }),
    }),
  ];
}
