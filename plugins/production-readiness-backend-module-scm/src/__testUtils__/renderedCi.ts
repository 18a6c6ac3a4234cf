import {
  blmRenderInputSchema,
  renderBlmBundle,
} from '@production-readiness/plugin-scaffolder-backend-module-production-readiness';
import { z } from 'zod/v3';

/** The CI files the service template renders (both providers). */
export function renderedCi(): { github: string; gitlab: string } {
  const bundle = renderBlmBundle(
    blmRenderInputSchema(z).parse({
      name: 'orders-api',
      owner: 'group:default/team-orders',
      system: 'webshop',
      image: 'ghcr.io/acme/orders-api',
      alertReceiver: 'team-orders',
      onCall: 'pagerduty:P123ABC',
      runbookUrl: 'https://runbooks.example.com/orders-api',
      database: false,
      ciProvider: 'both',
      gitRepoUrl: 'https://github.com/acme/orders-api.git',
    }),
  );
  const file = (path: string) => bundle.find(f => f.path === path)!.content;
  return {
    github: file('.github/workflows/ci.yaml'),
    gitlab: file('.gitlab-ci.yml'),
  };
}
