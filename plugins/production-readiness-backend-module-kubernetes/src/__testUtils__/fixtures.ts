import { Entity } from '@backstage/catalog-model';
import { KubeObject, objectUid as uid } from '@internal/test-servers';

/** The fixtures' clock: every timestamp below is relative to it. */
export const NOW = new Date('2026-11-22T10:00:00Z');

const at = (offsetMs: number) =>
  new Date(NOW.getTime() + offsetMs).toISOString();
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let version = 48100000;

function object(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  rest: {
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
    spec?: unknown;
    status?: unknown;
    created?: string;
    managedFields?: unknown[];
  },
): KubeObject {
  version += 17;
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace,
      uid: uid(kind, namespace, name),
      resourceVersion: String(version),
      generation: 1,
      creationTimestamp: rest.created ?? at(-120 * DAY),
      labels,
      ...(rest.annotations ? { annotations: rest.annotations } : {}),
      ...(rest.ownerReferences
        ? { ownerReferences: rest.ownerReferences }
        : {}),
      ...(rest.managedFields ? { managedFields: rest.managedFields } : {}),
    },
    ...(rest.spec !== undefined ? { spec: rest.spec } : {}),
    ...(rest.status !== undefined ? { status: rest.status } : {}),
  };
}

const ID = 'backstage.io/kubernetes-id';

/** One `metadata.managedFields` entry as the API server records it (FieldsV1). */
export function fieldsEntry(
  manager: string,
  options: {
    operation?: 'Update' | 'Apply';
    ageDays: number;
    fields: Record<string, unknown>;
    subresource?: string;
  },
): Record<string, unknown> {
  return {
    manager,
    operation: options.operation ?? 'Update',
    apiVersion: 'apps/v1',
    time: at(-options.ageDays * DAY),
    fieldsType: 'FieldsV1',
    fieldsV1: options.fields,
    ...(options.subresource ? { subresource: options.subresource } : {}),
  };
}

/** The spec fields a chart (or any full manifest) sets on a Deployment with container `app`. */
export const DEPLOYMENT_SPEC_FIELDS = {
  'f:metadata': {
    'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {} },
  },
  'f:spec': {
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': {
      'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
      'f:type': {},
    },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:resources': {},
          },
        },
      },
    },
  },
};

/** What the Deployment controller records: the revision annotation and the status. */
export const CONTROLLER_FIELDS = [
  fieldsEntry('kube-controller-manager', {
    ageDays: 2,
    fields: {
      'f:metadata': {
        'f:annotations': { 'f:deployment.kubernetes.io/revision': {} },
      },
    },
  }),
  fieldsEntry('kube-controller-manager', {
    ageDays: 2,
    subresource: 'status',
    fields: { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } },
  }),
];

const PURPOSE = 'production-readiness.io/purpose';

// ---------------------------------------------------------------------------------------------
// checkout-api: a production-grade service (prod-eu and prod-us)
// ---------------------------------------------------------------------------------------------

/** In prod-eu Argo CD deploys checkout-api (annotation tracking); in prod-us a Flux HelmRelease. */
const GITOPS_ANNOTATIONS: Record<string, Record<string, string>> = {
  'prod-eu': {
    'argocd.argoproj.io/tracking-id':
      'checkout-api:apps/Deployment:shop/checkout-api',
  },
};
const GITOPS_LABELS: Record<string, Record<string, string>> = {
  'prod-us': {
    'helm.toolkit.fluxcd.io/name': 'checkout-api',
    'helm.toolkit.fluxcd.io/namespace': 'flux-system',
  },
};

/** The Argo CD Application deploying checkout-api to prod-eu, Synced and Healthy. */
export function checkoutApiApplication(
  status: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
): KubeObject {
  return object(
    'argoproj.io/v1alpha1',
    'Application',
    'argocd',
    'checkout-api',
    {},
    {
      spec: {
        project: 'shop',
        source: {
          repoURL: 'https://github.com/acme/checkout-api.git',
          path: 'deploy/prod-eu',
          targetRevision: 'main',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'shop',
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
        ...spec,
      },
      status: {
        sync: { status: 'Synced', revision: '9f2c4e1a7b3d' },
        health: { status: 'Healthy' },
        operationState: { phase: 'Succeeded', finishedAt: at(-1 * DAY) },
        resources: [
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'checkout-api',
            status: 'Synced',
            health: { status: 'Healthy' },
          },
          {
            version: 'v1',
            kind: 'Service',
            namespace: 'shop',
            name: 'checkout-api',
            status: 'Synced',
            health: { status: 'Healthy' },
          },
        ],
        reconciledAt: at(-0.1 * HOUR),
        ...status,
      },
    },
  );
}

/** The Flux HelmRelease deploying checkout-api to prod-us, Ready. */
export function checkoutApiHelmRelease(
  status: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
): KubeObject {
  return object(
    'helm.toolkit.fluxcd.io/v2',
    'HelmRelease',
    'flux-system',
    'checkout-api',
    {},
    {
      spec: {
        interval: '10m',
        targetNamespace: 'shop',
        chart: {
          spec: {
            chart: 'checkout-api',
            version: '2.14.1',
            sourceRef: { kind: 'HelmRepository', name: 'acme' },
          },
        },
        ...spec,
      },
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'UpgradeSucceeded',
            message:
              'Helm upgrade succeeded for release shop/checkout-api.v7 with chart checkout-api@2.14.1',
            lastTransitionTime: at(-2 * DAY),
          },
        ],
        history: [{ chartVersion: '2.14.1', status: 'deployed' }],
        lastAttemptedRevision: '2.14.1',
        ...status,
      },
    },
  );
}

/** A Flux Kustomization applying ./deploy/prod-us of the shop repository, Ready. */
export function shopKustomization(
  status: Record<string, unknown> = {},
): KubeObject {
  return object(
    'kustomize.toolkit.fluxcd.io/v1',
    'Kustomization',
    'flux-system',
    'shop',
    {},
    {
      spec: {
        interval: '5m',
        path: './deploy/prod-us',
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: 'shop' },
      },
      status: {
        observedGeneration: 1,
        lastAppliedRevision: 'main@sha1:5d1e0b7c',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ReconciliationSucceeded',
            message: 'Applied revision: main@sha1:5d1e0b7c',
            lastTransitionTime: at(-6 * HOUR),
          },
        ],
        ...status,
      },
    },
  );
}

