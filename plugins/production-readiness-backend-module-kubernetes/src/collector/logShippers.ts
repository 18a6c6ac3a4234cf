import { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { LogShipperFact } from './facts';
import { name, ns, objectRef } from './objects';

/** `docker.io/otel/opentelemetry-collector-contrib:0.114.0@sha256:…` → `opentelemetry-collector-contrib`. */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  return lastSegment.split(':')[0];
}

/** The first container image of `daemonSet` that is a known log shipper, if any. */
export function logShipperImage(
  daemonSet: V1DaemonSet,
  names: string[],
): string | undefined {
  return (daemonSet.spec?.template?.spec?.containers ?? [])
    .map(c => c.image ?? '')
    .find(image => {
      const found = imageName(image);
      return names.some(n => found === n || found.startsWith(`${n}-`));
    });
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some(
    c => c.type === 'Ready' && c.status === 'True',
  ) ?? false;

/**
 * The log shipper DaemonSets of one cluster, with the nodes where each has a ready pod (its
 * pods found by owner reference).
 */
export function clusterLogShippers(
  cluster: string,
  daemonSets: V1DaemonSet[],
  pods: V1Pod[],
  names: string[],
): LogShipperFact[] {
  const shippers = daemonSets
    .map(daemonSet => ({ daemonSet, image: logShipperImage(daemonSet, names) }))
    .filter(
      (s): s is { daemonSet: V1DaemonSet; image: string } =>
        s.image !== undefined,
    );
  if (!shippers.length) return [];
  const readyNodes = new Map<string, Set<string>>();
  for (const pod of pods) {
    const owner = pod.metadata?.ownerReferences?.find(
      o => o.kind === 'DaemonSet',
    );
    const node = pod.spec?.nodeName;
    if (!owner || !node || !isReady(pod)) continue;
    const key = `${ns(pod)}/${owner.name}`;
    const nodes = readyNodes.get(key) ?? new Set<string>();
    nodes.add(node);
    readyNodes.set(key, nodes);
  }
  return shippers.map(({ daemonSet, image }) => ({
    ...objectRef(cluster, daemonSet),
    image,
    desired: daemonSet.status?.desiredNumberScheduled ?? 0,
    ready: daemonSet.status?.numberReady ?? 0,
    readyOn: [
      ...(readyNodes.get(`${ns(daemonSet)}/${name(daemonSet)}`) ?? []),
    ].sort(),
  }));
}
