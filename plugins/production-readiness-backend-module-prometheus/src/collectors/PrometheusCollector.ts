import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CollectedFacts,
  CollectorContext,
  describeError,
  EvidenceClaim,
  FactCollector,
  factsEnvelope,
} from '@production-readiness/plugin-production-readiness-node';
import { adoptedRuleClaim, ruleSelectsEntity, serviceClaim } from './claims';
import {
  ANNOTATIONS,
  EVIDENCE_OWNER,
  parsePrometheusDuration,
} from '@production-readiness/plugin-production-readiness-common';
import { PrometheusInstanceConfig, PrometheusModuleConfig } from '../config';
import { renderQueryTemplate, QueryTemplate } from '../promql/promql';
import {
  isDeadMansSwitch,
  parseRulesResponse,
  RuleFact,
  ruleScope,
  RuleScope,
} from '../promql/rules';
import {
  createUpstreamClients,
  UpstreamClient,
} from '../upstream/UpstreamClient';
import { parseVector, VectorSample } from '../upstream/parseVector';
import {
  EntityTarget,
  PROMETHEUS_COLLECTOR_ID,
  PrometheusEntityFacts,
  PrometheusFacts,
  QueryOutcome,
  resolveEntityTarget,
  SloFact,
  TargetFact,
} from './facts';

/** A `prometheus-query` check as the collector runs it. */
export interface QueryCheckSpec {
  checkId: string;
  template: QueryTemplate;
  /** Runs on this instance for every entity; default: each entity's instance. */
  instance?: string;
}

const SLO_OBJECTIVES_QUERY =
  'max by (sloth_service, sloth_slo, slo) ({__name__=~"slo:objective:ratio|pyrra_objective"})';

/** Go durations as Prometheus prints them: `15s`, `1m30s`, `1h`; zero is no interval. */
function parseGoDuration(text: unknown): number | undefined {
  const millis = parsePrometheusDuration(text);
  return millis ? millis : undefined;
}

function parseTargets(
  body: unknown,
  serviceLabel: string,
): Map<string, TargetFact[]> {
  const data = (body as { status?: string; data?: { activeTargets?: unknown } })
    ?.data;
  if (
    (body as { status?: string })?.status !== 'success' ||
    !Array.isArray(data?.activeTargets)
  ) {
    throw new Error('targets answer has no data.activeTargets');
  }
  const byService = new Map<string, TargetFact[]>();
  for (const raw of data!.activeTargets as Array<Record<string, unknown>>) {
    const labels = (raw.labels as Record<string, string>) ?? {};
    const service = labels[serviceLabel];
    if (service === undefined) {
      continue;
    }
    const list = byService.get(service) ?? [];
    list.push({
      scrapePool: String(raw.scrapePool ?? ''),
      instance: labels.instance ?? '',
      job: labels.job ?? '',
      namedEntity: labels[EVIDENCE_OWNER.prometheusLabel] || undefined,
      health: String(raw.health ?? 'unknown'),
      lastError:
        typeof raw.lastError === 'string' && raw.lastError
          ? raw.lastError
          : undefined,
      lastScrape:
        typeof raw.lastScrape === 'string' ? raw.lastScrape : undefined,
      scrapeIntervalMs: parseGoDuration(raw.scrapeInterval),
    });
    byService.set(service, list);
  }
  return byService;
}

interface InstanceScope {
  instance: PrometheusInstanceConfig;
  entities: Array<{ ref: string; entity: Entity; target: EntityTarget }>;
}

/**
 * Batch collector for Prometheus: per instance and refresh, one `/api/v1/targets`, one
 * `/api/v1/rules`, one SLO objective query and one query per `prometheus-query` check, all
 * grouped by the service label and matched to entities in memory. The number of calls
 * depends on the instances and checks, never on the number of entities.
 */
export class PrometheusCollector implements FactCollector<PrometheusFacts> {
  readonly id = PROMETHEUS_COLLECTOR_ID;
  readonly title = 'Prometheus';

  private constructor(
    private readonly config: PrometheusModuleConfig,
    private readonly clients: Map<string, UpstreamClient>,
    private readonly queryChecks: QueryCheckSpec[],
  ) {}

