import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
  pushedEvidenceServiceRef,
  readStatefulTypes,
} from '@production-readiness/plugin-production-readiness-node';
import { createBackupChecks } from './checks/backupChecks';
import { BackupCollector } from './collector/BackupCollector';
import { readBackupModuleSettings } from './config';

/**
 * Backup storage checks for Production Readiness: reads pgBackRest, WAL-G, Velero and dump
 * metadata and restore-test records from the locations in `productionReadiness.backup`, and
 * the restore tests and backup runs pushed to the plugin's API.
 *
 * @public
 */
export const productionReadinessModuleBackup = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'backup',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
        pushedEvidence: pushedEvidenceServiceRef,
      },
      async init({ config, logger, checks, collectors, pushedEvidence }) {
        const settings = readBackupModuleSettings(config);
        if (!settings.locations.length) {
          logger.warn(
            'No backup locations configured (productionReadiness.backup.locations): backup checks will report unknown',
          );
        }
        collectors.addCollectors(
          BackupCollector.create({
            locations: settings.locations,
            readConcurrency: settings.readConcurrency,
            dumpChecksums: settings.dumpChecksums,
            pushedEvidence,
          }),
        );
        checks.addChecks(
          ...createBackupChecks(settings.checks, readStatefulTypes(config)),
        );
      },
    });
  },
});
