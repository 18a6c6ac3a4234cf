/** One job of a CI definition, as much of it as the pipeline checks read. */
export interface PipelineJob {
  /** The job's key in the file. */
  id: string;
  /** Shell lines it runs (`run` steps; GitLab `script`, `before_script`). */
  commands: string[];
  /** Actions (GitHub `uses`) and container images (GitLab `image`) it runs. */
  uses: string[];
  /** Jobs that must succeed before it starts (GitHub `needs`; GitLab earlier stages or `needs`). */
  needs: string[];
  /**
   * Variables its commands see, as written (GitHub `env` of the workflow, job and steps;
   * GitLab `variables`, global then the job's).
   */
  variables: Record<string, string>;
  /** GitHub `environment` / GitLab `environment` name, when the job deploys to one. */
  environment?: string;
}

/** A CI definition file of a repository, parsed. */
export interface PipelineDefinition {
  /** Path in the repository, e.g. `.github/workflows/ci.yaml`. */
  file: string;
  provider: 'github-actions' | 'gitlab-ci';
  /** Whether it runs for pushes to the default branch (GitHub `on.push`, GitLab always). */
  runsOnDefaultBranch: boolean;
  jobs: PipelineJob[];
  /** Why the file could not be read as a CI definition, when it could not. */
  error?: string;
}
