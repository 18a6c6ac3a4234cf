import {
  RestoreTestRecord,
  restoreTestRecordSchema,
} from '@production-readiness/plugin-production-readiness-common';

/** Restore-test records are JSON objects whose name ends with this. */
export const RESTORE_TEST_SUFFIX = 'restore-test.json';

/**
 * A restore-test record with where it was read from: a key in the location, or the pushed
 * record's id and who pushed it.
 */
export type StoredRestoreTest = RestoreTestRecord & {
  source: string;
  pushedBy?: string;
};

/** Parses a restore-test record (schema `restoreTestRecordSchema` of the common package). */
export function parseRestoreTestRecord(
  text: string,
  source: string,
): StoredRestoreTest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  const parsed = restoreTestRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map(i => `${i.path.join('.') || 'record'}: ${i.message}`)
      .join('; ');
    throw new Error(`${source}: not a valid restore-test record (${issues})`);
  }
  return { ...parsed.data, source };
}
