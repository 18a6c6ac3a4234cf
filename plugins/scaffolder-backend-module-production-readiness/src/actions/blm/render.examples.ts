import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Render the BLM bundle of a stateless service whose logs go to the platform Loki',
    example: stringify({
      steps: [
        {
          id: 'blm',
          action: 'production-readiness:blm:render',
          name: 'Render backup, logging and monitoring',
          input: {
            name: 'catalog-api',
            owner: 'group:default/team-orders',
            system: 'webshop',
            image: 'ghcr.io/acme/catalog-api',
            alertReceiver: 'team-orders',
            onCall: 'pagerduty:P123ABC',
            runbookUrl:
              'https://backstage.example.com/docs/default/component/catalog-api/runbook/',
            logStoreType: 'loki',
            logStoreUrl: 'http://loki-gateway.logging.svc:3100',
            logStore: 'main',
            logRetention: '90d',
          },
        },
      ],
    }),
  },
  {
    description:
      'Render the bundle of a service with a PostgreSQL database backed up by pgBackRest',
    example: stringify({
      steps: [
        {
          id: 'blm',
          action: 'production-readiness:blm:render',
          name: 'Render backup, logging and monitoring',
          input: {
            name: 'orders-api',
            owner: 'group:default/team-orders',
            image: 'ghcr.io/acme/orders-api',
            alertReceiver: 'team-orders',
            onCall: 'pagerduty:P123ABC',
            runbookUrl:
              'https://backstage.example.com/docs/default/component/orders-api/runbook/',
            database: true,
            backupLocation: 'main',
            backupMethod: 'incremental',
            backupSchedule: '0 2 * * *',
            fullBackupSchedule: '0 3 * * 0',
            rpo: '24h',
            rto: '2h',
            sloAvailability: 99.9,
            sloLatencyMs: 300,
          },
        },
      ],
    }),
  },
  {
    description:
      'Add only the missing BLM pieces to an existing repository checked out in ./repo',
    example: stringify({
      steps: [
        {
          id: 'blm',
          action: 'production-readiness:blm:render',
          input: {
            targetPath: './repo',
            onlyMissing: true,
            pieces: ['monitoring', 'docs', 'ci'],
            name: 'billing-api',
            owner: 'group:default/team-payments',
            image: 'ghcr.io/acme/billing-api',
            alertReceiver: 'team-payments',
            onCall: '#payments-oncall',
            runbookUrl:
              'https://backstage.example.com/docs/default/component/billing-api/runbook/',
          },
        },
      ],
    }),
  },
];
