import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    scm?: {
      /** Repositories read at once. Default 4. */
      concurrency?: number;
      /**
       * Names that make a CI job a scan when an action, image or command contains them
       * (case-insensitive). Default: trivy, grype, anchore, codeql, snyk, osv-scanner,
       * dependency-check.
       */
      scanners?: string[];
      /**
       * How old the latest successful run of a default-branch workflow may be for
       * delivery.pipeline-green (`{ days: 30 }`, `P30D`, `30d`). Default 30 days.
       */
      maxRunAge?: HumanDuration | string;
      /**
       * Registries (`ghcr.io`) or registry paths (`ghcr.io/acme`) deployed images must come
       * from, for delivery.artifacts-pinned. Unset: registries are not checked.
       */
      allowedRegistries?: string[];
    };
  };
}
