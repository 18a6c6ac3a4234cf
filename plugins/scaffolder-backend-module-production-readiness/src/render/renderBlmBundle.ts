import { BlmOptions } from './blmOptions';
import { createRenderContext, RenderedFile } from './context';
import { renderBackup } from './renderBackup';
import { renderCatalog } from './renderCatalog';
import { renderCi } from './renderCi';
import { renderDocs } from './renderDocs';
import { renderKubernetes } from './renderKubernetes';
import { renderLogging } from './renderLogging';
import { renderMonitoring } from './renderMonitoring';

/**
 * Renders every file of the backup, logging and monitoring bundle from validated options.
 * Pure: no I/O, so the action, its dry run and the tests see the same files.
 *
 * @public
 */
export function renderBlmBundle(options: BlmOptions): RenderedFile[] {
  const ctx = createRenderContext(options);
  return [
    ...renderCatalog(ctx),
    ...renderKubernetes(ctx),
    ...renderLogging(ctx),
    ...renderMonitoring(ctx),
    ...renderBackup(ctx),
    ...renderDocs(ctx),
    ...renderCi(ctx),
  ];
}
