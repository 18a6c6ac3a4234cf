/**
 * The FieldsV1 an API server records for the fields an applied manifest sets: `f:<key>` per
 * field, `k:{"name":…}` per named list item (containers, ports, env …).
 */
export function fieldsV1Of(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value
        .filter(
          (item): item is { name: string } => typeof item?.name === 'string',
        )
        .map(item => [
          `k:${JSON.stringify({ name: item.name })}`,
          { '.': {}, ...fieldsV1Of(item) },
        ]),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        `f:${key}`,
        fieldsV1Of(child),
      ]),
    );
  }
  return {};
}

/** One `metadata.managedFields` entry: who wrote which fields, how and when. */
export function managedFieldsEntry(options: {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  /** The fields written, as the object (or patch) that wrote them. */
  wrote: unknown;
  subresource?: string;
}): Record<string, unknown> {
  return {
    manager: options.manager,
    operation: options.operation,
    apiVersion: options.apiVersion,
    time: options.time,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1Of(options.wrote),
    ...(options.subresource ? { subresource: options.subresource } : {}),
  };
}
