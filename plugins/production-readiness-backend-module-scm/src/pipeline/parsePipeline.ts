import { parse } from 'yaml';
import { PipelineDefinition, PipelineJob } from './types';

type Yaml = Record<string, unknown>;

const isObject = (v: unknown): v is Yaml =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A GitLab `needs` entry may be `{ job: name }`. */
const jobName = (x: unknown): string[] => {
  if (typeof x === 'string') return [x];
  return isObject(x) && typeof x.job === 'string' ? [x.job] : [];
};

/** A string or list of strings, as YAML CI files write `needs`, `script` and `branches`. */
const strings = (v: unknown): string[] => {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.flatMap(jobName) : [];
};

const lines = (v: unknown) => strings(v).flatMap(s => s.split('\n'));

/** `env:` / `variables:` as text; GitLab also writes `NAME: { value: …, description: … }`. */
function variablesOf(...maps: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const map of maps) {
    if (!isObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      const text = isObject(value) ? value.value : value;
      if (['string', 'number', 'boolean'].includes(typeof text)) {
        out[name] = String(text);
      }
    }
  }
  return out;
}

function environmentName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return isObject(v) && typeof v.name === 'string' ? v.name : undefined;
}

function parseYaml(
  file: string,
  text: string,
): { ok: true; doc: Yaml } | { ok: false; error: string } {
  try {
    const doc = parse(text);
    return isObject(doc)
      ? { ok: true, doc }
      : { ok: false, error: `${file} is not a YAML mapping` };
  } catch (e) {
    return {
      ok: false,
      error: `${file} is not valid YAML: ${
        (e as Error).message.split('\n')[0]
      }`,
    };
  }
}

/** Whether a GitHub Actions `on:` runs for pushes to `branch` (or can be started by hand). */
function githubRunsOn(on: unknown, branch: string): boolean {
  if (typeof on === 'string') return on === 'push';
  if (Array.isArray(on)) return on.includes('push');
  if (!isObject(on) || !('push' in on)) return false;
  const push = on.push;
  if (!isObject(push)) return true;
  const branches = strings(push.branches);
  const ignored = strings(push['branches-ignore']);
  if (ignored.includes(branch)) return false;
  // Tags only: pushes to branches do not run it.
  if (!branches.length && strings(push.tags).length) return false;
  return (
    !branches.length ||
    branches.some(b => b === branch || b === '**' || b === '*')
  );
}

/** A GitHub Actions workflow (`.github/workflows/*.y(a)ml`). */
export function parseGitHubWorkflow(
  file: string,
  text: string,
  defaultBranch: string,
): PipelineDefinition {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) {
    return {
      file,
      provider: 'github-actions',
      runsOnDefaultBranch: false,
      jobs: [],
      error: parsed.error,
    };
  }
  const { doc } = parsed;
  const jobs = isObject(doc.jobs) ? doc.jobs : {};
  return {
    file,
    provider: 'github-actions',
    // YAML 1.1 readers turn a bare `on` key into true; the `yaml` library keeps "on".
    runsOnDefaultBranch: githubRunsOn(doc.on ?? doc.true, defaultBranch),
    jobs: Object.entries(jobs)
      .filter(([, job]) => isObject(job))
      .map(([id, job]) => {
        const j = job as Yaml;
        const steps = Array.isArray(j.steps) ? j.steps.filter(isObject) : [];
        return {
          id,
          commands: steps.flatMap(s => lines(s.run)),
          uses: [
            ...steps.flatMap(s => strings(s.uses)),
            // A reusable workflow called as the job.
            ...strings(j.uses),
          ],
          needs: strings(j.needs),
          variables: variablesOf(doc.env, j.env, ...steps.map(st => st.env)),
          environment: environmentName(j.environment),
        };
      }),
  };
}

/** Keys of `.gitlab-ci.yml` that are settings, not jobs. */
const GITLAB_KEYWORDS = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

/** A GitLab CI definition (`.gitlab-ci.yml`): jobs wait for every job of earlier stages. */
export function parseGitLabCi(file: string, text: string): PipelineDefinition {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) {
    return {
      file,
      provider: 'gitlab-ci',
      runsOnDefaultBranch: false,
      jobs: [],
      error: parsed.error,
    };
  }
  const { doc } = parsed;
  const stages = strings(doc.stages);
  const order = stages.length ? stages : ['build', 'test', 'deploy'];
  const entries = Object.entries(doc).filter(
    ([key, job]) =>
      !GITLAB_KEYWORDS.has(key) && !key.startsWith('.') && isObject(job),
  ) as Array<[string, Yaml]>;
  const stageOf = (job: Yaml) =>
    typeof job.stage === 'string' ? job.stage : 'test';
  const jobs: PipelineJob[] = entries.map(([id, job]) => {
    const image = isObject(job.image) ? job.image.name : job.image;
    const earlier = entries
      .filter(
        ([, other]) =>
          order.indexOf(stageOf(other)) < order.indexOf(stageOf(job)),
      )
      .map(([otherId]) => otherId);
    return {
      id,
      commands: [...lines(job.before_script), ...lines(job.script)],
      uses: strings(image),
      needs: 'needs' in job ? strings(job.needs) : earlier,
      variables: variablesOf(doc.variables, job.variables),
      environment: environmentName(job.environment),
    };
  });
  return { file, provider: 'gitlab-ci', runsOnDefaultBranch: true, jobs };
}
