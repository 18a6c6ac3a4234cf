/** A pillar groups checks on the tab and in scores. @public */
export interface PillarDefinition {
  id: string;
  title: string;
  description: string;
}

/**
 * The built-in pillars. Platform teams add their own through the backend's pillar
 * extension point.
 *
 * @public
 */
export const BUILT_IN_PILLARS: readonly PillarDefinition[] = [
  {
    id: 'backup',
    title: 'Backup',
    description:
      'Backups exist for every stateful dependency, are fresh, sane and proven by a tested restore.',
  },
  {
    id: 'logging',
    title: 'Logging',
    description:
      'Structured logs to stdout, bounded log volumes, disk-fill alerts and declared retention.',
  },
  {
    id: 'monitoring',
    title: 'Monitoring',
    description:
      'Scraped, alerted on the baseline failure modes, SLOs defined, alerts routed to the owning team.',
  },
  {
    id: 'availability',
    title: 'Availability',
    description:
      'Replicas, disruption budgets, probes, resource limits, spread and safe rollouts.',
  },
  {
    id: 'security',
    title: 'Security',
    description:
      'Non-root, read-only, pinned images, network policies, no secret literals, valid TLS.',
  },
  {
    id: 'delivery',
    title: 'Delivery',
    description:
      'CI with tests, lint and image scan; deployed through an orchestrator; rollback strategy.',
  },
  {
    id: 'documentation',
    title: 'Documentation',
    description:
      'Owner, lifecycle, on-call, runbook, backup and restore plan, postmortem template.',
  },
];
