import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatProblems, validateBundle } from '../../validate/validateBundle';
import { examples } from './validate.examples';

/**
 * Creates `production-readiness:blm:validate`: fails the task, naming file and field, when the
 * bundle in the workspace is not production-ready by construction.
 *
 * @public
 */
export function createBlmValidateAction() {
  return createTemplateAction({
    id: 'production-readiness:blm:validate',
    description:
      'Validates the BLM bundle in the workspace: YAML/JSON syntax, Kubernetes fields, promtool check/test rules, ansible-playbook --syntax-check, catalog annotations, log shipping',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe('Folder of the workspace to validate'),
        promtool: z =>
          z
            .enum(['auto', 'required', 'skip'])
            .default('auto')
            .describe(
              'auto: run promtool when installed; required: fail without it; skip: never run it',
            ),
        ansible: z =>
          z
            .enum(['auto', 'required', 'skip'])
            .default('auto')
            .describe(
              'auto: run ansible-playbook --syntax-check on Ansible playbooks when installed; required: fail without it; skip: never run it',
            ),
        files: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              "Validate only these files (relative to targetPath), e.g. the render step's files output when adding BLM to an existing repository; default: every file",
            ),
      },
      output: {
        checkedFiles: z =>
          z.array(z.string()).describe('YAML and JSON files parsed'),
        promtool: z =>
          z
            .enum(['ran', 'not found', 'skipped'])
            .describe('Whether promtool ran'),
        ansible: z =>
          z
            .enum(['ran', 'not found', 'skipped'])
            .describe('Whether ansible-playbook --syntax-check ran'),
      },
    },
    async handler(ctx) {
      const targetPath = ctx.input.targetPath ?? '.';
      const mode = ctx.input.promtool ?? 'auto';
      const ansible = ctx.input.ansible ?? 'auto';
      for (const [tool, value] of [
        ['promtool', mode],
        ['ansible', ansible],
      ]) {
        if (!['auto', 'required', 'skip'].includes(value)) {
          throw new InputError(
            `${tool} must be auto, required or skip, got "${value}"`,
          );
        }
      }
      const root = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const result = await validateBundle(root, {
        promtool: mode,
        ansible,
        files: ctx.input.files,
      });
      if (result.promtool === 'not found') {
        ctx.logger.warn(
          'promtool not found on PATH: Prometheus rules were not checked or unit-tested',
        );
      }
      if (result.ansible === 'not found') {
        ctx.logger.warn(
          'ansible-playbook not found on PATH: Ansible playbooks were not syntax-checked',
        );
      }
      if (result.problems.length) {
        throw new InputError(
          `The BLM bundle has ${
            result.problems.length
          } problem(s):\n${formatProblems(result.problems)}`,
        );
      }
      ctx.logger.info(
        `BLM bundle valid: ${result.checkedFiles.length} files, promtool ${result.promtool}, ansible ${result.ansible}`,
      );
      ctx.output('checkedFiles', result.checkedFiles);
      ctx.output('promtool', result.promtool);
      ctx.output('ansible', result.ansible);
    },
  });
}