function checkoutApi(cluster: string): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': 'checkout-api',
    'app.kubernetes.io/part-of': 'shop',
    [ID]: 'checkout-api',
  };
  const selector = { 'app.kubernetes.io/name': 'checkout-api' };
  return [
    object(
      'apps/v1',
      'Deployment',
      'shop',
      'checkout-api',
      { ...labels, ...GITOPS_LABELS[cluster] },
      {
        annotations: {
          'deployment.kubernetes.io/revision': '42',
          'meta.helm.sh/release-name': 'checkout-api',
          ...GITOPS_ANNOTATIONS[cluster],
        },
        // Released by Helm two days ago; the controller wrote status since.
        managedFields: [
          fieldsEntry('helm', { ageDays: 2, fields: DEPLOYMENT_SPEC_FIELDS }),
          ...CONTROLLER_FIELDS,
        ],
        spec: {
          replicas: 3,
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          selector: { matchLabels: selector },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
          },
          template: {
            metadata: {
              labels,
              annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
            },
            spec: {
              serviceAccountName: 'checkout-api',
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                fsGroup: 10001,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'topology.kubernetes.io/zone',
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: selector },
                },
              ],
              containers: [
                {
                  name: 'app',
                  image: 'ghcr.io/acme/checkout-api:2.14.1',
                  imagePullPolicy: 'IfNotPresent',
                  ports: [
                    { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  ],
                  env: [
                    { name: 'LOG_FORMAT', value: 'json' },
                    {
                      name: 'DATABASE_PASSWORD',
                      valueFrom: {
                        secretKeyRef: {
                          name: 'checkout-api-db',
                          key: 'password',
                        },
                      },
                    },
                  ],
                  readinessProbe: {
                    httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' },
                    periodSeconds: 5,
                    timeoutSeconds: 1,
                    successThreshold: 1,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                    periodSeconds: 10,
                    timeoutSeconds: 1,
                    successThreshold: 1,
                    failureThreshold: 3,
                  },
                  resources: {
                    requests: {
                      cpu: '250m',
                      memory: '256Mi',
                      'ephemeral-storage': '256Mi',
                    },
                    limits: { memory: '512Mi', 'ephemeral-storage': '1Gi' },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  terminationMessagePath: '/dev/termination-log',
                  terminationMessagePolicy: 'File',
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '100Mi' } }],
              restartPolicy: 'Always',
              terminationGracePeriodSeconds: 30,
              dnsPolicy: 'ClusterFirst',
              schedulerName: 'default-scheduler',
            },
          },
        },
        status: {
          observedGeneration: 1,
          replicas: 3,
          updatedReplicas: 3,
          readyReplicas: 3,
          availableReplicas: 3,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: at(-2 * DAY),
              lastTransitionTime: at(-2 * DAY),
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message:
                'ReplicaSet "checkout-api-6d9f7c9b8d" has successfully progressed.',
              lastUpdateTime: at(-2 * DAY),
              lastTransitionTime: at(-30 * DAY),
            },
          ],
        },
      },
    ),
    object('policy/v1', 'PodDisruptionBudget', 'shop', 'checkout-api', labels, {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      status: {
        observedGeneration: 1,
        currentHealthy: 3,
        desiredHealthy: 2,
        disruptionsAllowed: 1,
        expectedPods: 3,
      },
    }),
    object(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'shop',
      'checkout-api',
      labels,
      {
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'checkout-api',
          },
          minReplicas: 3,
          maxReplicas: 12,
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
        status: {
          currentReplicas: 3,
          desiredReplicas: 3,
          currentMetrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                current: { averageUtilization: 31, averageValue: '77m' },
              },
            },
          ],
        },
      },
    ),
    object(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'shop',
      'checkout-api',
      labels,
      {
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: {
                      'kubernetes.io/metadata.name': 'ingress-nginx',
                    },
                  },
                },
              ],
              ports: [{ protocol: 'TCP', port: 8080 }],
            },
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: {
                      'kubernetes.io/metadata.name': 'monitoring',
                    },
                  },
                },
              ],
              ports: [{ protocol: 'TCP', port: 8080 }],
            },
          ],
        },
      },
    ),
    object('v1', 'Service', 'shop', 'checkout-api', labels, {
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.41.7',
        clusterIPs: ['10.96.41.7'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        selector,
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
        ],
        sessionAffinity: 'None',
      },
      status: { loadBalancer: {} },
    }),
    object(
      'monitoring.coreos.com/v1',
      'ServiceMonitor',
      'shop',
      'checkout-api',
      { ...labels, release: 'kube-prometheus-stack' },
      {
        spec: {
          selector: { matchLabels: selector },
          endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
        },
      },
    ),
    object(
      'monitoring.coreos.com/v1',
      'PrometheusRule',
      'shop',
      'checkout-api',
      { ...labels, release: 'kube-prometheus-stack' },
      {
        spec: {
          groups: [
            {
              name: 'checkout-api',
              rules: [
                {
                  alert: 'CheckoutApiDown',
                  expr: 'up{job="checkout-api"} == 0',
                  for: '5m',
                  labels: { severity: 'critical', team: 'shop' },
                },
                {
                  alert: 'CheckoutApiHighErrorRate',
                  expr: 'sum(rate(http_requests_total{job="checkout-api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout-api"}[5m])) > 0.05',
                  for: '10m',
                  labels: { severity: 'warning', team: 'shop' },
                },
                {
                  record: 'job:http_requests:rate5m',
                  expr: 'sum by (job) (rate(http_requests_total[5m]))',
                },
              ],
            },
          ],
        },
      },
    ),
    object('networking.k8s.io/v1', 'Ingress', 'shop', 'checkout-api', labels, {
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      spec: {
        ingressClassName: 'nginx',
        tls: [
          {
            hosts: [`checkout.${cluster}.example.com`],
            secretName: 'checkout-api-tls',
          },
        ],
        rules: [
          {
            host: `checkout.${cluster}.example.com`,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: { name: 'checkout-api', port: { name: 'http' } },
                  },
                },
              ],
            },
          },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    }),
    object(
      'cert-manager.io/v1',
      'Certificate',
      'shop',
      'checkout-api-tls',
      labels,
      {
        spec: {
          secretName: 'checkout-api-tls',
          dnsNames: [`checkout.${cluster}.example.com`],
          issuerRef: {
            group: 'cert-manager.io',
            kind: 'ClusterIssuer',
            name: 'letsencrypt',
          },
          usages: ['digital signature', 'key encipherment'],
        },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: 'Certificate is up to date and has not expired',
              lastTransitionTime: at(-30 * DAY),
              observedGeneration: 1,
            },
          ],
          notBefore: at(-30 * DAY),
          notAfter: at(60 * DAY),
          renewalTime: at(30 * DAY),
          revision: 3,
        },
      },
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// legacy-reports: a careless one (prod-eu)
// ---------------------------------------------------------------------------------------------

