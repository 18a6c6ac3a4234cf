import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  parseDuration,
  readLogService,
} from '@production-readiness/plugin-production-readiness-common';
import { LoggingSettings, LogStoreConfig } from '../config';

/** The retention an entity needs: declared by it, by the platform, or missing/invalid. */
export type DeclaredRetention =
  | { state: 'declared'; ms: number; source: string }
  | { state: 'missing' }
  | { state: 'invalid'; problem: string };

/** Where an entity's log lines are, or why that cannot be said. */
export type LogStream =
  | {
      ok: true;
      store: LogStoreConfig;
      /** Value of the store's service field in the entity's lines. */
      service: string;
      /** Where the value comes from, e.g. `backstage.io/kubernetes-id`. */
      serviceSource: string;
    }
  | { ok: false; reason: string; remediation: string };

/** A value for messages: quoted, cut at 80 characters. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a service value cannot be matched in a log query, or undefined. The stores' parsers
 * refuse what is not valid UTF-8, which would fail the query of every service in the batch, so
 * such a value is refused for its entity alone.
 */
export function validateLogServiceValue(value: string): string | undefined {
  if (!value.trim()) return 'is empty';
  if (value.length > 200) return 'is longer than 200 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'contains control characters';
  if (LONE_SURROGATE.test(value)) {
    return 'is not valid Unicode (a lone surrogate)';
  }
  if (value.includes('\uFFFD')) {
    return 'contains U+FFFD, the mark of text that was not valid UTF-8';
  }
  return undefined;
}

/** Which store and service value an entity's logs are found under. */
export function resolveLogStream(
  entity: Entity,
  settings: LoggingSettings,
): LogStream {
  const declared = [...settings.stores.keys()].join(', ') || 'none configured';
  const named = entity.metadata.annotations?.[ANNOTATIONS.logStore]?.trim();
  let storeName: string;
  if (named !== undefined && named !== '') {
    if (!settings.stores.has(named)) {
      return {
        ok: false,
        reason: `Annotation ${ANNOTATIONS.logStore} names log store ${shown(
          named,
        )}, which productionReadiness.logging.stores does not list (${declared})`,
        remediation: `Set ${ANNOTATIONS.logStore} to one of: ${declared}, or add the store to productionReadiness.logging.stores.`,
      };
    }
    storeName = named;
  } else if (settings.defaultStore !== undefined) {
    storeName = settings.defaultStore;
  } else {
    return {
      ok: false,
      reason: settings.stores.size
        ? `No log store: annotation ${ANNOTATIONS.logStore} is missing and productionReadiness.logging.defaultStore is not set`
        : 'No log store is configured (productionReadiness.logging.stores), so nothing shows that the logs of this entity are collected anywhere',
      remediation: settings.stores.size
        ? `Add the annotation ${ANNOTATIONS.logStore} with one of: ${declared}, or set productionReadiness.logging.defaultStore.`
        : 'Declare the platform log store (VictoriaLogs or Loki) in app-config under productionReadiness.logging.stores, and ship the logs of every service to it.',
    };
  }
  const { value: service, source: serviceSource } = readLogService(entity);
  const invalid = validateLogServiceValue(service);
  if (invalid) {
    return {
      ok: false,
      reason: `The log service value from ${serviceSource} ${invalid}: ${shown(
        service,
      )}`,
      remediation: `Set ${ANNOTATIONS.logService} to the value of the store's service field in this entity's log lines.`,
    };
  }
  return {
    ok: true,
    store: settings.stores.get(storeName)!,
    service,
    serviceSource,
  };
}

/** The retention the entity needs: its annotation, else the platform default. */
export function resolveDeclaredRetention(
  entity: Entity,
  settings: LoggingSettings,
): DeclaredRetention {
  const text = entity.metadata.annotations?.[ANNOTATIONS.logRetention];
  if (text !== undefined) {
    const ms = parseDuration(text);
    return ms === undefined
      ? {
          state: 'invalid',
          problem: `annotation ${ANNOTATIONS.logRetention} is ${shown(
            text,
          )}, which is not a duration such as 30d`,
        }
      : {
          state: 'declared',
          ms,
          source: `${ANNOTATIONS.logRetention}=${text.trim()}`,
        };
  }
  return settings.defaultRetentionMs !== undefined
    ? {
        state: 'declared',
        ms: settings.defaultRetentionMs,
        source: 'productionReadiness.logging.defaultRetention',
      }
    : { state: 'missing' };
}
