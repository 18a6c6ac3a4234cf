import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CollectorOutcome,
  describeError,
  FactCollector,
} from '@production-readiness/plugin-production-readiness-node';

/**
 * Runs one collector for its entities within its time (`collectors.timeout`) and the refresh's
 * signal: a collector that throws, times out, is aborted or answers something that is not
 * `{ facts: Map, claims?: Map, errors?: Map }` is a failed outcome with the reason.
 */
export async function runCollector(
  collector: FactCollector,
  entities: Entity[],
  options: {
    logger: LoggerService;
    timeoutMs: number;
    now: Date;
    /** The refresh's: aborting it aborts the collector too. */
    signal?: AbortSignal;
  },
): Promise<CollectorOutcome> {
  const { logger, timeoutMs, now, signal: refreshSignal } = options;
  const timer = new AbortController();
  const timeout = setTimeout(
    () => timer.abort(new Error(`timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  // Aborted when the collector's time is up or the whole refresh was aborted.
  const signal = refreshSignal
    ? AbortSignal.any([timer.signal, refreshSignal])
    : timer.signal;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
    }
    signal.addEventListener('abort', () => reject(signal.reason), {
      once: true,
    });
  });
  // The refresh may be aborted after this collector answered: nobody awaits that rejection.
  aborted.catch(() => {});
  try {
    const collected = await Promise.race([
      collector.collect(entities, {
        logger: logger.child({ collector: collector.id }),
        signal,
        now,
      }),
      aborted,
    ]);
    if (!collected || !(collected.facts instanceof Map)) {
      return {
        ok: false,
        title: collector.title,
        reason: 'returned no facts (expected { facts: Map })',
      };
    }
    if (collected.claims !== undefined && !(collected.claims instanceof Map)) {
      return {
        ok: false,
        title: collector.title,
        reason:
          'returned claims that are not a Map of entity ref to evidence claims',
      };
    }
    if (collected.errors !== undefined && !(collected.errors instanceof Map)) {
      return {
        ok: false,
        title: collector.title,
        reason: 'returned errors that are not a Map of entity ref to reason',
      };
    }
    return { ok: true, title: collector.title, collected };
  } catch (e) {
    return { ok: false, title: collector.title, reason: describeError(e) };
  } finally {
    clearTimeout(timeout);
  }
}
