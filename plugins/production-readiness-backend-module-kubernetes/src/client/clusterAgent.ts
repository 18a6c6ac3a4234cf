import * as http from 'node:http';
import * as https from 'node:https';
import { ClusterConnection } from './ClusterConnection';

/**
 * How long an idle connection waits for the next request. Node closes it earlier when the
 * server announces a shorter `Keep-Alive: timeout`, so a reused socket is never one the
 * server is about to drop.
 */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * The one agent through which every request to a cluster goes, with keep-alive, so that the
 * pages and kinds of a refresh (and the next refresh) reuse TCP and TLS connections instead
 * of a handshake per request. TLS follows the connection as `KubeConfig` would: `caData`
 * is the trusted CA, `skipTLSVerify` turns verification off.
 */
export function createClusterAgent(cluster: ClusterConnection): http.Agent {
  const options = { keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS };
  if (new URL(cluster.url).protocol === 'http:') {
    return new http.Agent(options);
  }
  return new https.Agent({
    ...options,
    ...(cluster.caData ? { ca: Buffer.from(cluster.caData, 'base64') } : {}),
    ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
  });
}
