/*
 * Logging module benchmark (a script, not a test): `yarn bench:logging [entities]`.
 *
 * A real VictoriaLogs holding 20 JSON lines per service for `entities` services (default 500).
 * The module's collector reads it for 1 entity and for all of them, through a pass-through proxy
 * that counts the requests; prints calls per refresh, wall time, the query's size and the lines
 * counted. Calls per refresh must not grow with the entity count.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { startCountingProxy, startVictoriaLogs } from '@internal/test-servers';
import { LogStoreCollector } from '../../plugins/production-readiness-backend-module-logging/src/collector/LogStoreCollector';
import { readLoggingSettings } from '../../plugins/production-readiness-backend-module-logging/src/config';

const ENTITIES = Number(process.argv[2] ?? 500);
const LINES_PER_SERVICE = 20;

const name = (i: number) => `service-${String(i).padStart(4, '0')}`;

function component(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: name(i), namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

async function main() {
  const logs = await startVictoriaLogs({ retentionPeriod: '30d' });
  const proxy = await startCountingProxy(logs.baseUrl);
  try {
    const lines = Array.from({ length: ENTITIES }, (_, i) =>
      Array.from({ length: LINES_PER_SERVICE }, (__, j) => ({
        _msg: `request ${j}`,
        service: name(i),
        level: 'info',
        trace_id: `${i}-${j}`,
      })),
    ).flat();
    const pushStarted = Date.now();
    await logs.pushJsonLines(lines, ['service']);
    const pushMs = Date.now() - pushStarted;
    const settings = readLoggingSettings(
      new ConfigReader({
        productionReadiness: {
          logging: {
            stores: [
              {
                name: 'main',
                type: 'victorialogs',
                url: proxy.url,
              },
            ],
            defaultStore: 'main',
            defaultRetention: '14d',
          },
        },
      }),
    );
    const collector = new LogStoreCollector(settings);
    const refresh = async (entities: Entity[]) => {
      proxy.reset();
      const started = process.hrtime.bigint();
      const collected = await collector.collect(entities, {
        logger: mockServices.rootLogger({ level: 'none' }) as LoggerService,
        signal: AbortSignal.timeout(60_000),
        now: new Date(),
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let counted = 0;
      for (const facts of collected.facts.values()) {
        if (facts.state === 'ok') counted += facts.stats.lines;
      }
      const calls = [...proxy.counts.values()].reduce((a, b) => a + b, 0);
      return { calls, bytes: proxy.bodyBytes(), ms, counted };
    };
    const all = Array.from({ length: ENTITIES }, (_, i) => component(i));
    await refresh(all); // warm-up
    const one = await refresh([component(0)]);
    const fleet = await refresh(all);
    console.log(
      `logging bench: ${ENTITIES} services, ${lines.length} lines pushed in ${pushMs} ms`,
    );
    for (const [label, r] of [
      ['1 entity', one],
      [`${ENTITIES} entities`, fleet],
    ] as const) {
      console.log(
        `  ${label.padEnd(14)} ${r.calls} upstream calls, query body ${
          r.bytes
        } B, ${r.ms.toFixed(1)} ms, ${r.counted} lines counted`,
      );
    }
    if (one.calls !== fleet.calls) {
      throw new Error(
        `upstream calls grew with the entity count: ${one.calls} for 1, ${fleet.calls} for ${ENTITIES}`,
      );
    }
    if (fleet.counted !== lines.length) {
      throw new Error(`counted ${fleet.counted} of ${lines.length} lines`);
    }
  } finally {
    await proxy.close();
    await logs.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
