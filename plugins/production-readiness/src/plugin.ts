import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  ProductionReadinessClient,
  productionReadinessApiRef,
} from '@production-readiness/plugin-production-readiness-react';
import { entityContentRouteRef, rootRouteRef } from './routes';

/** The Production Readiness plugin for apps on the legacy frontend system. @public */
export const productionReadinessPlugin = createPlugin({
  id: 'production-readiness',
  apis: [
    createApiFactory({
      api: productionReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ProductionReadinessClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The fleet page; mount it at `/production-readiness`. @public */
export const ProductionReadinessPage = productionReadinessPlugin.provide(
  createRoutableExtension({
    name: 'ProductionReadinessPage',
    component: () => import('./components/FleetPage').then(m => m.FleetPage),
    mountPoint: rootRouteRef,
  }),
);

/** The entity tab; mount it in an `EntityLayout.Route`. @public */
export const EntityProductionReadinessContent =
  productionReadinessPlugin.provide(
    createRoutableExtension({
      name: 'EntityProductionReadinessContent',
      component: () =>
        import('./components/EntityReadinessContent').then(
          m => m.EntityReadinessContent,
        ),
      mountPoint: entityContentRouteRef,
    }),
  );

/** The card for the entity Overview tab. @public */
export const EntityProductionReadinessCard = productionReadinessPlugin.provide(
  createComponentExtension({
    name: 'EntityProductionReadinessCard',
    component: {
      lazy: () =>
        import('./components/ReadinessOverviewCard').then(
          m => m.ReadinessOverviewCard,
        ),
    },
  }),
);