function cronJobRun(
  cronJob: KubeObject,
  name: string,
  startedAt: string,
  outcome: 'Complete' | 'Failed',
  finishedAt: string,
  containers: unknown[],
): KubeObject {
  const labels = {
    ...(cronJob.metadata.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid(
      'Job',
      cronJob.metadata.namespace!,
      name,
    ),
    'batch.kubernetes.io/job-name': name,
  };
  return object('batch/v1', 'Job', cronJob.metadata.namespace!, name, labels, {
    created: startedAt,
    ownerReferences: [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: cronJob.metadata.name,
        uid: cronJob.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
    spec: {
      backoffLimit: 2,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels },
        spec: { restartPolicy: 'Never', containers },
      },
    },
    status:
      outcome === 'Complete'
        ? {
            startTime: startedAt,
            completionTime: finishedAt,
            succeeded: 1,
            ready: 0,
            terminating: 0,
            conditions: [
              {
                type: 'SuccessCriteriaMet',
                status: 'True',
                lastProbeTime: finishedAt,
                lastTransitionTime: finishedAt,
              },
              {
                type: 'Complete',
                status: 'True',
                lastProbeTime: finishedAt,
                lastTransitionTime: finishedAt,
              },
            ],
          }
        : {
            startTime: startedAt,
            failed: 3,
            ready: 0,
            terminating: 0,
            conditions: [
              {
                type: 'FailureTarget',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
                lastProbeTime: finishedAt,
                lastTransitionTime: finishedAt,
              },
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
                lastProbeTime: finishedAt,
                lastTransitionTime: finishedAt,
              },
            ],
          },
  });
}

