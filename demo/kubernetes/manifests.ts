/*
 * The demo cluster's objects, as `kubectl get -o json` prints them. The Kubernetes API
 * stand-in (`startFakeKubeApiServer` from @internal/test-servers) serves them to the
 * Backstage Kubernetes plugin and the Production Readiness Kubernetes module. Timestamps are
 * relative to the start of the stack, so that schedules and certificates stay current.
 */
import {
  managedFieldsEntry,
  objectUid as uid,
  type KubeObject,
} from '@internal/test-servers';
import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import { gitOpsMarks, gitOpsObject } from './gitops';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ID = 'backstage.io/kubernetes-id';
const NAMESPACE = 'shop';

/** How one demo service is deployed. */
interface ServiceShape {
  name: string;
  image: string;
  replicas: number;
  /** Whether a PodDisruptionBudget protects the service (payments-api has none). */
  pdb: boolean;
  /** Public host served through an Ingress with a cert-manager Certificate. */
  host?: string;
  /** A PersistentVolumeClaim the pods mount (covered by the Velero Schedule). */
  volume?: string;
  /**
   * Its objects name their entity (`production-readiness.io/entity-ref`), so an entity copied
   * from its catalog-info cannot count them.
   */
  namesEntity?: boolean;
  /**
   * Who deploys it, as its managedFields record: Argo CD's server-side apply, or Helm.
   */
  deployedBy: {
    manager: 'argocd-controller' | 'helm-controller';
    operation: 'Apply' | 'Update';
  };
  /** What delivers it from Git: an Argo CD Application or a Flux HelmRelease. */
  delivery: 'argocd' | 'flux';
  /** A change someone made with kubectl after the last deploy (inventory-api was scaled by hand). */
  changedByHand?: { manager: string; subresource?: string; wrote: unknown };
}

const SERVICES: ServiceShape[] = [
  {
    name: 'orders-api',
    image: 'ghcr.io/acme/orders-api:3.8.2',
    replicas: 3,
    pdb: true,
    host: 'orders.shop.example.com',
    volume: 'orders-api-invoices',
    namesEntity: true,
    deployedBy: { manager: 'argocd-controller', operation: 'Apply' },
    delivery: 'argocd',
  },
  {
    name: 'payments-api',
    image: 'ghcr.io/acme/payments-api:1.21.0',
    replicas: 3,
    pdb: false,
    host: 'payments.shop.example.com',
    deployedBy: { manager: 'helm-controller', operation: 'Update' },
    delivery: 'flux',
  },
  {
    name: 'inventory-api',
    image: 'ghcr.io/acme/inventory-api:0.9.14',
    replicas: 2,
    pdb: true,
    deployedBy: { manager: 'helm-controller', operation: 'Update' },
    delivery: 'flux',
    // Scaled up by hand during an incident; the chart still says 2.
    changedByHand: {
      manager: 'kubectl-scale',
      subresource: 'scale',
      wrote: { spec: { replicas: 3 } },
    },
  },
  {
    name: 'ledger-api',
    image: 'ghcr.io/acme/ledger-api:5.2.1',
    replicas: 2,
    pdb: true,
    deployedBy: { manager: 'helm-controller', operation: 'Update' },
    delivery: 'flux',
  },
];

/** The entity ref of a demo service (the demo catalog's Components are in `default`). */
export function entityRefOf(service: { name: string }): string {
  return `component:default/${service.name}`;
}

/** The demo services whose objects and Prometheus targets name their entity. */
export function servicesNamingTheirEntity(): string[] {
  return SERVICES.filter(s => s.namesEntity).map(s => s.name);
}

