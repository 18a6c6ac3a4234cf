import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { matchRoutes } from '../../alertmanager/routing';
import {
  AlertmanagerEntityFacts,
  PrometheusEntityFacts,
} from '../../collectors/facts';
import {
  ALERTMANAGER_CHECK_SCOPE,
  amSource,
  ruleEvidence,
  withAlertmanager,
} from '../prometheusFacts';

function evaluateDeadMansSwitch(
  f: PrometheusEntityFacts,
  am: AlertmanagerEntityFacts | undefined,
  amMissing: { reason: string; remediation?: string } | undefined,
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

/** `monitoring.dead-mans-switch`. */
export function createDeadMansSwitchCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...ALERTMANAGER_CHECK_SCOPE,
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
  });
}
