import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Kubernetes object as `kubectl get -o json` prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** The resources the fake server knows, as an API server's discovery would list them. */
const SERVED = [
  { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
  },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet' },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet' },
  {
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
  },
  {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    kind: 'NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
  },
  { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob' },
  { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job' },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'servicemonitors',
    kind: 'ServiceMonitor',
    crd: true,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'podmonitors',
    kind: 'PodMonitor',
    crd: true,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'prometheusrules',
    kind: 'PrometheusRule',
    crd: true,
  },
  {
    group: 'velero.io',
    version: 'v1',
    plural: 'schedules',
    kind: 'Schedule',
    crd: true,
  },
  {
    group: 'velero.io',
    version: 'v1',
    plural: 'backups',
    kind: 'Backup',
    crd: true,
  },
  {
    group: 'velero.io',
    version: 'v1',
    plural: 'restores',
    kind: 'Restore',
    crd: true,
  },
  {
    group: 'cert-manager.io',
    version: 'v1',
    plural: 'certificates',
    kind: 'Certificate',
    crd: true,
  },
  {
    group: 'postgresql.cnpg.io',
    version: 'v1',
    plural: 'clusters',
    kind: 'Cluster',
    crd: true,
  },
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'applications',
    kind: 'Application',
    crd: true,
  },
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'rollouts',
    kind: 'Rollout',
    crd: true,
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    kind: 'Kustomization',
    crd: true,
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    plural: 'helmreleases',
    kind: 'HelmRelease',
    crd: true,
  },
];

/** What the server does instead of answering a list normally. */
export type Fault =
  | { status: number; message?: string }
  | { delayMs: number }
  | { body: string; contentType?: string }
  | { bodyBytes: number };

export interface FakeKubeApiServer {
  baseUrl: string;
  /** Every request received: method, path and query. */
  requests: Array<{
    method: string;
    path: string;
    query: Record<string, string>;
  }>;
  /** Objects served; replace to change what the cluster holds. */
  objects: KubeObject[];
  /** Why requests were refused (401), in order. */
  refusals: string[];
  /** Faults by resource path, e.g. `/apis/apps/v1/deployments`. */
  faults: Map<string, Fault>;
  /** API groups whose CRDs are not installed (their paths answer 404). */
  notInstalled: Set<string>;
  /** `plural.group` the service account may not list (403). */
  forbidden: Set<string>;
  stop(): Promise<void>;
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: object,
) {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
}

/**
 * A loopback HTTP(S) server that answers the list calls of the Kubernetes API the way
 * kube-apiserver does, and GETs of one core object (`/api/v1/namespaces/<ns>/<plural>/<name>`): `limit` / `continue` pagination with `metadata.continue` and
 * `remainingItemCount`, items without apiVersion/kind for built-in kinds, bearer-token
 * authentication (401), RBAC refusals (403 with the API server's message), 404 for CRDs that
 * are not installed, and injectable faults (status codes, delays, garbage, oversized bodies).
 */
