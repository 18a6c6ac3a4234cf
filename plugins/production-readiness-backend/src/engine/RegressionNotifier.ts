import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  formatDuration,
  levelRank,
  NO_LEVEL,
} from '@production-readiness/plugin-production-readiness-common';
import { ReadinessConfig, requiredLevelFor } from '../config';
import { ownerRef } from '../ownerRef';
import {
  EntitySummaryWrite,
  ReadinessStore,
  StatusTransition,
} from '../store/ReadinessStore';
import { CheckRegistry } from './CheckRegistry';

const describeError = (e: unknown) =>
  e instanceof Error ? e.message : String(e);

/** A critical check that stopped passing: anything but pass or an approved waiver. */
const isRegression = (t: StatusTransition) =>
  t.from === 'pass' && t.to !== 'pass' && t.to !== 'waived';

/**
 * Tells owning groups what they must act on: critical checks of a gated entity that stopped
 * passing (to fail, error or unknown alike), a gate that went from allowed to blocked, and
 * waivers about to expire. Failing to notify never fails a refresh.
 */
export class RegressionNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      config: ReadinessConfig;
      registry: CheckRegistry;
      logger: LoggerService;
      store: ReadinessStore;
    },
  ) {}

  private get enabled(): boolean {
    return Boolean(
      this.options.notifications && this.options.config.notificationsEnabled,
    );
  }

  private requiredLevel(entity: Entity): string {
    return requiredLevelFor(
      this.options.config,
      (entity.spec as { lifecycle?: unknown } | undefined)?.lifecycle,
    );
  }

  private allows(level: string | undefined, required: string): boolean {
    const { levels } = this.options.config;
    return (
      level !== undefined &&
      levelRank(level, levels) >= levelRank(required, levels)
    );
  }

  async notifyRegressions(options: {
    transitions: StatusTransition[];
    before: EntitySummaryWrite[];
    after: EntitySummaryWrite[];
    entities: Map<string, Entity>;
  }): Promise<void> {
    if (!this.enabled) {
      return;
    }
    const { registry } = this.options;
    const before = new Map(options.before.map(s => [s.entityRef, s.level]));
    for (const [entityRef, entity] of options.entities) {
      const required = this.requiredLevel(entity);
      if (required === NO_LEVEL) {
        continue;
      }
      const regressions = options.transitions.filter(
        t =>
          t.entityRef === entityRef &&
          isRegression(t) &&
          registry.getCheck(t.checkId)?.severity === 'critical',
      );
      const after = options.after.find(s => s.entityRef === entityRef)?.level;
      const gateClosed =
        before.has(entityRef) &&
        this.allows(before.get(entityRef), required) &&
        !this.allows(after, required);
      if (regressions.length === 0 && !gateClosed) {
        continue;
      }
      const lines = [
        ...(gateClosed
          ? [
              `The production gate now blocks it: level ${after} is below the required ${required}.`,
            ]
          : []),
        ...(regressions.length
          ? [
              `Critical check(s) no longer passing: ${regressions
                .map(
                  r =>
                    `${registry.getCheck(r.checkId)?.title ?? r.checkId} (${
                      r.to
                    })`,
                )
                .join('; ')}.`,
            ]
          : []),
      ];
      await this.send(entity, entityRef, {
        title: `${
          entity.metadata.title ?? entity.metadata.name
        } is no longer production ready`,
        description: lines.join(' '),
        severity: 'high',
      });
    }
  }

  /** Tells owners about waivers that expire within the configured notice, once each. */
  async notifyExpiringWaivers(
    entities: Map<string, Entity>,
    now: Date,
  ): Promise<number> {
    if (!this.enabled) {
      return 0;
    }
    const { store, config } = this.options;
    const horizon = now.getTime() + config.waivers.expiryNoticeMs;
    const expiring = (await store.listWaivers({ now })).filter(
      w => !w.expiryNotifiedAt && w.expiresAt.getTime() <= horizon,
    );
    let sent = 0;
    for (const waiver of expiring) {
      const entity = entities.get(waiver.entityRef);
      if (!entity) {
        continue;
      }
      const title =
        this.options.registry.getCheck(waiver.checkId)?.title ?? waiver.checkId;
      if (
        await this.send(entity, waiver.entityRef, {
          title: `Waiver of "${title}" expires in ${formatDuration(
            waiver.expiresAt.getTime() - now.getTime(),
          )}`,
          description: `The waiver of ${waiver.checkId} on ${
            waiver.entityRef
          } ("${
            waiver.reason
          }") ends ${waiver.expiresAt.toISOString()}; after that the check counts again. Fix it, or ask for a new waiver.`,
          severity: 'normal',
          scope: `production-readiness:waiver:${waiver.id}`,
        })
      ) {
        await store.markWaiverExpiryNotified(waiver.id, now);
        sent += 1;
      }
    }
    return sent;
  }

  private async send(
    entity: Entity,
    entityRef: string,
    payload: {
      title: string;
      description: string;
      severity: 'high' | 'normal';
      scope?: string;
    },
  ): Promise<boolean> {
    const owner = ownerRef(entity);
    if (!owner) {
      return false;
    }
    const { kind, namespace, name } = parseEntityRef(entityRef);
    try {
      await this.options.notifications!.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: payload.title,
          description: payload.description,
          link: `/catalog/${namespace}/${kind}/${name}/production-readiness`,
          severity: payload.severity,
          topic: 'production-readiness',
          scope: payload.scope ?? `production-readiness:${entityRef}`,
        },
      });
      return true;
    } catch (e) {
      this.options.logger.warn(
        `Could not notify ${owner} about ${entityRef}: ${describeError(e)}`,
      );
      return false;
    }
  }
}
