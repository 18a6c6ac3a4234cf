/**
 * Delivery pipelines for Production Readiness: the CI definitions of each entity's repository,
 * read through Backstage's UrlReader, and the checks that judge them.
 *
 * @packageDocumentation
 */
export { productionReadinessModuleScm as default } from './module';
export { ScmCollector } from './collector/ScmCollector';
export { createPipelineDefinedCheck } from './checks/pipelineDefined';
export {
  analysePipeline,
  DEFAULT_SCANNERS,
  type PipelineAnalysis,
} from './pipeline/analysePipeline';
export { parseGitHubWorkflow, parseGitLabCi } from './pipeline/parsePipeline';
export { SCM_COLLECTOR_ID, type ScmFacts } from './pipeline/facts';
export type { PipelineDefinition, PipelineJob } from './pipeline/types';
