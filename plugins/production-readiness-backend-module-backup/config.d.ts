import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    /** Backup storage module. */
    backup?: {
      /**
       * Where backups land. Entities name a location with the annotation
       * `production-readiness.io/backup-location` and a folder in it with
       * `production-readiness.io/backup-prefix`.
       */
      locations?: Array<
        | {
            /** Name entities use in their annotation. */
            name: string;
            type: 's3';
            bucket: string;
            /** Default us-east-1. */
            region?: string;
            /** For S3-compatible servers (MinIO, Ceph, ...); omit for AWS. */
            endpoint?: string;
            /** Path-style addressing (`endpoint/bucket/key`), needed by most S3-compatible servers. */
            forcePathStyle?: boolean;
            /** Only this folder of the bucket is listed and read. */
            prefix?: string;
            /** Omit to use the default AWS credential chain (instance role, env). */
            credentials?: {
              accessKeyId: string;
              /** @visibility secret */
              secretAccessKey: string;
              /** @visibility secret */
              sessionToken?: string;
            };
            /** Attempts per request (the SDK retries with back-off). Default 2. */
            maxAttempts?: number;
          }
        | {
            name: string;
            type: 'filesystem';
            /** Absolute path of a mounted folder (NFS share, posix pgBackRest repository). */
            path: string;
          }
      >;
      /** Time limit of one listing page or object read. Default 30 seconds. */
      requestTimeout?: HumanDuration | string;
      /** A location with more objects than this is refused. Default 200000. */
      maxListedObjects?: number;
      /** Largest metadata file read, in bytes. Default 16 MiB. */
      maxObjectBytes?: number;
      /** Metadata files read in parallel per location. Default 8. */
      readConcurrency?: number;
      /** A newest backup smaller than (1 - ratio) x median of recent ones fails. Default 0.5. */
      sizeDropRatio?: number;
      /** Earlier backups of the same type the size median and error window use. Default 7. */
      sizeHistory?: number;
      /**
       * Dumps whose manifest records a `sha256` are read once per object version and checked
       * against it; a mismatch fails the dump (corrupted or replaced after the backup).
       */
      dumpChecksums?: {
        /** Bytes read for checksums per refresh, at most. Default 512 MiB; 0 turns it off. */
        bytesPerRefresh?: number;
        /** How long the checksums of one refresh may take. Default 20 seconds. */
        timeout?: HumanDuration | string;
      };
      restoreTests?: {
        /** A restore test must have succeeded within this long. Default 30 days. */
        maxAge?: HumanDuration | string;
        /** The restored backup must have been at most this old. Default 7 days. */
        maxBackupAge?: HumanDuration | string;
      };
    };
  };
}
