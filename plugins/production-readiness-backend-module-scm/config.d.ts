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
    };
  };
}
