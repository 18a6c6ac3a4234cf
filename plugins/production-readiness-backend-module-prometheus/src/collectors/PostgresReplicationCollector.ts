import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
  POSTGRES_REPLICATION_COLLECTOR_ID,
  PostgresReplicationFacts,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusModuleConfig } from '../config';
import { queryVectors, VectorSample } from '../upstream/parseVector';
import {
  createUpstreamClients,
  UpstreamClient,
} from '../upstream/UpstreamClient';
import { resolveEntityTarget } from './facts';

/** One series per exporter target: 1 when it reached PostgreSQL. */
const SERVERS_QUERY = 'pg_up';
/** One series per standby connected to a server, from its `pg_stat_replication`. */
const STANDBYS_QUERY = 'pg_stat_replication_pg_wal_lsn_diff';

interface Wanted {
  ref: string;
  /** The ref as compared with `backstage_entity` labels. */
  key: string;
  service: string;
  serviceLabel: string;
}

/**
 * Whether a series belongs to the entity: it names the entity (`backstage_entity`), or it
 * names none and carries the entity's service label value. A series naming another entity
 * never counts for this one.
 */
function belongsTo(sample: VectorSample, wanted: Wanted): boolean {
  const named = sample.metric[EVIDENCE_OWNER.prometheusLabel];
  if (named) {
    return named.toLocaleLowerCase('en-US') === wanted.key;
  }
  return sample.metric[wanted.serviceLabel] === wanted.service;
}

/**
 * PostgreSQL's own view of replication, from postgres_exporter's series as each data store's
 * Prometheus instance scrapes them: per instance and refresh one query for the servers
 * (`pg_up`) and one for the standbys they stream to (`pg_stat_replication_pg_wal_lsn_diff`),
 * whatever the number of entities, matched in memory by the service label (or the target's
 * `backstage_entity` label). An entity without a Prometheus instance gets facts saying so,
 * not an error: this is one source of high-availability evidence among others.
 */
export class PostgresReplicationCollector
  implements FactCollector<PostgresReplicationFacts>
{
  readonly id = POSTGRES_REPLICATION_COLLECTOR_ID;
  readonly title = 'postgres_exporter (Prometheus)';

  private constructor(
    private readonly config: PrometheusModuleConfig,
    private readonly clients: Map<string, UpstreamClient>,
  ) {}

  static create(options: {
    config: PrometheusModuleConfig;
  }): PostgresReplicationCollector {
    return new PostgresReplicationCollector(
      options.config,
      createUpstreamClients(options.config),
    );
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<PostgresReplicationFacts>> {
    const facts = new Map<string, PostgresReplicationFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byInstance = new Map<string, Wanted[]>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const resolved = resolveEntityTarget(entity, this.config);
      if (!resolved.ok) {
        facts.set(ref, {
          source: 'prometheus',
          selector: '',
          unavailable: resolved.problem.reason,
          servers: [],
          standbys: [],
        });
        continue;
      }
      const { instance, service } = resolved.target;
      const serviceLabel = this.config.instances.get(instance)!.serviceLabel;
      byInstance.set(instance, [
        ...(byInstance.get(instance) ?? []),
        { ref, key: ref.toLocaleLowerCase('en-US'), service, serviceLabel },
      ]);
    }
    await Promise.all(
      [...byInstance].map(async ([instanceName, wanted]) => {
        const client = this.clients.get(instanceName)!;
        try {
          const [servers, standbys] = await queryVectors(
            client,
            [SERVERS_QUERY, STANDBYS_QUERY],
            context.signal,
          );
          for (const w of wanted) {
            const own = servers.filter(s => belongsTo(s, w));
            const named = own.some(
              s => s.metric[EVIDENCE_OWNER.prometheusLabel],
            );
            facts.set(w.ref, {
              source: `prometheus:${instanceName}`,
              selector: named
                ? `${EVIDENCE_OWNER.prometheusLabel}="${w.ref}"`
                : `${w.serviceLabel}="${w.service}"`,
              servers: own
                .map(s => ({
                  instance: s.metric.instance ?? '',
                  up: s.value === 1,
                }))
                .sort((a, b) => a.instance.localeCompare(b.instance)),
              standbys: standbys
                .filter(s => belongsTo(s, w))
                .map(s => ({
                  from: s.metric.instance ?? '',
                  name: s.metric.application_name ?? '',
                  state: s.metric.state ?? '',
                  ...(Number.isFinite(s.value)
                    ? { lagBytes: Math.max(0, s.value) }
                    : {}),
                }))
                .sort((a, b) =>
                  `${a.from} ${a.name}`.localeCompare(`${b.from} ${b.name}`),
                ),
            });
            claims.set(
              w.ref,
              own.map(s => ({
                kind: 'postgres-exporter-target',
                id: `${instanceName}/${s.metric.instance ?? ''}`,
                how: `${w.serviceLabel}="${w.service}"`,
                namedEntity:
                  s.metric[EVIDENCE_OWNER.prometheusLabel] || undefined,
                settle: `Label each postgres_exporter target with ${EVIDENCE_OWNER.prometheusLabel}: <entity ref of the database it reports>, so its series count for that database alone.`,
              })),
            );
          }
        } catch (e) {
          const reason = describeError(e);
          for (const w of wanted) errors.set(w.ref, reason);
        }
      }),
    );
    return { facts, errors, claims };
  }
}
