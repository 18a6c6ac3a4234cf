import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import { ManagerSettings, managerRole } from './fieldManagers';
import {
  describeObject,
  evidence,
  listSome,
  withKubernetesFacts,
  WORKLOAD_CHECK_SCOPE,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];
const REMEDIATION =
  'Deploy the workload through the platform orchestrator (an Argo CD Application, Flux, or Helm from CI) instead of kubectl; if your deploy tool is not recognised, add its field manager name to productionReadiness.kubernetes.deployManagers.';

/**
 * `delivery.orchestrated`: every workload's spec is owned by a deploying field manager (Helm,
 * Argo CD, Flux …), as its `metadata.managedFields` record; a workload only `kubectl`
 * touched was deployed by hand.
 */
export function createDeliveryOrchestratedCheck(
  settings: ManagerSettings,
): ReadinessCheck {
  return createReadinessCheck({
    id: 'delivery.orchestrated',
    pillar: 'delivery',
    title: 'Deployed by an orchestrator',
    description: `Every workload's spec is owned by a deploying field manager in its managedFields (${listSome(
      settings.deployManagers,
      5,
    )}; productionReadiness.kubernetes.deployManagers), not only by kubectl.`,
    severity: 'major',
    ...WORKLOAD_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['deployments', 'statefulsets'],
      ({ facts }) => {
        const found = facts.workloads.map(w =>
          evidence(w.cluster, `${w.kind} ${w.namespace}/${w.name} managers`, {
            managers: w.managers.map(m => ({
              manager: m.manager,
              operation: m.operation,
              time: m.time ?? null,
              role: managerRole(m.manager, settings),
            })),
          }),
        );
        const unrecorded = facts.workloads.filter(w => !w.managers.length);
        const byHand = [];
        const deployed = [];
        const controlled = [];
        for (const w of facts.workloads.filter(x => x.managers.length)) {
          const deployers = w.managers.filter(
            m => managerRole(m.manager, settings) === 'deploy',
          );
          if (!deployers.length && w.controller) {
            // An operator writes it: who deploys the operator's resource decides.
            controlled.push(
              `${describeObject(w.kind, w)} is controlled by ${
                w.controller.kind
              } ${w.namespace}/${w.controller.name}`,
            );
          } else if (deployers.length) {
            deployed.push(
              `${describeObject(w.kind, w)} (${[
                ...new Set(deployers.map(m => m.manager)),
              ].join(', ')})`,
            );
          } else {
            const managers = [...new Set(w.managers.map(m => m.manager))];
            byHand.push(
              `${describeObject(w.kind, w)} is managed only by ${managers.join(
                ', ',
              )}`,
            );
          }
        }
        if (byHand.length) {
          return checkResult.fail(
            `Not deployed by an orchestrator: ${byHand.join('; ')}`,
            found,
            REMEDIATION,
          );
        }
        if (controlled.length) {
          return checkResult.unknown(
            `${controlled.join(
              '; ',
            )}: who deploys that resource is not read (the module does not list it)`,
            found,
            'Deploy the operator resource through the platform orchestrator; the Kubernetes module judges the workloads it lists, not custom resources of arbitrary operators.',
          );
        }
        if (unrecorded.length) {
          return checkResult.unknown(
            `No managedFields recorded on ${listSome(
              unrecorded.map(w => describeObject(w.kind, w)),
            )}: nothing shows who deploys it`,
            found,
            'managedFields are recorded by every API server since Kubernetes 1.18; check that the objects are not stripped of them on the way (a proxy or an older API server).',
          );
        }
        return checkResult.pass(
          `Deployed by an orchestrator: ${listSome(deployed, 4)}`,
          found,
        );
      },
    ),
  });
}