function legacyReports(): KubeObject[] {
  const labels = { app: 'legacy-reports', [ID]: 'legacy-reports' };
  const backupContainers = [
    {
      name: 'dump',
      image: 'postgres:16.4',
      command: [
        '/bin/sh',
        '-c',
        'pg_dump "$DATABASE_URL" | aws s3 cp - s3://acme-backups/legacy-reports/$(date +%F).sql',
      ],
    },
  ];
  const backup = object(
    'batch/v1',
    'CronJob',
    'shop',
    'legacy-reports-backup',
    { ...labels, [PURPOSE]: 'backup' },
    {
      spec: {
        schedule: '0 2 * * *',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              spec: { restartPolicy: 'Never', containers: backupContainers },
            },
          },
        },
      },
      status: {
        lastScheduleTime: at(-8 * HOUR),
        lastSuccessfulTime: at(-23 * DAY + 2 * HOUR + 4 * 60_000),
      },
    },
  );
  return [
    object('apps/v1', 'Deployment', 'shop', 'legacy-reports', labels, {
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'legacy-reports' } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'reports',
                image: 'acme/legacy-reports:latest',
                imagePullPolicy: 'Always',
                ports: [{ containerPort: 3000, protocol: 'TCP' }],
                env: [
                  { name: 'DB_PASSWORD', value: 'hunter2' },
                  { name: 'LOG_FILE', value: '/var/log/reports/app.log' },
                ],
                volumeMounts: [{ name: 'logs', mountPath: '/var/log/reports' }],
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
              },
            ],
            volumes: [{ name: 'logs', emptyDir: {} }],
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
          },
        },
      },
      status: {
        observedGeneration: 3,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
      },
    }),
    object('v1', 'Service', 'shop', 'legacy-reports', labels, {
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.12.99',
        selector: { app: 'legacy-reports' },
        ports: [{ port: 80, targetPort: 3000, protocol: 'TCP' }],
      },
      status: { loadBalancer: {} },
    }),
    object(
      'networking.k8s.io/v1',
      'Ingress',
      'shop',
      'legacy-reports',
      {},
      {
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: 'reports.example.com',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: 'legacy-reports', port: { number: 80 } },
                    },
                  },
                ],
              },
            },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      },
    ),
    backup,
    cronJobRun(
      backup,
      'legacy-reports-backup-29397960',
      at(-8 * HOUR),
      'Failed',
      at(-8 * HOUR + 6 * 60_000),
      backupContainers,
    ),
    cronJobRun(
      backup,
      'legacy-reports-backup-29396520',
      at(-32 * HOUR),
      'Failed',
      at(-32 * HOUR + 6 * 60_000),
      backupContainers,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// orders-db: a StatefulSet database with Velero (prod-eu)
// ---------------------------------------------------------------------------------------------

function ordersDb(): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': 'orders-db',
    'app.kubernetes.io/component': 'database',
    [ID]: 'orders-db',
  };
  const selector = { 'app.kubernetes.io/name': 'orders-db' };
  const secure = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  const resources = {
    requests: { cpu: '1', memory: '4Gi', 'ephemeral-storage': '512Mi' },
    limits: { memory: '4Gi', 'ephemeral-storage': '2Gi' },
  };
  const pgContainers = [
    {
      name: 'backup',
      image:
        'ghcr.io/acme/pgbackrest:2.54@sha256:9c1f3a8d0b7e6f5a4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5',
      command: ['pgbackrest', '--stanza=orders', 'backup'],
    },
  ];
  const backup = object(
    'batch/v1',
    'CronJob',
    'orders',
    'orders-db-backup',
    { ...labels, [PURPOSE]: 'backup' },
    {
      spec: {
        schedule: '30 1 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            template: {
              spec: { restartPolicy: 'Never', containers: pgContainers },
            },
          },
        },
      },
      status: {
        lastScheduleTime: at(-8.5 * HOUR),
        lastSuccessfulTime: at(-8.5 * HOUR + 12 * 60_000),
      },
    },
  );
  const restoreTest = object(
    'batch/v1',
    'CronJob',
    'orders',
    'orders-db-restore-test',
    { ...labels, [PURPOSE]: 'restore-test' },
    {
      spec: {
        schedule: '0 4 * * 0',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: {
              spec: { restartPolicy: 'Never', containers: pgContainers },
            },
          },
        },
      },
      status: {
        lastScheduleTime: at(-6 * HOUR),
        lastSuccessfulTime: at(-5 * DAY),
      },
    },
  );
  const veleroLabels = (schedule: string) => ({
    'velero.io/schedule-name': schedule,
    'velero.io/storage-location': 'default',
  });
  const veleroBackup = (
    name: string,
    phase: string,
    started: string,
    completed: string,
    extra: Record<string, unknown> = {},
  ) =>
    object(
      'velero.io/v1',
      'Backup',
      'velero',
      name,
      veleroLabels('orders-daily'),
      {
        created: started,
        spec: {
          includedNamespaces: ['orders'],
          snapshotVolumes: true,
          storageLocation: 'default',
          ttl: '720h0m0s',
          csiSnapshotTimeout: '10m0s',
        },
        status: {
          version: 1,
          formatVersion: '1.1.0',
          phase,
          startTimestamp: started,
          completionTimestamp: completed,
          expiration: at(30 * DAY),
          progress: { totalItems: 57, itemsBackedUp: 57 },
          ...extra,
        },
      },
    );
  return [
    object('apps/v1', 'StatefulSet', 'orders', 'orders-db', labels, {
      spec: {
        replicas: 3,
        serviceName: 'orders-db',
        podManagementPolicy: 'OrderedReady',
        selector: { matchLabels: selector },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { partition: 0 },
        },
        template: {
          metadata: { labels },
          spec: {
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 999,
              fsGroup: 999,
            },
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  {
                    labelSelector: { matchLabels: selector },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                ],
              },
            },
            containers: [
              {
                name: 'postgres',
                image: 'postgres:16.4',
                ports: [{ name: 'postgres', containerPort: 5432 }],
                env: [
                  {
                    name: 'POSTGRES_PASSWORD',
                    valueFrom: {
                      secretKeyRef: { name: 'orders-db', key: 'password' },
                    },
                  },
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                readinessProbe: {
                  exec: { command: ['pg_isready', '-U', 'postgres'] },
                  periodSeconds: 5,
                },
                livenessProbe: {
                  exec: { command: ['pg_isready', '-U', 'postgres'] },
                  periodSeconds: 10,
                  failureThreshold: 6,
                },
                resources,
                securityContext: secure,
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                ],
              },
              {
                name: 'exporter',
                image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
                ports: [{ name: 'metrics', containerPort: 9187 }],
                readinessProbe: { httpGet: { path: '/', port: 'metrics' } },
                livenessProbe: { httpGet: { path: '/', port: 'metrics' } },
                resources: {
                  requests: {
                    cpu: '50m',
                    memory: '64Mi',
                    'ephemeral-storage': '64Mi',
                  },
                  limits: { memory: '128Mi', 'ephemeral-storage': '128Mi' },
                },
                securityContext: secure,
              },
            ],
            volumes: [{ name: 'run', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: 'ssd',
              resources: { requests: { storage: '50Gi' } },
            },
          },
        ],
      },
      status: {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        currentRevision: 'orders-db-7c9d8f6b5',
        updateRevision: 'orders-db-7c9d8f6b5',
        collisionCount: 0,
      },
    }),
    ...[0, 1, 2].map(i =>
      object(
        'v1',
        'PersistentVolumeClaim',
        'orders',
        `data-orders-db-${i}`,
        { 'app.kubernetes.io/name': 'orders-db' },
        {
          annotations: {
            'pv.kubernetes.io/bind-completed': 'yes',
            'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'ssd',
            volumeMode: 'Filesystem',
            volumeName: `pvc-${uid('pv', String(i))}`,
            resources: { requests: { storage: '50Gi' } },
          },
          status: {
            phase: 'Bound',
            accessModes: ['ReadWriteOnce'],
            capacity: { storage: '50Gi' },
          },
        },
      ),
    ),
    object('policy/v1', 'PodDisruptionBudget', 'orders', 'orders-db', labels, {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      status: {
        currentHealthy: 3,
        desiredHealthy: 2,
        disruptionsAllowed: 1,
        expectedPods: 3,
        observedGeneration: 1,
      },
    }),
    object(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'orders',
      'orders-db',
      labels,
      {
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': 'shop' },
                  },
                },
              ],
              ports: [{ port: 5432, protocol: 'TCP' }],
            },
          ],
          egress: [{}],
        },
      },
    ),
    object('v1', 'Service', 'orders', 'orders-db', labels, {
      spec: {
        clusterIP: 'None',
        selector,
        ports: [
          { name: 'postgres', port: 5432, targetPort: 'postgres' },
          { name: 'metrics', port: 9187, targetPort: 'metrics' },
        ],
      },
    }),
    object(
      'monitoring.coreos.com/v1',
      'PodMonitor',
      'orders',
      'orders-db',
      labels,
      {
        spec: {
          selector: { matchLabels: selector },
          podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }],
        },
      },
    ),
    object(
      'monitoring.coreos.com/v1',
      'PrometheusRule',
      'orders',
      'orders-db',
      labels,
      {
        spec: {
          groups: [
            {
              name: 'orders-db',
              rules: [
                {
                  alert: 'OrdersDbDown',
                  expr: 'pg_up{job="orders-db"} == 0',
                  for: '2m',
                },
                {
                  alert: 'OrdersDbDiskFillingUp',
                  expr: 'predict_linear(kubelet_volume_stats_available_bytes{namespace="orders"}[6h], 4*3600) < 0',
                  for: '30m',
                },
              ],
            },
          ],
        },
      },
    ),
    backup,
    cronJobRun(
      backup,
      'orders-db-backup-29397930',
      at(-8.5 * HOUR),
      'Complete',
      at(-8.5 * HOUR + 12 * 60_000),
      pgContainers,
    ),
    cronJobRun(
      backup,
      'orders-db-backup-29396490',
      at(-32.5 * HOUR),
      'Complete',
      at(-32.5 * HOUR + 11 * 60_000),
      pgContainers,
    ),
    restoreTest,
    cronJobRun(
      restoreTest,
      'orders-db-restore-test-29390640',
      at(-5 * DAY - 20 * 60_000),
      'Complete',
      at(-5 * DAY),
      pgContainers,
    ),
    object(
      'velero.io/v1',
      'Schedule',
      'velero',
      'orders-daily',
      {},
      {
        spec: {
          schedule: '0 3 * * *',
          useOwnerReferencesInBackup: false,
          template: {
            includedNamespaces: ['orders'],
            snapshotVolumes: true,
            storageLocation: 'default',
            ttl: '720h0m0s',
          },
        },
        status: { phase: 'Enabled', lastBackup: at(-7 * HOUR) },
      },
    ),
    veleroBackup(
      'orders-daily-20261122030012',
      'Completed',
      at(-7 * HOUR),
      at(-7 * HOUR + 4 * 60_000),
    ),
    veleroBackup(
      'orders-daily-20261121030045',
      'PartiallyFailed',
      at(-31 * HOUR),
      at(-31 * HOUR + 5 * 60_000),
      { errors: 2, warnings: 1 },
    ),
    veleroBackup(
      'orders-daily-20261112030001',
      'Completed',
      at(-10 * DAY - 7 * HOUR),
      at(-10 * DAY - 7 * HOUR + 4 * 60_000),
    ),
    object(
      'velero.io/v1',
      'Restore',
      'velero',
      'orders-restore-drill-20261112',
      {},
      {
        spec: {
          backupName: 'orders-daily-20261112030001',
          includedNamespaces: ['orders'],
          namespaceMapping: { orders: 'orders-restore-drill' },
          restorePVs: true,
        },
        status: {
          phase: 'Completed',
          startTimestamp: at(-10 * DAY),
          completionTimestamp: at(-10 * DAY + 9 * 60_000),
          progress: { totalItems: 57, itemsRestored: 57 },
          warnings: 3,
        },
      },
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// reports-db: a single-instance StatefulSet database that declares high availability (prod-eu)
// ---------------------------------------------------------------------------------------------

function reportsDb(): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': 'reports-db',
    'app.kubernetes.io/component': 'database',
    [ID]: 'reports-db',
  };
  const selector = { 'app.kubernetes.io/name': 'reports-db' };
  return [
    object('apps/v1', 'StatefulSet', 'shop', 'reports-db', labels, {
      spec: {
        replicas: 1,
        serviceName: 'reports-db',
        podManagementPolicy: 'OrderedReady',
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: 'Retain',
          whenScaled: 'Retain',
        },
        selector: { matchLabels: selector },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { partition: 0 },
        },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 999 },
            containers: [
              {
                name: 'postgres',
                image: 'postgres:16.4',
                ports: [
                  { name: 'postgres', containerPort: 5432, protocol: 'TCP' },
                ],
                env: [
                  {
                    name: 'POSTGRES_PASSWORD',
                    valueFrom: {
                      secretKeyRef: { name: 'reports-db', key: 'password' },
                    },
                  },
                ],
                readinessProbe: {
                  exec: { command: ['pg_isready', '-U', 'postgres'] },
                  periodSeconds: 5,
                },
                livenessProbe: {
                  exec: { command: ['pg_isready', '-U', 'postgres'] },
                  periodSeconds: 10,
                },
                resources: {
                  requests: { cpu: '500m', memory: '1Gi' },
                  limits: { memory: '1Gi' },
                },
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                ],
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
                imagePullPolicy: 'IfNotPresent',
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            schedulerName: 'default-scheduler',
          },
        },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '20Gi' } },
              volumeMode: 'Filesystem',
            },
          },
        ],
      },
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        currentRevision: 'reports-db-5b7f9c6d4',
        updateRevision: 'reports-db-5b7f9c6d4',
        collisionCount: 0,
      },
    }),
    object(
      'v1',
      'PersistentVolumeClaim',
      'shop',
      'data-reports-db-0',
      { 'app.kubernetes.io/name': 'reports-db' },
      {
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          volumeName: `pvc-${uid('pv', 'reports-db-0')}`,
          resources: { requests: { storage: '20Gi' } },
        },
        status: {
          phase: 'Bound',
          accessModes: ['ReadWriteOnce'],
          capacity: { storage: '20Gi' },
        },
      },
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// payments-db and analytics-db: PostgreSQL run by the CloudNativePG operator (prod-eu). The
// operator creates the instance Pods, their PVCs and PodDisruptionBudgets itself (no StatefulSet);
// the Cluster objects are as `kubectl get clusters.postgresql.cnpg.io -o json` prints them, after
// the operator's webhook filled in its defaults.
// ---------------------------------------------------------------------------------------------

