import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * Reads an optional duration (`{ seconds: 30 }`, `PT30S`, `30s`) from a module's config
 * section as milliseconds, or `fallback` when absent. Throws naming the full key when the
 * duration is not positive, so a typo stops the backend instead of disabling a time limit.
 *
 * @public
 */
export function readPositiveDurationMs(
  config: Config | undefined,
  key: string,
  options: { fallback: number; path: string },
): number {
  if (!config?.has(key)) {
    return options.fallback;
  }
  const millis = durationToMilliseconds(
    readDurationFromConfig(config, { key }),
  );
  if (!(millis > 0)) {
    throw new Error(`${options.path}.${key} must be a positive duration`);
  }
  return millis;
}
