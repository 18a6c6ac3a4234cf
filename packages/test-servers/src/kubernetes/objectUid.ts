import { createHash } from 'node:crypto';

/**
 * A stable, UUID-shaped `metadata.uid` for a fixture object, derived from its identity
 * (e.g. kind, namespace, name), so fixtures and demo manifests look like real API objects.
 */
export function objectUid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}
