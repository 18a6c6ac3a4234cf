import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import { createLogsInStoreCheck } from './checks/logsInStore';
import { createRetentionCoveredCheck } from './checks/retentionCovered';
import { createStructuredLogsCheck } from './checks/structuredLogs';
import { createTraceIdsCheck } from './checks/traceIds';
import { LogStoreCollector } from './collector/LogStoreCollector';
import { LoggingSettings, readLoggingSettings } from './config';

/** The module's checks, as the settings tune them. */
export function createLoggingChecks(settings: LoggingSettings) {
  return [
    createLogsInStoreCheck(),
    createRetentionCoveredCheck(),
    createStructuredLogsCheck(settings),
    createTraceIdsCheck(settings),
  ];
}

/**
 * Logging for Production Readiness: reads the log stores in
 * `productionReadiness.logging.stores` once per refresh (one grouped query per store for every
 * service) and judges whether each service's logs reach the store, are structured, carry trace
 * ids, and are kept as long as declared.
 *
 * @public
 */
export const productionReadinessModuleLogging = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'logging',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({ config, logger, checks, collectors }) {
        const settings = readLoggingSettings(config);
        if (!settings.stores.size) {
          logger.warn(
            'No log store configured (productionReadiness.logging.stores): production services will fail logging.logs-in-store until their logs reach one',
          );
        }
        collectors.addCollectors(new LogStoreCollector(settings));
        checks.addChecks(...createLoggingChecks(settings));
      },
    });
  },
});
