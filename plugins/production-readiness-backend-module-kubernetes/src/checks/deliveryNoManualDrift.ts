import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import { latest, ManagerSettings, managerRole } from './fieldManagers';
import {
  describeObject,
  evidence,
  listSome,
  withKubernetesFacts,
  WORKLOAD_CHECK_SCOPE,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

/**
 * `delivery.no-manual-drift`: no person (`kubectl edit`, `scale`, `patch`, `set`, `rollout` …)
 * changed a workload's spec after its orchestrator last deployed it, so what runs is what the
 * repository says.
 */
export function createDeliveryNoManualDriftCheck(
  settings: ManagerSettings,
): ReadinessCheck {
  return createReadinessCheck({
    id: 'delivery.no-manual-drift',
    pillar: 'delivery',
    title: 'No change by hand since the last deploy',
    description: `No manual field manager (${listSome(
      settings.manualManagers,
      5,
    )}; productionReadiness.kubernetes.manualManagers) wrote a workload's spec after its deploying manager's last operation.`,
    severity: 'major',
    ...WORKLOAD_CHECK_SCOPE,
    remediation:
      'Put the change into the repository and let the orchestrator deploy it (or sync the Argo CD Application, which reverts the drift); do not edit, scale or patch production workloads with kubectl.',
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['deployments', 'statefulsets'],
      ({ facts }) => {
        const drift: string[] = [];
        const undeployed: string[] = [];
        const found = [];
        for (const w of facts.workloads) {
          const deploys = w.managers.filter(
            m => managerRole(m.manager, settings) === 'deploy',
          );
          const lastDeploy = latest(deploys);
          const manual = w.managers.filter(
            m => managerRole(m.manager, settings) === 'manual',
          );
          found.push(
            evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name} changes`, {
              lastDeploy: lastDeploy ?? null,
              manual: manual.map(m => ({
                manager: m.manager,
                time: m.time ?? null,
                fields: m.specFields,
              })),
            }),
          );
          if (!deploys.length) {
            undeployed.push(describeObject(w.kind, w));
            continue;
          }
          for (const m of manual) {
            if (
              lastDeploy === undefined ||
              m.time === undefined ||
              Date.parse(m.time) > Date.parse(lastDeploy)
            ) {
              drift.push(
                `${m.manager} changed ${listSome(
                  m.specFields,
                  3,
                )} of ${describeObject(w.kind, w)} at ${
                  m.time ?? 'an unrecorded time'
                }, after the last deploy at ${
                  lastDeploy ?? 'an unrecorded time'
                } (${[...new Set(deploys.map(d => d.manager))].join(', ')})`,
              );
            }
          }
        }
        if (drift.length) {
          return checkResult.fail(
            `Changed by hand since the last deploy: ${drift.join('; ')}`,
            found,
          );
        }
        if (undeployed.length) {
          return checkResult.unknown(
            `No orchestrator deploys ${listSome(
              undeployed,
            )}, so there is no deploy to compare hand changes with (see delivery.orchestrated)`,
            found,
          );
        }
        return checkResult.pass(
          `No change by hand since the last deploy of ${listSome(
            facts.workloads.map(w => describeObject(w.kind, w)),
            4,
          )}`,
          found,
        );
      },
    ),
  });
}
