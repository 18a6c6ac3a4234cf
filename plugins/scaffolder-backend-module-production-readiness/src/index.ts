/**
 * Scaffolder actions of Production Readiness for Backstage: render and validate a backup,
 * logging and monitoring bundle, and ask the production gate.
 *
 * @packageDocumentation
 */

export { scaffolderModuleProductionReadiness as default } from './module';
export { createBlmRenderAction } from './actions/blm/render';
export { createBlmValidateAction } from './actions/blm/validate';
export { createGateAction } from './actions/gate/gate';
export {
  BLM_PIECES,
  blmRenderInputSchema,
  type BlmPiece,
  type BlmOptions,
} from './render/blmOptions';
export { renderBlmBundle } from './render/renderBlmBundle';
export { backupJobScripts } from './render/renderBackup';
export type { RenderedFile } from './render/context';
export {
  validateBundle,
  formatProblems,
  type BundleProblem,
  type BundleValidation,
} from './validate/validateBundle';
