/*
 * The Production Readiness demo backend (new backend system). It runs every plugin the
 * suite integrates with, so the readiness plugins installed here see the same catalog,
 * permissions, scheduler and Kubernetes configuration a real deployment would.
 */

import { createBackend } from '@backstage/backend-defaults';
import { permissionPolicyModule } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Auth: the guest provider signs demo users in without an identity provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions, with this app's own policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

// Scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import(
    '@production-readiness/plugin-scaffolder-backend-module-production-readiness'
  ),
);

// Search (Postgres engine when the database is PostgreSQL, in-memory Lunr otherwise)
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// TechDocs
backend.add(import('@backstage/plugin-techdocs-backend'));

// Kubernetes
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Notifications and signals
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));

// Production Readiness
backend.add(
  import('@production-readiness/plugin-production-readiness-backend'),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-kubernetes'
  ),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-prometheus'
  ),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-backup'
  ),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-database-ha'
  ),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-logging'
  ),
);
backend.add(
  import(
    '@production-readiness/plugin-production-readiness-backend-module-scm'
  ),
);

backend.start();
