import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DeclaredLogRotation,
  quantityBytes,
} from './collector/containerLogRotation';

/** A cluster this module can read, from `kubernetes.clusterLocatorMethods`. */
export interface ClusterDefinition {
  name: string;
  url: string;
  serviceAccountToken: string;
  caData?: string;
  skipTLSVerify: boolean;
}

/** Settings of the module, from `productionReadiness.kubernetes`. */
export interface KubernetesModuleSettings {
  pageSize: number;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
  restoreTestMaxAgeMs: number;
  certificateMinValidityMs: number;
  /**
   * Image names (the last path segment of the repository, before the tag) whose DaemonSets
   * count as node log shippers; a name also matches `<name>-…` (opentelemetry-collector-contrib).
   */
  logShipperImages: string[];
  /** How the kubelets rotate container logs where kubeadm's ConfigMap is not visible. */
  kubeletLogRotation?: DeclaredLogRotation;
  /** The most one container's rotated logs may take on its node (size × files). */
  containerLogMaxBytes: number;
  /**
   * Field managers that deploy (`managedFields[].manager`; `name` also matches `name-…`):
   * the orchestrators whose ownership of a workload's spec counts as deployed.
   */
  deployManagers: string[];
  /** Field managers that are a person's hand (`kubectl` matches every `kubectl-…`). */
  manualManagers: string[];
  /** GitOps objects must sync by themselves (Argo CD `syncPolicy.automated`, Flux not suspended). */
  requireAutomatedSync: boolean;
}

/** Orchestrators recognised by default: CD controllers and deploy tools. */
export const DEFAULT_DEPLOY_MANAGERS = [
  'helm',
  'argocd-controller',
  'argocd-application-controller',
  'kustomize-controller',
  'helm-controller',
  'fleet-agent',
  'kapp',
  'pulumi-kubernetes',
  'Terraform',
];

/** Managers that mean a hand on the cluster: kubectl in all its forms, and k9s. */
export const DEFAULT_MANUAL_MANAGERS = ['kubectl', 'k9s'];

/** Log shippers recognised by default: the open-source node agents that ship container logs. */
export const DEFAULT_LOG_SHIPPER_IMAGES = [
  'opentelemetry-collector',
  'otelcol',
  'vector',
  'fluent-bit',
  'fluentd',
  'promtail',
  'alloy',
  'vlagent',
  'filebeat',
];

const SETTINGS_KEY = 'productionReadiness.kubernetes';

const durationMs = (
  config: Config | undefined,
  key: string,
  fallback: number,
) => readPositiveDurationMs(config, key, { path: SETTINGS_KEY, fallback });

