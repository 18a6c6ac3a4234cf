import { createServer } from 'node:net';
import {
  PgBackRestFixture,
  startPgBackRest as startPgBackRestServer,
} from '@internal/test-servers';

export { restoreIntoScratch } from '@internal/test-servers';
export type { PgBackRestFixture } from '@internal/test-servers';

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

export const STANZA = 'orders';

/** PostgreSQL + pgBackRest (from `@internal/test-servers`) with the tests' stanza. */
export function startPgBackRest(): Promise<PgBackRestFixture> {
  return startPgBackRestServer({ stanza: STANZA });
}
