import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';
import pLimit from 'p-limit';
import { LoggingSettings, LogStoreConfig, LogStoreType } from '../config';
import {
  LogStoreClient,
  ServiceLogStats,
  StoreRetention,
} from '../stores/LogStoreClient';
import { LokiClient } from '../stores/LokiClient';
import { VictoriaLogsClient } from '../stores/VictoriaLogsClient';
import {
  DeclaredRetention,
  resolveDeclaredRetention,
  resolveLogStream,
} from './logStream';

/** Id of the collector; checks read its facts with `context.facts(LOG_STORE_COLLECTOR_ID)`. */
export const LOG_STORE_COLLECTOR_ID = 'log-store';

/** What the collector knows about one entity's logs. */
export type LogStoreFacts =
  | { state: 'unconfigured'; reason: string; remediation: string }
  | {
      state: 'ok';
      store: string;
      storeType: LogStoreType;
      serviceField: string;
      service: string;
      serviceSource: string;
      lookbackMs: number;
      /** The entity's lines in the lookback window (zeros: none reached the store). */
      stats: ServiceLogStats;
      retention: StoreRetention | { error: string };
      declaredRetention: DeclaredRetention;
    };

/** The client for a store, by its type. */
export function createLogStoreClient(
  store: LogStoreConfig,
  options: { lookbackMs: number; timeoutMs: number },
): LogStoreClient {
  return store.type === 'loki'
    ? new LokiClient(store, options)
    : new VictoriaLogsClient(store, options);
}

/**
 * Reads every store some entity ships to, once per refresh: one grouped query (VictoriaLogs) or
 * three (Loki) for all of the store's services, and its retention. The number of calls depends
 * on the stores, never on the number of entities.
 */
export class LogStoreCollector implements FactCollector<LogStoreFacts> {
  readonly id = LOG_STORE_COLLECTOR_ID;
  readonly title = 'Log store';

  constructor(private readonly settings: LoggingSettings) {}

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<LogStoreFacts>> {
    const facts = new Map<string, LogStoreFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byStore = new Map<
      string,
      Array<{
        ref: string;
        service: string;
        serviceSource: string;
        declared: DeclaredRetention;
      }>
    >();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const stream = resolveLogStream(entity, this.settings);
      if (!stream.ok) {
        facts.set(ref, {
          state: 'unconfigured',
          reason: stream.reason,
          remediation: stream.remediation,
        });
        continue;
      }
      const wanted = byStore.get(stream.store.name) ?? [];
      wanted.push({
        ref,
        service: stream.service,
        serviceSource: stream.serviceSource,
        declared: resolveDeclaredRetention(entity, this.settings),
      });
      byStore.set(stream.store.name, wanted);
    }
    const limit = pLimit(4);
    await Promise.all(
      [...byStore].map(([name, wanted]) =>
        limit(async () => {
          const store = this.settings.stores.get(name)!;
          const client = createLogStoreClient(store, {
            lookbackMs: this.settings.lookbackMs,
            timeoutMs: this.settings.requestTimeoutMs,
          });
          const [stats, retention] = await Promise.allSettled([
            client.readServiceStats(
              wanted.map(w => w.service),
              context.signal,
            ),
            client.readRetention(context.signal),
          ]);
          if (stats.status === 'rejected') {
            for (const w of wanted)
              errors.set(w.ref, describeError(stats.reason));
            return;
          }
          for (const w of wanted) {
            facts.set(w.ref, {
              state: 'ok',
              store: name,
              storeType: store.type,
              serviceField: store.serviceField,
              service: w.service,
              serviceSource: w.serviceSource,
              lookbackMs: this.settings.lookbackMs,
              stats: stats.value.get(w.service) ?? {
                lines: 0,
                structured: 0,
                traced: 0,
              },
              retention:
                retention.status === 'fulfilled'
                  ? retention.value
                  : { error: describeError(retention.reason) },
              declaredRetention: w.declared,
            });
            claims.set(w.ref, [
              {
                kind: 'log-stream',
                id: `${name}/${store.serviceField}=${w.service}`,
                how: `${w.serviceSource}=${w.service}`,
                settle: `Give each entity its own value of ${store.serviceField} in log store ${name} (annotation production-readiness.io/log-service): one service's lines are the logs of one entity.`,
              },
            ]);
          }
        }),
      ),
    );
    return { facts, errors, claims };
  }
}
