import { stringify } from 'yaml';
import { RenderContext, RenderedFile } from './context';

/** Argo CD's namespace, where the platform's Applications live. */
export const ARGOCD_NAMESPACE = 'argocd';

/** Whether the service is deployed through an Argo CD Application (Kubernetes, repo known). */
export function deploysWithArgoCd(ctx: RenderContext): boolean {
  return ctx.o.runtime !== 'vm' && ctx.o.gitRepoUrl !== undefined;
}

/**
 * The Argo CD Application that deploys `deploy/kubernetes` from the repository's default branch,
 * with automated sync, pruning and self-heal: what runs is what the repository says, and a
 * change by hand is reverted. The platform applies it once (or an app-of-apps picks it up);
 * CI then only sets the image and waits for the sync.
 */
export function renderArgoCd(ctx: RenderContext): RenderedFile[] {
  if (!deploysWithArgoCd(ctx)) return [];
  const { o } = ctx;
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: o.name,
      namespace: ARGOCD_NAMESPACE,
      labels: { ...ctx.labels },
      annotations: { ...ctx.annotations },
    },
    spec: {
      project: 'default',
      source: {
        repoURL: o.gitRepoUrl,
        targetRevision: 'HEAD',
        path: 'deploy/kubernetes',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: ctx.namespace,
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: {
          limit: 5,
          backoff: { duration: '10s', factor: 2, maxDuration: '3m' },
        },
      },
      revisionHistoryLimit: 10,
    },
  };
  return [
    {
      piece: 'kubernetes',
      path: 'deploy/argocd/application.yaml',
      content: stringify(application, { lineWidth: 0 }),
    },
  ];
}

/**
 * The deploy step through Argo CD: set the new image on the Application, wait until it is synced
 * and healthy, and put the previous image back when it does not get there.
 */
export function argoCdDeploy(ctx: RenderContext, imageRef: string): string {
  const { o } = ctx;
  const app = o.name;
  return [
    `previous=$(argocd app get ${app} -o json | grep -o '"${o.image}=[^"]*"' | head -n 1 | tr -d '"')`,
    `argocd app set ${app} --kustomize-image "${o.image}=${imageRef}"`,
    `if ! argocd app wait ${app} --sync --health --timeout 600; then`,
    `  if [ -n "$previous" ]; then argocd app set ${app} --kustomize-image "$previous"; fi`,
    '  exit 1',
    'fi',
  ].join('\n');
}
