import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  productionReadinessChecksExtensionPoint,
  productionReadinessCollectorsExtensionPoint,
  readPositiveDurationMs,
} from '@production-readiness/plugin-production-readiness-node';
import { createPipelineDefinedCheck } from './checks/pipelineDefined';
import { createArtifactsPinnedCheck } from './checks/artifactsPinned';
import {
  createPipelineGreenCheck,
  DEFAULT_MAX_RUN_AGE_MS,
} from './checks/pipelineGreen';
import { gitHubReaders } from './collector/gitHubReaders';
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
            ...gitHubReaders(config),
          }),
        );
        checks.addChecks(
          createPipelineDefinedCheck({
            scanners: scm?.getOptionalStringArray('scanners'),
          }),
          createPipelineGreenCheck({
            maxRunAgeMs: readPositiveDurationMs(scm, 'maxRunAge', {
              fallback: DEFAULT_MAX_RUN_AGE_MS,
              path: 'productionReadiness.scm',
            }),
          }),
          createArtifactsPinnedCheck({
            allowedRegistries: scm?.getOptionalStringArray('allowedRegistries'),
          }),
        );
      },
    });
  },
});
