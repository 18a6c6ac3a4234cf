import { parse as parseYaml } from 'yaml';
import type { ConfigMapOutcome } from '../client/ClusterClient';

/** Where kubeadm keeps the cluster-wide KubeletConfiguration (key `kubelet`). */
export const KUBELET_CONFIG_MAP = {
  namespace: 'kube-system',
  name: 'kubelet-config',
  key: 'kubelet',
};

const SUFFIXES: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * Bytes of a size quantity such as `10Mi` or `100M` (Kubernetes quantity notation; the client
 * library's parser is not part of its public API). NaN for anything else.
 */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  return match ? Number(match[1]) * SUFFIXES[match[2] ?? ''] : NaN;
}

/** The kubelet's defaults (KubeletConfiguration v1beta1). */
const DEFAULTS = { containerLogMaxSize: '10Mi', containerLogMaxFiles: 5 };

/** Container log rotation as the platform declares it, for clusters whose config is not visible. */
export interface DeclaredLogRotation {
  containerLogMaxSize?: string;
  containerLogMaxFiles?: number;
}

/** How the kubelets of one cluster rotate container logs. */
export type ContainerLogRotationFact = { cluster: string } & (
  | {
      state: 'known';
      /** Where the settings come from. */
      source: string;
      containerLogMaxSize: string;
      containerLogMaxFiles: number;
      /** What one container's logs may take on its node: size × files. */
      perContainerBytes: number;
      /** Settings left out, so the kubelet's default applies. */
      defaulted: string[];
    }
  | { state: 'unknown'; reason: string }
);

/**
 * Reads the container log rotation of a cluster's kubelets from kubeadm's ConfigMap, or, where
 * it is not visible (managed clusters, no RBAC), from what the platform declares in
 * `productionReadiness.kubernetes.kubeletLogRotation`.
 */
export function containerLogRotationOf(
  cluster: string,
  outcome: ConfigMapOutcome,
  declared: DeclaredLogRotation | undefined,
): ContainerLogRotationFact {
  const where = `${KUBELET_CONFIG_MAP.namespace}/${KUBELET_CONFIG_MAP.name}`;
  if (outcome.state === 'ok') {
    const text = outcome.data[KUBELET_CONFIG_MAP.key];
    if (text === undefined) {
      return {
        cluster,
        state: 'unknown',
        reason: `ConfigMap ${where} of cluster ${cluster} has no key "${KUBELET_CONFIG_MAP.key}"`,
      };
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      return {
        cluster,
        state: 'unknown',
        reason: `ConfigMap ${where} of cluster ${cluster} is not YAML: ${
          (e as Error).message.split('\n')[0]
        }`,
      };
    }
    return settingsFact(
      cluster,
      `ConfigMap ${where}`,
      (parsed ?? {}) as DeclaredLogRotation,
    );
  }
  if (declared) {
    return settingsFact(
      cluster,
      `productionReadiness.kubernetes.kubeletLogRotation (${outcome.reason})`,
      declared,
    );
  }
  return { cluster, state: 'unknown', reason: outcome.reason };
}

function settingsFact(
  cluster: string,
  source: string,
  settings: DeclaredLogRotation,
): ContainerLogRotationFact {
  const defaulted = (
    ['containerLogMaxSize', 'containerLogMaxFiles'] as const
  ).filter(key => settings[key] === undefined);
  const size = String(
    settings.containerLogMaxSize ?? DEFAULTS.containerLogMaxSize,
  );
  const files = settings.containerLogMaxFiles ?? DEFAULTS.containerLogMaxFiles;
  const bytes = quantityBytes(size);
  if (!Number.isFinite(bytes) || bytes <= 0) {
    return {
      cluster,
      state: 'unknown',
      reason: `containerLogMaxSize ${JSON.stringify(
        size,
      )} in ${source} of cluster ${cluster} is not a positive quantity such as 10Mi`,
    };
  }
  if (!Number.isInteger(files) || files < 1) {
    return {
      cluster,
      state: 'unknown',
      reason: `containerLogMaxFiles ${JSON.stringify(
        files,
      )} in ${source} of cluster ${cluster} is not a positive integer`,
    };
  }
  return {
    cluster,
    state: 'known',
    source,
    containerLogMaxSize: size,
    containerLogMaxFiles: files,
    perContainerBytes: bytes * files,
    defaulted,
  };
}
