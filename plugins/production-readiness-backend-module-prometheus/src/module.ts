import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
  productionReadinessConfigChecksExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import { createPrometheusChecks } from './checks/createPrometheusChecks';
import {
  createQueryCheckFactory,
  readQueryChecks,
} from './checks/queryCheckFactory';
import { AlertmanagerCollector } from './collectors/AlertmanagerCollector';
import { HaproxyBackendsCollector } from './collectors/HaproxyBackendsCollector';
import { PostgresReplicationCollector } from './collectors/PostgresReplicationCollector';
import { PrometheusCollector } from './collectors/PrometheusCollector';
import { VmHostsCollector } from './collectors/VmHostsCollector';
import { createVmHostsUpCheck } from './checks/availability/vmHostsUp';
import { createVmLogRotationCheck } from './checks/logging/vmLogRotation';
import { createVmDiskFillAlertCheck } from './checks/logging/vmDiskFillAlert';
import { createVmServiceActiveCheck } from './checks/availability/vmServiceActive';
import { readPrometheusModuleConfig } from './config';

/**
 * Production Readiness checks against live Prometheus and Alertmanager: scraped and up,
 * healthy alert rules, baseline coverage, disk-fill alert, SLO rules, routing to the owning
 * team, dead-man's switch, long-firing critical alerts, and `prometheus-query` config checks.
 *
 * @public
 */
export const productionReadinessModulePrometheus = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
        configChecks: productionReadinessConfigChecksExtensionPoint,
      },
      async init({ config, logger, checks, collectors, configChecks }) {
        const moduleConfig = readPrometheusModuleConfig(config);
        const instances = new Set(moduleConfig.instances.keys());
        const queryChecks = readQueryChecks(config, instances);
        collectors.addCollectors(
          PrometheusCollector.create({ config: moduleConfig, queryChecks }),
          AlertmanagerCollector.create({ config: moduleConfig }),
          // Read by the database-ha module's availability.data-store-ha, where installed.
          HaproxyBackendsCollector.create({ config: moduleConfig }),
          PostgresReplicationCollector.create({ config: moduleConfig }),
          VmHostsCollector.create({ config: moduleConfig }),
        );
        checks.addChecks(
          ...createPrometheusChecks(moduleConfig),
          // Services that run on VMs: replace the Kubernetes checks of these pillars.
          createVmHostsUpCheck(),
          createVmLogRotationCheck(moduleConfig),
          createVmDiskFillAlertCheck(),
          createVmServiceActiveCheck(),
        );
        configChecks.addConfigCheckFactories(
          createQueryCheckFactory(instances),
        );
        logger.info(
          `Prometheus module: ${instances.size} instances (${[
            ...instances,
          ].join(', ')}), ${queryChecks.length} prometheus-query checks`,
        );
      },
    });
  },
});
