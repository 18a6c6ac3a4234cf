import { BlmOptions } from './blmOptions';
import { createRenderContext, RenderedFile } from './context';
import { renderAnsible } from './renderAnsible';
import { renderArgoCd } from './renderArgoCd';
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
  const vm = options.runtime === 'vm';
  const files = [
    ...renderCatalog(ctx),
    ...(vm
      ? renderAnsible(ctx)
      : [
          ...renderKubernetes(ctx),
          ...renderArgoCd(ctx),
          ...renderLogging(ctx),
        ]),
    ...renderMonitoring(ctx),
    ...renderBackup(ctx),
    ...renderDocs(ctx),
    ...renderCi(ctx),
  ];
  // On VMs nothing is applied to a cluster: the role replaces every Kubernetes manifest.
  return vm
    ? files.filter(f => !f.path.startsWith('deploy/kubernetes/'))
    : files;
}
