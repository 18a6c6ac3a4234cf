import { Entity } from '@backstage/catalog-model';
import {
  BUILT_IN_PILLARS,
  CheckDefinition,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckCatalogue,
  ProductionReadinessApi,
} from '@production-readiness/plugin-production-readiness-react';

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    title: 'Payments API',
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

const checks: CheckDefinition[] = [
  {
    id: 'backup.restore-tested',
    pillar: 'backup',
    title: 'Restore tested recently',
    description: 'A restore test succeeded within 7 days.',
    severity: 'critical',
    remediation: 'Schedule the restore-test CronJob.',
    docsUrl: 'https://docs.example.com/restore-tests',
  },
  {
    id: 'availability.pdb',
    pillar: 'availability',
    title: 'PodDisruptionBudget',
    description: 'Voluntary disruptions keep enough replicas.',
    severity: 'major',
    remediation: 'Add a PodDisruptionBudget with minAvailable 1.',
  },
  {
    id: 'availability.replicas',
    pillar: 'availability',
    title: 'At least two replicas',
    description: 'One replica means downtime on every deploy.',
    severity: 'critical',
    remediation: 'Set spec.replicas to 2 or more.',
  },
  {
    id: 'monitoring.scraped',
    pillar: 'monitoring',
    title: 'Scraped and up',
    description: 'Prometheus scrapes every target.',
    severity: 'critical',
    remediation: 'Add a ServiceMonitor.',
  },
  {
    id: 'documentation.runbook',
    pillar: 'documentation',
    title: 'Runbook linked',
    description: 'On-call has a runbook.',
    severity: 'major',
    remediation: 'Add production-readiness.io/runbook.',
  },
];

export const catalogue: CheckCatalogue = {
  checks,
  pillars: [...BUILT_IN_PILLARS],
  levels: [
    { name: 'bronze', severities: ['critical'] },
    { name: 'silver', severities: ['critical', 'major'] },
    { name: 'gold', severities: ['critical', 'major', 'minor'] },
  ],
  requiredLevels: { production: 'silver' },
};

const at = '2026-11-22T10:00:00.000Z';

