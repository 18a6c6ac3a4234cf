import {
  EVIDENCE_OWNER,
  parseDuration,
} from '@production-readiness/plugin-production-readiness-common';
import { stringify } from 'yaml';
import { BlmOptions, BlmPiece } from './blmOptions';

/** One file of the BLM bundle. @public */
export interface RenderedFile {
  piece: BlmPiece;
  /** Path relative to the target folder, always with forward slashes. */
  path: string;
  content: string;
}

/** Values derived once from the inputs and shared by every renderer. */
export interface RenderContext {
  o: BlmOptions;
  namespace: string;
  /** Owner group name, used as the `team` routing label. */
  team: string;
  ownerRef: string;
  /** The service's entity ref, which its objects, targets and records name as their entity. */
  entityRef: string;
  databaseName: string;
  /** The database Resource's entity ref, which its backup prefix and records name. */
  databaseRef: string;
  backupPrefix: string;
  restoreTestPrefix: string;
  /** Labels every object of the service carries. */
  labels: Record<string, string>;
  /**
   * Annotations every Kubernetes object of the service carries: the entity it belongs to
   * (`production-readiness.io/entity-ref`), so no other entity selecting it can claim it.
   */
  annotations: Record<string, string>;
  /** Pod selector of the service's workload. */
  selector: Record<string, string>;
  rpoSeconds: number;
  rtoSeconds: number;
}

export function createRenderContext(o: BlmOptions): RenderContext {
  const ownerMatch = /^(?:group:)?(?:([^/]+)\/)?(.+)$/.exec(o.owner)!;
  const team = ownerMatch[2];
  const ownerRef = `group:${ownerMatch[1] ?? 'default'}/${team}`;
  const databaseName = o.databaseName ?? `${o.name}-db`;
  const entityRef = `component:default/${o.name}`;
  return {
    o,
    namespace: o.namespace ?? o.name,
    team,
    ownerRef,
    entityRef,
    databaseName,
    databaseRef: `resource:default/${databaseName}`,
    backupPrefix: o.backupPrefix ?? `pg/${databaseName}`,
    restoreTestPrefix: o.restoreTestPrefix ?? `restore-tests/${databaseName}`,
    labels: {
      'app.kubernetes.io/name': o.name,
      'app.kubernetes.io/part-of': o.system ?? o.name,
      'backstage.io/kubernetes-id': o.name,
      team,
    },
    annotations: {
      [EVIDENCE_OWNER.kubernetesAnnotation]: entityRef,
    },
    selector: { 'app.kubernetes.io/name': o.name },
    rpoSeconds: Math.round(parseDuration(o.rpo)! / 1000),
    rtoSeconds: Math.round(parseDuration(o.rto)! / 1000),
  };
}

/** Serialises YAML documents; values are data, quoted by the YAML library, never spliced. */
export function yamlDocuments(...docs: unknown[]): string {
  return docs
    .map(doc => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

/** A PromQL string literal for a label value (service names are DNS labels, but escape anyway). */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** A value for a POSIX shell single-quoted word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
