import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CheckEvaluation,
  CollectorOutcome,
  evaluateCheck,
  FactCollector,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { matchesEntityFilter } from '@production-readiness/plugin-production-readiness-common';
import { answerBadGateway } from '@internal/test-servers';
import { readFileSync } from 'node:fs';
import {
  createServer,
  IncomingMessage,
  request,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { createPrometheusChecks } from '../checks/createPrometheusChecks';
import {
  createQueryCheckFactory,
  readQueryChecks,
} from '../checks/queryCheckFactory';
import { AlertmanagerCollector } from '../collectors/AlertmanagerCollector';
import { PrometheusCollector } from '../collectors/PrometheusCollector';
import { readPrometheusModuleConfig } from '../config';

const PACKAGE =
  '@production-readiness/plugin-production-readiness-backend-module-prometheus';

/** Path of a fixture file in this package. */
export function fixturePath(...parts: string[]): string {
  return resolvePackagePath(PACKAGE, 'src', '__fixtures__', ...parts);
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>(resolve => server.close(() => resolve()));
}

/** A tiny exporter: `/metrics/<service>` serves text-format metrics per service. */
export async function startExporter(
  metrics: Record<string, string>,
  extra?: (path: string) => Promise<string | undefined>,
) {
  const server = createServer(async (req, res) => {
    const service = req.url?.replace(/^\/metrics\//, '') ?? '';
    let body: string | undefined;
    try {
      body = metrics[service] ?? (await extra?.(req.url ?? ''));
    } catch (error) {
      // A source that is stopping (Prometheus at teardown) answers the scrape, not the test.
      res.writeHead(503).end(String(error));
      return;
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
      .end(body);
  });
  const hostPort = await listen(server);
  return { hostPort, stop: () => close(server) };
}

export type ProxyMode = 'forward' | 'down' | 'slow' | 'garbage';

/**
 * A loopback reverse proxy in front of a real server: counts the requests the upstream
 * receives (by method and path) and can inject faults.
 */
export async function startProxy(targetBaseUrl: string) {
  const target = new URL(targetBaseUrl);
  const counts = new Map<string, number>();
  let mode: ProxyMode = 'forward';
  let slowMs = 3_000;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => answerBadGateway(res));
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (mode === 'garbage') {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<html>Bad gateway, try later</html>');
      return;
    }
    if (mode === 'slow') {
      const timer = setTimeout(() => forward(req, res), slowMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    forward(req, res);
  });
  const hostPort = await listen(server);
  return {
    baseUrl: `http://${hostPort}`,
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    setMode(next: ProxyMode, delayMs?: number) {
      mode = next;
      slowMs = delayMs ?? slowMs;
    },
    stop: () => close(server),
  };
}

/** Builds the module's collectors and checks from config, as the module does. */
export function buildModule(data: JsonObject) {
  const root = new ConfigReader(data);
  const config = readPrometheusModuleConfig(root);
  const instances = new Set(config.instances.keys());
  const queryChecks = readQueryChecks(root, instances);
  const factory = createQueryCheckFactory(instances);
  const configChecks = (
    root.getOptionalConfigArray('productionReadiness.checks') ?? []
  )
    .filter(c => c.getString('type') === 'prometheus-query')
    .map(c =>
      factory.create({
        definition: {
          id: c.getString('id'),
          pillar: c.getString('pillar'),
          title: c.getString('title'),
          description: c.getString('title'),
          severity: 'major',
          remediation: c.getString('remediation'),
        },
        config: c,
      }),
    );
  return {
    config,
    collectors: [
      PrometheusCollector.create({ config, queryChecks }),
      AlertmanagerCollector.create({ config }),
    ] as FactCollector[],
    checks: [...createPrometheusChecks(config), ...configChecks],
  };
}

/**
 * Runs collectors once for all entities, then every applicable check per entity, the way
 * the engine does (collector failure or time-out gives `error` to the checks that read it).
 */
export async function evaluateAll(
  module: { collectors: FactCollector[]; checks: ReadinessCheck[] },
  entities: Entity[],
  options: { timeoutMs?: number; now?: Date } = {},
): Promise<Map<string, Map<string, CheckEvaluation>>> {
  const now = options.now ?? new Date();
  const outcomes = new Map<string, CollectorOutcome>();
  await Promise.all(
    module.collectors.map(async collector => {
      const controller = new AbortController();
      const timeoutMs = options.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      try {
        const collected = await Promise.race([
          collector.collect(entities, {
            logger: mockServices.logger.mock(),
            signal: controller.signal,
            now,
          }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              const error = new Error(`timed out after ${timeoutMs} ms`);
              controller.abort(error);
              reject(error);
            }, timeoutMs);
          }),
        ]);
        outcomes.set(collector.id, {
          ok: true,
          title: collector.title,
          collected,
        });
      } catch (e) {
        outcomes.set(collector.id, {
          ok: false,
          title: collector.title,
          reason: (e as Error).message,
        });
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const results = new Map<string, Map<string, CheckEvaluation>>();
  for (const entity of entities) {
    const entityRef = stringifyEntityRef(entity);
    const perCheck = new Map<string, CheckEvaluation>();
    for (const check of module.checks) {
      if (matchesEntityFilter(entity, check.appliesTo)) {
        perCheck.set(
          check.id,
          await evaluateCheck({ check, entity, entityRef, now, outcomes }),
        );
      }
    }
    results.set(entityRef, perCheck);
  }
  return results;
}

/** Status per check id for one entity, for compact assertions. */
export function statuses(
  results: Map<string, Map<string, CheckEvaluation>>,
  name: string,
): Record<string, string> {
  const perCheck = results.get(`component:default/${name}`);
  if (!perCheck) {
    throw new Error(`no results for ${name}`);
  }
  return Object.fromEntries([...perCheck].map(([id, r]) => [id, r.status]));
}

export function component(
  name: string,
  annotations: Record<string, string> = {},
  owner = 'team-orders',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}
