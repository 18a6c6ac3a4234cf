import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Validate the bundle rendered into the workspace root',
    example: stringify({
      steps: [
        {
          id: 'validate',
          action: 'production-readiness:blm:validate',
          name: 'Validate BLM',
        },
      ],
    }),
  },
  {
    description: 'Validate a checked-out repository and insist on promtool',
    example: stringify({
      steps: [
        {
          id: 'validate',
          action: 'production-readiness:blm:validate',
          input: { targetPath: './repo', promtool: 'required' },
        },
      ],
    }),
  },
  {
    description:
      'Validate only the files a render step added to an existing repository',
    example: stringify({
      steps: [
        {
          id: 'validate',
          action: 'production-readiness:blm:validate',
          input: { files: '${{ steps.blm.output.files }}' },
        },
      ],
    }),
  },
];
