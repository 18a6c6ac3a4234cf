/**
 * Backup storage module for Production Readiness: fresh, sane, restorable backups in
 * S3-compatible or filesystem locations, proven by tested restores.
 *
 * @packageDocumentation
 */

export { productionReadinessModuleBackup as default } from './module';
export { BACKUP_MODULE_ANNOTATIONS } from './annotations';
export type { BackupTool } from './readers/types';
