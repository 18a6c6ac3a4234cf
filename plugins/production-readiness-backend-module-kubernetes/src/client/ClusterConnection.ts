/**
 * How to reach one cluster's API: the base URL list requests go to and the headers they carry.
 * The module reaches every cluster through the Backstage Kubernetes plugin's proxy
 * (`KubernetesPluginClusters`), which adds the cluster's credentials server-side.
 */
export interface ClusterConnection {
  /** The cluster's name as the Kubernetes plugin knows it; shown in evidence. */
  name: string;
  /** Where list requests go, e.g. `http://backstage:7007/api/kubernetes/proxy`. */
  url: string;
  /** Base64-encoded PEM of the CA that signed `url`'s certificate, when not a public one. */
  caData?: string;
  /** Do not verify `url`'s certificate (tests and labs only). */
  skipTLSVerify?: boolean;
  /** Headers of every request: credentials, the proxy's cluster header. */
  headers(): Promise<Record<string, string>>;
  /**
   * For refusals: whose credentials a 401 refused and what to do about it; who a 403's RBAC
   * grant is for ("the service account", "the identity the aws auth provider signs in as").
   */
  credentials: { what: string; remedy: string; identity: string };
}
