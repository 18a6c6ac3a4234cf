import { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from './annotations';

const MAX_INSTANCES = 99;

/** What the entity declares about its high availability. @public */
export type HighAvailabilityDeclaration =
  | { state: 'declared'; instances: number; text: string }
  | { state: 'invalid'; error: string; value: string };

/**
 * Reads `production-readiness.io/high-availability`: `true` (at least two instances) or a
 * whole number of instances from 2 to 99. Anything else is invalid, with the reason.
 *
 * @public
 */
export function readHighAvailability(
  entity: Entity,
): HighAvailabilityDeclaration {
  const key = ANNOTATIONS.highAvailability;
  const value = (entity.metadata.annotations?.[key] ?? '').trim();
  const shown = JSON.stringify(value.slice(0, 80));
  if (value.toLocaleLowerCase('en-US') === 'true') {
    return { state: 'declared', instances: 2, text: `${key}=${value}` };
  }
  if (/^[0-9]+$/.test(value)) {
    const instances = Number(value);
    if (instances >= 2 && instances <= MAX_INSTANCES) {
      return { state: 'declared', instances, text: `${key}=${value}` };
    }
    if (instances < 2) {
      return {
        state: 'invalid',
        value,
        error: `annotation ${key} ${shown} asks for ${
          instances === 1 ? 'a single instance' : 'no instance'
        }, which is not high availability: use true or a number of instances from 2 to ${MAX_INSTANCES}, or remove the annotation`,
      };
    }
  }
  return {
    state: 'invalid',
    value,
    error: `annotation ${key} ${shown} is not valid: use true (at least 2 instances) or the number of instances that must be ready, from 2 to ${MAX_INSTANCES}`,
  };
}
