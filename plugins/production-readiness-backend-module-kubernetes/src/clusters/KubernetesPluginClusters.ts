import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { CollectorContext } from '@production-readiness/plugin-production-readiness-node';
import { ClusterConnection } from '../client/ClusterConnection';
import { ClusterAccess, ClusterSource } from '../collector/ClusterSnapshots';

/**
 * Auth providers of the Kubernetes plugin whose token is the signed-in user's, sent by the
 * browser with each request (`GoogleStrategy`, `OidcStrategy`, `AksStrategy`): a scheduled
 * refresh has no user, so these clusters cannot be read.
 */
export const USER_TOKEN_AUTH_PROVIDERS = ['google', 'oidc', 'aks'];

/** The proxy's header naming the cluster a request is for. */
const CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';
/** The proxy's header whose value it sends to the cluster as Authorization. */
const AUTHORIZATION_HEADER = 'Backstage-Kubernetes-Authorization';

/** A cluster as `GET /api/kubernetes/clusters` lists it. */
interface ListedCluster {
  name: string;
  authProvider: string;
  oidcTokenProvider?: string;
}

function listedClusters(body: unknown, where: string): ListedCluster[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) {
    throw new Error(`${where} answered without an items array`);
  }
  const names = new Set<string>();
  return items.map((item, index) => {
    const { name, authProvider, oidcTokenProvider } = (item ?? {}) as Record<
      string,
      unknown
    >;
    if (typeof name !== 'string' || !name) {
      throw new Error(`${where}: items[${index}] has no name`);
    }
    if (names.has(name)) {
      throw new Error(`${where} lists cluster "${name}" twice`);
    }
    names.add(name);
    return {
      name,
      authProvider: typeof authProvider === 'string' ? authProvider : '',
      oidcTokenProvider:
        typeof oidcTokenProvider === 'string' ? oidcTokenProvider : undefined,
    };
  });
}

/**
 * The clusters of the Backstage Kubernetes plugin installed in the same backend, read through
 * it: `GET /api/kubernetes/clusters` once per refresh lists every cluster its locators find
 * (config, catalog, gke, localKubectlProxy), and list requests go through its proxy
 * (`/api/kubernetes/proxy`, header `Backstage-Kubernetes-Cluster`), which adds the cluster's
 * credentials with the plugin's own auth strategies (serviceAccount, aws, azure,
 * googleServiceAccount, …). Both calls carry this plugin's service token; a service principal
 * passes the Kubernetes plugin's permission checks (kubernetes.clusters.read,
 * kubernetes.proxy) unless its access is restricted. A cluster whose auth provider needs a
 * signed-in user's token is returned as unavailable, and said once in the log.
 */
export class KubernetesPluginClusters implements ClusterSource {
  /** Clusters already said to need a user's token, so that the log says it once. */
  private readonly reported = new Set<string>();
  private lastNames = '';

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      requestTimeoutMs: number;
      /** Server-side tokens for clusters whose auth provider takes a user's token. */
      clusterTokens?: Map<string, string>;
    },
  ) {}

  async clusters(context: CollectorContext): Promise<ClusterAccess[]> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    const where = `the Kubernetes plugin (GET ${base}/clusters)`;
    let response: Response;
    try {
      response = await fetch(`${base}/clusters`, {
        headers: { authorization: `Bearer ${await this.token()}` },
        signal: AbortSignal.any([
          context.signal,
          AbortSignal.timeout(this.options.requestTimeoutMs),
        ]),
      });
    } catch (e) {
      throw new Error(
        `${where} did not answer: ${e instanceof Error ? e.message : e}`,
      );
    }
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      throw new Error(
        `${where} answered ${response.status}: ${
          error.body?.error?.message ?? error.message
        }${
          response.status === 404
            ? '; install @backstage/plugin-kubernetes-backend in this backend and give it its `kubernetes` configuration (without one it serves no routes)'
            : ''
        }`,
      );
    }
    const listed = listedClusters(await response.json(), where);
    this.logChanges(listed);
    return listed.map(cluster => this.accessOf(cluster, base));
  }

  private accessOf(cluster: ListedCluster, base: string): ClusterAccess {
    const { name, authProvider } = cluster;
    const clusterToken = this.options.clusterTokens?.get(name);
    if (USER_TOKEN_AUTH_PROVIDERS.includes(authProvider)) {
      if (!clusterToken) return { name, unavailable: this.needsUser(cluster) };
      // The proxy sends what `Backstage-Kubernetes-Authorization` carries as the cluster's
      // Authorization instead of asking the auth strategy.
      return {
        name,
        connection: this.proxied(
          name,
          base,
          { [AUTHORIZATION_HEADER]: `Bearer ${clusterToken}` },
          {
            what: `the token of productionReadiness.kubernetes.clusterTokens for cluster "${name}"`,
            remedy: `renew that token`,
            identity: `the identity of the token configured for cluster "${name}"`,
          },
        ),
      };
    }
    return {
      name,
      connection: this.proxied(
        name,
        base,
        {},
        {
          what: `the credentials of the Kubernetes plugin's "${authProvider}" auth provider`,
          remedy: `fix the credentials the Kubernetes plugin has for cluster "${name}"`,
          identity:
            authProvider === 'serviceAccount'
              ? 'the service account'
              : `the identity the Kubernetes plugin's "${authProvider}" auth provider signs in as`,
        },
      ),
    };
  }

  /** A cluster read through the Kubernetes plugin's proxy, on this plugin's service token. */
  private proxied(
    name: string,
    base: string,
    headers: Record<string, string>,
    credentials: ClusterConnection['credentials'],
  ): ClusterConnection {
    return {
      name,
      url: `${base}/proxy`,
      headers: async () => ({
        authorization: `Bearer ${await this.token()}`,
        [CLUSTER_HEADER]: name,
        ...headers,
      }),
      credentials,
    };
  }

  /** Why the cluster is not read, said in the log the first time. */
  private needsUser(cluster: ListedCluster): string {
    const token =
      cluster.authProvider === 'oidc'
        ? `OIDC token of provider "${cluster.oidcTokenProvider ?? '?'}"`
        : `${cluster.authProvider} token`;
    const reason = `cluster "${cluster.name}" is not read: the Kubernetes plugin authenticates to it with the signed-in user's ${token} (authProvider ${cluster.authProvider}), which a scheduled check does not have; give it server-side credentials (authProvider serviceAccount, aws, azure or googleServiceAccount), or a token in productionReadiness.kubernetes.clusterTokens, to have its workloads checked`;
    if (!this.reported.has(cluster.name)) {
      this.reported.add(cluster.name);
      this.options.logger.warn(reason);
    }
    return reason;
  }

  private logChanges(listed: ListedCluster[]): void {
    const names = listed.map(c => `${c.name} (${c.authProvider})`).join(', ');
    if (names !== this.lastNames) {
      this.lastNames = names;
      this.options.logger.info(
        `Kubernetes checks read the clusters of the Kubernetes plugin: ${
          names || 'none'
        }`,
      );
    }
  }

  private async token(): Promise<string> {
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return token;
  }
}