const CNPG_OPERATOR_VERSION = '1.24.1';

interface CnpgOptions {
  namespace: string;
  name: string;
  /** metadata.labels of the Cluster. */
  labels: Record<string, string>;
  /** spec.inheritedMetadata.labels: copied by the operator onto Pods, PVCs, PDBs... */
  inheritedLabels: Record<string, string>;
  database: string;
  instances: number;
  /** Ready instance numbers (1-based). */
  ready: number[];
  /** Distinct nodes the instances run on. */
  nodesUsed: number;
  affinity: Record<string, unknown>;
  phase: string;
  phaseReason?: string;
  storage: string;
  /** Its own backups (ScheduledBackup to object storage), as offsets from NOW in ms. */
  backups: {
    lastSuccessful: number;
    /** Set when the newest backup failed, with the operator's message. */
    lastFailed?: { at: number; message: string };
  };
}

function cnpgDatabase(o: CnpgOptions): KubeObject[] {
  const instanceNames = Array.from(
    { length: o.instances },
    (_, i) => `${o.name}-${i + 1}`,
  );
  const primary = instanceNames[0];
  const notReady = instanceNames.filter((_, i) => !o.ready.includes(i + 1));
  const healthy = o.phase === 'Cluster in healthy state';
  const operatorLabels = {
    'app.kubernetes.io/name': 'postgresql',
    'app.kubernetes.io/instance': o.name,
    'app.kubernetes.io/version': '16',
    'app.kubernetes.io/component': 'database',
    'app.kubernetes.io/managed-by': 'cloudnative-pg',
    'cnpg.io/cluster': o.name,
    ...o.inheritedLabels,
  };
  const cluster = object(
    'postgresql.cnpg.io/v1',
    'Cluster',
    o.namespace,
    o.name,
    o.labels,
    {
      annotations: {
        'meta.helm.sh/release-name': o.name,
        'meta.helm.sh/release-namespace': o.namespace,
      },
      created: at(-200 * DAY),
      spec: {
        affinity: o.affinity,
        backup: {
          barmanObjectStore: {
            destinationPath: `s3://acme-backups/cnpg/${o.name}`,
            s3Credentials: {
              accessKeyId: { key: 'ACCESS_KEY_ID', name: `${o.name}-s3` },
              secretAccessKey: {
                key: 'ACCESS_SECRET_KEY',
                name: `${o.name}-s3`,
              },
            },
            wal: { compression: 'gzip', maxParallel: 4 },
            data: { compression: 'gzip', jobs: 2 },
          },
          retentionPolicy: '30d',
          target: 'prefer-standby',
        },
        bootstrap: {
          initdb: {
            database: o.database,
            owner: o.database,
            encoding: 'UTF8',
            localeCType: 'C',
            localeCollate: 'C',
          },
        },
        enablePDB: true,
        enableSuperuserAccess: false,
        failoverDelay: 0,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        inheritedMetadata: { labels: o.inheritedLabels },
        instances: o.instances,
        logLevel: 'info',
        maxSyncReplicas: 0,
        minSyncReplicas: 0,
        monitoring: {
          customQueriesConfigMap: [
            { key: 'queries', name: 'cnpg-default-monitoring' },
          ],
          disableDefaultQueries: false,
          enablePodMonitor: true,
        },
        postgresGID: 26,
        postgresUID: 26,
        postgresql: {
          parameters: {
            archive_mode: 'on',
            archive_timeout: '5min',
            dynamic_shared_memory_type: 'posix',
            log_destination: 'csvlog',
            log_directory: '/controller/log',
            log_filename: 'postgres',
            log_rotation_age: '0',
            log_rotation_size: '0',
            log_truncate_on_rotation: 'false',
            logging_collector: 'on',
            max_connections: '200',
            max_parallel_workers: '32',
            max_replication_slots: '32',
            max_worker_processes: '32',
            shared_buffers: '1GB',
            shared_memory_type: 'mmap',
            shared_preload_libraries: '',
            ssl_max_protocol_version: 'TLSv1.3',
            ssl_min_protocol_version: 'TLSv1.3',
            wal_keep_size: '512MB',
            wal_level: 'logical',
            wal_log_hints: 'on',
            wal_receiver_timeout: '5s',
            wal_sender_timeout: '5s',
          },
          syncReplicaElectionConstraint: { enabled: false },
        },
        primaryUpdateMethod: 'switchover',
        primaryUpdateStrategy: 'unsupervised',
        replicationSlots: {
          highAvailability: { enabled: true, slotPrefix: '_cnpg_' },
          synchronizeReplicas: { enabled: true },
          updateInterval: 30,
        },
        resources: {
          requests: { cpu: '1', memory: '4Gi' },
          limits: { memory: '4Gi' },
        },
        smartShutdownTimeout: 180,
        startDelay: 3600,
        stopDelay: 1800,
        storage: {
          resizeInUseVolumes: true,
          size: o.storage,
          storageClass: 'ssd',
        },
        switchoverDelay: 3600,
      },
      status: {
        certificates: {
          clientCASecret: `${o.name}-ca`,
          expirations: {
            [`${o.name}-ca`]: '2027-02-20 09:12:44 +0000 UTC',
            [`${o.name}-replication`]: '2027-02-20 09:12:44 +0000 UTC',
            [`${o.name}-server`]: '2027-02-20 09:12:44 +0000 UTC',
          },
          replicationTLSSecret: `${o.name}-replication`,
          serverAltDNSNames: ['rw', 'r', 'ro'].flatMap(service => [
            `${o.name}-${service}`,
            `${o.name}-${service}.${o.namespace}`,
            `${o.name}-${service}.${o.namespace}.svc`,
            `${o.name}-${service}.${o.namespace}.svc.cluster.local`,
          ]),
          serverCASecret: `${o.name}-ca`,
          serverTLSSecret: `${o.name}-server`,
        },
        cloudNativePGCommitHash: 'b3f1b8d2e',
        cloudNativePGOperatorHash:
          '6a3d0f4b1e8c29d7f5a0c3b6e9d2f1a4c7b0e3d6f9a2c5b8e1d4f7a0c3b6e9d2',
        conditions: [
          {
            type: 'ConsistentSystemID',
            status: 'True',
            reason: 'Unique',
            message:
              'A single, unique system ID was found across reporting instances.',
            lastTransitionTime: at(-200 * DAY),
          },
          healthy
            ? {
                type: 'Ready',
                status: 'True',
                reason: 'ClusterIsReady',
                message: 'Cluster is Ready',
                lastTransitionTime: at(-3 * DAY),
              }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'ClusterIsNotReady',
                message: 'Cluster Is Not Ready',
                lastTransitionTime: at(-40 * 60_000),
              },
          {
            type: 'ContinuousArchiving',
            status: 'True',
            reason: 'ContinuousArchivingSuccess',
            message: 'Continuous archiving is working',
            lastTransitionTime: at(-200 * DAY),
          },
          o.backups.lastFailed
            ? {
                type: 'LastBackupSucceeded',
                status: 'False',
                reason: 'LastBackupFailed',
                message: o.backups.lastFailed.message,
                lastTransitionTime: at(o.backups.lastFailed.at),
              }
            : {
                type: 'LastBackupSucceeded',
                status: 'True',
                reason: 'LastBackupSucceeded',
                message: 'Backup was successful',
                lastTransitionTime: at(o.backups.lastSuccessful),
              },
        ],
        configMapResourceVersion: {
          metrics: { 'cnpg-default-monitoring': '48099871' },
        },
        currentPrimary: primary,
        currentPrimaryTimestamp: at(-3 * DAY),
        firstRecoverabilityPoint: at(-30 * DAY),
        healthyPVC: instanceNames,
        image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        instanceNames,
        instances: o.instances,
        instancesReportedState: Object.fromEntries(
          instanceNames
            .filter(n => !notReady.includes(n))
            .map(n => [n, { isPrimary: n === primary, timeLineID: 1 }]),
        ),
        instancesStatus: notReady.length
          ? {
              healthy: instanceNames.filter(n => !notReady.includes(n)),
              failed: notReady,
            }
          : { healthy: instanceNames },
        lastSuccessfulBackup: at(o.backups.lastSuccessful),
        ...(o.backups.lastFailed
          ? { lastFailedBackup: at(o.backups.lastFailed.at) }
          : {}),
        latestGeneratedNode: o.instances,
        managedRolesStatus: {},
        phase: o.phase,
        ...(o.phaseReason ? { phaseReason: o.phaseReason } : {}),
        poolerIntegrations: { pgBouncerIntegration: {} },
        pvcCount: o.instances,
        readService: `${o.name}-r`,
        readyInstances: o.ready.length,
        secretsResourceVersion: {
          applicationSecretVersion: '48000101',
          clientCaSecretVersion: '48000097',
          replicationSecretVersion: '48000099',
          serverCaSecretVersion: '48000097',
          serverSecretVersion: '48000098',
        },
        switchReplicaClusterStatus: {},
        targetPrimary: primary,
        targetPrimaryTimestamp: at(-3 * DAY),
        timelineID: 1,
        topology: {
          instances: Object.fromEntries(instanceNames.map(n => [n, {}])),
          nodesUsed: o.nodesUsed,
          successfullyExtracted: true,
        },
        writeService: `${o.name}-rw`,
      },
    },
  );
  const ownedByCluster = [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      name: o.name,
      uid: cluster.metadata.uid,
      controller: true,
    },
  ];
  // The operator's budgets (pkg/specs/poddisruptionbudget.go): the primary is never evicted
  // voluntarily; with 3 or more instances at most one replica is.
  const budget = (role: 'primary' | 'replica', pods: number) =>
    object(
      'policy/v1',
      'PodDisruptionBudget',
      o.namespace,
      role === 'primary' ? `${o.name}-primary` : o.name,
      operatorLabels,
      {
        ownerReferences: ownedByCluster,
        spec: {
          minAvailable: role === 'primary' ? 1 : o.instances - 2,
          selector: {
            matchLabels: {
              'cnpg.io/cluster': o.name,
              'cnpg.io/instanceRole': role,
            },
          },
        },
        status: {
          observedGeneration: 1,
          currentHealthy: pods,
          desiredHealthy: role === 'primary' ? 1 : o.instances - 2,
          disruptionsAllowed:
            role === 'primary' ? 0 : Math.max(pods - (o.instances - 2), 0),
          expectedPods: role === 'primary' ? 1 : o.instances - 1,
        },
      },
    );
  const volumes = instanceNames.map((instance, i) =>
    object(
      'v1',
      'PersistentVolumeClaim',
      o.namespace,
      instance,
      {
        ...operatorLabels,
        'cnpg.io/instanceName': instance,
        'cnpg.io/pvcRole': 'PG_DATA',
      },
      {
        annotations: {
          'cnpg.io/nodeSerial': String(i + 1),
          'cnpg.io/operatorVersion': CNPG_OPERATOR_VERSION,
          'cnpg.io/pvcStatus': 'ready',
          'pv.kubernetes.io/bind-completed': 'yes',
          'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
        },
        ownerReferences: ownedByCluster,
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'ssd',
          volumeMode: 'Filesystem',
          volumeName: `pvc-${uid('pv', instance)}`,
          resources: { requests: { storage: o.storage } },
        },
        status: {
          phase: 'Bound',
          accessModes: ['ReadWriteOnce'],
          capacity: { storage: o.storage },
        },
      },
    ),
  );
  return [
    cluster,
    budget('primary', 1),
    ...(o.instances >= 3 ? [budget('replica', o.ready.length - 1)] : []),
    ...volumes,
  ];
}