  static create(options: {
    config: PrometheusModuleConfig;
    queryChecks?: QueryCheckSpec[];
  }): PrometheusCollector {
    const { config } = options;
    return new PrometheusCollector(
      config,
      createUpstreamClients(config),
      options.queryChecks ?? [],
    );
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<PrometheusFacts>> {
    const facts = new Map<string, PrometheusFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const scopes = new Map<string, InstanceScope>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const resolved = resolveEntityTarget(entity, this.config);
      if (!resolved.ok) {
        const { reason, remediation } = resolved.problem;
        facts.set(ref, factsEnvelope.unconfigured(reason, remediation));
        continue;
      }
      const { instance } = resolved.target;
      const scope = scopes.get(instance) ?? {
        instance: this.config.instances.get(instance)!,
        entities: [],
      };
      scope.entities.push({ ref, entity, target: resolved.target });
      scopes.set(instance, scope);
    }

    // Queries of checks pinned to an instance run there for every entity's service.
    const pinnedServices = new Map<string, Set<string>>();
    for (const spec of this.queryChecks) {
      if (spec.instance !== undefined) {
        const set = pinnedServices.get(spec.instance) ?? new Set<string>();
        for (const scope of scopes.values()) {
          scope.entities.forEach(e => set.add(e.target.service));
        }
        pinnedServices.set(spec.instance, set);
      }
    }
    const pinnedOutcomes = new Map<string, Map<string, QueryOutcome>>();
    await Promise.all(
      this.queryChecks
        .filter(spec => spec.instance !== undefined)
        .map(async spec => {
          const services = [...(pinnedServices.get(spec.instance!) ?? [])];
          if (services.length) {
            pinnedOutcomes.set(
              spec.checkId,
              await this.runQuery(spec, spec.instance!, services, context),
            );
          }
        }),
    );

    await Promise.all(
      [...scopes.values()].map(async scope => {
        try {
          const collected = await this.collectInstance(scope, context);
          for (const { ref, target } of scope.entities) {
            const entityFacts = collected.facts.get(ref)!;
            claims.set(ref, collected.claims.get(ref)!);
            for (const [checkId, outcomes] of pinnedOutcomes) {
              const outcome = outcomes.get(target.service);
              if (outcome) {
                entityFacts.queries[checkId] = outcome;
              }
            }
            facts.set(ref, factsEnvelope.ok(entityFacts));
          }
        } catch (e) {
          const reason = describeError(e);
          context.logger.warn(
            `Prometheus instance ${scope.instance.name} failed for ${scope.entities.length} entities: ${reason}`,
          );
          for (const { ref } of scope.entities) {
            errors.set(ref, reason);
          }
        }
      }),
    );
    return { facts, errors, claims };
  }

  private async collectInstance(
    scope: InstanceScope,
    context: CollectorContext,
  ): Promise<{
    facts: Map<string, PrometheusEntityFacts>;
    claims: Map<string, EvidenceClaim[]>;
  }> {
    const { instance } = scope;
    const client = this.clients.get(instance.name)!;
    const services = [...new Set(scope.entities.map(e => e.target.service))];
    const localQueries = this.queryChecks.filter(q => q.instance === undefined);

    const [targetsBody, rulesBody, slo, queryOutcomes] = await Promise.all([
      client.getJson('/api/v1/targets', context.signal, { state: 'active' }),
      client.getJson('/api/v1/rules', context.signal),
      client
        .postForm(
          '/api/v1/query',
          { query: SLO_OBJECTIVES_QUERY },
          context.signal,
        )
        .then(
          body => ({ samples: parseVector(body, 'SLO objective query') }),
          e => ({ error: describeError(e) }),
        ),
      Promise.all(
        localQueries.map(
          async spec =>
            [
              spec.checkId,
              await this.runQuery(spec, instance.name, services, context),
            ] as const,
        ),
      ),
    ]);
    let targets: Map<string, TargetFact[]>;
    let rules: RuleFact[];
    try {
      targets = parseTargets(targetsBody, instance.serviceLabel);
      rules = parseRulesResponse(rulesBody);
    } catch (e) {
      throw new Error(`${client.displayName}: ${describeError(e)}`);
    }

    // An alerting rule the PromQL grammar cannot read may be any service's: the checks it
    // could decide say `unknown` rather than guess its scope from its text.
    const unreadableRules = rules.filter(
      r => r.type === 'alerting' && r.unreadable !== undefined,
    );
    const scoped: Array<{ rule: RuleFact; scope: RuleScope }> = rules
      .filter(rule => rule.unreadable === undefined)
      .map(rule => ({ rule, scope: ruleScope(rule, instance.serviceLabel) }));
    const fleetRules = scoped
      .filter(s => s.scope.kind === 'fleet' && !isDeadMansSwitch(s.rule))
      .map(s => s.rule);
    const deadMansSwitches = rules.filter(isDeadMansSwitch);
    const objectives = 'samples' in slo ? slo.samples : [];
    const observedAt = context.now.toISOString();

    const result = new Map<string, PrometheusEntityFacts>();
    const claims = new Map<string, EvidenceClaim[]>();
    for (const { ref, entity, target } of scope.entities) {
      const serviceTargets = targets.get(target.service) ?? [];
      const alertNames = new Set(
        (entity.metadata.annotations?.[ANNOTATIONS.prometheusAlert] ?? '')
          .split(',')
          .map(s => s.trim())
          .filter(Boolean),
      );
      const namespace =
        entity.metadata.annotations?.[ANNOTATIONS.kubernetesNamespace];
      const series = {
        serviceLabel: instance.serviceLabel,
        service: target.service,
        namespace,
        jobs: [...new Set(serviceTargets.map(t => t.job).filter(Boolean))],
      };
      // The rules selecting the entity's service or namespace, and those it adopts by name,
      // which count only when they watch the entity's own series.
      const serviceRules: RuleFact[] = [];
      const adopted: RuleFact[] = [];
      for (const { rule, scope: s } of scoped) {
        if (
          (s.kind === 'services' && s.accepts(target.service)) ||
          (s.kind === 'namespaces' &&
            namespace !== undefined &&
            s.accepts(namespace))
        ) {
          serviceRules.push(rule);
        } else if (
          rule.type === 'alerting' &&
          alertNames.has(rule.name) &&
          ruleSelectsEntity(rule, series)
        ) {
          serviceRules.push(rule);
          adopted.push(rule);
        }
      }
      claims.set(ref, [
        serviceClaim(
          target,
          instance.serviceLabel,
          serviceTargets.find(t => t.namedEntity)?.namedEntity,
        ),
        ...adopted.map(rule => adoptedRuleClaim(instance.name, rule)),
      ]);
      const queries: Record<string, QueryOutcome> = {};
      for (const [checkId, outcomes] of queryOutcomes) {
        const outcome = outcomes.get(target.service);
        if (outcome) {
          queries[checkId] = outcome;
        }
      }
      result.set(ref, {
        ...target,
        serviceLabel: instance.serviceLabel,
        baseUrl: instance.prometheus.baseUrl,
        observedAt,
        targets: serviceTargets,
        rules: serviceRules,
        fleetRules,
        unreadableRules,
        deadMansSwitches,
        slos: sloFacts(target.service, serviceRules, objectives),
        sloError: 'error' in slo ? slo.error : undefined,
        queries,
      });
    }
    return { facts: result, claims };
  }