/** A report with every kind of status, as the backend serves it. */
export const mixedReport: ReadinessReport = {
  entityRef: 'component:default/payments-api',
  evaluatedAt: at,
  score: 46,
  pillars: [
    {
      pillar: 'availability',
      score: 60,
      counts: { pass: 1, warn: 0, fail: 1, unknown: 0, error: 0, waived: 0 },
    },
    {
      pillar: 'backup',
      score: 0,
      counts: { pass: 0, warn: 0, fail: 1, unknown: 0, error: 0, waived: 0 },
    },
    {
      pillar: 'monitoring',
      score: 0,
      counts: { pass: 0, warn: 0, fail: 0, unknown: 0, error: 1, waived: 0 },
    },
    {
      pillar: 'documentation',
      score: 100,
      counts: { pass: 0, warn: 0, fail: 0, unknown: 0, error: 0, waived: 1 },
    },
  ],
  gate: {
    entityRef: 'component:default/payments-api',
    requiredLevel: 'silver',
    achievedLevel: 'none',
    allowed: false,
    blocking: [
      {
        checkId: 'backup.restore-tested',
        title: 'Restore tested recently',
        severity: 'critical',
        status: 'fail',
        summary:
          'No restore test record found under restore-tests/payments-db/',
      },
      {
        checkId: 'monitoring.scraped',
        title: 'Scraped and up',
        severity: 'critical',
        status: 'error',
        summary: 'Prometheus "main" failed: connect ECONNREFUSED 10.0.0.5:9090',
      },
      {
        checkId: 'availability.pdb',
        title: 'PodDisruptionBudget',
        severity: 'major',
        status: 'fail',
        summary: 'No PodDisruptionBudget selects payments-api in shop',
      },
    ],
  },
  results: [
    {
      checkId: 'availability.replicas',
      status: 'pass',
      underlyingStatus: 'pass',
      summary: '3 of 3 replicas ready',
      evidence: [
        {
          label: 'Deployment shop/payments-api',
          value: { replicas: 3, ready: 3 },
          source: 'kubernetes:prod',
        },
      ],
      changedAt: at,
      evaluatedAt: at,
    },
    {
      checkId: 'availability.pdb',
      status: 'fail',
      underlyingStatus: 'fail',
      summary: 'No PodDisruptionBudget selects payments-api in shop',
      evidence: [],
      remediation: 'Add a PodDisruptionBudget with minAvailable 1.',
      changedAt: at,
      evaluatedAt: at,
    },
    {
      checkId: 'backup.restore-tested',
      status: 'fail',
      underlyingStatus: 'fail',
      summary: 'No restore test record found under restore-tests/payments-db/',
      evidence: [
        { label: 'listing', value: 0, source: 'backup:demo-s3', timestamp: at },
      ],
      remediation: 'Schedule the restore-test CronJob.',
      changedAt: at,
      evaluatedAt: at,
    },
    {
      checkId: 'monitoring.scraped',
      status: 'error',
      underlyingStatus: 'error',
      summary: 'Prometheus "main" failed: connect ECONNREFUSED 10.0.0.5:9090',
      evidence: [
        { label: 'collector', value: 'prometheus', source: 'prometheus' },
      ],
      changedAt: at,
      evaluatedAt: at,
    },
    {
      checkId: 'documentation.runbook',
      status: 'waived',
      underlyingStatus: 'fail',
      summary: 'annotation production-readiness.io/runbook is missing',
      evidence: [],
      waiver: {
        origin: 'annotation',
        state: 'approved',
        requestedBy: 'group:default/team-payments',
        approvedBy: 'user:default/platform-lead',
        approvedAt: '2026-11-20T09:00:00.000Z',
        reason: 'runbook is being written this sprint',
        expiresAt: '2026-12-31T23:59:59.999Z',
      },
      changedAt: at,
      evaluatedAt: at,
    },
  ],
  history: [
    {
      checkId: 'availability.pdb',
      status: 'fail',
      summary: 'No PodDisruptionBudget selects payments-api in shop',
      firstSeen: at,
      lastSeen: at,
    },
  ],
  trend: [
    { at: '2026-11-01T10:00:00.000Z', score: 80, level: 'bronze' },
    { at, score: 46, level: 'none' },
  ],
  pushed: [
    {
      id: '6f1c2d9e-0d1b-4c55-9a49-4d0f3c1a2b3c',
      type: 'restore-test',
      observedAt: '2026-11-22T03:40:00.000Z',
      pushedBy: 'service:payments-restore-job',
      receivedAt: '2026-11-22T03:40:02.000Z',
      status: 'failed',
      logUrl: 'https://logs.example.com/payments-restore/20261122',
    },
    {
      id: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
      type: 'backup-run',
      observedAt: '2026-11-22T02:10:00.000Z',
      pushedBy: 'user:default/ines',
      receivedAt: '2026-11-22T02:10:01.000Z',
    },
  ],
};

export const notEvaluatedReport: ReadinessReport = {
  entityRef: 'component:default/payments-api',
  score: 0,
  pillars: [],
  gate: {
    entityRef: 'component:default/payments-api',
    requiredLevel: 'silver',
    achievedLevel: 'none',
    allowed: false,
    blocking: [],
  },
  results: [],
  history: [],
  trend: [],
  pushed: [],
};

/** An in-memory ProductionReadinessApi; override what a test needs. */
export function fakeApi(
  overrides: Partial<ProductionReadinessApi> = {},
): ProductionReadinessApi {
  const notUsed = () => Promise.reject(new Error('not used in this test'));
  return {
    getChecks: async () => catalogue,
    getReport: async () => mixedReport,
    refresh: async () => mixedReport,
    getGate: notUsed,
    getOverview: async () => [],
    listWaivers: async () => [],
    createWaiver: notUsed,
    deleteWaiver: notUsed,
    approveWaiverRequest: notUsed,
    listFleetWaivers: async () => [],
    ...overrides,
  };
}
