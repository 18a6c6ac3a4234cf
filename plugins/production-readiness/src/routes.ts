import { createRouteRef } from '@backstage/core-plugin-api';

/** The fleet page. @public */
export const rootRouteRef = createRouteRef({ id: 'production-readiness' });

/** The entity tab (legacy apps mount it under the entity page). @public */
export const entityContentRouteRef = createRouteRef({
  id: 'production-readiness:entity-content',
});
