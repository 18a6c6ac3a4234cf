import { z } from 'zod/v3';
import { parseDuration } from '@production-readiness/plugin-production-readiness-common';

/** The BLM pieces the render action can write; `add-blm-to-service` renders the missing ones. @public */
export const BLM_PIECES = [
  'catalog',
  'kubernetes',
  'monitoring',
  'backup',
  'docs',
  'ci',
  'ansible',
] as const;

/** @public */
export type BlmPiece = (typeof BLM_PIECES)[number];

const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CRON = /^(@(hourly|daily|weekly|monthly|yearly))$|^(\S+\s+){4,5}\S+$/;
// A location/instance name from app-config, never a URL.
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
// Prefix inside a backup location: the same rules the backup module enforces.
const SAFE_PREFIX = /^(?!\/)(?!.*\.\.)(?!.*%2[eEfF])[A-Za-z0-9._\-/]{1,200}$/;
// Image repository without tag or digest; the tag is a separate, pinned input.
const IMAGE_REPOSITORY =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function isShipperBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return !url.username && !url.password && !/[?#$]/.test(value);
  } catch {
    return false;
  }
}

/**
 * Inputs of `production-readiness:blm:render`, as a zod schema built with the zod instance the
 * scaffolder hands to actions, so the same schema is published as JSON schema and used to
 * validate in the handler.
 */