export async function startFakeKubeApiServer(options: {
  objects: KubeObject[];
  /** The bearer token it accepts (a service account's). */
  token?: string;
  /**
   * Instead of `token`: why the request's Authorization header is refused, or undefined when
   * it is accepted (e.g. `eksTokenProblem` for an EKS cluster).
   */
  authenticate?: (authorization: string | undefined) => string | undefined;
  tls?: { key: string; cert: string };
  notInstalled?: string[];
}): Promise<FakeKubeApiServer> {
  const state: FakeKubeApiServer = {
    baseUrl: '',
    requests: [],
    refusals: [],
    objects: options.objects,
    faults: new Map(),
    notInstalled: new Set(options.notInstalled ?? []),
    forbidden: new Set(),
    stop: async () => {},
  };
  const timers = new Set<NodeJS.Timeout>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    state.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
    });
    const send = (code: number, body: string, type = 'application/json') => {
      res.writeHead(code, {
        'content-type': type,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    };
    const refused = options.authenticate
      ? options.authenticate(req.headers.authorization)
      : req.headers.authorization !== `Bearer ${options.token}` &&
        'Unauthorized';
    if (refused) {
      state.refusals.push(refused);
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    // A list across namespaces, or one object: /api/v1/namespaces/<ns>/<plural>/<name>.
    const one =
      /^\/api\/(v1)\/namespaces\/([a-z0-9-]+)\/([a-z]+)\/([a-z0-9.-]+)$/.exec(
        url.pathname,
      );
    const match = one
      ? ['', one[1], one[3]]
      : /^\/api\/(v1)\/([a-z]+)$/.exec(url.pathname) ??
        /^\/apis\/([a-z0-9.-]+)\/(v[0-9a-z]+)\/([a-z]+)$/.exec(url.pathname);
    const [group, version, plural] =
      match?.length === 3
        ? ['', match[1], match[2]]
        : [match?.[1], match?.[2], match?.[3]];
    const resource = SERVED.find(
      r => r.group === group && r.version === version && r.plural === plural,
    );
    if (
      !match ||
      !resource ||
      (resource.crd && state.notInstalled.has(resource.group))
    ) {
      send(
        404,
        status(
          404,
          'NotFound',
          'the server could not find the requested resource',
          {},
        ),
      );
      return;
    }
    const qualified = resource.group
      ? `${resource.plural}.${resource.group}`
      : resource.plural;
    if (one && state.forbidden.has(qualified)) {
      send(
        403,
        status(
          403,
          'Forbidden',
          `${qualified} "${one[4]}" is forbidden: User "system:serviceaccount:backstage:production-readiness" cannot get resource "${resource.plural}" in API group "${resource.group}" in the namespace "${one[2]}"`,
          { name: one[4], group: resource.group, kind: resource.plural },
        ),
      );
      return;
    }
    if (one) {
      const found = state.objects.find(
        o =>
          o.kind === resource.kind &&
          o.metadata.namespace === one[2] &&
          o.metadata.name === one[4],
      );
      if (found) send(200, JSON.stringify(found));
      else {
        send(
          404,
          status(404, 'NotFound', `${qualified} "${one[4]}" not found`, {
            name: one[4],
            kind: resource.plural,
          }),
        );
      }
      return;
    }
    if (state.forbidden.has(qualified)) {
      send(
        403,
        status(
          403,
          'Forbidden',
          `${qualified} is forbidden: User "system:serviceaccount:backstage:production-readiness" cannot list resource "${resource.plural}" in API group "${resource.group}" at the cluster scope`,
          { group: resource.group, kind: resource.plural },
        ),
      );
      return;
    }
    const answer = () => {
      const fault = state.faults.get(url.pathname);
      if (fault && 'status' in fault) {
        send(
          fault.status,
          status(
            fault.status,
            'InternalError',
            fault.message ?? 'etcdserver: request timed out',
          ),
        );
        return;
      }
      if (fault && 'body' in fault) {
        send(200, fault.body, fault.contentType ?? 'application/json');
        return;
      }
      if (fault && 'bodyBytes' in fault) {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        res.writeHead(200, { 'content-type': 'application/json' });
        let sent = 0;
        const pump = () => {
          while (sent < fault.bodyBytes) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      const apiVersion = resource.group
        ? `${resource.group}/${resource.version}`
        : resource.version;
      const all = state.objects
        .filter(o => o.kind === resource.kind && o.apiVersion === apiVersion)
        .sort((a, b) =>
          `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
            `${b.metadata.namespace}/${b.metadata.name}`,
          ),
        );
      let offset = 0;
      if (query.continue) {
        try {
          offset = JSON.parse(
            Buffer.from(query.continue, 'base64url').toString(),
          ).start;
        } catch {
          offset = -1;
        }
        if (!Number.isInteger(offset) || offset < 0 || offset > all.length) {
          send(
            400,
            status(
              400,
              'BadRequest',
              'continue key is not valid: illegal base64 data',
            ),
          );
          return;
        }
      }
      const limit = query.limit ? Number(query.limit) : all.length;
      const page = all.slice(offset, offset + (limit > 0 ? limit : all.length));
      const next = offset + page.length;
      const metadata: Record<string, unknown> = { resourceVersion: '48213377' };
      if (next < all.length) {
        metadata.continue = Buffer.from(
          JSON.stringify({ v: 'meta.k8s.io/v1', rv: 48213377, start: next }),
        ).toString('base64url');
        metadata.remainingItemCount = all.length - next;
      }
      send(
        200,
        JSON.stringify({
          kind: `${resource.kind}List`,
          apiVersion,
          metadata,
          // kube-apiserver leaves apiVersion/kind out of built-in list items; CRs keep them.
          items: page.map(o => {
            if (resource.crd) return o;
            const { apiVersion: _a, kind: _k, ...rest } = o;
            return rest;
          }),
        }),
      );
    };
    const fault = state.faults.get(url.pathname);
    if (fault && 'delayMs' in fault) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    answer();
  };

  const server = options.tls
    ? https.createServer(
        { key: options.tls.key, cert: options.tls.cert },
        handler,
      )
    : http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.stop = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  };
  return state;
}

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl. */
export function createSelfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pr-k8s-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=kube-apiserver',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