/** A healthy three-instance cluster with required anti-affinity, matched by its own labels. */
function paymentsDb(): KubeObject[] {
  return cnpgDatabase({
    namespace: 'payments',
    name: 'payments-db',
    labels: {
      'app.kubernetes.io/name': 'payments-db',
      'app.kubernetes.io/part-of': 'shop',
      [ID]: 'payments-db',
    },
    inheritedLabels: {
      [ID]: 'payments-db',
      'app.kubernetes.io/part-of': 'shop',
    },
    database: 'payments',
    instances: 3,
    ready: [1, 2, 3],
    nodesUsed: 3,
    // topologyKey left out: the operator uses kubernetes.io/hostname.
    affinity: { podAntiAffinityType: 'required' },
    phase: 'Cluster in healthy state',
    storage: '50Gi',
    // The nightly ScheduledBackup at 02:00 finished at 02:30.
    backups: { lastSuccessful: -7.5 * HOUR },
  });
}

/**
 * A degraded one, matched only through the labels it passes on to its Pods: anti-affinity left
 * at the default (preferred), so two instances share a node, and one of three is not ready;
 * its last backup failed.
 */
function analyticsDb(): KubeObject[] {
  return cnpgDatabase({
    namespace: 'analytics',
    name: 'analytics-db',
    labels: { 'app.kubernetes.io/name': 'analytics-db' },
    inheritedLabels: { [ID]: 'analytics-db' },
    database: 'analytics',
    instances: 3,
    ready: [1, 2],
    nodesUsed: 2,
    affinity: { podAntiAffinityType: 'preferred' },
    phase: 'Waiting for the instances to become active',
    phaseReason: 'Some instances are not yet active. Please wait.',
    storage: '200Gi',
    // Tonight's backup could not reach the object store; yesterday's is the newest.
    backups: {
      lastSuccessful: -(31 * HOUR + 25 * 60_000),
      lastFailed: {
        at: -(7 * HOUR + 50 * 60_000),
        message:
          'unexpected failure invoking barman-cloud-backup: exit status 4',
      },
    },
  });
}

