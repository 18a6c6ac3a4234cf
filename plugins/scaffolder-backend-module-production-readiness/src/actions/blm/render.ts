import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod/v3';
import {
  BLM_PIECES,
  BlmPiece,
  blmRenderInputSchema,
  describeZodIssues,
} from '../../render/blmOptions';
import { renderBlmBundle } from '../../render/renderBlmBundle';
import { examples } from './render.examples';

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `production-readiness:blm:render`: writes the backup, logging and monitoring bundle
 * (catalog-info with every annotation the checks read, Kubernetes manifests, monitoring rules
 * with unit tests, backup and restore-test jobs, TechDocs, CI with the readiness gate).
 *
 * @public
 */
export function createBlmRenderAction() {
  return createTemplateAction({
    id: 'production-readiness:blm:render',
    description:
      'Renders the backup, logging and monitoring (BLM) bundle of a service into the workspace',
    examples,
    supportsDryRun: true,
    schema: {
      input: blmRenderInputSchema,
      output: {
        files: zImpl =>
          zImpl
            .array(zImpl.string())
            .describe('Files written, relative to targetPath'),
        skipped: zImpl =>
          zImpl
            .array(zImpl.string())
            .describe(
              'Files left alone because they already existed (onlyMissing)',
            ),
        missingPieces: zImpl =>
          zImpl
            .array(zImpl.string())
            .describe(
              'Pieces that had at least one file missing before rendering',
            ),
        entityRef: zImpl =>
          zImpl.string().describe('Ref of the rendered Component'),
      },
    },
    async handler(ctx) {
      // The scaffolder validates against the JSON schema; parse again for defaults,
      // cross-field rules and messages that name the field.
      const parsed = blmRenderInputSchema(z).safeParse(ctx.input);
      if (!parsed.success) {
        throw new InputError(
          `Invalid input to production-readiness:blm:render: ${describeZodIssues(
            parsed.error,
          )}`,
        );
      }
      const options = parsed.data;
      const target = resolveSafeChildPath(
        ctx.workspacePath,
        options.targetPath,
      );
      const wanted = new Set<BlmPiece>(options.pieces ?? BLM_PIECES);
      const files = renderBlmBundle(options).filter(f => wanted.has(f.piece));

      const missing = new Set<BlmPiece>();
      const toWrite = [];
      const skipped: string[] = [];
      for (const file of files) {
        const destination = resolveSafeChildPath(target, file.path);
        if (await exists(destination)) {
          if (options.onlyMissing) {
            skipped.push(file.path);
            continue;
          }
        } else {
          missing.add(file.piece);
        }
        toWrite.push({ ...file, destination });
      }

      // Writing into the workspace is safe in a dry run: the workspace is a temporary folder
      // whose files the dry run shows to the template author.
      for (const file of toWrite) {
        await fs.mkdir(path.dirname(file.destination), { recursive: true });
        await fs.writeFile(file.destination, file.content, 'utf8');
      }
      ctx.logger.info(
        `Rendered ${toWrite.length} BLM files for ${options.name}${
          skipped.length ? `, kept ${skipped.length} existing files` : ''
        }`,
      );
      ctx.output(
        'files',
        toWrite.map(f => f.path),
      );
      ctx.output('skipped', skipped);
      ctx.output(
        'missingPieces',
        BLM_PIECES.filter(p => missing.has(p)),
      );
      ctx.output('entityRef', `component:default/${options.name}`);
    },
  });
}
