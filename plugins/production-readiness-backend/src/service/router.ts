import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  describeIssues,
  productionReadinessReadPermission,
  productionReadinessRefreshPermission,
  productionReadinessResultsPushPermission,
  productionReadinessWaiverManagePermission,
  pushedResultSchema,
  waiverInputSchema,
} from '@production-readiness/plugin-production-readiness-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { ReadinessConfig } from '../config';
import { CheckRegistry } from '../engine/CheckRegistry';
import { ReadinessEngine } from '../engine/ReadinessEngine';
import { ReadinessStore } from '../store/ReadinessStore';
import { ReportService } from './ReportService';

const validator = makeValidator();

/** Validates a request body or query, answering 400 with every field at fault. */
function parseInput<T>(
  what: 'request body' | 'query',
  schema: z.ZodType<T>,
  input: unknown,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(`Invalid ${what}: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** The entity ref from `:kind/:namespace/:name`, validated like the catalog validates names. */
function entityRefFromParams(req: Request): string {
  const { kind, namespace, name } = req.params;
  if (!validator.isValidKind(kind)) {
    throw new InputError(`Invalid entity kind "${kind}"`);
  }
  if (!validator.isValidNamespace(namespace)) {
    throw new InputError(`Invalid entity namespace "${namespace}"`);
  }
  if (!validator.isValidEntityName(name)) {
    throw new InputError(`Invalid entity name "${name}"`);
  }
  return stringifyEntityRef({ kind, namespace, name });
}

const gateQuerySchema = z.object({
  level: z.string().min(1).optional(),
});

const overviewQuerySchema = z.object({
  owner: z.string().min(1).optional(),
  kind: z.string().min(1).optional(),
  lifecycle: z.string().min(1).optional(),
  level: z.string().min(1).optional(),
});

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: ReadinessStore;
  engine: ReadinessEngine;
  registry: CheckRegistry;
  config: ReadinessConfig;
}

/** The REST API described in `src/schema/openapi.yaml`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    auth,
    permissions,
    catalog,
    store,
    engine,
    registry,
    config,
  } = options;
  const reports = new ReportService(store, registry, config);
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  /** Who did it, for waivers and pushed results: a user ref or `service:<subject>`. */
  function principalOf(credentials: BackstageCredentials): string {
    if (auth.isPrincipal(credentials, 'user')) {
      return credentials.principal.userEntityRef;
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return `service:${credentials.principal.subject}`;
    }
    return 'unknown';
  }

  async function authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'> | BasicPermission,
    resourceRef?: string,
  ) {
    const [decision] = await permissions.authorize(
      [
        resourceRef
          ? { permission: permission as ResourcePermission, resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  /**
   * The entity of the request as the caller may see it in the catalog (the catalog's own
   * permissions apply), after checking `permission` on it.
   */
  async function entityFor(
    req: Request,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<{
    entity: Entity;
    entityRef: string;
    credentials: BackstageCredentials;
  }> {
    const entityRef = entityRefFromParams(req);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    await authorize(credentials, permission, entityRef);
    return { entity, entityRef, credentials };
  }

  router.get('/checks', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      checks: registry.definitions(),
      pillars: registry.pillars,
      levels: config.levels,
      requiredLevels: config.requiredLevels,
    });
  });

  router.get('/entities/:kind/:namespace/:name/report', async (req, res) => {
    const { entity } = await entityFor(req, productionReadinessReadPermission);
    res.json(await reports.getReport(entity));
  });

  router.get('/entities/:kind/:namespace/:name/gate', async (req, res) => {
    const query = parseInput('query', gateQuerySchema, req.query);
    const { entity } = await entityFor(req, productionReadinessReadPermission);
    res.json(await reports.getGate(entity, query.level));
  });

  const refreshLimiter = rateLimit({
    windowMs: config.refreshMinIntervalMs,
    limit: 1,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Counted per entity, after the permission check (the limiter runs inside the route).
    keyGenerator: req => entityRefFromParams(req),
    handler: (_req, res, _next, limiterOptions) => {
      res.status(limiterOptions.statusCode).json({
        error: {
          name: 'TooManyRequestsError',
          message: `This entity was refreshed less than ${Math.round(
            config.refreshMinIntervalMs / 1000,
          )} s ago; try again later`,
        },
      });
    },
  });

  router.post(
    '/entities/:kind/:namespace/:name/refresh',
    async (req, res, next) => {
      res.locals.target = await entityFor(
        req,
        productionReadinessRefreshPermission,
      );
      next();
    },
    refreshLimiter,
    async (_req, res) => {
      const { entity, entityRef } = res.locals.target as {
        entity: Entity;
        entityRef: string;
      };
      await engine.refreshEntity(entityRef);
      res.json(await reports.getReport(entity));
    },
  );

  router.get('/entities/:kind/:namespace/:name/waivers', async (req, res) => {
    const { entityRef } = await entityFor(
      req,
      productionReadinessReadPermission,
    );
    const includeExpired = req.query.includeExpired === 'true';
    const waivers = await store.listWaivers({
      entityRef,
      includeExpired,
      now: new Date(),
    });
    res.json({
      items: waivers.map(w => ({
        ...w,
        expiresAt: w.expiresAt.toISOString(),
        createdAt: w.createdAt.toISOString(),
        expired: w.expiresAt.getTime() <= Date.now(),
      })),
    });
  });

  router.post('/entities/:kind/:namespace/:name/waivers', async (req, res) => {
    const input = parseInput('request body', waiverInputSchema, req.body);
    const { entityRef, credentials } = await entityFor(
      req,
      productionReadinessWaiverManagePermission,
    );
    if (!registry.getCheck(input.check)) {
      throw new InputError(
        `Unknown check "${input.check}"; GET /checks lists them`,
      );
    }
    if (Date.parse(input.until) <= Date.now()) {
      throw new InputError(`Waiver expiry ${input.until} is in the past`);
    }
    if (Date.parse(input.until) - Date.now() > 366 * 86_400_000) {
      throw new InputError('Waivers may last at most 366 days');
    }
    const waiver = await store.addWaiver({
      entityRef,
      checkId: input.check,
      reason: input.reason,
      expiresAt: new Date(input.until),
      createdBy: principalOf(credentials),
    });
    res.status(201).json({
      ...waiver,
      expiresAt: waiver.expiresAt.toISOString(),
      createdAt: waiver.createdAt.toISOString(),
    });
  });

  router.delete(
    '/entities/:kind/:namespace/:name/waivers/:id',
    async (req, res) => {
      const { entityRef } = await entityFor(
        req,
        productionReadinessWaiverManagePermission,
      );
      if (!(await store.deleteWaiver(entityRef, req.params.id))) {
        throw new NotFoundError(
          `Waiver ${req.params.id} of ${entityRef} not found`,
        );
      }
      res.status(204).end();
    },
  );

  router.get('/overview', async (req, res) => {
    const query = parseInput('query', overviewQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const filter: Record<string, string | string[]> = {};
    if (query.owner) {
      filter['relations.ownedBy'] = stringifyEntityRef(
        parseEntityRef(query.owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    }
    if (query.lifecycle) {
      filter['spec.lifecycle'] = query.lifecycle;
    }
    filter.kind = query.kind ?? config.entityKinds;
    const { items } = await catalog.getEntities({ filter }, { credentials });
    const decisions = items.length
      ? await permissions.authorize(
          items.map(e => ({
            permission: productionReadinessReadPermission,
            resourceRef: stringifyEntityRef(e),
          })),
          { credentials },
        )
      : [];
    const readable = items.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
    let entries = await reports.getOverview(readable);
    if (query.level) {
      entries = entries.filter(e => e.achievedLevel === query.level);
    }
    res.json({ items: entries });
  });

  router.post('/results', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(credentials, productionReadinessResultsPushPermission);
    const input = parseInput('request body', pushedResultSchema, req.body);
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(input.entityRef));
    } catch (e) {
      throw new InputError(`Invalid entityRef: ${(e as Error).message}`);
    }
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    const stored = await store.addPushedResult({
      entityRef,
      type: input.type,
      observedAt: new Date(input.observedAt),
      payload: input.payload,
      pushedBy: principalOf(credentials),
    });
    res.status(201).json({
      id: stored.id,
      entityRef,
      type: stored.type,
      receivedAt: stored.receivedAt.toISOString(),
    });
  });

  return router;
}
