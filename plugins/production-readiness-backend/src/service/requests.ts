import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Request, RequestHandler, Response } from 'express';
import { rateLimit, Store } from 'express-rate-limit';
import { describeIssues } from '@production-readiness/plugin-production-readiness-common';
import { z } from 'zod';

/** Validates a request body or query, answering 400 with every field at fault. */
export function parseInput<T>(
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

/** Who did it, for waivers and pushed results: a user ref or `service:<subject>`. */
export function principalOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string {
  if (auth.isPrincipal(credentials, 'user')) {
    return credentials.principal.userEntityRef;
  }
  if (auth.isPrincipal(credentials, 'service')) {
    return `service:${credentials.principal.subject}`;
  }
  return 'unknown';
}

/**
 * A rate limit answering 429 as the other errors of the API are shaped (`{ error: { name,
 * message } }`), with the draft-7 `RateLimit` headers, counted in `store` (shared by all
 * replicas when it is the database's).
 */
export function createRateLimiter(options: {
  store: Store;
  windowMs: number;
  limit: number;
  /** What is counted: an entity, a caller. */
  key: (req: Request, res: Response) => string;
  message: (res: Response) => string;
}): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    store: options.store,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: options.key,
    handler: (_req, res, _next, limiterOptions) => {
      res.status(limiterOptions.statusCode).json({
        error: { name: 'TooManyRequestsError', message: options.message(res) },
      });
    },
  });
}
