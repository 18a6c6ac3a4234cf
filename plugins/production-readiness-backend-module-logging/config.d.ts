import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    /** Logging module: the central log stores services ship to. */
    logging?: {
      /** Log stores. Entities name one with `production-readiness.io/log-store`. */
      stores?: Array<{
        /** Name entities use in their annotation. */
        name: string;
        /** `victorialogs` (LogsQL) or `loki` (LogQL). */
        type: 'victorialogs' | 'loki';
        /** Base URL of the store's HTTP API (VictoriaLogs single node, Loki query frontend or gateway). */
        url: string;
        /** Loki: X-Scope-OrgID. VictoriaLogs: `AccountID` or `AccountID:ProjectID`. */
        tenant?: string;
        /** Basic auth user. */
        username?: string;
        /**
         * Basic auth password.
         * @visibility secret
         */
        password?: string;
        /**
         * Bearer token.
         * @visibility secret
         */
        token?: string;
        /** Field (VictoriaLogs) or label (Loki) naming the service. Default `service` / `service_name`. */
        serviceField?: string;
        /** A line carrying this field arrived structured. Default `level`. */
        levelField?: string;
        /** Field holding the trace id. Default `trace_id`. */
        traceIdField?: string;
      }>;
      /** Store of entities without the annotation. */
      defaultStore?: string;
      /** Retention of entities without `production-readiness.io/log-retention`, e.g. `30d`. */
      defaultRetention?: string;
      /** How far back recent logs reach. Default 1 hour. */
      lookback?: HumanDuration | string;
      /** Share of lines that must be structured, 0..1. Default 0.9. */
      minStructuredShare?: number;
      /** Share of lines that must carry a trace id, 0..1. Default 0.5. */
      minTraceIdShare?: number;
      /** Per request to a store. Default 10 seconds. */
      requestTimeout?: HumanDuration | string;
    };
  };
}
