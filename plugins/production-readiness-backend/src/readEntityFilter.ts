import { Config } from '@backstage/config';
import { EntityFilter } from '@production-readiness/plugin-production-readiness-common';

/** Reads an entity filter from config (of a config-declared check or a coverage rule). */
export function readEntityFilter(config: Config): EntityFilter {
  return {
    kind: config.getOptionalStringArray('kind'),
    type: config.getOptionalStringArray('type'),
    notType: config.getOptionalStringArray('notType'),
    lifecycle: config.getOptionalStringArray('lifecycle'),
    runtime: config.getOptionalStringArray('runtime'),
    hasAnnotations: config.getOptionalStringArray('hasAnnotations'),
  };
}
