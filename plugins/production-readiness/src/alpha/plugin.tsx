import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import {
  ProductionReadinessClient,
  productionReadinessApiRef,
} from '@production-readiness/plugin-production-readiness-react';
import { isProductionReadinessAvailable } from '../isProductionReadinessAvailable';

const fleetRouteRef = createRouteRef();

/** The API client, built from the app's discovery and fetch APIs. @alpha */
export const productionReadinessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: productionReadinessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ProductionReadinessClient({ discoveryApi, fetchApi }),
    }),
});

/** The "Production Readiness" entity tab. @alpha */
export const productionReadinessEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/production-readiness',
    title: 'Production Readiness',
    filter: isProductionReadinessAvailable,
    loader: () =>
      import('../components/EntityReadinessContent').then(m => (
        <m.EntityReadinessContent />
      )),
  },
});

/** The readiness card for the entity Overview tab. @alpha */
export const productionReadinessEntityCard = EntityCardBlueprint.make({
  params: {
    // Beside "About": the level and what blocks production are the first things to see.
    type: 'info',
    filter: isProductionReadinessAvailable,
    loader: () =>
      import('../components/ReadinessOverviewCard').then(m => (
        <m.ReadinessOverviewCard />
      )),
  },
});

/** The fleet page, with its nav item. @alpha */
export const productionReadinessPage = PageBlueprint.make({
  params: {
    path: '/production-readiness',
    // The nav item's label; the page header says "Production Readiness".
    title: 'Readiness',
    icon: <AssignmentTurnedInIcon fontSize="inherit" />,
    routeRef: fleetRouteRef,
    noHeader: true,
    loader: () => import('../components/FleetPage').then(m => <m.FleetPage />),
  },
});

/**
 * Production Readiness for the new frontend system: the entity tab and card on Components,
 * Resources, Systems and APIs, the fleet page and its nav item, and the API client.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'production-readiness',
  title: 'Production Readiness',
  icon: <AssignmentTurnedInIcon fontSize="inherit" />,
  extensions: [
    productionReadinessApi,
    productionReadinessEntityContent,
    productionReadinessEntityCard,
    productionReadinessPage,
  ],
  routes: { root: fleetRouteRef },
});
