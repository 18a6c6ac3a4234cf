import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
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
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  formatDuration,
  parseWaiverAnnotation,
  productionReadinessReadPermission,
  productionReadinessRefreshPermission,
  productionReadinessWaiverManagePermission,
  waiverInputSchema,
} from '@production-readiness/plugin-production-readiness-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PushedEvidenceService } from '@production-readiness/plugin-production-readiness-node';
import { createPushedResultsRoute } from './pushedResultsRoute';
import { createRateLimiter, parseInput, principalOf } from './requests';
import { ReadinessConfig } from '../config';
import { CheckRegistry } from '../engine/CheckRegistry';
import { ReadinessEngine } from '../engine/ReadinessEngine';
import { ownerRef } from '../ownerRef';
import { DatabaseRateLimits } from '../store/DatabaseRateLimits';
import { ReadinessStore, StoredWaiver } from '../store/ReadinessStore';
import { ReportService } from './ReportService';

const validator = makeValidator();

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

const approvalSchema = z.object({
  /** Ends the waiver earlier than requested; never later. */
  until: waiverInputSchema.shape.until.optional(),
});

function waiverJson(w: StoredWaiver) {
  return {
    id: w.id,
    entityRef: w.entityRef,
    checkId: w.checkId,
    reason: w.reason,
    origin: w.origin,
    state: 'approved' as const,
    requestedBy: w.requestedBy,
    approvedBy: w.createdBy,
    approvedAt: w.createdAt.toISOString(),
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    expiresAt: w.expiresAt.toISOString(),
    expired: w.expiresAt.getTime() <= Date.now(),
  };
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
  userInfo: UserInfoService;
  catalog: CatalogService;
  store: ReadinessStore;
  /** Rate limit counters shared by the replicas. */
  rateLimits: DatabaseRateLimits;
  pushedEvidence: PushedEvidenceService;
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
    userInfo,
    catalog,
    store,
    rateLimits,
    pushedEvidence,
    engine,
    registry,
    config,
  } = options;
  const reports = new ReportService(store, registry, config, pushedEvidence);
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  async function authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    resourceRef: string,
  ) {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
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

  /**
   * Refuses a waiver its own owners would grant themselves: a critical check is never waived
   * by a member of the owning group, and an annotation request is approved by someone else
   * (self-approval of minor checks only where `waivers.allowSelfApprovalOfMinor` says so).
   */
  async function refuseSelfWaiver(request: {
    entity: Entity;
    credentials: BackstageCredentials;
    checkId: string;
    approvingRequest: boolean;
  }) {
    const { entity, credentials, checkId, approvingRequest } = request;
    const owner = ownerRef(entity);
    if (!owner || !auth.isPrincipal(credentials, 'user')) {
      return;
    }
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const owns = ownershipEntityRefs.some(
      ref =>
        ref.toLocaleLowerCase('en-US') === owner.toLocaleLowerCase('en-US'),
    );
    if (!owns) {
      return;
    }
    const severity = registry.getCheck(checkId)?.severity;
    if (severity === 'critical') {
      throw new NotAllowedError(
        `${checkId} is a critical check of ${owner}'s entity: its owners cannot waive it; ask someone outside ${owner} with the waiver permission (the platform team)`,
      );
    }
    if (
      approvingRequest &&
      !(severity === 'minor' && config.waivers.allowSelfApprovalOfMinor)
    ) {
      throw new NotAllowedError(
        `The waiver request for ${checkId} comes from ${owner}, of which you are a member: someone outside the owning team must approve it`,
      );
    }
  }

  function checkExpiry(until: string) {
    if (Date.parse(until) <= Date.now()) {
      throw new InputError(`Waiver expiry ${until} is in the past`);
    }
    if (Date.parse(until) - Date.now() > config.waivers.maxDurationMs) {
      throw new InputError(
        `Waivers may last at most ${formatDuration(
          config.waivers.maxDurationMs,
        )} (productionReadiness.waivers.maxDuration)`,
      );
    }
  }

  router.get('/checks', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      checks: registry.definitions(),
      pillars: registry.pillars,
      levels: config.levels,
      requiredLevels: config.requiredLevels,
      defaultRequiredLevel: config.defaultRequiredLevel,
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

  const refreshLimiter = createRateLimiter({
    store: rateLimits.store('refresh', config.refreshMinIntervalMs),
    windowMs: config.refreshMinIntervalMs,
    limit: 1,
    // Counted per entity, after the permission check (the limiter runs inside the route).
    key: req => entityRefFromParams(req),
    message: () =>
      `This entity was refreshed less than ${Math.round(
        config.refreshMinIntervalMs / 1000,
      )} s ago; try again later`,
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
    res.json({ items: waivers.map(waiverJson) });
  });

  router.post('/entities/:kind/:namespace/:name/waivers', async (req, res) => {
    const input = parseInput('request body', waiverInputSchema, req.body);
    const { entity, entityRef, credentials } = await entityFor(
      req,
      productionReadinessWaiverManagePermission,
    );
    if (!registry.getCheck(input.check)) {
      throw new InputError(
        `Unknown check "${input.check}"; GET /checks lists them`,
      );
    }
    checkExpiry(input.until);
    await refuseSelfWaiver({
      entity,
      credentials,
      checkId: input.check,
      approvingRequest: false,
    });
    const waiver = await store.addWaiver({
      entityRef,
      checkId: input.check,
      reason: input.reason,
      expiresAt: new Date(input.until),
      origin: 'api',
      createdBy: principalOf(auth, credentials),
    });
    await engine.refreshEntity(entityRef);
    res.status(201).json(waiverJson(waiver));
  });

  router.post(
    '/entities/:kind/:namespace/:name/waivers/requests/:checkId/approve',
    async (req, res) => {
      const input = parseInput('request body', approvalSchema, req.body ?? {});
      const { entity, entityRef, credentials } = await entityFor(
        req,
        productionReadinessWaiverManagePermission,
      );
      const { checkId } = req.params;
      const declared = parseWaiverAnnotation(entity.metadata.annotations);
      if (!declared.ok) {
        throw new InputError(declared.error);
      }
      const request = declared.value.find(w => w.checkId === checkId);
      if (!request) {
        throw new NotFoundError(
          `${entityRef} requests no waiver for ${checkId} in its production-readiness.io/waivers annotation`,
        );
      }
      if (!registry.getCheck(checkId)) {
        throw new InputError(
          `Unknown check "${checkId}"; GET /checks lists them`,
        );
      }
      await refuseSelfWaiver({
        entity,
        credentials,
        checkId,
        approvingRequest: true,
      });
      const ends = [
        Date.parse(request.expiresAt),
        Date.now() + config.waivers.maxDurationMs,
        ...(input.until ? [Date.parse(input.until)] : []),
      ];
      const expiresAt = new Date(Math.min(...ends));
      if (expiresAt.getTime() <= Date.now()) {
        throw new InputError(
          `The waiver would already have expired (${expiresAt.toISOString()})`,
        );
      }
      const waiver = await store.addWaiver({
        entityRef,
        checkId,
        reason: request.reason,
        expiresAt,
        origin: 'annotation',
        requestedBy: ownerRef(entity),
        createdBy: principalOf(auth, credentials),
      });
      await engine.refreshEntity(entityRef);
      res.status(201).json(waiverJson(waiver));
    },
  );

  router.get('/waivers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const now = new Date();
    const [approved, results] = await Promise.all([
      store.listWaivers({ now }),
      store.getResultsForEntities(),
    ]);
    const requested = results.filter(
      r =>
        r.waiver?.state === 'requested' &&
        Date.parse(r.waiver.expiresAt) > now.getTime(),
    );
    const refs = [
      ...new Set([...approved, ...requested].map(w => w.entityRef)),
    ];
    const decisions = refs.length
      ? await permissions.authorize(
          refs.map(resourceRef => ({
            permission: productionReadinessReadPermission,
            resourceRef,
          })),
          { credentials },
        )
      : [];
    const readable = new Set(
      refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
    res.json({
      items: [
        ...approved.filter(w => readable.has(w.entityRef)).map(waiverJson),
        ...requested
          .filter(r => readable.has(r.entityRef))
          .map(r => ({
            entityRef: r.entityRef,
            checkId: r.checkId,
            reason: r.waiver!.reason,
            origin: 'annotation' as const,
            state: 'requested' as const,
            requestedBy: r.waiver!.requestedBy,
            expiresAt: r.waiver!.expiresAt,
            expired: false,
          })),
      ].sort(
        (a, b) =>
          a.entityRef.localeCompare(b.entityRef) ||
          a.checkId.localeCompare(b.checkId),
      ),
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
      await engine.refreshEntity(entityRef);
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

  router.use(
    createPushedResultsRoute({
      httpAuth,
      auth,
      permissions,
      catalog,
      pushedEvidence,
      rateLimits,
      config,
    }),
  );

  return router;
}
