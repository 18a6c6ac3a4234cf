import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { BlmOptions } from './blmOptions';
import { RenderContext, RenderedFile, yamlDocuments } from './context';
import { CONTAINER_SECURITY } from './renderKubernetes';

/** Pinned: the release this config is written for (filelog `container` operator, otlphttp). */
export const LOG_SHIPPER_IMAGE = 'otel/opentelemetry-collector-contrib:0.114.0';

/** Label value (`production-readiness.io/purpose`) that marks the log shipper's objects. */
export const LOG_SHIPPING_PURPOSE = 'log-shipping';

/** Key of the collector config in the ConfigMap. */
export const COLLECTOR_CONFIG_KEY = 'collector.yaml';

const CONFIG_DIR = '/conf';
const STATE_DIR = '/var/lib/otelcol';
const POD_LOGS = '/var/log/pods';
const HEALTH_PORT = 13133;

type LogStoreType = BlmOptions['logStoreType'];

/**
 * How each store takes OTLP logs, and the attribute its service field or label comes from:
 * VictoriaLogs stores attributes as fields and makes `service` the stream field (the logging
 * module's default `serviceField`); Loki indexes the resource attribute `service.name` as the
 * label `service_name` (its default `serviceField`).
 */
export const STORES: Record<
  LogStoreType,
  { serviceAttribute: string; exporter(base: string): Record<string, unknown> }
> = {
  victorialogs: {
    serviceAttribute: 'service',
    exporter: base => ({
      logs_endpoint: new URL('insert/opentelemetry/v1/logs', base).toString(),
      headers: { 'VL-Stream-Fields': 'service' },
    }),
  },
  loki: {
    serviceAttribute: 'service.name',
    // otlphttp appends /v1/logs to `endpoint`.
    exporter: base => ({ endpoint: new URL('otlp', base).toString() }),
  },
};

/** A parsed JSON line's field, moved to a top-level attribute when the line has it. */
function moveParsed(field: string) {
  return {
    type: 'move',
    id: `move-${field}`,
    if: `attributes.parsed != nil and attributes.parsed.${field} != nil`,
    from: `attributes.parsed.${field}`,
    to: `attributes.${field}`,
  };
}

/** The OpenTelemetry Collector config: this service's container logs to the platform store. */
export function collectorConfig(ctx: RenderContext): Record<string, unknown> {
  const { o } = ctx;
  const store = STORES[o.logStoreType];
  const base = o.logStoreUrl.endsWith('/')
    ? o.logStoreUrl
    : `${o.logStoreUrl}/`;
  const exporterId = `otlphttp/${o.logStoreType}`;
  return {
    extensions: {
      health_check: { endpoint: `\${env:POD_IP}:${HEALTH_PORT}` },
      // Read offsets and the send queue survive a container restart.
      file_storage: { directory: STATE_DIR },
    },
    receivers: {
      filelog: {
        // Pods of the Deployment are `<name>-<hash>-<id>`; the container is named after it.
        include: [`${POD_LOGS}/${ctx.namespace}_${o.name}-*_*/${o.name}/*.log`],
        include_file_path: true,
        // Offsets live in an emptyDir: a recreated pod re-reads what the node still holds, so
        // a shipper upgrade duplicates lines rather than losing the ones written meanwhile.
        start_at: 'beginning',
        storage: 'file_storage',
        operators: [
          { type: 'container', id: 'container' },
          {
            // Only lines that look like JSON are parsed; the others go on as they are.
            type: 'json_parser',
            id: 'json',
            if: 'body matches "^\\\\s*\\\\{"',
            parse_from: 'body',
            parse_to: 'attributes.parsed',
            on_error: 'send',
          },
          moveParsed('trace_id'),
          moveParsed('level'),
          // The line itself stays the body; only trace_id and level become attributes.
          {
            type: 'remove',
            id: 'drop-parsed',
            if: 'attributes.parsed != nil',
            field: 'attributes.parsed',
          },
        ],
      },
    },
    processors: {
      memory_limiter: {
        check_interval: '1s',
        limit_percentage: 80,
        spike_limit_percentage: 25,
      },
      'resource/service': {
        attributes: [
          { key: store.serviceAttribute, value: o.name, action: 'upsert' },
        ],
      },
      batch: {},
    },
    exporters: {
      [exporterId]: {
        ...store.exporter(base),
        compression: 'gzip',
        retry_on_failure: { enabled: true, max_elapsed_time: '30m' },
        sending_queue: { enabled: true, storage: 'file_storage' },
      },
    },
    service: {
      extensions: ['health_check', 'file_storage'],
      pipelines: {
        logs: {
          receivers: ['filelog'],
          processors: ['memory_limiter', 'resource/service', 'batch'],
          exporters: [exporterId],
        },
      },
    },
  };
}

/**
 * `deploy/kubernetes/log-shipping.yaml`: a ConfigMap with the collector config and a DaemonSet
 * running the collector on every node, reading only this service's container logs.
 */
export function renderLogging(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const name = `${o.name}-log-shipper`;
  // Its own name label: the service's selector (Service, PDB, NetworkPolicy) must not pick it.
  const labels = {
    ...ctx.labels,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': 'log-shipper',
    'production-readiness.io/purpose': LOG_SHIPPING_PURPOSE,
  };
  const metadata = {
    name,
    namespace: ctx.namespace,
    labels,
    annotations: { ...ctx.annotations },
  };
  const config = stringify(collectorConfig(ctx), { lineWidth: 0 });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    data: { [COLLECTOR_CONFIG_KEY]: config },
  };
  const daemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata,
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: {
          labels,
          // A changed config rolls the pods.
          annotations: {
            'checksum/config': createHash('sha256')
              .update(config)
              .digest('hex'),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            // containerd writes pod logs 0640 root:root: group 0 reads them without running as
            // root. (CRI-O writes them 0600: there the container needs runAsUser 0.)
            supplementalGroups: [0],
            seccompProfile: { type: 'RuntimeDefault' },
          },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'otel-collector',
              image: LOG_SHIPPER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: [`--config=${CONFIG_DIR}/${COLLECTOR_CONFIG_KEY}`],
              env: [
                {
                  name: 'POD_IP',
                  valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
                },
                // Below the memory limit, so the Go runtime collects before the kernel kills.
                { name: 'GOMEMLIMIT', value: '100MiB' },
              ],
              ports: [{ name: 'health', containerPort: HEALTH_PORT }],
              readinessProbe: {
                httpGet: { path: '/', port: 'health' },
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/', port: 'health' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              resources: {
                requests: {
                  cpu: '50m',
                  memory: '64Mi',
                  'ephemeral-storage': '64Mi',
                },
                limits: { memory: '128Mi', 'ephemeral-storage': '512Mi' },
              },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'pod-logs', mountPath: POD_LOGS, readOnly: true },
                { name: 'state', mountPath: STATE_DIR },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name } },
            {
              name: 'pod-logs',
              hostPath: { path: POD_LOGS, type: 'Directory' },
            },
            { name: 'state', emptyDir: { sizeLimit: '256Mi' } },
          ],
        },
      },
    },
  };
  return [
    {
      piece: 'kubernetes',
      path: 'deploy/kubernetes/log-shipping.yaml',
      content: yamlDocuments(configMap, daemonSet),
    },
  ];
}
