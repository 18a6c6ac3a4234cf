import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  FactCollector,
  factsEnvelope,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusModuleConfig } from '../config';
import { parseAlertmanagerConfig } from '../alertmanager/routing';
import {
  createUpstreamClients,
  UpstreamClient,
} from '../upstream/UpstreamClient';
import {
  ALERTMANAGER_COLLECTOR_ID,
  AlertmanagerAlert,
  AlertmanagerEntityFacts,
  AlertmanagerFacts,
  resolveEntityTarget,
} from './facts';

function parseAlerts(body: unknown): AlertmanagerAlert[] {
  if (!Array.isArray(body)) {
    throw new Error('alerts answer is not a list');
  }
  return (body as Array<Record<string, unknown>>).map(raw => ({
    labels: (raw.labels as Record<string, string>) ?? {},
    startsAt: typeof raw.startsAt === 'string' ? raw.startsAt : undefined,
    receivers: ((raw.receivers as Array<{ name?: string }>) ?? []).map(r =>
      String(r.name),
    ),
    state: String((raw.status as { state?: string })?.state ?? ''),
  }));
}

/**
 * Batch collector for Alertmanager: per instance and refresh, one `/api/v2/status` (the
 * route tree, parsed from `config.original`) and one `/api/v2/alerts`. Entities share the
 * instance's facts; routing is evaluated per service in the checks, in memory.
 */
export class AlertmanagerCollector implements FactCollector<AlertmanagerFacts> {
  readonly id = ALERTMANAGER_COLLECTOR_ID;
  readonly title = 'Alertmanager';

  private constructor(
    private readonly config: PrometheusModuleConfig,
    private readonly clients: Map<string, UpstreamClient>,
  ) {}

  static create(options: {
    config: PrometheusModuleConfig;
  }): AlertmanagerCollector {
    const { config } = options;
    return new AlertmanagerCollector(
      config,
      createUpstreamClients(config, instance => instance.alertmanager),
    );
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<AlertmanagerFacts>> {
    const facts = new Map<string, AlertmanagerFacts>();
    const errors = new Map<string, string>();
    const byInstance = new Map<string, string[]>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const resolved = resolveEntityTarget(entity, this.config);
      if (!resolved.ok) {
        const { reason, remediation } = resolved.problem;
        facts.set(ref, factsEnvelope.unconfigured(reason, remediation));
        continue;
      }
      const { instance } = resolved.target;
      if (!this.clients.has(instance)) {
        facts.set(
          ref,
          factsEnvelope.unconfigured(
            `Prometheus instance "${instance}" has no Alertmanager configured`,
            `Set productionReadiness.prometheus.instances[name=${instance}].alertmanager.baseUrl to the Alertmanager that instance sends alerts to.`,
          ),
        );
        continue;
      }
      byInstance.set(instance, [...(byInstance.get(instance) ?? []), ref]);
    }

    await Promise.all(
      [...byInstance].map(async ([instance, refs]) => {
        const client = this.clients.get(instance)!;
        try {
          const [status, alertsBody] = await Promise.all([
            client.getJson('/api/v2/status', context.signal),
            client.getJson('/api/v2/alerts', context.signal),
          ]);
          const original = (status as { config?: { original?: unknown } })
            ?.config?.original;
          if (typeof original !== 'string') {
            throw new Error('status answer has no config.original');
          }
          const shared = factsEnvelope.ok<AlertmanagerEntityFacts>({
            instance,
            baseUrl: client.baseUrl,
            observedAt: context.now.toISOString(),
            routing: parseAlertmanagerConfig(original),
            alerts: parseAlerts(alertsBody),
          });
          for (const ref of refs) {
            facts.set(ref, shared);
          }
        } catch (e) {
          const reason = describeError(e).startsWith(client.displayName)
            ? describeError(e)
            : `${client.displayName}: ${describeError(e)}`;
          context.logger.warn(
            `Alertmanager of ${instance} failed for ${refs.length} entities: ${reason}`,
          );
          for (const ref of refs) {
            errors.set(ref, reason);
          }
        }
      }),
    );
    return { facts, errors };
  }
}
