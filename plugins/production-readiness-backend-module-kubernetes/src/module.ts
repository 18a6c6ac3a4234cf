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
import { KubernetesPluginClusters } from './clusters/KubernetesPluginClusters';
import { serviceLocatorMethodOf } from './clusters/serviceLocator';
import { readKubernetesModuleSettings } from './config';

/**
 * Kubernetes checks for Production Readiness: availability, security, logging, backup
 * CronJobs, Velero and monitoring objects, read for the whole fleet from every cluster the
 * Backstage Kubernetes plugin of the same backend knows, through its proxy and with its
 * credentials; and the runs of backup jobs (`backup-job-runs`) for the backup module's
 * `backup.errors`.
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
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({
        config,
        logger,
        discovery,
        auth,
        lifecycle,
        checks,
        collectors,
      }) {
        const settings = readKubernetesModuleSettings(config);
        const clusters = new KubernetesPluginClusters({
          discovery,
          auth,
          logger,
          requestTimeoutMs: settings.requestTimeoutMs,
          clusterTokens: settings.clusterTokens,
        });
        // Every collector reads one listing of the clusters per refresh. An entity's clusters
        // are those the Kubernetes plugin's service locator gives it.
        const snapshots = ClusterSnapshots.create({
          clusters,
          settings,
          serviceLocator: serviceLocatorMethodOf(
            config.getOptionalString('kubernetes.serviceLocatorMethod.type'),
          ),
        });
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
