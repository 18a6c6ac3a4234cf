import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import { z } from 'zod';
import { DatabaseHaSettings, PatroniClusterConfig } from '../config';

/** Id of the collector; checks read its facts with `context.facts(PATRONI_COLLECTOR_ID)`. */
export const PATRONI_COLLECTOR_ID = 'patroni';

/** One member of a Patroni cluster, as `GET /cluster` shows it. */
export interface PatroniMember {
  name: string;
  /** `leader`, `standby_leader`, `replica`, `sync_standby`. */
  role: string;
  /** `running`, `streaming`, `starting`, `stopped`, `crashed`, … */
  state: string;
  /** Bytes behind the leader; undefined when Patroni says `unknown`. */
  lagBytes?: number;
  timeline?: number;
  host?: string;
  port?: number;
}

/** What the collector knows about one entity's Patroni cluster. */
export interface PatroniFacts {
  /** The cluster's name from config, as the entity's annotation names it. */
  cluster: string;
  /** The entity's annotation cannot be used: why. Nothing was read for it. */
  misconfigured?: string;
  /** The REST API that answered. */
  source?: string;
  members: PatroniMember[];
}

const clusterSchema = z.object({
  members: z.array(
    z.object({
      name: z.string(),
      role: z.string(),
      state: z.string(),
      lag: z.union([z.number(), z.string()]).optional(),
      timeline: z.number().optional(),
      host: z.string().optional(),
      port: z.number().optional(),
    }),
  ),
});

/** A URL for messages and evidence: credentials in it are never shown. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/**
 * The entity claims the members it reads, by their PostgreSQL address: two names in config for
 * the same cluster, or two entities naming one name, contest the same members.
 */
function memberClaims(name: string, members: PatroniMember[]): EvidenceClaim[] {
  return members.map(m => ({
    kind: 'patroni-member',
    id:
      m.host !== undefined ? `${m.host}:${m.port ?? ''}` : `${name}/${m.name}`,
    how: `${ANNOTATIONS.patroniCluster}=${name}`,
    settle: `Give each database its own Patroni cluster in ${ANNOTATIONS.patroniCluster}: one cluster's members are the high availability of one database.`,
  }));
}

/**
 * Reads each Patroni cluster some entity names, once per refresh: `GET /cluster` on its
 * members' REST APIs in order until one answers. The number of calls depends on the clusters,
 * never on the number of entities.
 */
export class PatroniCollector implements FactCollector<PatroniFacts> {
  readonly id = PATRONI_COLLECTOR_ID;
  readonly title = 'Patroni';

  constructor(private readonly settings: DatabaseHaSettings) {}

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[ANNOTATIONS.patroniCluster]?.trim(),
    );
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<PatroniFacts>> {
    const facts = new Map<string, PatroniFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byName = new Map(this.settings.patroni.map(c => [c.name, c]));
    const wanted = new Map<string, string[]>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const name =
        entity.metadata.annotations?.[ANNOTATIONS.patroniCluster]?.trim() ?? '';
      if (!byName.has(name)) {
        facts.set(ref, {
          cluster: name,
          members: [],
          misconfigured: `annotation ${
            ANNOTATIONS.patroniCluster
          } names Patroni cluster "${name.slice(
            0,
            80,
          )}", which productionReadiness.databaseHa.patroni does not list (${
            [...byName.keys()].join(', ') || 'none configured'
          })`,
        });
        continue;
      }
      wanted.set(name, [...(wanted.get(name) ?? []), ref]);
    }
    const limit = pLimit(4);
    await Promise.all(
      [...wanted].map(([name, refs]) =>
        limit(async () => {
          const cluster = byName.get(name)!;
          try {
            const read = await this.read(cluster, context);
            for (const ref of refs) {
              facts.set(ref, { cluster: name, ...read });
              claims.set(ref, memberClaims(name, read.members));
            }
          } catch (error) {
            for (const ref of refs) errors.set(ref, describeError(error));
          }
        }),
      ),
    );
    return { facts, errors, claims };
  }

  /** `GET /cluster` on the first member that answers it. */
  private async read(
    cluster: PatroniClusterConfig,
    context: CollectorContext,
  ): Promise<{ source: string; members: PatroniMember[] }> {
    const failures: string[] = [];
    for (const url of cluster.urls) {
      const source = withoutCredentials(`${url}/cluster`);
      try {
        const response = await fetch(`${url}/cluster`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.any([
            context.signal,
            AbortSignal.timeout(this.settings.requestTimeoutMs),
          ]),
        });
        const text = await response.text();
        if (!response.ok) {
          failures.push(`${source} answered ${response.status}`);
          continue;
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          failures.push(`${source} answered something that is not JSON`);
          continue;
        }
        const parsed = clusterSchema.safeParse(body);
        if (!parsed.success) {
          failures.push(
            `${source} answered JSON that is not Patroni's cluster status (${parsed.error.issues
              .slice(0, 2)
              .map(i => `${i.path.join('.')}: ${i.message}`)
              .join('; ')})`,
          );
          continue;
        }
        return {
          source,
          members: parsed.data.members.map(m => ({
            name: m.name,
            role: m.role,
            state: m.state,
            ...(typeof m.lag === 'number' ? { lagBytes: m.lag } : {}),
            ...(m.timeline !== undefined ? { timeline: m.timeline } : {}),
            ...(m.host !== undefined ? { host: m.host } : {}),
            ...(m.port !== undefined ? { port: m.port } : {}),
          })),
        };
      } catch (error) {
        if (context.signal.aborted) throw error;
        failures.push(`${source}: ${describeError(error)}`);
      }
    }
    throw new Error(
      `no member of Patroni cluster "${
        cluster.name
      }" answered GET /cluster: ${failures.join('; ')}`,
    );
  }
}
