/**
 * Test utilities for check authors: run a check on fixture facts exactly as the engine does.
 *
 * @packageDocumentation
 */

export { runCheckOnFixtures } from './runCheckOnFixtures';
export type { CheckFixture } from './runCheckOnFixtures';
