import { z } from 'zod';

/** The `format` of a backup inventory, version 1. @public */
export const BACKUP_INVENTORY_FORMAT =
  'production-readiness.io/backup-inventory/v1';

/** The file name suffix of a backup inventory next to its backup: `<backup>.inventory.json`. @public */
export const BACKUP_INVENTORY_SUFFIX = '.inventory.json';

/**
 * What a database held when its backup was taken, recorded by the backup job next to the
 * backup (`<backup>.inventory.json`), so that a restore test can prove that the accounts and
 * the data came back, not only that the restore command exited 0.
 *
 * Written by the template's backup jobs with one `psql` query; documented in the backup
 * module's README. Passwords are never recorded, only whether one is set.
 *
 * @public
 */
export const backupInventorySchema = z.object({
  format: z.literal(BACKUP_INVENTORY_FORMAT),
  /** Entity whose backup this is, e.g. `resource:default/orders-db`. */
  entityRef: z.string().min(1),
  /** The backup's id: the dump's file name, the pgBackRest label. */
  backupId: z.string().min(1),
  /** The backup's checksum, to tell the restore test it restores what was inventoried. */
  checksum: z.object({
    algorithm: z.literal('sha256'),
    value: z.string().regex(/^[0-9a-f]{64}$/),
    /** What was hashed: the dump file, the pgBackRest backup manifest. */
    of: z.string().min(1),
  }),
  /** When the inventory was taken (the dump's snapshot, right after a physical backup). */
  takenAt: z.iso.datetime({ offset: true }),
  /**
   * The WAL position the inventory was read at (physical backups, e.g. pgBackRest): the
   * restore test recovers the backup to it, so both see the same committed transactions.
   * Absent for a dump, whose inventory is read in the dump's own snapshot.
   */
  lsn: z
    .string()
    .regex(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/)
    .optional(),
  /** The database whose tables are listed. */
  database: z.string().min(1),
  /** Every database of the cluster, templates excluded. */
  databases: z.array(z.string().min(1)),
  /** Every role but PostgreSQL's own (`pg_*`). */
  roles: z.array(
    z.object({
      name: z.string().min(1),
      login: z.boolean(),
      superuser: z.boolean(),
      replication: z.boolean(),
      /** Whether a password is set; null when the backup user may not read it. */
      passwordSet: z.boolean().nullable(),
      /** Roles this role is a member of. */
      memberOf: z.array(z.string().min(1)),
    }),
  ),
  /** Tables above this many rows (by `pg_class.reltuples`) are counted by estimate. */
  exactCountLimit: z.number().int().nonnegative(),
  /** Every table of the database outside the system schemas. */
  tables: z.array(
    z.object({
      schema: z.string().min(1),
      name: z.string().min(1),
      rows: z.number().int().nonnegative(),
      /** True: `rows` is PostgreSQL's estimate, compared within a tolerance. */
      estimated: z.boolean(),
    }),
  ),
});

/** @public */
export type BackupInventory = z.infer<typeof backupInventorySchema>;
