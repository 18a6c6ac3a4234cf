/*
 * How the demo cluster's services are delivered from Git: orders-api by an Argo CD Application
 * (annotation tracking), the others by Flux HelmReleases. Their statuses are what the
 * controllers report after a successful sync three days ago.
 */
import { objectUid as uid, type KubeObject } from '@internal/test-servers';

/** What a Deployment carries when a GitOps controller applied it. */
export function gitOpsMarks(
  delivery: 'argocd' | 'flux',
  name: string,
  namespace: string,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return delivery === 'argocd'
    ? {
        labels: {},
        annotations: {
          'argocd.argoproj.io/tracking-id': `${name}:apps/Deployment:${namespace}/${name}`,
        },
      }
    : {
        labels: {
          'helm.toolkit.fluxcd.io/name': name,
          'helm.toolkit.fluxcd.io/namespace': 'flux-system',
        },
        annotations: {},
      };
}

function customObject(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  created: string,
  rest: { spec: unknown; status: unknown },
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace,
      uid: uid(kind, namespace, name),
      resourceVersion: '73099001',
      generation: 1,
      creationTimestamp: created,
      labels: {},
    },
    ...rest,
  };
}

/** The Argo CD Application or Flux HelmRelease that delivers one demo service. */
export function gitOpsObject(options: {
  delivery: 'argocd' | 'flux';
  name: string;
  namespace: string;
  /** The service's objects (what the Application lists as its resources). */
  objects: KubeObject[];
  at: (offsetMs: number) => string;
}): KubeObject {
  const { delivery, name, namespace, objects, at } = options;
  const day = 24 * 3600_000;
  if (delivery === 'argocd') {
    return customObject(
      'argoproj.io/v1alpha1',
      'Application',
      'argocd',
      name,
      at(-90 * day),
      {
        spec: {
          project: 'webshop',
          source: {
            repoURL: `https://github.com/acme/${name}.git`,
            path: 'deploy/production',
            targetRevision: 'main',
          },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace,
          },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
        status: {
          sync: { status: 'Synced', revision: '4b7e9d2c1a0f' },
          health: { status: 'Healthy' },
          operationState: { phase: 'Succeeded', finishedAt: at(-3 * day) },
          resources: objects
            .filter(o => o.metadata.namespace === namespace)
            .map(o => ({
              group: o.apiVersion.includes('/')
                ? o.apiVersion.split('/')[0]
                : '',
              version: o.apiVersion.split('/').pop(),
              kind: o.kind,
              namespace,
              name: o.metadata.name,
              status: 'Synced',
            })),
          reconciledAt: at(-60_000),
        },
      },
    );
  }
  return customObject(
    'helm.toolkit.fluxcd.io/v2',
    'HelmRelease',
    'flux-system',
    name,
    at(-90 * day),
    {
      spec: {
        interval: '10m',
        targetNamespace: namespace,
        chart: {
          spec: {
            chart: name,
            sourceRef: { kind: 'HelmRepository', name: 'acme' },
          },
        },
      },
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'UpgradeSucceeded',
            message: `Helm upgrade succeeded for release ${namespace}/${name}`,
            lastTransitionTime: at(-3 * day),
          },
        ],
        history: [{ chartVersion: '1.0.0', status: 'deployed' }],
      },
    },
  );
}
