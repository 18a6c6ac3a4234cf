/*
 * What a cluster, the Prometheus operator and the backup jobs make of a rendered BLM bundle
 * once it is deployed, for the golden-path test. There is no Kubernetes API server on these
 * machines: `kubectl apply -k deploy/kubernetes` is stood in for by turning the manifests into
 * the objects the API server would list after its controllers ran (uid, resourceVersion,
 * status, the Jobs a CronJob created, the Backups a Velero Schedule created). Everything else
 * downstream is real: Prometheus loads the PrometheusRules' groups and scrapes what the
 * ServiceMonitors select, Alertmanager gets the generated routes, pgBackRest takes the backups.
 */
import {
  KubeObject,
  managedFieldsEntry,
  objectUid,
} from '@internal/test-servers';
import { parseExpression } from 'cron-parser';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A manifest as written in the repository (no server-side fields yet). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: any;
}

/** The manifests `kubectl apply -k <dir>` would apply: the kustomization's resources, in order. */
export function readKustomization(dir: string): Manifest[] {
  const kustomization = parseYaml(
    fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
  ) as { resources: string[] };
  return kustomization.resources.flatMap(file =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map(d => d.toJS() as Manifest)
      .filter(Boolean),
  );
}

/** Removes a file and its entry in the kustomization, as a developer deleting a piece would. */
export function removeFromKustomization(dir: string, file: string) {
  const kustomizationFile = path.join(dir, 'kustomization.yaml');
  const text = fs.readFileSync(kustomizationFile, 'utf8');
  const kept = text
    .split('\n')
    .filter(line => line.trim() !== `- ${file}`)
    .join('\n');
  if (kept === text) {
    throw new Error(`${file} is not listed in ${kustomizationFile}`);
  }
  fs.writeFileSync(kustomizationFile, kept);
  fs.rmSync(path.join(dir, file));
}

/** The newest time at or before `now` a cron schedule fired. */
function lastRun(schedule: string, now: Date, timeZone = 'Etc/UTC'): Date {
  return parseExpression(schedule, { currentDate: now, tz: timeZone })
    .prev()
    .toDate();
}

const minutes = (date: Date) => Math.floor(date.getTime() / MINUTE);
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A Job's status once its pod completed. */
function succeededJob(started: Date, finished: Date) {
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: iso(finished),
    lastTransitionTime: iso(finished),
    reason: 'CompletionsReached',
    message: 'Reached expected number of succeeded pods',
  });
  return {
    startTime: iso(started),
    completionTime: iso(finished),
    succeeded: 1,
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
    conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
  };
}

/** A Job's status once its pods failed `backoffLimit` + 1 times. */
function failedJob(started: Date, finished: Date) {
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: iso(finished),
    lastTransitionTime: iso(finished),
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
  });
  return {
    startTime: iso(started),
    failed: 2,
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
    conditions: [condition('FailureTarget'), condition('Failed')],
  };
}

/**
 * The objects the API server lists once `manifests` were applied `ageDays` ago and the
 * workloads came up: Deployments rolled out with every replica ready, CronJobs whose last
 * scheduled Job succeeded, Velero Schedules whose last Backup completed.
 */
/**
 * The platform's kubelet configuration as kubeadm stores it (`kube-system/kubelet-config`):
 * container logs rotated at 10Mi, 5 files kept, the kubelet's defaults written out.
 */
export function kubeadmKubeletConfig(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'kubelet-config',
      namespace: 'kube-system',
      uid: objectUid('ConfigMap', 'kube-system', 'kubelet-config'),
      resourceVersion: '48100001',
      creationTimestamp: '2026-01-12T09:30:00Z',
    },
    data: {
      kubelet:
        'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerLogMaxSize: 10Mi\ncontainerLogMaxFiles: 5\n',
    },
  };
}

/** The nodes of the stand-in cluster: pods are spread over them, DaemonSets run on each. */
export const NODES = ['node-a', 'node-b', 'node-c'];

