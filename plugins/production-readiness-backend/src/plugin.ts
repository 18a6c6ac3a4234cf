import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { PillarDefinition } from '@production-readiness/plugin-production-readiness-common';
import { productionReadinessPermissions } from '@production-readiness/plugin-production-readiness-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  ConfigCheckFactory,
  FactCollector,
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
  productionReadinessConfigChecksExtensionPoint,
  productionReadinessPillarsExtensionPoint,
  pushedEvidenceServiceRef,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { annotationCheckFactory } from './checks/annotationCheckFactory';
import {
  catalogChecksOptions,
  createCatalogChecks,
} from './checks/catalogChecks';
import { createCatalogCollector } from './checks/catalogCollector';
import { readReadinessConfig } from './config';
import { CheckRegistry } from './engine/CheckRegistry';
import { readConfigChecks } from './engine/configChecks';
import { DefaultReadinessEngine } from './engine/ReadinessEngine';
import { waiverAnnotationCheck } from './engine/waivers';
import { createRouter } from './service/router';
import { DatabaseRateLimits } from './store/DatabaseRateLimits';
import { DatabaseReadinessStore } from './store/DatabaseReadinessStore';

/**
 * Production Readiness backend plugin: evaluates checks for every catalog entity on a
 * schedule and on demand, stores results and change history, and serves the report, gate,
 * overview, waiver and results API.
 *
 * @public
 */
export const productionReadinessPlugin = createBackendPlugin({
  pluginId: 'production-readiness',
  register(env) {
    const checks: ReadinessCheck[] = [];
    const collectors: FactCollector[] = [];
    const pillars: PillarDefinition[] = [];
    const configCheckFactories = new Map<string, ConfigCheckFactory>([
      [annotationCheckFactory.type, annotationCheckFactory],
    ]);

    env.registerExtensionPoint(productionReadinessChecksExtensionPoint, {
      addChecks: (...added) => checks.push(...added),
    });
    env.registerExtensionPoint(productionReadinessCollectorsExtensionPoint, {
      addCollectors: (...added) => collectors.push(...added),
    });
    env.registerExtensionPoint(productionReadinessPillarsExtensionPoint, {
      addPillars: (...added) => pillars.push(...added),
    });
    env.registerExtensionPoint(productionReadinessConfigChecksExtensionPoint, {
      addConfigCheckFactories: (...factories) => {
        for (const factory of factories) {
          if (configCheckFactories.has(factory.type)) {
            throw new Error(
              `A config check factory for type "${factory.type}" is already registered`,
            );
          }
          configCheckFactories.set(factory.type, factory);
        }
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        notifications: notificationService,
        pushedEvidence: pushedEvidenceServiceRef,
      },
      async init({
        logger,
        config: rootConfig,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        userInfo,
        catalog,
        notifications,
        pushedEvidence,
      }) {
        const config = readReadinessConfig(rootConfig);
        permissionsRegistry.addPermissions(productionReadinessPermissions);

        const registry = CheckRegistry.create({
          checks: [
            ...createCatalogChecks(catalogChecksOptions(config)),
            waiverAnnotationCheck,
            ...checks,
            ...readConfigChecks(rootConfig, configCheckFactories),
          ],
          collectors: [
            createCatalogCollector({ catalog, auth }),
            ...collectors,
          ],
          pillars,
        });
        for (const rule of config.coverage.rules) {
          const unknown = rule.pillars.filter(
            p => !registry.pillars.some(known => known.id === p),
          );
          if (unknown.length) {
            throw new Error(
              `productionReadiness.coverage.rules (${
                rule.name
              }): unknown pillar(s) ${unknown.join(
                ', ',
              )}; known: ${registry.pillars.map(p => p.id).join(', ')}`,
            );
          }
        }
        const store = await DatabaseReadinessStore.create({ database });
        const rateLimits = new DatabaseRateLimits(await database.getClient());
        const engine = DefaultReadinessEngine.create({
          logger,
          catalog,
          auth,
          store,
          registry,
          config,
          notifications,
        });

        await scheduler.scheduleTask({
          id: 'production-readiness-refresh',
          ...config.schedule,
          scope: 'global',
          // After the schedule's timeout the scheduler aborts the run, and may start another
          // (here or on another replica): an aborted run writes nothing more.
          fn: async abortSignal => {
            await engine.refreshAll({ signal: abortSignal });
          },
        });

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            auth,
            permissions,
            userInfo,
            catalog,
            store,
            rateLimits,
            pushedEvidence,
            engine,
            registry,
            config,
          }),
        );
        logger.info(
          `Production Readiness: ${registry.checks.length} checks, ${registry.collectors.size} collectors`,
        );
      },
    });
  },
});
