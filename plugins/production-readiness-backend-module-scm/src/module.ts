import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
} from '@production-readiness/plugin-production-readiness-node';
import { createPipelineDefinedCheck } from './checks/pipelineDefined';
import { ScmCollector } from './collector/ScmCollector';

/**
 * Delivery pipelines for Production Readiness: reads each entity's repository
 * (`backstage.io/source-location`) through the backend's UrlReader and judges its CI
 * definitions.
 *
 * @public
 */
export const productionReadinessModuleScm = createBackendModule({
  pluginId: 'production-readiness',
  moduleId: 'scm',
  register(reg) {
    reg.registerInit({
      deps: {
        urlReader: coreServices.urlReader,
        config: coreServices.rootConfig,
        checks: productionReadinessChecksExtensionPoint,
        collectors: productionReadinessCollectorsExtensionPoint,
      },
      async init({ urlReader, config, checks, collectors }) {
        const scm = config.getOptionalConfig('productionReadiness.scm');
        collectors.addCollectors(
          new ScmCollector(urlReader, {
            concurrency: scm?.getOptionalNumber('concurrency') ?? 4,
          }),
        );
        checks.addChecks(
          createPipelineDefinedCheck({
            scanners: scm?.getOptionalStringArray('scanners'),
          }),
        );
      },
    });
  },
});
