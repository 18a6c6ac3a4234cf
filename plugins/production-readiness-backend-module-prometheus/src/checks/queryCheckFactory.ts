import { Config } from '@backstage/config';
import {
  checkResult,
  ConfigCheckFactory,
} from '@production-readiness/plugin-production-readiness-node';
import { PROMETHEUS_COLLECTOR_ID } from '../collectors/facts';
import { withPrometheus } from './prometheusFacts';
import { QueryCheckSpec } from '../collectors/PrometheusCollector';
import { parseQueryTemplate } from '../promql/promql';

/** Comparisons a `prometheus-query` check may expect. */
export const COMPARISONS = {
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '==': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
} as const;

type Op = keyof typeof COMPARISONS;

/** A parsed `prometheus-query` entry. */
export interface QueryCheckConfig extends QueryCheckSpec {
  op: Op;
  value: number;
}

/**
 * Reads the type-specific fields of a `prometheus-query` entry; throws naming the field.
 * `instances` are the declared instance names.
 */
export function readQueryCheckConfig(
  checkId: string,
  config: Config,
  instances: ReadonlySet<string>,
): QueryCheckConfig {
  const template = parseQueryTemplate(config.getString('query'));
  const instance = config.getOptionalString('instance');
  if (instance !== undefined && !instances.has(instance)) {
    throw new Error(
      `field "instance" names "${instance}", which is not one of productionReadiness.prometheus.instances: ${[
        ...instances,
      ].join(', ')}`,
    );
  }
  const op = config.getString('expect.op');
  if (!(op in COMPARISONS)) {
    throw new Error(
      `field "expect.op" must be one of ${Object.keys(COMPARISONS).join(' ')}`,
    );
  }
  const value = config.getNumber('expect.value');
  return { checkId, template, instance, op: op as Op, value };
}

/** Reads every `prometheus-query` entry of `productionReadiness.checks`. */
export function readQueryChecks(
  root: Config,
  instances: ReadonlySet<string>,
): QueryCheckConfig[] {
  return (root.getOptionalConfigArray('productionReadiness.checks') ?? [])
    .filter(entry => entry.getOptionalString('type') === 'prometheus-query')
    .map(entry => {
      const id = entry.getString('id');
      try {
        return readQueryCheckConfig(id, entry, instances);
      } catch (e) {
        throw new Error(
          `productionReadiness.checks (${id}): ${(e as Error).message}`,
        );
      }
    });
}

const describeNumber = (n: number) =>
  Number.isFinite(n) ? String(+n.toPrecision(6)) : String(n);

/**
 * Config checks of `type: prometheus-query`. The module's Prometheus collector runs every
 * such query once per instance for all services (read from config at startup); the check
 * compares the service's value with `expect`.
 */
export function createQueryCheckFactory(
  instances: ReadonlySet<string>,
): ConfigCheckFactory {
  return {
    type: 'prometheus-query',
    create({ definition, config }) {
      const spec = readQueryCheckConfig(definition.id, config, instances);
      const compare = COMPARISONS[spec.op];
      const expectation = `${spec.op} ${spec.value}`;
      return {
        ...definition,
        sources: [PROMETHEUS_COLLECTOR_ID],
        collectors: [PROMETHEUS_COLLECTOR_ID],
        evaluate: withPrometheus(f => {
          const source = `prometheus:${spec.instance ?? f.instance}`;
          const outcome = f.queries[definition.id];
          const service = `${spec.template.label}=${JSON.stringify(f.service)}`;
          const queryEvidence = {
            label: 'query',
            value: spec.template.template,
            source,
          };
          if (!outcome) {
            return checkResult.unknown(
              `The query returned no series for ${service}`,
              [queryEvidence],
              'Make sure the service exposes the queried metrics, or that the entity names the right service label value.',
            );
          }
          if (!outcome.ok) {
            return checkResult.error(`Query failed: ${outcome.error}`, [
              queryEvidence,
            ]);
          }
          const evidence = [
            queryEvidence,
            {
              label: `value for ${service}`,
              value: outcome.values.map(describeNumber),
              source,
            },
          ];
          const failing = outcome.values.filter(v => !compare(v, spec.value));
          const shown = outcome.values.map(describeNumber).join(', ');
          return failing.length
            ? checkResult.fail(
                `${service}: ${shown}, expected ${expectation}`,
                evidence,
              )
            : checkResult.pass(
                `${service}: ${shown} (expected ${expectation})`,
                evidence,
              );
        }),
      };
    },
  };
}
