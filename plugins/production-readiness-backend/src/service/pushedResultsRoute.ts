import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  productionReadinessResultsPushPermission,
  pushedResultSchema,
} from '@production-readiness/plugin-production-readiness-common';
import { PushedEvidenceService } from '@production-readiness/plugin-production-readiness-node';
import express from 'express';
import Router from 'express-promise-router';
import { ReadinessConfig } from '../config';
import { ownerRef } from '../ownerRef';
import {
  servicePushRefusal,
  validateObservedAt,
  validatePushedPayload,
} from './pushedResults';
import { DatabaseRateLimits } from '../store/DatabaseRateLimits';
import { createRateLimiter, parseInput, principalOf } from './requests';

/**
 * `POST /results`: evidence pushed by restore-test jobs, backup jobs and load tests. Counted
 * per caller (429 beyond `pushedResults.rateLimit`), validated (400 with the reason), and
 * stored only for entities the caller may push for (403 otherwise): users by the
 * `production-readiness.results.push` permission on the entity, service principals by
 * `pushedResults.principals`.
 */
export function createPushedResultsRoute(options: {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  pushedEvidence: PushedEvidenceService;
  rateLimits: DatabaseRateLimits;
  config: ReadinessConfig;
}): express.Router {
  const {
    httpAuth,
    auth,
    permissions,
    catalog,
    pushedEvidence,
    rateLimits,
    config,
  } = options;
  const { limit, windowMs } = config.pushedResults.rateLimit;
  const router = Router();

  const limiter = createRateLimiter({
    store: rateLimits.store('push', windowMs),
    windowMs,
    limit,
    key: (_req, res) => res.locals.pusher,
    message: res =>
      `${res.locals.pusher} pushed more than ${limit} results in ${Math.round(
        windowMs / 1000,
      )} s; try again after the time in the RateLimit header`,
  });

  async function mayPush(
    credentials: BackstageCredentials,
    entityRef: string,
    owner: string | undefined,
  ) {
    if (auth.isPrincipal(credentials, 'service')) {
      const refusal = servicePushRefusal({
        principals: config.pushedResults.principals,
        subject: credentials.principal.subject,
        entityRef,
        owner,
      });
      if (refusal) {
        throw new NotAllowedError(refusal);
      }
    }
    // For users the app's policy decides; for service principals Backstage applies the
    // token's access restrictions.
    const [decision] = await permissions.authorize(
      [
        {
          permission: productionReadinessResultsPushPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${productionReadinessResultsPushPermission.name} on ${entityRef}: only the entity's owners and the service principals named in productionReadiness.pushedResults.principals may push its evidence`,
      );
    }
  }

  router.post(
    '/results',
    async (req, res, next) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.locals.credentials = credentials;
      res.locals.pusher = principalOf(auth, credentials);
      next();
    },
    limiter,
    async (req, res) => {
      const credentials: BackstageCredentials = res.locals.credentials;
      const input = parseInput('request body', pushedResultSchema, req.body);
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(parseEntityRef(input.entityRef));
      } catch (e) {
        throw new InputError(`Invalid entityRef: ${(e as Error).message}`);
      }
      // Read as the plugin: a token restricted to pushing may not read the catalog.
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      if (!entity) {
        throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
      }
      // Authorized before the payload is judged: callers who may not push learn nothing more.
      await mayPush(credentials, entityRef, ownerRef(entity));
      const payload = validatePushedPayload({
        type: input.type,
        payload: input.payload,
        entityRef,
        platformTypes: config.pushedResults.types,
      });
      const observedAt = validateObservedAt(input.observedAt, {
        now: new Date(),
        retentionMs: config.historyRetentionMs,
      });
      const stored = await pushedEvidence.push({
        entityRef,
        type: input.type,
        observedAt,
        payload,
        pushedBy: res.locals.pusher,
      });
      res.status(201).json({
        id: stored.id,
        entityRef,
        type: stored.type,
        receivedAt: stored.receivedAt.toISOString(),
      });
    },
  );
  return router;
}
