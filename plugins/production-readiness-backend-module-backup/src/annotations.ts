import { ANNOTATIONS } from '@production-readiness/plugin-production-readiness-common';

/** The backup-specific annotations of the common table, by this module's names for them. @public */
export const BACKUP_MODULE_ANNOTATIONS = {
  stanza: ANNOTATIONS.backupStanza,
  pitr: ANNOTATIONS.backupPitr,
  dumpPattern: ANNOTATIONS.backupDumpPattern,
} as const;
