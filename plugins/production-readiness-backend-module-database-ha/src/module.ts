import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
  readStatefulTypes,
} from '@production-readiness/plugin-production-readiness-node';
import { createDataStoreHaCheck } from './checks/dataStoreHa';
import { PatroniCollector } from './collector/PatroniCollector';
import { readDatabaseHaSettings } from './config';

/**
 * Database high availability for Production Readiness: reads the Patroni clusters in
 * `productionReadiness.databaseHa.patroni` once per refresh and judges every data store a
 * production service depends on by its live members, leader and replication lag.
 *
 * @public
 */
export const productionReadinessModuleDatabaseHa = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'database-ha',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({ config, logger, checks, collectors }) {
        const settings = readDatabaseHaSettings(config);
        if (!settings.patroni.length) {
          logger.warn(
            'No Patroni cluster configured (productionReadiness.databaseHa.patroni): data stores that production services depend on will fail availability.data-store-ha until one names its cluster',
          );
        }
        collectors.addCollectors(new PatroniCollector(settings));
        checks.addChecks(
          createDataStoreHaCheck({
            statefulTypes: readStatefulTypes(config),
            maxReplicationLagBytes: settings.maxReplicationLagBytes,
          }),
        );
      },
    });
  },
});
