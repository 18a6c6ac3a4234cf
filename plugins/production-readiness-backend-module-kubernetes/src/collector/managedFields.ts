import { V1ManagedFieldsEntry } from '@kubernetes/client-node';

/** One field manager of an object, as its `metadata.managedFields` record it. */
export interface FieldManagerFact {
  /** e.g. `helm`, `argocd-controller`, `kubectl-edit`, `kubectl-client-side-apply`. */
  manager: string;
  /** `Apply` (server-side apply) or `Update`. */
  operation: string;
  /** When this manager last changed the object (RFC 3339), when recorded. */
  time?: string;
  /** The spec fields it owns, as paths: `spec.replicas`, `spec.template.spec.containers[name=app].image`. */
  specFields: string[];
}

/** Deepest path segment kept: deeper fields are reported by their ancestor. */
const MAX_DEPTH = 7;
/** At most this many paths per manager: enough to name what was changed by hand. */
const MAX_FIELDS = 50;

/** A managedFields key as a path segment: `f:name` → `.name`, `k:{"name":"app"}` → `[name=app]`. */
function segment(key: string): string | undefined {
  if (key.startsWith('f:')) return `.${key.slice(2)}`;
  if (key.startsWith('k:')) {
    try {
      const identity = JSON.parse(key.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(identity)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')}]`;
    } catch {
      return `[${key.slice(2)}]`;
    }
  }
  if (key.startsWith('v:')) return `[${key.slice(2)}]`;
  return undefined; // `.`: the node itself
}

function leafPaths(node: unknown, prefix: string, depth: number): string[] {
  const keys =
    node && typeof node === 'object'
      ? Object.keys(node as object).filter(k => k !== '.')
      : [];
  if (!keys.length || depth >= MAX_DEPTH) return [prefix];
  return keys.flatMap(key => {
    const part = segment(key);
    return part === undefined
      ? []
      : leafPaths(
          (node as Record<string, unknown>)[key],
          `${prefix}${part}`,
          depth + 1,
        );
  });
}

/**
 * The managers of an object's spec, from its `metadata.managedFields` (FieldsV1). Entries of a
 * subresource (`status`, `scale`) and entries that own no spec field (metadata only: labels,
 * annotations, the revision annotation of the Deployment controller) are left out.
 */
export function specManagers(
  entries: V1ManagedFieldsEntry[] | undefined,
): FieldManagerFact[] {
  return (entries ?? []).flatMap(entry => {
    // The scale subresource writes spec.replicas (kubectl scale, autoscalers); status is no spec.
    if (entry.subresource === 'status') return [];
    const spec = (entry.fieldsV1 as Record<string, unknown> | undefined)?.[
      'f:spec'
    ];
    if (spec === undefined) return [];
    const fact: FieldManagerFact = {
      manager: entry.manager ?? '(no manager name)',
      operation: entry.operation ?? 'Update',
      specFields: leafPaths(spec, 'spec', 0).slice(0, MAX_FIELDS),
    };
    const time = entry.time as unknown;
    if (time instanceof Date) fact.time = time.toISOString();
    else if (typeof time === 'string') fact.time = time;
    return [fact];
  });
}
