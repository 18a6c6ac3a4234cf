import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { PillarDefinition } from '@production-readiness/plugin-production-readiness-common';
import { ReadinessCheck } from './checks';
import { FactCollector } from './collectors';

/** Adds checks to the engine. @public */
export interface ProductionReadinessChecksExtensionPoint {
  addChecks(...checks: ReadinessCheck[]): void;
}

/** @public */
export const productionReadinessChecksExtensionPoint =
  createExtensionPoint<ProductionReadinessChecksExtensionPoint>({
    id: 'production-readiness.checks',
  });

/** Adds batch collectors to the engine. @public */
export interface ProductionReadinessCollectorsExtensionPoint {
  addCollectors(...collectors: FactCollector[]): void;
}

/** @public */
export const productionReadinessCollectorsExtensionPoint =
  createExtensionPoint<ProductionReadinessCollectorsExtensionPoint>({
    id: 'production-readiness.collectors',
  });

/** Adds pillars beyond the built-in ones. @public */
export interface ProductionReadinessPillarsExtensionPoint {
  addPillars(...pillars: PillarDefinition[]): void;
}

/** @public */
export const productionReadinessPillarsExtensionPoint =
  createExtensionPoint<ProductionReadinessPillarsExtensionPoint>({
    id: 'production-readiness.pillars',
  });

/**
 * Turns a check declared in app-config (`productionReadiness.checks[]`) of a given `type`
 * into a check. The engine provides `annotation`; the Prometheus module provides
 * `prometheus-query`.
 *
 * @public
 */
export interface ConfigCheckFactory {
  /** The `type` value in config this factory handles. */
  type: string;
  /**
   * Builds the check from its config entry (which has already supplied the common fields:
   * id, pillar, title, description, severity, appliesTo, docsUrl, remediation). Throws with a
   * message naming the bad field when the entry is invalid.
   */
  create(options: {
    definition: Omit<ReadinessCheck, 'collectors' | 'evaluate'>;
    config: Config;
  }): ReadinessCheck;
}

/** Registers factories for config-declared checks. @public */
export interface ProductionReadinessConfigChecksExtensionPoint {
  addConfigCheckFactories(...factories: ConfigCheckFactory[]): void;
}

/** @public */
export const productionReadinessConfigChecksExtensionPoint =
  createExtensionPoint<ProductionReadinessConfigChecksExtensionPoint>({
    id: 'production-readiness.config-checks',
  });
