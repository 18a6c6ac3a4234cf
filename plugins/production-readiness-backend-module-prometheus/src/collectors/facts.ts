import { Entity } from '@backstage/catalog-model';
import {
  createFactCollectorRef,
  FactsEnvelope,
} from '@production-readiness/plugin-production-readiness-node';
import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';
import { PrometheusModuleConfig } from '../config';
import { validateServiceValue } from '../promql/promql';
import { RuleFact } from '../promql/rules';
import { AlertmanagerRouting } from '../alertmanager/routing';

export const PROMETHEUS_COLLECTOR_ID = 'prometheus';
export const ALERTMANAGER_COLLECTOR_ID = 'alertmanager';

/** Where an entity's metrics live: instance and service label value. */
export interface EntityTarget {
  instance: string;
  service: string;
  /** Which annotation (or field) the service value came from. */
  serviceSource: string;
}

/** Why an entity cannot be looked up, with what to configure. */
export interface TargetProblem {
  reason: string;
  remediation: string;
}

/** A scrape target of the service. */
export interface TargetFact {
  scrapePool: string;
  instance: string;
  /** The target's `job` label. */
  job: string;
  /** The entity the target names as its own (label `backstage_entity`). */
  namedEntity?: string;
  health: string;
  lastError?: string;
  lastScrape?: string;
  scrapeIntervalMs?: number;
}

/** A Sloth or Pyrra SLO of the service. */
export interface SloFact {
  framework: 'sloth' | 'pyrra';
  name: string;
  /** Ratio, e.g. 0.999, from the SLO's objective series; undefined when not found. */
  objective?: number;
  rules: string[];
}

/** The outcome of a config-declared query for one service. */
export type QueryOutcome =
  | { ok: true; query: string; values: number[] }
  | { ok: false; query: string; error: string };

/** What the Prometheus collector found for one entity. */
export interface PrometheusEntityFacts extends EntityTarget {
  serviceLabel: string;
  baseUrl: string;
  observedAt: string;
  targets: TargetFact[];
  /**
   * Rules restricted to this service, to the entity's `backstage.io/kubernetes-namespace`, or
   * named in `prometheus.io/alert`.
   */
  rules: RuleFact[];
  /** Rules not restricted to any service (shared by every entity of the instance). */
  fleetRules: RuleFact[];
  /**
   * Alerting rules of the instance the PromQL grammar cannot read (`unreadable` says where):
   * they may be this service's, so a check they could satisfy is `unknown`, not `fail`.
   */
  unreadableRules: RuleFact[];
  deadMansSwitches: RuleFact[];
  slos: SloFact[];
  /** Set when the SLO objective query failed. */
  sloError?: string;
  /** Config-declared query outcomes by check id. */
  queries: Record<string, QueryOutcome>;
}

/** The Prometheus collector's envelope for one entity: its facts, or what to configure. */
export type PrometheusFacts = FactsEnvelope<PrometheusEntityFacts>;

/** The typed handle checks read the Prometheus facts with. */
export const PROMETHEUS_FACTS = createFactCollectorRef<PrometheusFacts>({
  id: PROMETHEUS_COLLECTOR_ID,
});

/** An alert as Alertmanager holds it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  startsAt?: string;
  receivers: string[];
  state: string;
}

/** What the Alertmanager collector found for one entity (shared per instance). */
export interface AlertmanagerEntityFacts {
  instance: string;
  baseUrl: string;
  observedAt: string;
  routing: AlertmanagerRouting;
  alerts: AlertmanagerAlert[];
}

/** The Alertmanager collector's envelope for one entity: its facts, or what to configure. */
export type AlertmanagerFacts = FactsEnvelope<AlertmanagerEntityFacts>;

/** The typed handle checks read the Alertmanager facts with. */
export const ALERTMANAGER_FACTS = createFactCollectorRef<AlertmanagerFacts>({
  id: ALERTMANAGER_COLLECTOR_ID,
});

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key];
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

const shown = (value: string) => JSON.stringify(value.slice(0, 80));

/**
 * Which instance and service value an entity maps to. Annotations only name things: an
 * instance declared in config and a label value that is matched, never interpolated.
 */
export function resolveEntityTarget(
  entity: Entity,
  config: PrometheusModuleConfig,
): { ok: true; target: EntityTarget } | { ok: false; problem: TargetProblem } {
  for (const [key, what, fallback] of [
    [ANNOTATIONS.prometheusInstance, 'instance', 'the default instance'],
    [
      ANNOTATIONS.prometheusService,
      'service',
      `${ANNOTATIONS.kubernetesId} or the entity's name`,
    ],
  ] as const) {
    const raw = entity.metadata.annotations?.[key];
    if (raw !== undefined && raw.trim() === '') {
      return {
        ok: false,
        problem: {
          reason: `Annotation ${key} is blank: it names no ${what} (remove it to use ${fallback})`,
          remediation: `Set ${key} to the ${what} the entity's metrics are under, or remove it.`,
        },
      };
    }
  }
  const named = annotation(entity, ANNOTATIONS.prometheusInstance);
  const declared = [...config.instances.keys()].join(', ');
  let instance: string;
  if (named !== undefined) {
    if (!config.instances.has(named)) {
      return {
        ok: false,
        problem: {
          reason: `Annotation ${ANNOTATIONS.prometheusInstance} names ${shown(
            named,
          )}, which is not a declared Prometheus instance (declared: ${declared})`,
          remediation: `Set ${ANNOTATIONS.prometheusInstance} to one of: ${declared}, or declare the instance in productionReadiness.prometheus.instances.`,
        },
      };
    }
    instance = named;
  } else if (config.defaultInstance !== undefined) {
    instance = config.defaultInstance;
  } else if (config.instances.size === 0) {
    return {
      ok: false,
      problem: {
        reason:
          'No Prometheus instance is configured (productionReadiness.prometheus.instances)',
        remediation:
          'Declare your Prometheus (and Alertmanager) in app-config under productionReadiness.prometheus.instances.',
      },
    };
  } else {
    return {
      ok: false,
      problem: {
        reason: `No Prometheus instance: annotation ${ANNOTATIONS.prometheusInstance} is missing and productionReadiness.prometheus.defaultInstance is not set`,
        remediation: `Add the annotation ${ANNOTATIONS.prometheusInstance} with one of: ${declared}, or set productionReadiness.prometheus.defaultInstance.`,
      },
    };
  }

  const candidates: Array<[string, string | undefined]> = [
    [
      ANNOTATIONS.prometheusService,
      annotation(entity, ANNOTATIONS.prometheusService),
    ],
    [ANNOTATIONS.kubernetesId, annotation(entity, ANNOTATIONS.kubernetesId)],
    ['metadata.name', entity.metadata.name],
  ];
  const [serviceSource, service] = candidates.find(([, v]) => v)!;
  const invalid = validateServiceValue(service!);
  if (invalid) {
    return {
      ok: false,
      problem: {
        reason: `The service label value from ${serviceSource} ${invalid}`,
        remediation: `Set ${
          ANNOTATIONS.prometheusService
        } to the value of the "${
          config.instances.get(instance)!.serviceLabel
        }" label of the service's targets.`,
      },
    };
  }
  return { ok: true, target: { instance, service: service!, serviceSource } };
}
