import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    /** Prometheus and Alertmanager module. */
    prometheus?: {
      /**
       * Instance used by entities without the `production-readiness.io/prometheus-instance`
       * annotation. Defaults to the only instance when exactly one is declared.
       */
      defaultInstance?: string;

      /**
       * Target label that names a service (the value entities are matched on).
       * @default job
       */
      serviceLabel?: string;

      /**
       * Time limit of one upstream request (the engine's collector timeout still applies).
       * @default { seconds: 10 }
       */
      requestTimeout?: HumanDuration | string;

      /**
       * Retries of a request that failed with a network error, a timeout, 429 or 5xx.
       * @default 2
       */
      retries?: number;

      /**
       * Largest response body read from an upstream, in bytes.
       * @default 33554432 (32 MiB)
       */
      maxResponseBytes?: number;

      /**
       * A target whose last scrape is older than this is stale (in addition to 3 scrape
       * intervals when Prometheus reports the interval).
       * @default { minutes: 5 }
       */
      scrapeMaxAge?: HumanDuration | string;

      /**
       * VM hosts (runtime vm): the last successful logrotate run, as the textfile metric
       * `logrotate_last_success_timestamp_seconds` shows it, may be this old. Default 26 hours.
       */
      vmRotationMaxAge?: HumanDuration | string;

      /** VM hosts: a live log file (`logrotate_log_file_bytes`) larger than this fails. Default 1 GiB. */
      vmLogFileMaxBytes?: number;

      /**
       * Warn when a critical alert of the service has been firing for longer than this.
       * @default { hours: 4 }
       */
      criticalFiringWarnAfter?: HumanDuration | string;

      /**
       * Values of the `severity` label that mark an alert as critical.
       * @default ["critical", "page"]
       */
      criticalSeverities?: string[];

      /**
       * What monitoring.alert-routing gives a critical alert whose routes notify nobody during
       * part of the week (mute_time_intervals, or outside active_time_intervals).
       * @default fail
       */
      routingGaps?: 'fail' | 'warn';

      /** Prometheus servers, each named; entities refer to them by name. */
      instances: Array<{
        /** Name entities use in `production-readiness.io/prometheus-instance`. */
        name: string;
        /** Prometheus base URL, e.g. `http://prometheus.monitoring:9090`. */
        baseUrl: string;
        /**
         * Overrides the module's `serviceLabel` for this instance.
         */
        serviceLabel?: string;
        /**
         * Extra request headers, e.g. `X-Scope-OrgID`.
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /**
         * Bearer token sent as `Authorization: Bearer ...`.
         * @visibility secret
         */
        token?: string;
        /** HTTP basic authentication. */
        basicAuth?: {
          username: string;
          /** @visibility secret */
          password: string;
        };
        /** The Alertmanager this Prometheus sends its alerts to. */
        alertmanager?: {
          /** Alertmanager base URL, e.g. `http://alertmanager.monitoring:9093`. */
          baseUrl: string;
          /**
           * Extra request headers.
           * @visibility secret
           */
          headers?: { [name: string]: string };
          /**
           * Bearer token.
           * @visibility secret
           */
          token?: string;
          basicAuth?: {
            username: string;
            /** @visibility secret */
            password: string;
          };
        };
      }>;
    };

    /**
     * Config-declared checks. Entries of `type: prometheus-query` are evaluated by this
     * module; the common fields are described by the engine.
     */
    checks?: Array<{
      /**
       * `prometheus-query`: PromQL whose only substitution is `$service`, allowed only as
       * the value of an equality label matcher on the service label, e.g.
       * `sum by (job) (up{job="$service"})`. The result must keep the service label.
       */
      query?: string;
      /** `prometheus-query`: instance to run on; default: each entity's instance. */
      instance?: string;
      /** `prometheus-query`: how the service's value must compare. */
      expect?: {
        op: '>' | '>=' | '<' | '<=' | '==' | '!=';
        value: number;
      };
    }>;
  };
}
