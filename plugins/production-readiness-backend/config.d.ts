import { HumanDuration } from '@backstage/types';
import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Production Readiness engine. */
  productionReadiness?: {
    /**
     * Entity kinds the engine evaluates.
     * @default ["Component", "Resource", "System", "API"]
     */
    entityKinds?: string[];

    /**
     * When the whole fleet is re-evaluated. Runs on one replica at a time (global task).
     * @default { frequency: { minutes: 10 }, timeout: { minutes: 15 }, initialDelay: { seconds: 15 } }
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    collectors?: {
      /**
       * Time limit of one collector in one refresh; a collector over it gives `error` results.
       * @default { seconds: 60 }
       */
      timeout?: HumanDuration | string;
      /**
       * How many collectors run at once.
       * @default 4
       */
      concurrency?: number;
    };

    /** On-demand refresh of one entity (`POST .../refresh`). */
    refresh?: {
      /**
       * Minimum time between two on-demand refreshes of the same entity (per replica).
       * @default { seconds: 30 }
       */
      minInterval?: HumanDuration | string;
    };

    /**
     * Readiness levels, lowest first; each lists the severities whose checks must all be
     * satisfied (pass, warn or waived).
     * @default [{ name: bronze, severities: [critical] }, { name: silver, severities: [critical, major] }, { name: gold, severities: [critical, major, minor] }]
     */
    levels?: Array<{
      name: string;
      severities: Array<'critical' | 'major' | 'minor'>;
    }>;

    /**
     * Level required per lifecycle for the gate to allow; lifecycles not listed require `none`.
     * @default { production: silver }
     */
    requiredLevels?: { [lifecycle: string]: string };

    retention?: {
      /**
       * How long history, score trend and pushed results are kept.
       * @default { days: 180 }
       */
      history?: HumanDuration | string;
    };

    /**
     * Checks declared without code. Every entry has the common fields; `type` selects the
     * evaluator: `annotation` (built in: `annotation`, optional `pattern`) or a type a module
     * provides (the Prometheus module: `prometheus-query`).
     */
    checks?: Array<{
      id: string;
      type: string;
      pillar: string;
      title: string;
      description?: string;
      severity: 'critical' | 'major' | 'minor';
      remediation: string;
      docsUrl?: string;
      appliesTo?: {
        kind?: string[];
        type?: string[];
        lifecycle?: string[];
        hasAnnotations?: string[];
      };
      /** `annotation` type: the annotation that must be present. */
      annotation?: string;
      /** `annotation` type: a regular expression the value must match. */
      pattern?: string;
    }>;

    notifications?: {
      /**
       * Notify the owning group when a critical check of a production entity goes from
       * pass to fail.
       * @default true
       */
      enabled?: boolean;
    };
  };
}
