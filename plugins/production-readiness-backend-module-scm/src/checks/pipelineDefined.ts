import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import { analysePipeline, DEFAULT_SCANNERS } from '../pipeline/analysePipeline';
import { SCM_COLLECTOR_ID } from '../pipeline/facts';
import { REPOSITORY_CHECK_SCOPE, withRepositoryFacts } from './scope';

const collectors = [SCM_COLLECTOR_ID];
const REMEDIATION =
  'Run a CI workflow on pushes to the default branch with a test job (npm test, go test, pytest, mvn verify …), a dependency or image scan (Trivy, Grype, CodeQL, Snyk) and a production deploy job that needs both (or calls the Production Readiness gate); the service template generates one.';

/**
 * `delivery.pipeline-defined`: the entity's repository has a CI definition that, for the
 * default branch, runs tests, scans dependencies or images, and deploys to production only
 * after both (or after the Production Readiness gate allowed it).
 */
export function createPipelineDefinedCheck(
  options: { scanners?: string[] } = {},
): ReadinessCheck {
  const scanners = options.scanners ?? DEFAULT_SCANNERS;
  return createReadinessCheck({
    id: 'delivery.pipeline-defined',
    pillar: 'delivery',
    title: 'A pipeline tests, scans and gates production',
    description: `The repository's CI (GitHub Actions or GitLab CI) runs tests and a scan (${scanners.join(
      ', ',
    )}) for the default branch, and its production deploy waits for both or for the Production Readiness gate.`,
    severity: 'major',
    ...REPOSITORY_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: collectors,
    collectors,
    evaluate: withRepositoryFacts(facts => {
      const where = `${facts.sourceLocation} (${facts.defaultBranch})`;
      if (!facts.pipelines.length) {
        return checkResult.fail(
          `No CI definition in ${where}: neither .github/workflows/*.yml nor .gitlab-ci.yml`,
          [],
          REMEDIATION,
        );
      }
      const unreadable = facts.pipelines.filter(p => p.error);
      const running = facts.pipelines.filter(
        p => !p.error && p.runsOnDefaultBranch,
      );
      const analyses = running.map(p =>
        analysePipeline(p, scanners, facts.environments),
      );
      const evidence: Evidence[] = [
        ...unreadable.map(p => ({
          label: p.file,
          value: p.error!,
          source: facts.sourceLocation,
        })),
        ...analyses.map(a => ({
          label: a.file,
          value: {
            tests: a.tests,
            scans: a.scans.map(s => `${s.job} (${s.scanner})`),
            deploys: a.deploys.map(
              d =>
                `${d.job}${d.environment ? ` (${d.environment})` : ''}: ${
                  d.gate ?? 'not gated'
                }`,
            ),
          },
          source: facts.sourceLocation,
        })),
      ];
      const tests = analyses.flatMap(a => a.tests.map(t => `${a.file}: ${t}`));
      const scans = analyses.flatMap(a =>
        a.scans.map(s => `${a.file}: ${s.job} (${s.scanner})`),
      );
      const deploys = analyses.flatMap(a =>
        a.deploys.map(d => ({ ...d, file: a.file })),
      );
      const missing = [
        ...(running.length
          ? []
          : [`no workflow runs on pushes to ${facts.defaultBranch}`]),
        ...(tests.length ? [] : ['no job runs tests']),
        ...(scans.length ? [] : [`no job scans (${scanners.join(', ')})`]),
        ...(deploys.length
          ? []
          : ['no job deploys to a production environment']),
        ...deploys
          .filter(d => !d.gate)
          .map(
            d =>
              `${d.file}: job ${d.job} deploys to ${
                d.environment ?? 'production'
              } without waiting for a test and a scan job, the gate or a required review${
                facts.environments?.state === 'unavailable'
                  ? ` (its environment's protection rules could not be read: ${facts.environments.reason})`
                  : ''
              }`,
          ),
        ...unreadable.map(p => p.error!),
      ];
      if (missing.length) {
        return checkResult.fail(
          `The pipeline of ${where} falls short: ${missing.join('; ')}`,
          evidence,
          REMEDIATION,
        );
      }
      return checkResult.pass(
        `Tests (${tests.join(', ')}), scans (${scans.join(
          ', ',
        )}) and a gated production deploy (${deploys
          .map(d => `${d.job}: ${d.gate}`)
          .join('; ')})`,
        evidence,
      );
    }),
  });
}
