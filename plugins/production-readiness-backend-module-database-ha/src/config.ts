import { Config } from '@backstage/config';
import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';

const KEY = 'productionReadiness.databaseHa';

/** A Patroni cluster from config: its name, and its members' REST API base URLs. */
export interface PatroniClusterConfig {
  name: string;
  urls: string[];
}

/** The module's settings, read and validated once at startup. */
export interface DatabaseHaSettings {
  patroni: PatroniClusterConfig[];
  maxReplicationLagBytes: number;
  requestTimeoutMs: number;
}

/** Reads `productionReadiness.databaseHa`; throws naming the key when something is wrong. */
export function readDatabaseHaSettings(root: Config): DatabaseHaSettings {
  const config = root.getOptionalConfig(KEY);
  const names = new Set<string>();
  const patroni = (config?.getOptionalConfigArray('patroni') ?? []).map(
    (cluster, index) => {
      const at = `${KEY}.patroni[${index}]`;
      const name = cluster.getString('name');
      if (names.has(name)) {
        throw new Error(`${at}.name "${name}" is used twice`);
      }
      names.add(name);
      const urls = cluster.getStringArray('urls');
      if (!urls.length) {
        throw new Error(`${at}.urls must list at least one member's REST API`);
      }
      for (const url of urls) {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new Error(`${at}.urls: "${url}" is not a URL`);
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
          throw new Error(`${at}.urls: "${url}" must be http or https`);
        }
      }
      return { name, urls: urls.map(u => u.replace(/\/+$/, '')) };
    },
  );
  const maxLag = config?.getOptionalNumber('maxReplicationLagBytes');
  if (maxLag !== undefined && !(Number.isInteger(maxLag) && maxLag >= 0)) {
    throw new Error(
      `${KEY}.maxReplicationLagBytes must be a whole number of bytes, got ${maxLag}`,
    );
  }
  return {
    patroni,
    maxReplicationLagBytes: maxLag ?? 16 * 1024 * 1024,
    requestTimeoutMs: readPositiveDurationMs(config, 'requestTimeout', {
      path: KEY,
      fallback: 5_000,
    }),
  };
}
