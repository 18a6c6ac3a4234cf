import { createApiRef } from '@backstage/core-plugin-api';
import {
  CheckDefinition,
  GateAnswer,
  LevelDefinition,
  OverviewEntry,
  PillarDefinition,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';

/** The check catalogue as the backend serves it. @public */
export interface CheckCatalogue {
  checks: CheckDefinition[];
  pillars: PillarDefinition[];
  levels: LevelDefinition[];
  requiredLevels: Record<string, string>;
}

/** A waiver created through the API. @public */
export interface Waiver {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  expired: boolean;
}

/** Filters of the fleet overview. @public */
export interface OverviewFilter {
  owner?: string;
  kind?: string;
  lifecycle?: string;
  level?: string;
}

/** Client of the Production Readiness backend. @public */
export interface ProductionReadinessApi {
  getChecks(): Promise<CheckCatalogue>;
  getReport(entityRef: string): Promise<ReadinessReport>;
  /** Re-evaluates the entity now; resolves to the new report. */
  refresh(entityRef: string): Promise<ReadinessReport>;
  getGate(entityRef: string, level?: string): Promise<GateAnswer>;
  getOverview(filter?: OverviewFilter): Promise<OverviewEntry[]>;
  listWaivers(entityRef: string): Promise<Waiver[]>;
  createWaiver(
    entityRef: string,
    waiver: { check: string; reason: string; until: string },
  ): Promise<Waiver>;
  deleteWaiver(entityRef: string, id: string): Promise<void>;
}

/** @public */
export const productionReadinessApiRef = createApiRef<ProductionReadinessApi>({
  id: 'plugin.production-readiness.service',
});
