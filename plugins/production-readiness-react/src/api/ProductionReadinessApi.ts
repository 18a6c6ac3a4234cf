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

/**
 * A waiver: approved (created through the API, or an annotation request someone approved),
 * or, in the fleet list, an annotation request still waiting for approval (then without `id`).
 * @public
 */
export interface Waiver {
  id?: string;
  entityRef: string;
  checkId: string;
  reason: string;
  origin: 'api' | 'annotation';
  state: 'requested' | 'approved';
  /** The owner who asked for it in the entity's annotation. */
  requestedBy?: string;
  approvedBy?: string;
  approvedAt?: string;
  expiresAt: string;
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
  /**
   * Approves the annotation waiver request of one check; `until` may only end it earlier than
   * requested. Refused for the entity's own owners (critical checks always, others unless
   * the platform allows self-approval of minor checks).
   */
  approveWaiverRequest(
    entityRef: string,
    checkId: string,
    options?: { until?: string },
  ): Promise<Waiver>;
  /** Every readable waiver and waiting request of the fleet. */
  listFleetWaivers(): Promise<Waiver[]>;
}

/** @public */
export const productionReadinessApiRef = createApiRef<ProductionReadinessApi>({
  id: 'plugin.production-readiness.service',
});