/** Deployments of other teams, so that lists span several pages. */
export function fillerDeployments(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) =>
    object(
      'apps/v1',
      'Deployment',
      `team-${i % 20}`,
      `svc-${i}`,
      { app: `svc-${i}`, [ID]: `svc-${i}` },
      {
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: `svc-${i}` } },
          template: {
            metadata: { labels: { app: `svc-${i}` } },
            spec: {
              containers: [{ name: 'app', image: `acme/svc-${i}:1.0.${i}` }],
            },
          },
        },
        status: { replicas: 2, readyReplicas: 2 },
      },
    ),
  );
}

/** A pod as the API lists it: its owner, the node it runs on, and whether it is ready. */
function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  options: {
    owner: { kind: string; name: string };
    node: string;
    ready?: boolean;
    image: string;
  },
): KubeObject {
  const ready = options.ready ?? true;
  return object('v1', 'Pod', namespace, name, labels, {
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: options.owner.kind,
        name: options.owner.name,
        uid: uid(options.owner.kind, namespace, options.owner.name),
        controller: true,
      },
    ],
    spec: {
      nodeName: options.node,
      containers: [{ name: 'main', image: options.image }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  });
}

/** The nodes of a test cluster. */
export const NODES = (cluster: string) =>
  [1, 2, 3].map(i => `${cluster}-node-${i}`);

/**
 * checkout-api's three pods, one per node, and the platform's log shipper: a Vector DaemonSet
 * with a ready pod on every node.
 */
export function nodeObjects(cluster: string): KubeObject[] {
  const nodes = NODES(cluster);
  const shipperLabels = { 'app.kubernetes.io/name': 'vector-agent' };
  return [
    ...nodes.map((node, i) =>
      pod(
        'shop',
        `checkout-api-7d9f8b6c5-${i}`,
        {
          'app.kubernetes.io/name': 'checkout-api',
          [ID]: 'checkout-api',
          'pod-template-hash': '7d9f8b6c5',
        },
        {
          owner: { kind: 'ReplicaSet', name: 'checkout-api-7d9f8b6c5' },
          node,
          image: 'ghcr.io/acme/checkout-api:4.2.1',
        },
      ),
    ),
    object('apps/v1', 'DaemonSet', 'logging', 'vector-agent', shipperLabels, {
      spec: {
        selector: { matchLabels: shipperLabels },
        template: {
          metadata: { labels: shipperLabels },
          spec: {
            containers: [
              {
                name: 'vector',
                image: 'timberio/vector:0.41.1-distroless-libc',
              },
            ],
          },
        },
      },
      status: {
        desiredNumberScheduled: nodes.length,
        numberReady: nodes.length,
      },
    }),
    ...nodes.map((node, i) =>
      pod('logging', `vector-agent-${i}`, shipperLabels, {
        owner: { kind: 'DaemonSet', name: 'vector-agent' },
        node,
        image: 'timberio/vector:0.41.1-distroless-libc',
      }),
    ),
  ];
}

