import { readPositiveDurationMs } from '@production-readiness/plugin-production-readiness-node';
import { Config } from '@backstage/config';
import { BackupStorage } from './storage/BackupStorage';
import { FilesystemBackupStorage } from './storage/FilesystemBackupStorage';
import { normalizePrefix } from './storage/prefix';
import { S3BackupStorage } from './storage/S3BackupStorage';

const KEY = 'productionReadiness.backup';

/** Thresholds the checks use. */
export interface BackupCheckSettings {
  /** A newest backup smaller than (1 - ratio) x the median of recent ones is "garbage". */
  sizeDropRatio: number;
  /** How many earlier backups of the same type the size median and error window look at. */
  sizeHistory: number;
  /** A restore test must have succeeded within this long (N days). */
  restoreTestMaxAgeMs: number;
  /** The restored backup must have been at most this old when it was restored (M days). */
  restoreTestMaxBackupAgeMs: number;
}

/** How dumps are checked against the SHA-256 their manifest records. */
export interface DumpChecksumSettings {
  /** Bytes read for checksums per refresh, at most; 0 turns checking off. */
  bytesPerRefresh: number;
  /** How long the checksums of one refresh may take. */
  timeoutMs: number;
}

export const DEFAULT_DUMP_CHECKSUMS: DumpChecksumSettings = {
  bytesPerRefresh: 512 * 1024 * 1024,
  timeoutMs: 20_000,
};

/** The module's settings, read and validated once at startup. */
export interface BackupModuleSettings {
  locations: BackupStorage[];
  readConcurrency: number;
  dumpChecksums: DumpChecksumSettings;
  checks: BackupCheckSettings;
}

const durationMs = (config: Config, key: string, fallback: number) =>
  readPositiveDurationMs(config, key, { path: KEY, fallback });

function positiveInteger(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${KEY}.${key} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegativeInteger(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `${KEY}.${key} must be an integer of 0 or more, got ${value}`,
    );
  }
  return value;
}

/** Reads `productionReadiness.backup`; throws naming the key when something is wrong. */
export function readBackupModuleSettings(root: Config): BackupModuleSettings {
  const config = root.getOptionalConfig(KEY);
  if (!config) {
    return {
      locations: [],
      readConcurrency: 8,
      dumpChecksums: DEFAULT_DUMP_CHECKSUMS,
      checks: {
        sizeDropRatio: 0.5,
        sizeHistory: 7,
        restoreTestMaxAgeMs: 30 * 86_400_000,
        restoreTestMaxBackupAgeMs: 7 * 86_400_000,
      },
    };
  }
  const requestTimeoutMs = durationMs(config, 'requestTimeout', 30_000);
  const maxListedObjects = positiveInteger(config, 'maxListedObjects', 200_000);
  const maxObjectBytes = positiveInteger(
    config,
    'maxObjectBytes',
    16 * 1024 * 1024,
  );
  const sizeDropRatio = config.getOptionalNumber('sizeDropRatio') ?? 0.5;
  if (!(sizeDropRatio > 0 && sizeDropRatio < 1)) {
    throw new Error(
      `${KEY}.sizeDropRatio must be between 0 and 1 (exclusive), got ${sizeDropRatio}`,
    );
  }

  const names = new Set<string>();
  const locations = (config.getOptionalConfigArray('locations') ?? []).map(
    (location, index) => {
      const name = location.getString('name');
      const at = `${KEY}.locations[${index}] ("${name}")`;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
        throw new Error(
          `${at}: name must be letters, digits, ".", "_" or "-", at most 63 characters`,
        );
      }
      if (names.has(name)) {
        throw new Error(`${at}: another location is already named "${name}"`);
      }
      names.add(name);
      const type = location.getString('type');
      if (type === 's3') {
        const rootPrefix = normalizePrefix(
          `${at}.prefix`,
          location.getOptionalString('prefix'),
        );
        if (!rootPrefix.ok) {
          throw new Error(rootPrefix.error);
        }
        const credentials = location.getOptionalConfig('credentials');
        return S3BackupStorage.create({
          name,
          bucket: location.getString('bucket'),
          region: location.getOptionalString('region') ?? 'us-east-1',
          endpoint: location.getOptionalString('endpoint'),
          forcePathStyle:
            location.getOptionalBoolean('forcePathStyle') ?? false,
          prefix: rootPrefix.prefix,
          credentials: credentials && {
            accessKeyId: credentials.getString('accessKeyId'),
            secretAccessKey: credentials.getString('secretAccessKey'),
            sessionToken: credentials.getOptionalString('sessionToken'),
          },
          requestTimeoutMs,
          maxListedObjects,
          maxObjectBytes,
          maxAttempts: positiveInteger(location, 'maxAttempts', 2),
        });
      }
      if (type === 'filesystem') {
        const path = location.getString('path');
        if (!path.startsWith('/')) {
          throw new Error(`${at}.path must be an absolute path, got "${path}"`);
        }
        return FilesystemBackupStorage.create({
          name,
          path,
          maxListedObjects,
          maxObjectBytes,
        });
      }
      throw new Error(`${at}.type must be "s3" or "filesystem", got "${type}"`);
    },
  );

  return {
    locations,
    readConcurrency: positiveInteger(config, 'readConcurrency', 8),
    dumpChecksums: {
      bytesPerRefresh: nonNegativeInteger(
        config,
        'dumpChecksums.bytesPerRefresh',
        DEFAULT_DUMP_CHECKSUMS.bytesPerRefresh,
      ),
      timeoutMs: durationMs(
        config,
        'dumpChecksums.timeout',
        DEFAULT_DUMP_CHECKSUMS.timeoutMs,
      ),
    },
    checks: {
      sizeDropRatio,
      sizeHistory: positiveInteger(config, 'sizeHistory', 7),
      restoreTestMaxAgeMs: durationMs(
        config,
        'restoreTests.maxAge',
        30 * 86_400_000,
      ),
      restoreTestMaxBackupAgeMs: durationMs(
        config,
        'restoreTests.maxBackupAge',
        7 * 86_400_000,
      ),
    },
  };
}
