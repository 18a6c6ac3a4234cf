import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Block a promotion to production unless the required level is reached',
    example: stringify({
      steps: [
        {
          id: 'gate',
          action: 'production-readiness:gate',
          name: 'Production Readiness gate',
          input: { entityRef: 'component:default/orders-api' },
        },
      ],
    }),
  },
  {
    description: 'Require a given level',
    example: stringify({
      steps: [
        {
          id: 'gate',
          action: 'production-readiness:gate',
          input: { entityRef: 'component:default/orders-api', level: 'gold' },
        },
      ],
    }),
  },
];