/** What the prod-eu cluster holds. */
/**
 * kubeadm's cluster-wide kubelet configuration (`kubeadm init` writes it, `kubeadm upgrade`
 * reads it), as on a self-managed cluster.
 */
export function kubeletConfigMap(
  settings = 'containerLogMaxSize: 50Mi\ncontainerLogMaxFiles: 5\n',
): KubeObject {
  return {
    ...object('v1', 'ConfigMap', 'kube-system', 'kubelet-config', {}, {}),
    data: {
      kubelet: `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nclusterDNS:\n  - 10.96.0.10\nclusterDomain: cluster.local\n${settings}rotateCertificates: true\nstaticPodPath: /etc/kubernetes/manifests\n`,
    },
  };
}

export function prodEuObjects(): KubeObject[] {
  return [
    ...checkoutApi('prod-eu'),
    checkoutApiApplication(),
    ...nodeObjects('prod-eu'),
    kubeletConfigMap(),
    ...legacyReports(),
    ...ordersDb(),
    ...reportsDb(),
    ...paymentsDb(),
    ...analyticsDb(),
    ...fillerDeployments(1200),
  ];
}

// ---------------------------------------------------------------------------------------------
// billing: a service that runs the backup of its database billing-db (prod-us); the CronJob
// names the database (production-readiness.io/backup-of), and its last three Jobs failed
// ---------------------------------------------------------------------------------------------

function billingBackupJobs(): KubeObject[] {
  const labels = { app: 'billing', [ID]: 'billing', [PURPOSE]: 'backup' };
  const containers = [
    {
      name: 'backup',
      image: 'ghcr.io/acme/pg-backup:16.4',
      command: ['/scripts/backup.sh'],
    },
  ];
  const backup = object(
    'batch/v1',
    'CronJob',
    'billing',
    'billing-db-backup',
    labels,
    {
      annotations: {
        'production-readiness.io/entity-ref': 'component:default/billing',
        'production-readiness.io/backup-of': 'resource:default/billing-db',
      },
      spec: {
        schedule: '0 2 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            template: { spec: { restartPolicy: 'Never', containers } },
          },
        },
      },
      status: {
        lastScheduleTime: at(-8 * HOUR),
        lastSuccessfulTime: at(-80 * HOUR + 9 * 60_000),
      },
    },
  );
  const run = (daysAgo: number, outcome: 'Complete' | 'Failed') =>
    cronJobRun(
      backup,
      `billing-db-backup-${29397960 - daysAgo * 1440}`,
      at(-8 * HOUR - daysAgo * DAY),
      outcome,
      at(-8 * HOUR - daysAgo * DAY + 9 * 60_000),
      containers,
    );
  return [
    backup,
    run(0, 'Failed'),
    run(1, 'Failed'),
    run(2, 'Failed'),
    run(3, 'Complete'),
  ];
}

/**
 * What the prod-us cluster holds: checkout-api, and billing's backup job; Velero and
 * CloudNativePG are not installed there.
 */
export function prodUsObjects(): KubeObject[] {
  return [
    ...checkoutApi('prod-us'),
    checkoutApiHelmRelease(),
    ...nodeObjects('prod-us'),
    ...billingBackupJobs(),
  ];
}

function entity(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: {
      owner: 'group:default/team-shop',
      lifecycle: 'production',
      ...spec,
    },
  };
}

export const ENTITIES = {
  checkoutApi: entity(
    'Component',
    'checkout-api',
    { type: 'service' },
    { [ID]: 'checkout-api' },
  ),
  legacyReports: entity(
    'Component',
    'legacy-reports',
    { type: 'service' },
    {
      'backstage.io/kubernetes-label-selector': 'app=legacy-reports',
      'backstage.io/kubernetes-namespace': 'shop',
      'production-readiness.io/backup-tool': 'dump',
    },
  ),
  ordersDb: entity(
    'Resource',
    'orders-db',
    { type: 'database' },
    {
      [ID]: 'orders-db',
      'backstage.io/kubernetes-namespace': 'orders',
      'production-readiness.io/backup-tool': 'pgbackrest',
      'production-readiness.io/high-availability': '3',
    },
  ),
  reportsDb: entity(
    'Resource',
    'reports-db',
    { type: 'database' },
    {
      [ID]: 'reports-db',
      'production-readiness.io/high-availability': 'true',
    },
  ),
  paymentsDb: entity(
    'Resource',
    'payments-db',
    { type: 'database' },
    {
      [ID]: 'payments-db',
      'production-readiness.io/high-availability': '3',
      'production-readiness.io/backup-plan': [
        'what: payments database, all schemas and roles',
        'method: full',
        'schedule: "0 2 * * *"',
        'rpo: 24h',
        'rto: 2h',
        'retention: 30d',
        'procedure: https://runbooks.example.com/payments-db/restore',
      ].join('\n'),
    },
  ),
  analyticsDb: entity(
    'Resource',
    'analytics-db',
    { type: 'database' },
    {
      [ID]: 'analytics-db',
      'production-readiness.io/high-availability': '3',
    },
  ),
  billing: entity(
    'Component',
    'billing',
    { type: 'service', dependsOn: ['resource:default/billing-db'] },
    { [ID]: 'billing' },
  ),
  /** Backed up by billing's CronJob, which names it; not on Kubernetes itself. */
  billingDb: entity(
    'Resource',
    'billing-db',
    { type: 'database' },
    {
      'production-readiness.io/backup-location': 'acme-backups',
      'production-readiness.io/backup-prefix': 'pg/billing-db',
    },
  ),
  ghost: entity('Component', 'ghost', { type: 'service' }, { [ID]: 'ghost' }),
  badSelector: entity(
    'Component',
    'bad-selector',
    { type: 'service' },
    {
      'backstage.io/kubernetes-label-selector': 'app in (a,b',
    },
  ),
};
