import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createBlmRenderAction } from './actions/blm/render';
import { createBlmValidateAction } from './actions/blm/validate';
import { createGateAction } from './actions/gate/gate';

/**
 * Scaffolder module adding the Production Readiness actions:
 * `production-readiness:blm:render`, `production-readiness:blm:validate` and
 * `production-readiness:gate`.
 *
 * @public
 */
export const scaffolderModuleProductionReadiness = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'production-readiness',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createBlmRenderAction(),
          createBlmValidateAction(),
          createGateAction({ discovery, auth }),
        );
      },
    });
  },
});
