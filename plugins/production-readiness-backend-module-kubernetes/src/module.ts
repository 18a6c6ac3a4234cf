import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import { createKubernetesChecks } from './checks/createKubernetesChecks';
import { BackupJobRunsCollector } from './collector/BackupJobRunsCollector';
import { DeployedImagesCollector } from './collector/DeployedImagesCollector';
import { OperatorDatabaseClustersCollector } from './collector/OperatorDatabaseClustersCollector';
import { ClusterSnapshots } from './collector/ClusterSnapshots';
import { KubernetesCollector } from './collector/KubernetesCollector';
import { readClusterDefinitions, readKubernetesModuleSettings } from './config';

/**
 * Kubernetes checks for Production Readiness: availability, security, logging, backup
 * CronJobs, Velero and monitoring objects, read for the whole fleet from the clusters
 * configured for the Backstage Kubernetes plugin; and the runs of backup jobs
 * (`backup-job-runs`) for the backup module's `backup.errors`.
 *
 * @public
 */
export const productionReadinessModuleKubernetes = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({ config, logger, lifecycle, checks, collectors }) {
        const settings = readKubernetesModuleSettings(config);
        const clusters = readClusterDefinitions(config, logger);
        if (clusters.length === 0) {
          logger.warn(
            'No usable cluster in kubernetes.clusterLocatorMethods; Kubernetes checks will report unknown',
          );
        } else {
          logger.info(
            `Kubernetes checks read clusters ${clusters
              .map(c => c.name)
              .join(', ')}`,
          );
        }
        // Every collector reads one listing of the clusters per refresh.
        const snapshots = ClusterSnapshots.create({ clusters, settings });
        lifecycle.addShutdownHook(() => snapshots.close());
        const kubernetes = new KubernetesCollector(snapshots);
        collectors.addCollectors(
          kubernetes,
          new DeployedImagesCollector(kubernetes),
          new BackupJobRunsCollector(snapshots),
          new OperatorDatabaseClustersCollector(snapshots),
        );
        checks.addChecks(...createKubernetesChecks(settings));
      },
    });
  },
});