/** Builds the demo cluster's objects with timestamps relative to `now`. */
export function demoClusterObjects(now: Date = new Date()): KubeObject[] {
  const at = (offsetMs: number) =>
    new Date(now.getTime() + offsetMs).toISOString();
  let version = 73100000;
  const object = (
    apiVersion: string,
    kind: string,
    name: string,
    labels: Record<string, string>,
    rest: {
      annotations?: Record<string, string>;
      spec?: unknown;
      status?: unknown;
      created?: string;
      namespace?: string;
      ownerReferences?: unknown[];
    },
  ): KubeObject => {
    version += 17;
    const namespace = rest.namespace ?? NAMESPACE;
    return {
      apiVersion,
      kind,
      metadata: {
        name,
        namespace,
        uid: uid(kind, namespace, name),
        resourceVersion: String(version),
        generation: 1,
        creationTimestamp: rest.created ?? at(-90 * DAY),
        labels,
        ...(rest.annotations ? { annotations: rest.annotations } : {}),
        ...(rest.ownerReferences
          ? { ownerReferences: rest.ownerReferences }
          : {}),
      },
      ...(rest.spec !== undefined ? { spec: rest.spec } : {}),
      ...(rest.status !== undefined ? { status: rest.status } : {}),
    };
  };

  const service = (shape: ServiceShape): KubeObject[] => {
    const { name } = shape;
    const selector = { 'app.kubernetes.io/name': name };
    const labels = {
      ...selector,
      'app.kubernetes.io/part-of': 'webshop',
      'app.kubernetes.io/managed-by': 'Helm',
      [ID]: name,
    };
    const volumes: unknown[] = [
      { name: 'tmp', emptyDir: { sizeLimit: '100Mi' } },
    ];
    const volumeMounts: unknown[] = [{ name: 'tmp', mountPath: '/tmp' }];
    if (shape.volume) {
      volumes.push({
        name: 'data',
        persistentVolumeClaim: { claimName: shape.volume },
      });
      volumeMounts.push({ name: 'data', mountPath: '/var/lib/app' });
    }
    const marks = gitOpsMarks(shape.delivery, name, NAMESPACE);
    const objects: KubeObject[] = [
      object(
        'apps/v1',
        'Deployment',
        name,
        { ...labels, ...marks.labels },
        {
          annotations: {
            'deployment.kubernetes.io/revision': '17',
            'meta.helm.sh/release-name': name,
            'meta.helm.sh/release-namespace': NAMESPACE,
            ...marks.annotations,
          },
          spec: {
            replicas: shape.replicas,
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
                annotations: {
                  'kubectl.kubernetes.io/default-container': 'app',
                },
              },
              spec: {
                serviceAccountName: name,
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
                    image: shape.image,
                    imagePullPolicy: 'IfNotPresent',
                    ports: [
                      { name: 'http', containerPort: 8080, protocol: 'TCP' },
                    ],
                    env: [
                      { name: 'LOG_FORMAT', value: 'json' },
                      {
                        name: 'DATABASE_PASSWORD',
                        valueFrom: {
                          secretKeyRef: { name: `${name}-db`, key: 'password' },
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
                      httpGet: {
                        path: '/healthz',
                        port: 'http',
                        scheme: 'HTTP',
                      },
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
                    volumeMounts,
                    terminationMessagePath: '/dev/termination-log',
                    terminationMessagePolicy: 'File',
                  },
                ],
                volumes,
                restartPolicy: 'Always',
                terminationGracePeriodSeconds: 30,
                dnsPolicy: 'ClusterFirst',
                schedulerName: 'default-scheduler',
              },
            },
          },
          status: {
            observedGeneration: 1,
            replicas: shape.replicas,
            updatedReplicas: shape.replicas,
            readyReplicas: shape.replicas,
            availableReplicas: shape.replicas,
            conditions: [
              {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
                lastUpdateTime: at(-3 * DAY),
                lastTransitionTime: at(-3 * DAY),
              },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${name}-7c9d5b8f4d" has successfully progressed.`,
                lastUpdateTime: at(-3 * DAY),
                lastTransitionTime: at(-40 * DAY),
              },
            ],
          },
        },
      ),
      object('autoscaling/v2', 'HorizontalPodAutoscaler', name, labels, {
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
          },
          minReplicas: shape.replicas,
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
          currentReplicas: shape.replicas,
          desiredReplicas: shape.replicas,
          currentMetrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                current: { averageUtilization: 28, averageValue: '70m' },
              },
            },
          ],
        },
      }),
      object('networking.k8s.io/v1', 'NetworkPolicy', name, labels, {
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
      }),
      object('v1', 'Service', name, labels, {
        spec: {
          type: 'ClusterIP',
          clusterIP: `10.96.42.${10 + SERVICES.indexOf(shape)}`,
          clusterIPs: [`10.96.42.${10 + SERVICES.indexOf(shape)}`],
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
        name,
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
        name,
        { ...labels, release: 'kube-prometheus-stack' },
        {
          spec: {
            groups: [
              {
                name,
                rules: [
                  {
                    alert: 'TargetDown',
                    expr: `up{job="${name}"} == 0`,
                    for: '1m',
                    labels: { severity: 'critical' },
                  },
                  {
                    alert: 'HighErrorRate',
                    expr: `sum(rate(http_requests_total{job="${name}",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="${name}"}[5m])) > 0.05`,
                    for: '5m',
                    labels: { severity: 'critical' },
                  },
                ],
              },
            ],
          },
        },
      ),
    ];
    if (shape.pdb) {
      objects.push(
        object('policy/v1', 'PodDisruptionBudget', name, labels, {
          spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
          status: {
            observedGeneration: 1,
            currentHealthy: shape.replicas,
            desiredHealthy: shape.replicas - 1,
            disruptionsAllowed: 1,
            expectedPods: shape.replicas,
          },
        }),
      );
    }
    if (shape.volume) {
      objects.push(
        object('v1', 'PersistentVolumeClaim', shape.volume, labels, {
          annotations: {
            'pv.kubernetes.io/bind-completed': 'yes',
            'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '20Gi' } },
            storageClassName: 'gp3',
            volumeMode: 'Filesystem',
            volumeName: `pvc-${uid('pv', shape.volume)}`,
          },
          status: {
            phase: 'Bound',
            accessModes: ['ReadWriteOnce'],
            capacity: { storage: '20Gi' },
          },
        }),
      );
    }
    if (shape.host) {
      const secretName = `${name}-tls`;
      objects.push(
        object('networking.k8s.io/v1', 'Ingress', name, labels, {
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
          spec: {
            ingressClassName: 'nginx',
            tls: [{ hosts: [shape.host], secretName }],
            rules: [
              {
                host: shape.host,
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name, port: { name: 'http' } } },
                    },
                  ],
                },
              },
            ],
          },
          status: { loadBalancer: { ingress: [{ ip: '203.0.113.20' }] } },
        }),
        object('cert-manager.io/v1', 'Certificate', secretName, labels, {
          spec: {
            secretName,
            dnsNames: [shape.host],
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
                lastTransitionTime: at(-20 * DAY),
                observedGeneration: 1,
              },
            ],
            notBefore: at(-20 * DAY),
            notAfter: at(70 * DAY),
            renewalTime: at(40 * DAY),
            revision: 4,
          },
        }),
      );
    }
    // What the API server records of who wrote the Deployment: the deploy three days ago, the
    // controller's status since, and any change by hand.
    const deployment = objects[0];
    const { apiVersion: _a, kind: _k, status: _s, ...applied } = deployment;
    deployment.metadata.managedFields = [
      managedFieldsEntry({
        ...shape.deployedBy,
        apiVersion: 'apps/v1',
        time: at(-3 * DAY),
        wrote: { ...applied, metadata: { labels: applied.metadata.labels } },
      }),
      managedFieldsEntry({
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: at(-3 * DAY),
        subresource: 'status',
        wrote: { status: deployment.status },
      }),
      ...(shape.changedByHand
        ? [
            managedFieldsEntry({
              ...shape.changedByHand,
              operation: 'Update',
              apiVersion: 'apps/v1',
              time: at(-5 * HOUR),
            }),
          ]
        : []),
    ];
    objects.push(
      gitOpsObject({
        delivery: shape.delivery,
        name,
        namespace: NAMESPACE,
        objects,
        at,
      }),
    );
    if (!shape.namesEntity) {
      return objects;
    }
    return objects.map(o => ({
      ...o,
      metadata: {
        ...o.metadata,
        annotations: {
          ...o.metadata.annotations,
          [EVIDENCE_OWNER.kubernetesAnnotation]: entityRefOf(shape),
        },
      },
    }));
  };

  // Velero: a daily Schedule of the namespace (it has volumes) and its newest Backup.
  const veleroLabels = { 'velero.io/schedule-name': 'shop-daily' };
  const backupStarted = at(-2 * HOUR);
  const backupDone = at(-2 * HOUR + 4 * 60_000);
  const velero: KubeObject[] = [
    object(
      'velero.io/v1',
      'Schedule',
      'shop-daily',
      {},
      {
        namespace: 'velero',
        spec: {
          schedule: '0 1 * * *',
          template: {
            includedNamespaces: [NAMESPACE],
            snapshotVolumes: true,
            ttl: '720h0m0s',
            storageLocation: 'default',
          },
          useOwnerReferencesInBackup: false,
        },
        status: { phase: 'Enabled', lastBackup: backupStarted },
      },
    ),
    object(
      'velero.io/v1',
      'Backup',
      `shop-daily-${backupStarted.replace(/[-:T]/g, '').slice(0, 14)}`,
      veleroLabels,
      {
        namespace: 'velero',
        created: backupStarted,
        spec: {
          includedNamespaces: [NAMESPACE],
          snapshotVolumes: true,
          ttl: '720h0m0s',
          storageLocation: 'default',
        },
        status: {
          phase: 'Completed',
          version: 1,
          formatVersion: '1.1.0',
          startTimestamp: backupStarted,
          completionTimestamp: backupDone,
          expiration: at(30 * DAY - 2 * HOUR),
          progress: { totalItems: 212, itemsBackedUp: 212 },
          volumeSnapshotsAttempted: 1,
          volumeSnapshotsCompleted: 1,
        },
      },
    ),
  ];

  // ledger-api runs the backup of ledger-db; it has failed every night for three nights (the
  // demo's ledger-db backups are three days old), so ledger-db's backup.errors names the Jobs.
  const backupLabels = {
    'app.kubernetes.io/name': 'ledger-api',
    [ID]: 'ledger-api',
    'production-readiness.io/purpose': 'backup',
  };
  const nightly = (nightsAgo: number) => {
    const today = new Date(now);
    today.setUTCHours(2, 0, 0, 0);
    const last =
      today.getTime() > now.getTime() ? today.getTime() - DAY : today.getTime();
    return new Date(last - nightsAgo * DAY);
  };
  const ledgerBackup = object(
    'batch/v1',
    'CronJob',
    'ledger-db-backup',
    backupLabels,
    {
      annotations: {
        [EVIDENCE_OWNER.kubernetesAnnotation]: 'component:default/ledger-api',
        [EVIDENCE_OWNER.kubernetesBackupOfAnnotation]:
          'resource:default/ledger-db',
      },
      spec: {
        schedule: '0 2 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: backupLabels },
          spec: {
            backoffLimit: 1,
            template: {
              metadata: { labels: backupLabels },
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'backup',
                    image: 'ghcr.io/acme/pgbackrest:2.54',
                    command: ['/scripts/backup-pgbackrest.sh'],
                  },
                ],
              },
            },
          },
        },
      },
      status: {
        lastScheduleTime: nightly(0).toISOString(),
        lastSuccessfulTime: new Date(
          nightly(3).getTime() + 6 * 60_000,
        ).toISOString(),
      },
    },
  );
  const ledgerRuns = [0, 1, 2, 3].map(nightsAgo => {
    const started = nightly(nightsAgo);
    const finished = new Date(started.getTime() + 6 * 60_000).toISOString();
    const failed = nightsAgo < 3;
    return object(
      'batch/v1',
      'Job',
      `ledger-db-backup-${Math.floor(started.getTime() / 60_000)}`,
      backupLabels,
      {
        created: started.toISOString(),
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: 'ledger-db-backup',
            uid: ledgerBackup.metadata.uid,
            controller: true,
          },
        ],
        status: {
          startTime: started.toISOString(),
          ...(failed
            ? { failed: 2 }
            : { succeeded: 1, completionTime: finished }),
          conditions: [
            failed
              ? {
                  type: 'Failed',
                  status: 'True',
                  reason: 'BackoffLimitExceeded',
                  message: 'Job has reached the specified backoff limit',
                  lastTransitionTime: finished,
                }
              : {
                  type: 'Complete',
                  status: 'True',
                  lastTransitionTime: finished,
                },
          ],
        },
      },
    );
  });

  // Nodes: three in the general pool, where the platform's log shipper (an OpenTelemetry
  // Collector DaemonSet) runs, and one batch node it does not tolerate. inventory-api has a pod
  // there, so its logs stay on that node (logging.log-shipper-on-nodes fails naming it).
  const generalPool = ['demo-node-1', 'demo-node-2', 'demo-node-3'];
  const pod = (
    podName: string,
    namespace: string,
    labels: Record<string, string>,
    owner: { kind: string; name: string },
    node: string,
    image: string,
  ) =>
    object('v1', 'Pod', podName, labels, {
      namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: owner.kind,
          name: owner.name,
          uid: uid(owner.kind, namespace, owner.name),
          controller: true,
        },
      ],
      spec: { nodeName: node, containers: [{ name: 'main', image }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  const servicePods = SERVICES.flatMap(shape =>
    Array.from({ length: shape.replicas }, (_, i) =>
      pod(
        `${shape.name}-5f7c9d8b6-${i}`,
        NAMESPACE,
        {
          'app.kubernetes.io/name': shape.name,
          'app.kubernetes.io/part-of': 'webshop',
          'app.kubernetes.io/managed-by': 'Helm',
          [ID]: shape.name,
          'pod-template-hash': '5f7c9d8b6',
        },
        { kind: 'ReplicaSet', name: `${shape.name}-5f7c9d8b6` },
        shape.name === 'inventory-api' && i === shape.replicas - 1
          ? 'demo-batch-node-1'
          : generalPool[i % generalPool.length],
        shape.image,
      ),
    ),
  );
  const shipperLabels = { 'app.kubernetes.io/name': 'otel-collector-agent' };
  const shipperImage = 'otel/opentelemetry-collector-contrib:0.114.0';
  const logShipper = [
    object('apps/v1', 'DaemonSet', 'otel-collector-agent', shipperLabels, {
      namespace: 'logging',
      spec: {
        selector: { matchLabels: shipperLabels },
        template: {
          metadata: { labels: shipperLabels },
          spec: {
            nodeSelector: { 'node-pool': 'general' },
            containers: [{ name: 'otel-collector', image: shipperImage }],
          },
        },
      },
      status: {
        desiredNumberScheduled: generalPool.length,
        numberReady: generalPool.length,
      },
    }),
    ...generalPool.map((node, i) =>
      pod(
        `otel-collector-agent-${i}`,
        'logging',
        shipperLabels,
        { kind: 'DaemonSet', name: 'otel-collector-agent' },
        node,
        shipperImage,
      ),
    ),
  ];

  // kubeadm's cluster-wide kubelet configuration: container logs rotate at 20Mi, 5 files kept.
  const kubeletConfig: KubeObject = {
    ...object(
      'v1',
      'ConfigMap',
      'kubelet-config',
      {},
      {
        namespace: 'kube-system',
      },
    ),
    data: {
      kubelet: [
        'apiVersion: kubelet.config.k8s.io/v1beta1',
        'kind: KubeletConfiguration',
        'cgroupDriver: systemd',
        'containerLogMaxSize: 20Mi',
        'containerLogMaxFiles: 5',
        '',
      ].join('\n'),
    },
  };

  return [
    ...SERVICES.flatMap(service),
    ...servicePods,
    ...logShipper,
    kubeletConfig,
    ...velero,
    ledgerBackup,
    ...ledgerRuns,
  ];
}
