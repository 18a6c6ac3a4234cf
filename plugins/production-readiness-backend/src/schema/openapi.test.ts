import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createRouter, RouterOptions } from '../service/router';

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
      config: { refreshMinIntervalMs: 30_000 },
    } as unknown as RouterOptions);
    const served = (router as unknown as { stack: any[] }).stack
      .filter(layer => layer.route)
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
