import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
  LOAD_BALANCER_BACKENDS_COLLECTOR_ID,
  LoadBalancerBackend,
  LoadBalancerBackendsFacts,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusModuleConfig } from '../config';
import { queryVectors, VectorSample } from '../upstream/parseVector';
import {
  createUpstreamClients,
  UpstreamClient,
} from '../upstream/UpstreamClient';
import { resolveEntityTarget } from './facts';

/** Server states HAProxy's exporter reports, one series per state, 1 for the current one. */
const SERVER_STATE_QUERY = 'haproxy_server_status == 1';
/** The last health check's result, one series per result, 1 for the current one. */
const CHECK_STATUS_QUERY = 'haproxy_server_check_status == 1';

/** What HAProxy accepts as a proxy name (`invalid_char()` in its sources). */
const PROXY_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Backends of one Prometheus instance, by proxy name, from the two grouped answers. */
function backendsOf(
  instanceName: string,
  states: VectorSample[],
  checks: VectorSample[],
): Map<string, LoadBalancerBackend[]> {
  const checkOf = new Map(
    checks.map(s => [
      `${s.metric.instance}\u0000${s.metric.proxy}\u0000${s.metric.server}`,
      s.metric.state,
    ]),
  );
  const byKey = new Map<string, LoadBalancerBackend>();
  for (const sample of states) {
    const { instance = '', proxy, server, state } = sample.metric;
    if (!proxy || !server || !state) continue;
    const key = `${instance}\u0000${proxy}`;
    const backend = byKey.get(key) ?? {
      backend: proxy,
      instance,
      source: `prometheus:${instanceName}`,
      servers: [],
    };
    const check = checkOf.get(`${key}\u0000${server}`);
    backend.servers.push({
      name: server,
      state,
      ...(check !== undefined ? { check } : {}),
    });
    byKey.set(key, backend);
  }
  const byProxy = new Map<string, LoadBalancerBackend[]>();
  const ordered = [...byKey.values()].sort((a, b) =>
    a.instance.localeCompare(b.instance),
  );
  for (const backend of ordered) {
    backend.servers.sort((a, b) => a.name.localeCompare(b.name));
    byProxy.set(backend.backend, [
      ...(byProxy.get(backend.backend) ?? []),
      backend,
    ]);
  }
  return byProxy;
}

/**
 * HAProxy backends in front of data stores, from HAProxy's own Prometheus endpoint as each
 * entity's Prometheus instance scrapes it: per instance and refresh two queries for the whole
 * fleet (server states and health check results), matched to the backend each entity names in
 * `production-readiness.io/haproxy-backend`. Annotation values are never put into a query.
 */
export class HaproxyBackendsCollector
  implements FactCollector<LoadBalancerBackendsFacts>
{
  readonly id = LOAD_BALANCER_BACKENDS_COLLECTOR_ID;
  readonly title = 'HAProxy (Prometheus)';

  private constructor(
    private readonly config: PrometheusModuleConfig,
    private readonly clients: Map<string, UpstreamClient>,
  ) {}

  static create(options: {
    config: PrometheusModuleConfig;
  }): HaproxyBackendsCollector {
    return new HaproxyBackendsCollector(
      options.config,
      createUpstreamClients(options.config),
    );
  }

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[ANNOTATIONS.haproxyBackend]?.trim(),
    );
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<LoadBalancerBackendsFacts>> {
    const facts = new Map<string, LoadBalancerBackendsFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byInstance = new Map<
      string,
      Array<{ ref: string; declared: string }>
    >();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const declared =
        entity.metadata.annotations?.[ANNOTATIONS.haproxyBackend]?.trim() ?? '';
      if (!PROXY_NAME.test(declared)) {
        errors.set(
          ref,
          `annotation ${ANNOTATIONS.haproxyBackend} is "${declared.slice(
            0,
            80,
          )}", which is not an HAProxy backend name (letters, digits, "_", ".", ":" and "-")`,
        );
        continue;
      }
      const resolved = resolveEntityTarget(entity, this.config);
      if (!resolved.ok) {
        errors.set(ref, resolved.problem.reason);
        continue;
      }
      const { instance } = resolved.target;
      byInstance.set(instance, [
        ...(byInstance.get(instance) ?? []),
        { ref, declared },
      ]);
    }
    await Promise.all(
      [...byInstance].map(async ([instanceName, wanted]) => {
        const client = this.clients.get(instanceName)!;
        try {
          const [states, checks] = await queryVectors(
            client,
            [SERVER_STATE_QUERY, CHECK_STATUS_QUERY],
            context.signal,
          );
          const backends = backendsOf(instanceName, states, checks);
          for (const { ref, declared } of wanted) {
            const found = backends.get(declared) ?? [];
            facts.set(ref, { declared, backends: found });
            claims.set(
              ref,
              found.map(b => ({
                kind: 'haproxy-backend',
                id: `${instanceName}/${b.instance}/${b.backend}`,
                how: `${ANNOTATIONS.haproxyBackend}=${declared}`,
                settle: `Give each data store its own HAProxy backend: the servers of one backend are the way into one database.`,
              })),
            );
          }
        } catch (e) {
          const reason = describeError(e);
          for (const { ref } of wanted) errors.set(ref, reason);
        }
      }),
    );
    return { facts, errors, claims };
  }
}
