import { RenderContext, RenderedFile, yamlDocuments } from './context';

const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

export { CONTAINER_SECURITY, POD_SECURITY };

function metadata(
  ctx: RenderContext,
  name: string,
  extra?: Record<string, string>,
) {
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...ctx.labels, ...extra },
    annotations: { ...ctx.annotations },
  };
}

export function renderKubernetes(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const dir = 'deploy/kubernetes';
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(ctx, o.name),
    spec: {
      replicas: o.minReplicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: ctx.selector },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
      },
      template: {
        metadata: { labels: { ...ctx.labels } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          terminationGracePeriodSeconds: 30,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: ctx.selector },
            },
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: ctx.selector },
            },
          ],
          containers: [
            {
              name: o.name,
              image: `${o.image}:${o.imageTag}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: o.port }],
              env: [
                { name: 'PORT', value: String(o.port) },
                { name: 'SERVICE_NAME', value: o.name },
                { name: 'LOG_LEVEL', value: 'info' },
                // A histogram bucket at the SLO threshold, which the latency SLO rules count.
                {
                  name: 'SLO_LATENCY_SECONDS',
                  value: String(o.sloLatencyMs / 1000),
                },
                ...(o.database
                  ? [
                      {
                        name: 'DATABASE_URL',
                        valueFrom: {
                          secretKeyRef: {
                            name: `${ctx.databaseName}-connection`,
                            key: 'url',
                          },
                        },
                      },
                    ]
                  : []),
              ],
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              startupProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 2,
                failureThreshold: 30,
              },
              resources: {
                requests: {
                  cpu: '100m',
                  memory: '128Mi',
                  'ephemeral-storage': '64Mi',
                },
                limits: { memory: '256Mi', 'ephemeral-storage': '256Mi' },
              },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          // Logs go to stdout; the only writable folder is a bounded scratch volume.
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(ctx, o.name),
    spec: {
      selector: ctx.selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(ctx, o.name),
    spec: { maxUnavailable: 1, selector: { matchLabels: ctx.selector } },
  };
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(ctx, o.name),
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: o.name,
      },
      minReplicas: o.minReplicas,
      maxReplicas: o.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    },
  };
  const networkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(ctx, o.name),
    spec: {
      podSelector: { matchLabels: ctx.selector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          // Same namespace (ingress controller sidecars, other services of the team) and the
          // monitoring namespace that scrapes /metrics.
          from: [
            { podSelector: {} },
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: o.port }],
        },
      ],
    },
  };
  const files: Array<[string, unknown]> = [
    ['deployment.yaml', deployment],
    ['service.yaml', service],
    ['pdb.yaml', pdb],
    ['hpa.yaml', hpa],
    ['networkpolicy.yaml', networkPolicy],
  ];
  const resources = [
    ...files.map(([name]) => name),
    'log-shipping.yaml',
    'monitoring/servicemonitor.yaml',
    'monitoring/prometheusrule.yaml',
    ...(o.database
      ? [
          'backup/scripts-configmap.yaml',
          'backup/backup-cronjob.yaml',
          'backup/restore-test-cronjob.yaml',
          'backup/velero-schedule.yaml',
        ]
      : []),
  ];
  return [
    ...files.map(([name, doc]) => ({
      piece: 'kubernetes' as const,
      path: `${dir}/${name}`,
      content: yamlDocuments(doc),
    })),
    {
      piece: 'kubernetes',
      path: `${dir}/kustomization.yaml`,
      content: yamlDocuments({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources,
      }),
    },
  ];
}
