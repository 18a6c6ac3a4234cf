import { EnvironmentsFacts } from './facts';
import { PipelineDefinition, PipelineJob } from './types';

/** Scanners recognised by default in actions, images and commands (case-insensitive). */
export const DEFAULT_SCANNERS = [
  'trivy',
  'grype',
  'anchore',
  'codeql',
  'snyk',
  'osv-scanner',
  'dependency-check',
];

/** Test runners: a job running one of these tests the service. */
const TEST_COMMAND =
  /\b(?:(?:npm|pnpm|yarn|bun)(?: run)? test|go test|pytest|tox|mvn(?: \S+)* (?:test|verify)|\.?\/?gradlew?(?: \S+)* (?:test|check)|cargo test|make (?:test|check)|dotnet test|rspec|phpunit|mix test)\b/;

/** The Production Readiness gate API, as a job calling it names it. */
const GATE_API = /\/api\/production-readiness\/entities\/.*\/gate\b/;

const PRODUCTION = /^prod(uction)?\b/i;

/** How a pipeline tests, scans and deploys to production. */
export interface PipelineAnalysis {
  file: string;
  /** Jobs that run tests. */
  tests: string[];
  /** Jobs that scan dependencies or images, with the scanner recognised. */
  scans: Array<{ job: string; scanner: string }>;
  /** Jobs that deploy to production, with what gates them (undefined: nothing). */
  deploys: Array<{ job: string; environment?: string; gate?: string }>;
}

/** Every job `job` waits for, directly or through others. */
function prerequisites(
  job: PipelineJob,
  byId: Map<string, PipelineJob>,
): PipelineJob[] {
  const seen = new Set<string>();
  const visit = (j: PipelineJob) => {
    for (const id of j.needs) {
      const other = byId.get(id);
      if (other && !seen.has(id)) {
        seen.add(id);
        visit(other);
      }
    }
  };
  visit(job);
  return [...seen].map(id => byId.get(id)!);
}

function scannerOf(job: PipelineJob, scanners: string[]): string | undefined {
  const text = [...job.uses, ...job.commands].join('\n').toLowerCase();
  return scanners.find(s => text.includes(s.toLowerCase()));
}

const runsTests = (job: PipelineJob) =>
  job.commands.some(c => TEST_COMMAND.test(c));
const callsGate = (job: PipelineJob) =>
  job.commands.some(c => GATE_API.test(c));

/**
 * The jobs that deploy to production: those whose environment is named `prod…`, or, in a
 * file naming no environment at all, those whose id says `deploy`.
 */
export function productionDeployJobs(
  pipeline: PipelineDefinition,
): PipelineJob[] {
  const anyEnvironment = pipeline.jobs.some(j => j.environment);
  return pipeline.jobs.filter(j =>
    anyEnvironment
      ? PRODUCTION.test(j.environment ?? '')
      : /deploy/i.test(j.id),
  );
}

/**
 * What a CI definition does before production: which jobs test, which scan, and whether the
 * jobs deploying to a production environment wait for a test and a scan job (or call the
 * Production Readiness gate, or, on GitHub, deploy to an environment with required reviewers);
 * deploy jobs as {@link productionDeployJobs} finds them.
 */
export function analysePipeline(
  pipeline: PipelineDefinition,
  scanners: string[] = DEFAULT_SCANNERS,
  environments?: EnvironmentsFacts,
): PipelineAnalysis {
  const reviewersOf = (name: string | undefined) =>
    environments?.state === 'read' && name
      ? environments.environments.find(
          e => e.name.toLowerCase() === name.toLowerCase(),
        )?.reviewers ?? []
      : [];
  const byId = new Map(pipeline.jobs.map(j => [j.id, j]));
  const deployJobs = productionDeployJobs(pipeline);
  return {
    file: pipeline.file,
    tests: pipeline.jobs.filter(runsTests).map(j => j.id),
    scans: pipeline.jobs.flatMap(j => {
      const scanner = scannerOf(j, scanners);
      return scanner ? [{ job: j.id, scanner }] : [];
    }),
    deploys: deployJobs.map(job => {
      const before = prerequisites(job, byId);
      const gateCall = [job, ...before].find(callsGate);
      const test = before.find(runsTests);
      const scan = before.find(j => scannerOf(j, scanners));
      let gate: string | undefined;
      if (gateCall)
        gate = `calls the Production Readiness gate (job ${gateCall.id})`;
      else if (test && scan) {
        gate = `waits for ${test.id} (tests) and ${scan.id} (scan)`;
      } else if (
        pipeline.provider === 'github-actions' &&
        reviewersOf(job.environment).length
      ) {
        gate = `environment ${
          job.environment
        } waits for a review by ${reviewersOf(job.environment).join(', ')}`;
      }
      return { job: job.id, environment: job.environment, gate };
    }),
  };
}
