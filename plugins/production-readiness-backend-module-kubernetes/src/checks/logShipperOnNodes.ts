import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { KUBERNETES_COLLECTOR_ID, LogShipperFact } from '../collector/facts';
import {
  evidence,
  listSome,
  plural,
  withKubernetesFacts,
  WORKLOAD_CHECK_SCOPE,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

/** `vector (logging/vector-agent)`. */
const describeShipper = (s: LogShipperFact) =>
  `${s.image.split('@')[0].split('/').pop()} (${s.namespace}/${s.name})`;

/**
 * `logging.log-shipper-on-nodes`: every node that runs the entity's pods has a ready pod of a
 * log shipper DaemonSet, so its container logs leave the node before rotation deletes them. A
 * shipper that names another entity (the template's per-service shipper reads that service's
 * logs only) does not count.
 */
export function createLogShipperOnNodesCheck(settings: {
  logShipperImages: string[];
}): ReadinessCheck {
  const known = listSome(settings.logShipperImages, 4);
  return createReadinessCheck({
    id: 'logging.log-shipper-on-nodes',
    pillar: 'logging',
    title: 'A log shipper on every node that runs it',
    description: `Each node that runs the service's pods has a ready pod of a log shipper DaemonSet (images ${settings.logShipperImages.join(
      ', ',
    )}; productionReadiness.kubernetes.logShipperImages), so its logs reach the central store before the kubelet's rotation deletes them.`,
    severity: 'major',
    ...WORKLOAD_CHECK_SCOPE,
    remediation:
      'Run the platform log shipper (OpenTelemetry Collector, Vector, Fluent Bit, Alloy …) as a DaemonSet that tolerates every node the service can run on; the template bundles one for the service.',
    sources: collectors,
    collectors,
    evaluate: withKubernetesFacts(
      ['daemonsets', 'pods'],
      ({ facts, context }) => {
        const byCluster = new Map<string, Set<string>>();
        for (const w of facts.workloads) {
          const nodes = byCluster.get(w.cluster) ?? new Set<string>();
          w.nodes.forEach(n => nodes.add(n));
          byCluster.set(w.cluster, nodes);
        }
        const scheduled = [...byCluster.values()].reduce(
          (n, nodes) => n + nodes.size,
          0,
        );
        if (scheduled === 0) {
          return checkResult.unknown(
            `No pod of ${listSome(
              facts.workloads.map(w => `${w.kind} ${w.namespace}/${w.name}`),
            )} runs on a node, so no node's log shipper can be judged`,
            [],
            'Check that the workload has scheduled pods (kubectl get pods -o wide).',
          );
        }
        const problems: string[] = [];
        const found = [];
        const covering = new Map<string, LogShipperFact[]>();
        for (const [cluster, nodes] of byCluster) {
          const shippers = facts.logShippers.filter(
            s =>
              s.cluster === cluster &&
              (s.namedEntity === undefined ||
                s.namedEntity === context.entityRef),
          );
          found.push(
            evidence(cluster, 'log shippers', {
              nodes: [...nodes],
              shippers: shippers.map(s => ({
                daemonSet: `${s.namespace}/${s.name}`,
                image: s.image,
                desired: s.desired,
                ready: s.ready,
                readyOn: s.readyOn.filter(n => nodes.has(n)),
              })),
            }),
          );
          covering.set(
            cluster,
            shippers.filter(s => s.readyOn.some(n => nodes.has(n))),
          );
          if (!shippers.length) {
            problems.push(
              `no log shipper DaemonSet (${known}) runs in cluster ${cluster}, where it runs on ${plural(
                nodes.size,
                'node',
              )}`,
            );
            continue;
          }
          const uncovered = [...nodes].filter(
            n => !shippers.some(s => s.readyOn.includes(n)),
          );
          if (uncovered.length) {
            problems.push(
              `no ready log shipper on ${plural(
                uncovered.length,
                'node',
              )} of cluster ${cluster} that ${
                uncovered.length === 1 ? 'runs' : 'run'
              } its pods: ${listSome(uncovered)} (${shippers
                .map(describeShipper)
                .join(', ')} ${
                shippers.length === 1 ? 'is' : 'are'
              } not ready there)`,
            );
          }
        }
        if (problems.length) {
          return checkResult.fail(
            `Logs of this service stay on the node: ${problems.join('; ')}`,
            found,
          );
        }
        return checkResult.pass(
          `A log shipper is ready on every node that runs its pods: ${[
            ...byCluster,
          ]
            .map(
              ([cluster, nodes]) =>
                `${listSome([...nodes])} (${cluster}: ${covering
                  .get(cluster)!
                  .map(describeShipper)
                  .join(', ')})`,
            )
            .join('; ')}`,
          found,
        );
      },
    ),
  });
}
