/**
 * Delivery pipelines for Production Readiness (work in progress: the checks and the parsers of
 * CI definitions; the collector reading repositories comes next).
 *
 * @packageDocumentation
 */
export { createPipelineDefinedCheck } from './checks/pipelineDefined';
export {
  analysePipeline,
  DEFAULT_SCANNERS,
  type PipelineAnalysis,
} from './pipeline/analysePipeline';
export { parseGitHubWorkflow, parseGitLabCi } from './pipeline/parsePipeline';
export { SCM_COLLECTOR_ID, type ScmFacts } from './pipeline/facts';
export type { PipelineDefinition, PipelineJob } from './pipeline/types';
