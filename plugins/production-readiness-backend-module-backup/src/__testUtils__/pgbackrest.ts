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

/** The orders database's plan: hourly incrementals, a weekly full, RPO 1h, RTO 10m. */
export const INCREMENTAL_PLAN = [
  'what: orders database, all schemas including users and roles',
  'method: incremental',
  'schedule: "0 * * * *"',
  'fullSchedule: "0 3 * * 0"',
  'rpo: 1h',
  'rto: 10m',
  'retentionCount: 3',
  'procedure: https://runbooks.example.com/orders-db/restore',
].join('\n');
