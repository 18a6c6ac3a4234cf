import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    /** Database high availability module. */
    databaseHa?: {
      /**
       * Patroni clusters. Entities name one with the annotation
       * `production-readiness.io/patroni-cluster`.
       */
      patroni?: Array<{
        /** Name entities use in their annotation. */
        name: string;
        /**
         * REST API base URLs of the cluster's members (`restapi.connect_address`), tried in
         * order until one answers `GET /cluster`.
         */
        urls: string[];
      }>;
      /** A replica further behind its leader than this warns. Default 16 MiB. */
      maxReplicationLagBytes?: number;
      /** Per request to a Patroni member. Default 5 seconds. */
      requestTimeout?: HumanDuration | string;
    };
  };
}