export function asDeployed(
  manifests: Manifest[],
  now: Date,
  options: {
    ageDays?: number;
    /** CronJobs (by name) whose last three scheduled Jobs failed, after an earlier success. */
    failingCronJobs?: string[];
    /**
     * The field manager that applied the manifests, as `metadata.managedFields` record it:
     * `kubectl apply -k` (kubectl-client-side-apply, Update) unless an orchestrator did.
     */
    appliedBy?: { manager: string; operation: 'Apply' | 'Update' };
  } = {},
): KubeObject[] {
  const appliedBy = options.appliedBy ?? {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
  };
  const failing = new Set(options.failingCronJobs ?? []);
  const created = new Date(now.getTime() - (options.ageDays ?? 7) * DAY);
  let version = 48_200_000;
  const objects: KubeObject[] = [];
  const add = (manifest: Manifest, status?: unknown, createdAt = created) => {
    version += 7;
    const namespace = manifest.metadata.namespace ?? 'default';
    const { apiVersion: _a, kind: _k, ...applied } = manifest;
    const object: KubeObject = {
      ...manifest,
      metadata: {
        ...manifest.metadata,
        namespace,
        uid: objectUid(manifest.kind, namespace, manifest.metadata.name),
        resourceVersion: String(version),
        generation: 1,
        creationTimestamp: iso(createdAt),
        managedFields: [
          managedFieldsEntry({
            ...appliedBy,
            apiVersion: manifest.apiVersion,
            time: iso(createdAt),
            wrote: applied,
          }),
        ],
      },
      ...(status !== undefined ? { status } : {}),
    };
    objects.push(object);
    return object;
  };

  /** A ready pod of `owner` on `node`, as the scheduler and kubelet leave it. */
  const addPod = (owner: KubeObject, podName: string, node: string) => {
    const template = (
      owner.spec as {
        template?: {
          metadata?: { labels?: Record<string, string> };
          spec?: object;
        };
      }
    )?.template;
    return add(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: owner.metadata.namespace as string,
          labels: template?.metadata?.labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: owner.kind === 'Deployment' ? 'ReplicaSet' : owner.kind,
              name:
                owner.kind === 'Deployment'
                  ? `${owner.metadata.name}-6d8f7c9b5d`
                  : owner.metadata.name,
              uid: owner.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { ...template?.spec, nodeName: node },
      },
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    );
  };

  for (const manifest of manifests) {
    const spec = manifest.spec ?? {};
    switch (manifest.kind) {
      case 'DaemonSet': {
        const daemonSet = add(manifest, {
          desiredNumberScheduled: NODES.length,
          currentNumberScheduled: NODES.length,
          numberReady: NODES.length,
          numberAvailable: NODES.length,
          updatedNumberScheduled: NODES.length,
          observedGeneration: 1,
        });
        NODES.forEach((node, i) =>
          addPod(daemonSet, `${manifest.metadata.name}-${i}`, node),
        );
        break;
      }
      case 'Deployment': {
        const replicas = spec.replicas ?? 1;
        const deployment = add(manifest, {
          observedGeneration: 1,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${manifest.metadata.name}-6d8f7c9b5d" has successfully progressed.`,
            },
          ],
        });
        // Spread over the nodes, as the template's topology spread asks.
        for (let i = 0; i < replicas; i++) {
          addPod(
            deployment,
            `${manifest.metadata.name}-6d8f7c9b5d-${i}`,
            NODES[i % NODES.length],
          );
        }
        break;
      }
      case 'Service':
        add(
          {
            ...manifest,
            spec: {
              clusterIP: `10.96.${(version >> 8) & 255}.${version & 255}`,
              ...spec,
            },
          },
          { loadBalancer: {} },
        );
        break;
      case 'PodDisruptionBudget':
        add(manifest, {
          observedGeneration: 1,
          currentHealthy: 2,
          desiredHealthy: 1,
          disruptionsAllowed: 1,
          expectedPods: 2,
        });
        break;
      case 'HorizontalPodAutoscaler':
        add(manifest, {
          currentReplicas: spec.minReplicas,
          desiredReplicas: spec.minReplicas,
          currentMetrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                current: { averageUtilization: 12, averageValue: '12m' },
              },
            },
          ],
        });
        break;
      case 'CronJob': {
        // Newest first: the scheduled runs of the CronJob, the last three failed when asked.
        const runs = parseExpression(spec.schedule, {
          currentDate: now,
          tz: spec.timeZone ?? 'Etc/UTC',
        });
        const scheduled = (
          failing.has(manifest.metadata.name) ? [1, 2, 3, 4] : [1]
        ).map(() => runs.prev().toDate());
        const outcomes = scheduled.map((at, i) => ({
          at,
          finished: new Date(at.getTime() + 3 * MINUTE),
          succeeded: i === scheduled.length - 1,
        }));
        const lastSuccess = outcomes.find(o => o.succeeded)!;
        const cronJob = add(manifest, {
          lastScheduleTime: iso(scheduled[0]),
          lastSuccessfulTime: iso(lastSuccess.finished),
        });
        for (const run of outcomes) {
          add(
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              metadata: {
                name: `${manifest.metadata.name}-${minutes(run.at)}`,
                namespace: manifest.metadata.namespace,
                labels: spec.jobTemplate?.metadata?.labels,
                ownerReferences: [
                  {
                    apiVersion: 'batch/v1',
                    kind: 'CronJob',
                    name: manifest.metadata.name,
                    uid: cronJob.metadata.uid,
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              },
              spec: spec.jobTemplate?.spec,
            },
            run.succeeded
              ? succeededJob(run.at, run.finished)
              : failedJob(run.at, run.finished),
            run.at,
          );
        }
        break;
      }
      case 'Schedule': {
        const started = lastRun(spec.schedule, now);
        const completed = new Date(started.getTime() + 4 * MINUTE);
        const stamp = iso(started).replace(/[-:TZ]/g, '');
        add(manifest, {
          phase: 'Enabled',
          lastBackup: iso(started),
          lastSkipped: undefined,
        });
        add(
          {
            apiVersion: 'velero.io/v1',
            kind: 'Backup',
            metadata: {
              name: `${manifest.metadata.name}-${stamp}`,
              namespace: manifest.metadata.namespace,
              labels: {
                'velero.io/schedule-name': manifest.metadata.name,
                'velero.io/storage-location': spec.template?.storageLocation,
              },
            },
            spec: spec.template,
          },
          {
            phase: 'Completed',
            version: 1,
            formatVersion: '1.1.0',
            startTimestamp: iso(started),
            completionTimestamp: iso(completed),
            expiration: iso(new Date(started.getTime() + 14 * DAY)),
            progress: { itemsBackedUp: 41, totalItems: 41 },
            volumeSnapshotsAttempted: 1,
            volumeSnapshotsCompleted: 1,
          },
          started,
        );
        break;
      }
      default:
        // NetworkPolicy, ServiceMonitor, PrometheusRule, ConfigMap: no status to speak of.
        add(manifest);
    }
  }
  return objects;
}

