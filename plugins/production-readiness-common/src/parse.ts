import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The outcome of parsing an annotation: a value, or a message saying what is wrong. @public */
export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: string };

/** Formats zod issues as `field: message; field: message`. @public */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * Parses an annotation value written as YAML and validates it with `schema`. Errors name the
 * annotation and the offending field, so the UI can show them as they are.
 */
export function parseYamlAnnotation<T>(
  annotation: string,
  text: string | undefined,
  schema: z.ZodType<T>,
): ParseResult<T> {
  if (text === undefined || text.trim() === '') {
    return { ok: false, error: `annotation ${annotation} is missing` };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {
      ok: false,
      error: `annotation ${annotation} is not valid YAML: ${message}`,
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: `annotation ${annotation} is invalid: ${describeIssues(
        parsed.error,
      )}`,
    };
  }
  return { ok: true, value: parsed.data };
}
