import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  Evidence,
  formatDuration,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import { SCM_COLLECTOR_ID, WorkflowRuns } from '../pipeline/facts';
import { REPOSITORY_CHECK_SCOPE, withRepositoryFacts } from './scope';

const collectors = [SCM_COLLECTOR_ID];
const REMEDIATION =
  "Fix the default branch's failing workflow (or re-run it) so that its latest run succeeds; a workflow that has not run within the allowed age should run on every push (and on a schedule for quiet repositories).";
/** Default for `productionReadiness.scm.maxRunAge`. */
export const DEFAULT_MAX_RUN_AGE_MS = 30 * 24 * 3600_000;

const short = (sha: string) => sha.slice(0, 7);

/**
 * `delivery.pipeline-green`: the latest completed run of every workflow that runs on pushes to
 * the default branch succeeded, recently enough. Cancelled and skipped runs decide nothing and
 * are passed over; a workflow with no decisive run fails.
 */
export function createPipelineGreenCheck(
  options: { maxRunAgeMs?: number } = {},
): ReadinessCheck {
  const maxAge = options.maxRunAgeMs ?? DEFAULT_MAX_RUN_AGE_MS;
  return createReadinessCheck({
    id: 'delivery.pipeline-green',
    pillar: 'delivery',
    title: 'The default branch builds',
    description: `The latest run of each workflow that runs on pushes to the default branch succeeded, within ${formatDuration(
      maxAge,
    )}.`,
    severity: 'major',
    ...REPOSITORY_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: collectors,
    collectors,
    evaluate: withRepositoryFacts((facts, context) => {
      if (!facts.runs) {
        return checkResult.unknown(
          `No run results were read for ${facts.sourceLocation}`,
        );
      }
      if (facts.runs.state === 'unavailable') {
        return checkResult.unknown(
          `The runs of ${facts.sourceLocation} could not be read: ${facts.runs.reason}`,
        );
      }
      const workflows = facts.runs.workflows;
      if (!workflows.length) {
        return checkResult.fail(
          `No GitHub Actions workflow of ${facts.sourceLocation} runs on pushes to ${facts.defaultBranch}, so nothing shows the default branch builds`,
          [],
          REMEDIATION,
        );
      }
      const now = context.now.getTime();
      const verdicts = workflows.map(w => judge(w, now, maxAge));
      const evidence: Evidence[] = workflows.map(w => ({
        label: w.file,
        value: w.latest
          ? `run #${w.latest.runNumber} of ${short(w.latest.headSha)}: ${
              w.latest.conclusion
            }`
          : w.error ?? 'no completed run',
        source: facts.sourceLocation,
        ...(w.latest && { timestamp: w.latest.finishedAt, url: w.latest.url }),
      }));
      const failing = verdicts.filter(v => v.status === 'fail');
      const unreadable = verdicts.filter(v => v.status === 'unknown');
      const untested =
        facts.commit &&
        workflows.every(w => w.latest && w.latest.headSha !== facts.commit)
          ? ` (the head ${short(facts.commit)} has no completed run yet)`
          : '';
      if (failing.length) {
        return checkResult.fail(
          `The default branch (${facts.defaultBranch}) is not green: ${failing
            .map(v => v.text)
            .join('; ')}`,
          evidence,
          REMEDIATION,
        );
      }
      if (unreadable.length) {
        return checkResult.unknown(
          `The runs of ${unreadable.map(v => v.text).join('; ')}`,
          evidence,
        );
      }
      return checkResult.pass(
        `Latest runs on ${facts.defaultBranch} succeeded: ${verdicts
          .map(v => v.text)
          .join('; ')}${untested}`,
        evidence,
      );
    }),
  });
}

function judge(
  workflow: WorkflowRuns,
  now: number,
  maxAge: number,
): { status: 'pass' | 'fail' | 'unknown'; text: string } {
  const { file, latest, error } = workflow;
  if (error) return { status: 'unknown', text: `${file}: ${error}` };
  if (!latest) {
    const passedOver = workflow.undecided
      ? ` (${workflow.undecided} cancelled or skipped)`
      : '';
    return {
      status: 'fail',
      text: `${file} has no completed run that succeeded or failed${passedOver}`,
    };
  }
  const run = `${file} run #${latest.runNumber} (${short(
    latest.headSha,
  )}, ${summaryTime(latest.finishedAt)})`;
  if (latest.conclusion !== 'success') {
    return { status: 'fail', text: `${run} ended ${latest.conclusion}` };
  }
  const age = now - Date.parse(latest.finishedAt);
  if (!(age <= maxAge)) {
    return {
      status: 'fail',
      text: `${run} succeeded but is older than ${formatDuration(maxAge)}`,
    };
  }
  return { status: 'pass', text: `${run} succeeded` };
}
