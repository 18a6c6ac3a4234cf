import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DeclaredLogRotation,
  quantityBytes,
} from './collector/containerLogRotation';

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
  /** Server-side tokens, by cluster name, for clusters whose auth provider takes a user's token. */
  clusterTokens: Map<string, string>;
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

function readClusterTokens(config: Config | undefined): Map<string, string> {
  const tokens = new Map<string, string>();
  (config?.getOptionalConfigArray('clusterTokens') ?? []).forEach(
    (entry, index) => {
      const cluster = entry.getString('cluster');
      if (tokens.has(cluster)) {
        throw new InputError(
          `${SETTINGS_KEY}.clusterTokens[${index}]: cluster "${cluster}" has a token already`,
        );
      }
      tokens.set(cluster, entry.getString('token'));
    },
  );
  return tokens;
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
    clusterTokens: readClusterTokens(config),
  };
}