export function blmRenderInputSchema(zImpl: typeof z) {
  const duration = (example: string) =>
    zImpl.string().refine(v => parseDuration(v) !== undefined, {
      message: `must be a duration such as ${example}`,
    });
  const cron = zImpl
    .string()
    .regex(CRON, 'must be a cron expression such as "0 2 * * *"');
  return zImpl
    .object({
      name: zImpl
        .string()
        .regex(
          DNS_LABEL,
          'must be a DNS label: lowercase letters, digits and dashes, at most 63 characters',
        )
        .describe(
          'Service name: Component name, Kubernetes name and job label',
        ),
      description: zImpl
        .string()
        .max(300)
        .optional()
        .describe('One line describing the service'),
      owner: zImpl
        .string()
        .regex(
          /^(group:)?([a-z0-9][a-z0-9._-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._-]*$/,
          'must be a group reference such as group:default/team-orders',
        )
        .describe('Owning group, e.g. group:default/team-orders'),
      system: zImpl
        .string()
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]*$/, 'must be a System reference')
        .optional()
        .describe('System the service belongs to'),
      lifecycle: zImpl
        .enum(['experimental', 'production', 'deprecated'])
        .default('production')
        .describe(
          'Catalog lifecycle; production requires the configured level',
        ),
      tier: zImpl
        .enum(['tier-1', 'tier-2', 'tier-3'])
        .default('tier-2')
        .describe('Criticality; tier-1 pages on SLO burn, others open tickets'),
      runtime: zImpl
        .enum(['kubernetes', 'vm'])
        .default('kubernetes')
        .describe(
          'Where the service runs: Kubernetes manifests, or VMs configured by an Ansible role',
        ),
      logMaxSize: zImpl
        .string()
        .regex(/^[1-9]\d{0,5}[kMG]$/, 'must be a logrotate size such as 100M')
        .default('100M')
        .describe(
          'VMs: logrotate rotates a log file once it is larger than this',
        ),
      namespace: zImpl
        .string()
        .regex(DNS_LABEL, 'must be a Kubernetes namespace name')
        .optional()
        .describe('Kubernetes namespace (default: the service name)'),
      image: zImpl
        .string()
        .regex(
          IMAGE_REPOSITORY,
          'must be an image repository without tag, e.g. ghcr.io/acme/orders-api',
        )
        .describe('Container image repository'),
      imageTag: zImpl
        .string()
        .regex(IMAGE_TAG, 'must be an image tag')
        .refine(tag => tag !== 'latest', {
          message: 'must be pinned: "latest" is refused',
        })
        .default('0.1.0')
        .describe('Pinned image tag (CI replaces it on every release)'),
      port: zImpl
        .number()
        .int()
        .min(1024, 'must be >= 1024: the container runs as non-root')
        .max(65535)
        .default(8080)
        .describe('HTTP port of the service'),
      minReplicas: zImpl.number().int().min(2).max(50).default(2),
      maxReplicas: zImpl.number().int().min(2).max(200).default(6),
      prometheusInstance: zImpl
        .string()
        .regex(CONFIG_NAME, 'must be an instance name from app-config')
        .optional()
        .describe(
          'Prometheus instance from productionReadiness.prometheus.instances',
        ),
      alertReceiver: zImpl
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
          'must be an Alertmanager receiver name',
        )
        .describe('Alertmanager receiver of the owning team'),
      onCall: zImpl
        .string()
        .min(3)
        .max(200)
        .regex(/^[^\n\r]+$/, 'must be one line')
        .describe('On-call rotation, e.g. pagerduty:PXXXXXX or #orders-oncall'),
      gitRepoUrl: zImpl
        .string()
        .url()
        .regex(
          /^https:\/\/[^\s@?#]+$/,
          'must be an https clone URL without credentials, e.g. https://github.com/acme/orders-api.git',
        )
        .optional()
        .describe(
          "The repository's https clone URL: with it, an Argo CD Application deploys deploy/kubernetes and CI deploys through Argo CD",
        ),
      runbookUrl: zImpl
        .string()
        .url()
        .regex(/^https?:\/\//, 'must be an http(s) URL')
        .describe('Where the runbook is published (e.g. its TechDocs page)'),
      sloAvailability: zImpl
        .number()
        .min(90)
        .max(99.999)
        .default(99.9)
        .describe('Availability objective in percent over 30 days'),
      sloLatencyMs: zImpl
        .number()
        .int()
        .min(5)
        .max(60000)
        .default(300)
        .describe('Latency threshold in milliseconds'),
      sloLatencyObjective: zImpl
        .number()
        .min(50)
        .max(99.99)
        .default(99)
        .describe('Percent of requests that must be faster than sloLatencyMs'),
      database: zImpl
        .boolean()
        .default(false)
        .describe('The service owns a PostgreSQL database'),
      databaseName: zImpl
        .string()
        .regex(DNS_LABEL, 'must be a DNS label')
        .optional()
        .describe('Database Resource name (default: <name>-db)'),
      backupTool: zImpl.enum(['pgbackrest', 'dump']).default('pgbackrest'),
      backupMethod: zImpl
        .enum(['full', 'incremental', 'differential'])
        .default('incremental'),
      backupSchedule: cron.default('0 2 * * *'),
      fullBackupSchedule: cron
        .default('0 3 * * 0')
        .describe(
          'Full backups when the method is incremental or differential',
        ),
      rpo: duration('24h').default('24h'),
      rto: duration('2h').default('2h'),
      retentionCount: zImpl.number().int().min(1).max(400).default(14),
      logStore: zImpl
        .string()
        .regex(CONFIG_NAME, 'must be a store name from app-config')
        .optional()
        .describe(
          "Log store from productionReadiness.logging.stores (default: the platform's defaultStore)",
        ),
      logStoreUrl: zImpl
        .string()
        .url()
        .regex(/^https?:\/\//, 'must be an http(s) URL')
        .refine(isShipperBaseUrl, {
          message:
            'must be a base URL without credentials, query, fragment or "$" (the manifest is committed; the collector expands ${...})',
        })
        .default('http://victorialogs.logging.svc:9428')
        .describe(
          'Base URL of the log store as the log shipper in the cluster reaches it',
        ),
      logStoreType: zImpl
        .enum(['victorialogs', 'loki'])
        .default('victorialogs')
        .describe(
          'Kind of the log store: the shipper speaks its OTLP endpoint',
        ),
      logRetention: duration('30d')
        .default('30d')
        .describe('How long the logs must be kept, e.g. 30d'),
      backupLocation: zImpl
        .string()
        .regex(CONFIG_NAME, 'must be a location name from app-config')
        .optional()
        .describe('Backup location from productionReadiness.backup.locations'),
      patroniCluster: zImpl
        .string()
        .regex(CONFIG_NAME, 'must be a cluster name from app-config')
        .optional()
        .describe(
          "Patroni cluster from productionReadiness.databaseHa.patroni that runs the database: its members are the database's high availability",
        ),
      backupPrefix: zImpl
        .string()
        .regex(
          SAFE_PREFIX,
          'must be a relative folder without "..", e.g. pg/orders-db',
        )
        .optional(),
      restoreTestPrefix: zImpl
        .string()
        .regex(
          SAFE_PREFIX,
          'must be a relative folder without "..", e.g. restore-tests/orders-db',
        )
        .optional(),
      restoreTestSchedule: cron.default('0 5 * * *'),
      backupImage: zImpl
        .string()
        .regex(
          /^[a-z0-9][a-z0-9._\-/:]*:[A-Za-z0-9_][A-Za-z0-9_.-]*(@sha256:[a-f0-9]{64})?$|^[a-z0-9][a-z0-9._\-/:]*@sha256:[a-f0-9]{64}$/,
          'must be a pinned image (tag or digest) with PostgreSQL client, pgBackRest and the AWS CLI',
        )
        .refine(image => !image.endsWith(':latest'), {
          message: 'must be pinned: "latest" is refused',
        })
        .default('ghcr.io/production-readiness/pg-backup-tools:15-2.45'),
      ciProvider: zImpl.enum(['github', 'gitlab', 'both']).default('github'),
      pieces: zImpl
        .array(zImpl.enum(BLM_PIECES))
        .min(1)
        .optional()
        .describe('Pieces to render (default: all)'),
      onlyMissing: zImpl
        .boolean()
        .default(false)
        .describe(
          'Render only the pieces whose files are missing in targetPath (add BLM to an existing service)',
        ),
      targetPath: zImpl
        .string()
        .default('.')
        .describe('Folder of the workspace to write into'),
    })
    .superRefine((input, ctx) => {
      if (input.maxReplicas < input.minReplicas) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxReplicas'],
          message: 'must be >= minReplicas',
        });
      }
      if (input.runtime === 'vm' && input.database) {
        ctx.addIssue({
          code: 'custom',
          path: ['database'],
          message:
            'is not templated for VMs yet: declare the database as its own Resource with its backups',
        });
      }
      if (input.database && !input.backupLocation) {
        ctx.addIssue({
          code: 'custom',
          path: ['backupLocation'],
          message: 'is required when database is true',
        });
      }
      if (
        input.database &&
        input.backupTool === 'dump' &&
        input.backupMethod !== 'full'
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['backupMethod'],
          message: 'pg_dump backups are always full: choose full or pgbackrest',
        });
      }
      if (
        input.database &&
        (parseDuration(input.rpo) ?? 0) < 60 * 60 * 1000 &&
        input.backupTool === 'dump'
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['rpo'],
          message:
            'an RPO under 1h needs pgbackrest with WAL archiving, not dumps',
        });
      }
    });
}

/** Validated inputs of the render action, defaults applied. @public */
export type BlmOptions = z.output<ReturnType<typeof blmRenderInputSchema>>;

/** Formats zod issues as `field: message; field: message`. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map(issue =>
      issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message,
    )
    .join('; ');
}
