import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readReadinessConfig } from '../config';
import { createRouter, RouterOptions } from '../service/router';
import { DatabaseRateLimits } from '../store/DatabaseRateLimits';

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', async () => {
    const spec = parse(
      readFileSync(
        resolvePackagePath(
          '@production-readiness/plugin-production-readiness-backend',
          'src/schema/openapi.yaml',
        ),
        'utf8',
      ),
    );
    const documented = Object.entries(spec.paths as Record<string, object>)
      .flatMap(([path, methods]) =>
        Object.keys(methods).map(m => `${m.toUpperCase()} ${path}`),
      )
      .sort();

    // Only route registration is inspected; no handler runs.
    const router = await createRouter({
      config: readReadinessConfig(new ConfigReader({})),
      // Counters are touched by requests only.
      rateLimits: new DatabaseRateLimits({} as Knex),
    } as unknown as RouterOptions);
    // Routes of the router and of the routers it mounts.
    const routes = (stack: any[]): any[] =>
      stack.flatMap(layer =>
        layer.route ? [layer] : routes(layer.handle?.stack ?? []),
      );
    const served = routes((router as unknown as { stack: any[] }).stack)
      .flatMap(layer =>
        Object.keys(layer.route.methods).map(
          m =>
            `${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        ),
      )
      .sort();

    expect(served).toEqual(documented);
  });
});