  /** Runs one config-declared query for a batch of services; outcome per service. */
  private async runQuery(
    spec: QueryCheckSpec,
    instanceName: string,
    services: string[],
    context: CollectorContext,
  ): Promise<Map<string, QueryOutcome>> {
    const outcomes = new Map<string, QueryOutcome>();
    const query = renderQueryTemplate(spec.template, services);
    const client = this.clients.get(instanceName)!;
    try {
      const samples = parseVector(
        await client.postForm('/api/v1/query', { query }, context.signal),
        `Query of ${spec.checkId}`,
      );
      const wanted = new Set(services);
      for (const sample of samples) {
        const service = sample.metric[spec.template.label];
        if (service === undefined) {
          throw new Error(
            `Query of ${spec.checkId} returned series without the "${spec.template.label}" label; aggregate with "by (${spec.template.label})"`,
          );
        }
        if (!wanted.has(service)) {
          continue;
        }
        const outcome = outcomes.get(service);
        if (outcome?.ok) {
          outcome.values.push(sample.value);
        } else {
          outcomes.set(service, {
            ok: true,
            query: spec.template.template,
            values: [sample.value],
          });
        }
      }
    } catch (e) {
      const error = describeError(e);
      for (const service of services) {
        outcomes.set(service, {
          ok: false,
          query: spec.template.template,
          error,
        });
      }
    }
    return outcomes;
  }
}

function sloFacts(
  service: string,
  serviceRules: RuleFact[],
  objectives: VectorSample[],
): SloFact[] {
  const byKey = new Map<string, SloFact>();
  for (const rule of serviceRules) {
    if (!rule.slo) {
      continue;
    }
    const key = `${rule.slo.framework}/${rule.slo.name}`;
    const slo = byKey.get(key) ?? { ...rule.slo, rules: [] };
    slo.rules.push(rule.name);
    byKey.set(key, slo);
  }
  for (const slo of byKey.values()) {
    const sample = objectives.find(o =>
      slo.framework === 'sloth'
        ? o.metric.sloth_slo === slo.name &&
          (o.metric.sloth_service === undefined ||
            o.metric.sloth_service === service)
        : o.metric.slo === slo.name,
    );
    if (sample && Number.isFinite(sample.value)) {
      slo.objective = sample.value;
    }
  }
  return [...byKey.values()];
}
