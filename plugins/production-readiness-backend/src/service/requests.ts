import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
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
