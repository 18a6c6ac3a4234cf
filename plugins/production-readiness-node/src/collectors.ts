import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EvidenceClaim } from './evidenceBinding';

/** What a collector gets besides the entities. @public */
export interface CollectorContext {
  logger: LoggerService;
  /** Aborted when the collector's time is up; pass it to every upstream request. */
  signal: AbortSignal;
  now: Date;
}

/** What a collector returns: facts per entity ref, and failures that hit some entities only. @public */
export interface CollectedFacts<TFacts> {
  /** Facts per entity ref. An entity left out has no data (checks report `unknown`). */
  facts: Map<string, TFacts>;
  /**
   * Failures per entity ref, e.g. every entity of a Prometheus instance that did not answer.
   * Checks that read this collector report `error` with the reason for these entities only.
   */
  errors?: Map<string, string>;
  /**
   * Per entity ref, the evidence the entity selects (workloads, jobs, rules, prefixes,
   * records) and how. The engine binds the claims of the whole fleet: a check reading this
   * collector fails for an entity that selects evidence claimed by another entity too, or
   * evidence that names another entity, with who else claims it and how to settle it.
   */
  claims?: Map<string, EvidenceClaim[]>;
}

/**
 * A batch collector: gathers facts for all in-scope entities at once, with a number of
 * upstream calls that depends on the upstream systems (clusters, instances, buckets), never
 * on the number of entities. A collector that throws or times out makes the checks that read
 * it report `error` for every entity it was given; other checks are unaffected.
 *
 * @public
 */
export interface FactCollector<TFacts = unknown> {
  /** Stable id checks refer to, e.g. `prometheus`. */
  id: string;
  /** For messages: "Prometheus". */
  title: string;
  /**
   * Entities the collector can find anything for, because they declare where to look (an
   * annotation); default: every entity. A check its pillar requires of an entity this leaves
   * out fails without being evaluated, with `missingDeclaration`'s text.
   */
  appliesTo?(entity: Entity): boolean;
  /**
   * What an entity left out by `appliesTo` must declare, e.g. "No workload found: add
   * backstage.io/kubernetes-id …". Shown as the failing result of every required check that
   * reads this collector.
   */
  missingDeclaration?(entity: Entity): { summary: string; remediation: string };
  collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<TFacts>>;
}

/** Declares a collector; returns it unchanged, typed. @public */
export function createFactCollector<TFacts>(
  collector: FactCollector<TFacts>,
): FactCollector<TFacts> {
  return collector;
}

/**
 * The message of a thrown value, for a collector's per-entity errors and log lines.
 *
 * @public
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
