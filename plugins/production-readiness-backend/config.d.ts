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
     * Level required per lifecycle for the gate to allow. A lifecycle not listed (a typo such as
     * `prod`, or none at all) requires `defaultRequiredLevel`.
     * @default { production: silver, experimental: none }
     */
    requiredLevels?: { [lifecycle: string]: string };

    /**
     * Level required of entities whose lifecycle `requiredLevels` does not name.
     * @default the level of `production` in requiredLevels
     */
    defaultRequiredLevel?: string;

    gate?: {
      /**
       * Results older than this block the gate (`gate.stale-results`).
       * @default three times schedule.frequency (30 minutes for cron schedules)
       */
      maxResultAge?: HumanDuration | string;
    };

    /**
     * Which entities face which pillars, by what they are. A check of a covered pillar that
     * finds nothing declared fails, saying what to declare. See the README for the defaults.
     */
    coverage?: {
      /**
       * Resource types that hold data and face backup (replaces the default list).
       */
      statefulTypes?: string[];
      /**
       * Resource types that hold no data: depending on them does not call for backups.
       */
      nonStatefulTypes?: string[];
      /** Replaces the default rules when given. */
      rules?: Array<{
        name?: string;
        pillars: string[];
        kind?: string[];
        type?: string[];
        notType?: string[];
        lifecycle?: string[];
        runtime?: string[];
        /**
         * Only entities whose lifecycle requires a level.
         * @default true
         */
        gated?: boolean;
        /** Only entities whose type is one of statefulTypes. */
        stateful?: boolean;
        /** Only entities that a gated entity matching this filter depends on. */
        dependencyOf?: {
          kind?: string[];
          type?: string[];
          notType?: string[];
          lifecycle?: string[];
        };
      }>;
    };

    waivers?: {
      /**
       * Longest a waiver may last; approvals of longer requests are shortened to it.
       * @default { days: 90 }
       */
      maxDuration?: HumanDuration | string;
      /**
       * How long before a waiver expires its owners are notified (once).
       * @default { days: 7 }
       */
      expiryNotice?: HumanDuration | string;
      /**
       * Whether members of the owning group may approve waiver requests of their own minor
       * checks. Critical checks are never waived by their owners.
       * @default false
       */
      allowSelfApprovalOfMinor?: boolean;
    };

    pushedResults?: {
      /**
       * Types of records external systems may push to `POST /results` besides the built-in
       * `restore-test`, `backup-run` and `load-test`; their payload is any object, read by the
       * platform's own checks. Other types are refused.
       */
      types?: string[];
      /**
       * Service principals that may push, each for some entities: the `subject` of a
       * `backend.auth.externalAccess` static token (or another service principal), with the
       * entity refs it may push for and/or the owners (groups) whose entities it may push
       * for. Other service principals get a 403. Users need the
       * `production-readiness.results.push` permission on the entity instead.
       */
      principals?: Array<{
        subject: string;
        entities?: string[];
        owners?: string[];
      }>;
      /** Pushes per caller (user or service principal) per window; beyond: 429. */
      rateLimit?: {
        /** @default 60 */
        limit?: number;
        /** @default { minutes: 1 } */
        window?: HumanDuration;
      };
    };

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
      /** Where the check runs when its pillar does not cover the entity. */
      appliesTo?: {
        kind?: string[];
        type?: string[];
        notType?: string[];
        lifecycle?: string[];
        runtime?: string[];
        hasAnnotations?: string[];
      };
      /** Where the check is required when its pillar covers the entity (default: appliesTo). */
      requiredOf?: {
        kind?: string[];
        type?: string[];
        notType?: string[];
        lifecycle?: string[];
        runtime?: string[];
        hasAnnotations?: string[];
      };
      /** The runtime whose evidence the check reads (e.g. kubernetes). */
      runtime?: string;
      /** `annotation` type: the annotation that must be present. */
      annotation?: string;
      /** `annotation` type: a regular expression the value must match. */
      pattern?: string;
    }>;

    notifications?: {
      /**
       * Notify the owning group when a critical check of an entity that must reach a level
       * stops passing (fail, error or unknown), when its gate closes, and before its waivers
       * expire.
       * @default true
       */
      enabled?: boolean;
    };
  };
}
