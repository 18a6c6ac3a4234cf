/** The outcome of validating a prefix from an annotation. */
export type PrefixResult =
  | { ok: true; prefix: string }
  | { ok: false; error: string };

const MAX_PREFIX_LENGTH = 512;

/**
 * Validates a prefix an entity gives in an annotation and normalises it to `a/b/` (or `''` for
 * the root of the location). Annotation values are data: anything that could leave the
 * configured location or be read differently by S3 and a filesystem is refused, not repaired.
 */
export function normalizePrefix(
  annotation: string,
  value: string | undefined,
): PrefixResult {
  if (value === undefined) {
    return { ok: true, prefix: '' };
  }
  const refuse = (why: string): PrefixResult => ({
    ok: false,
    error: `annotation ${annotation} is invalid: ${why}`,
  });
  const text = value.trim();
  if (text.length > MAX_PREFIX_LENGTH) {
    return refuse(`longer than ${MAX_PREFIX_LENGTH} characters`);
  }
  // Control characters (including NUL and newlines) have no place in a key or a path.
  if ([...text].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return refuse('contains control characters');
  }
  if (text.includes('\\')) {
    return refuse('contains a backslash; use "/" between folders');
  }
  if (text.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(text)) {
    return refuse(
      'must be a relative prefix inside the configured location, not an absolute path or URL',
    );
  }
  if (/%2e|%2f|%5c/i.test(text)) {
    return refuse('contains percent-encoded dots or slashes');
  }
  const segments = text.split('/').filter(s => s !== '' && s !== '.');
  if (segments.some(s => s === '..')) {
    return refuse('contains ".." and would leave the configured location');
  }
  return { ok: true, prefix: segments.length ? `${segments.join('/')}/` : '' };
}

/** A simple name for a stanza, bucket folder or similar: letters, digits, `._-`. */
export function isSafeName(value: string): boolean {
  return (
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value) && !value.includes('..')
  );
}
