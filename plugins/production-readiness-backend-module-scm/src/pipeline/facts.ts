import { PipelineDefinition } from './types';

/** Id of the repository collector; checks read its facts with `ctx.facts(SCM_COLLECTOR_ID)`. */
export const SCM_COLLECTOR_ID = 'scm';

/** What the entity's repository holds of its delivery pipeline. */
export interface ScmFacts {
  /** `backstage.io/source-location` without its `url:` prefix. */
  sourceLocation: string;
  defaultBranch: string;
  /** Every CI definition found: `.github/workflows/*.y(a)ml` and `.gitlab-ci.yml`. */
  pipelines: PipelineDefinition[];
}
