import {
  ANNOTATIONS,
  formatDuration,
} from '@production-readiness/plugin-production-readiness-common';
import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { LOG_CHECK_COMMON, storeSource, withLogFacts } from './logFacts';

/** `logging.retention-covered`: the store keeps logs at least as long as the entity needs. */
export function createRetentionCoveredCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...LOG_CHECK_COMMON,
    id: 'logging.retention-covered',
    title: 'Log retention covers the declared policy',
    description: `The log store keeps logs at least as long as the entity's declared retention (${ANNOTATIONS.logRetention}, else productionReadiness.logging.defaultRetention), read from the store's own configuration.`,
    severity: 'major',
    remediation: `Declare how long the logs must be kept in ${ANNOTATIONS.logRetention} (or a platform default), and configure the store to keep them that long.`,
    evaluate: withLogFacts(facts => {
      const declared = facts.declaredRetention;
      if (declared.state === 'missing') {
        return checkResult.fail(
          'No log retention declared: nothing says how long the logs of this entity must be kept',
          [],
          `Add the annotation ${ANNOTATIONS.logRetention} (e.g. 30d), or set productionReadiness.logging.defaultRetention for the platform.`,
        );
      }
      if (declared.state === 'invalid') {
        return checkResult.fail(
          `Log retention cannot be read: ${declared.problem}`,
          [],
          `Write ${ANNOTATIONS.logRetention} as a duration such as 30d or P30D.`,
        );
      }
      const needed = {
        label: 'declared retention',
        value: `${formatDuration(declared.ms)} (${declared.source})`,
        source: 'catalog',
      };
      const store = facts.retention;
      if ('error' in store) {
        return checkResult.error(
          `The retention of log store ${facts.store} cannot be read: ${store.error}`,
          [needed],
        );
      }
      const kept = {
        label: 'store retention',
        value: {
          keeps: store.ms === undefined ? 'forever' : formatDuration(store.ms),
          from: store.source,
          ...(store.notes.length ? { notes: store.notes } : {}),
        },
        source: storeSource(facts),
      };
      if (store.ms !== undefined && store.ms < declared.ms) {
        return checkResult.fail(
          `Log store ${facts.store} keeps logs ${formatDuration(store.ms)} (${
            store.source
          }), shorter than the ${formatDuration(declared.ms)} declared`,
          [needed, kept],
          `Raise the retention of log store ${
            facts.store
          } to at least ${formatDuration(
            declared.ms,
          )}, or ship this entity's logs to a store that keeps them that long.`,
        );
      }
      const keeps =
        store.ms === undefined
          ? 'deletes no logs by age'
          : `keeps logs ${formatDuration(store.ms)}`;
      if (store.notes.length) {
        return checkResult.warn(
          `Log store ${facts.store} ${keeps} (${
            store.source
          }), covering the ${formatDuration(
            declared.ms,
          )} declared, but may drop them sooner: ${store.notes.join('; ')}`,
          [needed, kept],
          'Size the store so disk-space or stream rules never cut the declared retention, and alert before they would.',
        );
      }
      return checkResult.pass(
        `Log store ${facts.store} ${keeps} (${
          store.source
        }), covering the ${formatDuration(declared.ms)} declared`,
        [needed, kept],
      );
    }),
  });
}
