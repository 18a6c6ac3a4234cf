import {
  PgBackRestFixture,
  startPgBackRest as startPgBackRestServer,
} from '@internal/test-servers';

export { restoreIntoScratch } from '@internal/test-servers';
export type { PgBackRestFixture } from '@internal/test-servers';

export const STANZA = 'orders';

/** PostgreSQL + pgBackRest (from `@internal/test-servers`) with the tests' stanza. */
export function startPgBackRest(): Promise<PgBackRestFixture> {
  return startPgBackRestServer({ stanza: STANZA });
}