function positiveInteger(
  config: Config | undefined,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `${SETTINGS_KEY}.${key} must be an integer from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

/** A size such as `1Gi`; throws naming the key when it is not one. */
function sizeBytes(
  config: Config | undefined,
  key: string,
  fallback: string,
): number {
  const text = config?.getOptionalString(key) ?? fallback;
  const bytes = quantityBytes(text);
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw new InputError(
      `${SETTINGS_KEY}.${key} must be a size such as 1Gi, got ${JSON.stringify(
        text,
      )}`,
    );
  }
  return bytes;
}

function readDeclaredLogRotation(
  config: Config | undefined,
): DeclaredLogRotation | undefined {
  const declared = config?.getOptionalConfig('kubeletLogRotation');
  if (!declared) return undefined;
  const size = declared.getOptionalString('containerLogMaxSize');
  const files = declared.getOptionalNumber('containerLogMaxFiles');
  if (size !== undefined && !(quantityBytes(size) > 0)) {
    throw new InputError(
      `${SETTINGS_KEY}.kubeletLogRotation.containerLogMaxSize must be a size such as 10Mi, got ${JSON.stringify(
        size,
      )}`,
    );
  }
  if (files !== undefined && !(Number.isInteger(files) && files >= 1)) {
    throw new InputError(
      `${SETTINGS_KEY}.kubeletLogRotation.containerLogMaxFiles must be a positive integer, got ${files}`,
    );
  }
  return { containerLogMaxSize: size, containerLogMaxFiles: files };
}

/** Reads `productionReadiness.kubernetes`; throws naming the key when a value is invalid. */
export function readKubernetesModuleSettings(
  root: Config,
): KubernetesModuleSettings {
  const config = root.getOptionalConfig(SETTINGS_KEY);
  return {
    pageSize: positiveInteger(config, 'pageSize', 500, 5000),
    requestTimeoutMs: durationMs(config, 'requestTimeout', 20_000),
    maxResponseBytes: positiveInteger(
      config,
      'maxResponseBytes',
      50 * 1024 * 1024,
      1024 * 1024 * 1024,
    ),
    concurrency: positiveInteger(config, 'concurrency', 4, 32),
    restoreTestMaxAgeMs: durationMs(
      config,
      'restoreTestMaxAge',
      30 * 24 * 3600_000,
    ),
    certificateMinValidityMs: durationMs(
      config,
      'certificateMinValidity',
      14 * 24 * 3600_000,
    ),
    logShipperImages:
      config?.getOptionalStringArray('logShipperImages') ??
      DEFAULT_LOG_SHIPPER_IMAGES,
    kubeletLogRotation: readDeclaredLogRotation(config),
    containerLogMaxBytes: sizeBytes(config, 'containerLogMaxTotal', '1Gi'),
    deployManagers:
      config?.getOptionalStringArray('deployManagers') ??
      DEFAULT_DEPLOY_MANAGERS,
    manualManagers:
      config?.getOptionalStringArray('manualManagers') ??
      DEFAULT_MANUAL_MANAGERS,
    requireAutomatedSync:
      config?.getOptionalBoolean('requireAutomatedSync') ?? false,
  };
}

/**
 * Reads the clusters the Backstage Kubernetes plugin is configured with. Locators other than
 * `config` and auth providers other than `serviceAccount` are skipped with a warning; a
 * malformed cluster entry throws, naming its key.
 */
export function readClusterDefinitions(
  root: Config,
  logger: LoggerService,
): ClusterDefinition[] {
  const methods =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterDefinition[] = [];
  const names = new Set<string>();
  methods.forEach((method, methodIndex) => {
    const methodKey = `kubernetes.clusterLocatorMethods[${methodIndex}]`;
    const type = method.getString('type');
    if (type !== 'config') {
      logger.warn(
        `${methodKey} has type "${type}"; Production Readiness reads only "config" locators, so its clusters are not checked`,
      );
      return;
    }
    (method.getOptionalConfigArray('clusters') ?? []).forEach(
      (cluster, clusterIndex) => {
        const key = `${methodKey}.clusters[${clusterIndex}]`;
        const name = cluster.getString('name');
        const url = cluster.getString('url');
        const authProvider = cluster.getString('authProvider');
        if (names.has(name)) {
          throw new InputError(
            `${key}.name: cluster "${name}" is declared twice`,
          );
        }
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new InputError(`${key}.url: "${url}" is not a URL`);
        }
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
          throw new InputError(`${key}.url must be an http(s) URL`);
        }
        const skipTLSVerify =
          cluster.getOptionalBoolean('skipTLSVerify') ?? false;
        if (parsed.protocol === 'http:' && !skipTLSVerify) {
          throw new InputError(
            `${key}.url is plain http; use https, or set skipTLSVerify: true for a lab cluster`,
          );
        }
        if (authProvider !== 'serviceAccount') {
          logger.warn(
            `${key} (cluster "${name}") uses authProvider "${authProvider}"; Production Readiness supports "serviceAccount" only, so this cluster is not checked`,
          );
          return;
        }
        const serviceAccountToken = cluster.getOptionalString(
          'serviceAccountToken',
        );
        if (!serviceAccountToken) {
          logger.warn(
            `${key} (cluster "${name}") has no serviceAccountToken; Production Readiness needs one, so this cluster is not checked`,
          );
          return;
        }
        names.add(name);
        clusters.push({
          name,
          url: url.replace(/\/+$/, ''),
          serviceAccountToken,
          caData: cluster.getOptionalString('caData'),
          skipTLSVerify,
        });
      },
    );
  });
  return clusters;
}
