import { formatBytes } from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import { KUBELET_CONFIG_MAP } from '../collector/containerLogRotation';
import { evidence, withKubernetesFacts, WORKLOAD_CHECK_SCOPE } from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];
const CONFIG_MAP = `${KUBELET_CONFIG_MAP.namespace}/${KUBELET_CONFIG_MAP.name}`;

/**
 * `logging.container-log-rotation`: the kubelets of the clusters that run the entity rotate its
 * container logs, and keep at most `containerLogMaxTotal` of them per container on the node.
 */
export function createContainerLogRotationCheck(settings: {
  containerLogMaxBytes: number;
}): ReadinessCheck {
  const limit = formatBytes(settings.containerLogMaxBytes);
  return createReadinessCheck({
    id: 'logging.container-log-rotation',
    pillar: 'logging',
    title: 'Container logs rotated by the kubelet',
    description: `The kubelets of every cluster that runs the service rotate container logs (containerLogMaxSize × containerLogMaxFiles, read from kubeadm's ConfigMap ${CONFIG_MAP} or declared in productionReadiness.kubernetes.kubeletLogRotation) and keep at most ${limit} per container (containerLogMaxTotal), so a chatty container cannot fill its node's disk.`,
    severity: 'minor',
    ...WORKLOAD_CHECK_SCOPE,
    remediation: `Set containerLogMaxSize and containerLogMaxFiles in the KubeletConfiguration so that their product stays within ${limit}; where ${CONFIG_MAP} is not readable (managed clusters), declare the node pools' settings in productionReadiness.kubernetes.kubeletLogRotation.`,
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts([], ({ facts }) => {
      const found = facts.containerLogRotation.map(f =>
        evidence(f.cluster, 'container log rotation', f),
      );
      const unknown = facts.containerLogRotation.flatMap(f =>
        f.state === 'unknown' ? [f.reason] : [],
      );
      const known = facts.containerLogRotation.flatMap(f =>
        f.state === 'known' ? [f] : [],
      );
      const describe = (f: (typeof known)[number]) =>
        `${f.cluster}: ${f.containerLogMaxSize} × ${
          f.containerLogMaxFiles
        } files = ${formatBytes(f.perContainerBytes)} per container${
          f.defaulted.length
            ? ` (kubelet default for ${f.defaulted.join(', ')})`
            : ''
        }, from ${f.source}`;
      const tooMuch = known.filter(
        f => f.perContainerBytes > settings.containerLogMaxBytes,
      );
      if (tooMuch.length) {
        return checkResult.fail(
          `Container logs may take more than ${limit} per container on a node: ${tooMuch
            .map(describe)
            .join('; ')}`,
          found,
        );
      }
      if (unknown.length || !known.length) {
        return checkResult.unknown(
          `How the kubelets rotate container logs is not known: ${
            unknown.join('; ') || 'none of its workloads runs in a cluster'
          }`,
          found,
          `Let the module read ${CONFIG_MAP} (RBAC verb "get" on that ConfigMap), or declare the kubelets' containerLogMaxSize and containerLogMaxFiles in productionReadiness.kubernetes.kubeletLogRotation.`,
        );
      }
      return checkResult.pass(
        `The kubelets rotate its container logs within ${limit} per container: ${known
          .map(describe)
          .join('; ')}`,
        found,
      );
    }),
  });
}