/**
 * What Argo CD leaves after syncing a bundle's Application (`deploy/argocd/application.yaml`,
 * when the bundle has one): the tracking annotation it writes on every object it applies
 * (annotation tracking, Argo CD 3.x's default), and the Application with a Synced, Healthy
 * status listing those objects.
 */
export function syncedByArgoCd(
  workspace: string,
  manifests: Manifest[],
  now: Date,
): { manifests: Manifest[]; application?: KubeObject } {
  const file = path.join(workspace, 'deploy/argocd/application.yaml');
  if (!fs.existsSync(file)) return { manifests };
  const application = parseYaml(fs.readFileSync(file, 'utf8')) as Manifest;
  const app = application.metadata.name;
  const destination: string = application.spec.destination.namespace;
  const tracked = manifests.map(m => {
    const namespace = m.metadata.namespace ?? destination;
    const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
    return {
      ...m,
      metadata: {
        ...m.metadata,
        annotations: {
          ...(m.metadata.annotations as Record<string, string> | undefined),
          'argocd.argoproj.io/tracking-id': `${app}:${group}/${m.kind}:${namespace}/${m.metadata.name}`,
        },
      },
    };
  });
  const namespace = application.metadata.namespace ?? 'argocd';
  return {
    manifests: tracked,
    application: {
      ...application,
      metadata: {
        ...application.metadata,
        namespace,
        uid: objectUid('Application', namespace, app),
        resourceVersion: '48199999',
        generation: 1,
        creationTimestamp: iso(new Date(now.getTime() - 7 * DAY)),
      },
      status: {
        sync: { status: 'Synced', revision: '0a1b2c3d4e5f' },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Succeeded',
          finishedAt: iso(new Date(now.getTime() - DAY)),
        },
        resources: tracked.map(m => ({
          group: m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '',
          version: m.apiVersion.split('/').pop(),
          kind: m.kind,
          namespace: m.metadata.namespace ?? destination,
          name: m.metadata.name,
          status: 'Synced',
        })),
      },
    } as KubeObject,
  };
}
