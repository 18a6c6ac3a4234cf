import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { GateAnswer } from '@production-readiness/plugin-production-readiness-common';
import { examples } from './gate.examples';

/**
 * Creates `production-readiness:gate`: asks the Production Readiness gate whether an entity
 * may be promoted, and fails the task with the blocking checks when it may not.
 *
 * @public
 */
export function createGateAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'production-readiness:gate',
    description:
      'Fails the task when the entity does not reach the Production Readiness level required for production',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe('Entity to ask about, e.g. component:default/orders-api'),
        level: z =>
          z
            .string()
            .regex(
              /^[a-z][a-z0-9-]{0,31}$/,
              'must be a level name such as silver',
            )
            .optional()
            .describe(
              'Level to require (default: the one required by the entity lifecycle)',
            ),
      },
      output: {
        allowed: z => z.boolean(),
        achievedLevel: z => z.string(),
        requiredLevel: z => z.string(),
        blocking: z =>
          z
            .array(z.string())
            .describe('checkId: summary of each blocking check'),
      },
    },
    async handler(ctx) {
      let ref;
      try {
        ref = parseEntityRef(ctx.input.entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (e) {
        throw new InputError(`entityRef: ${(e as Error).message}`);
      }
      const level = ctx.input.level;
      if (level !== undefined && !/^[a-z][a-z0-9-]{0,31}$/.test(level)) {
        throw new InputError(
          `level: must be a level name such as silver, got "${level}"`,
        );
      }
      const entity =
        `${ref.kind}:${ref.namespace}/${ref.name}`.toLocaleLowerCase('en-US');
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ask the Production Readiness gate for ${entity} at level ${
            level ?? 'required by its lifecycle'
          }`,
        );
        ctx.output('allowed', true);
        ctx.output('achievedLevel', 'dry-run');
        ctx.output('requiredLevel', level ?? 'lifecycle');
        ctx.output('blocking', []);
        return;
      }

      const baseUrl = await discovery.getBaseUrl('production-readiness');
      // Every part of the ref is a path segment; the level a query parameter: both encoded.
      const url = new URL(
        `${baseUrl}/entities/${[ref.kind, ref.namespace, ref.name]
          .map(encodeURIComponent)
          .join('/')}/gate`,
      );
      if (level) url.searchParams.set('level', level);
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'production-readiness',
      });
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        signal: ctx.signal,
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const gate = (await response.json()) as GateAnswer;
      const blocking = (gate.blocking ?? []).map(
        b => `${b.checkId} (${b.severity}, ${b.status}): ${b.summary}`,
      );
      ctx.output('allowed', gate.allowed);
      ctx.output('achievedLevel', gate.achievedLevel);
      ctx.output('requiredLevel', gate.requiredLevel);
      ctx.output('blocking', blocking);
      if (!gate.allowed) {
        throw new Error(
          `${gate.entityRef} reaches level ${gate.achievedLevel}, ${
            gate.requiredLevel
          } is required. Blocking checks:\n${blocking
            .map(b => `- ${b}`)
            .join('\n')}`,
        );
      }
      ctx.logger.info(
        `${gate.entityRef} reaches ${gate.achievedLevel} (required ${gate.requiredLevel}): allowed`,
      );
    },
  });
}
