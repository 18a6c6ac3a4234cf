import {
  CheckContext,
  CheckEvaluation,
  checkResult,
} from '@production-readiness/plugin-production-readiness-node';
import { SOURCE_LOCATION } from '../collector/ScmCollector';
import { SCM_COLLECTOR_ID, ScmFacts } from '../pipeline/facts';

/** Components that are not built into something deployed. */
const NOT_DEPLOYED = ['library', 'documentation'];

/**
 * Runtimes whose delivery the repository checks judge on their own: a gated pipeline deploy
 * (Argo CD, kubectl, Helm; Ansible for VMs) is how a service reaches them. On a VM they stand
 * in for the Kubernetes module's delivery checks, which have no VM evidence to read.
 */
const REPOSITORY_RUNTIMES = ['kubernetes', 'vm'];

/**
 * Where the repository checks apply: Components with a source location (the catalog sets it
 * for every entity registered from a repository, Resources and Systems too, which are not
 * built by a pipeline), and, when coverage requires the delivery pillar, every deployed
 * Component (one without a source location fails with what to declare).
 */
export const REPOSITORY_CHECK_SCOPE = {
  appliesTo: {
    kind: ['Component'],
    notType: NOT_DEPLOYED,
    hasAnnotations: [SOURCE_LOCATION],
  },
  requiredOf: {
    kind: ['Component'],
    notType: NOT_DEPLOYED,
    runtime: REPOSITORY_RUNTIMES,
  },
};

/** A repository check's evaluator: its repository's facts, or `unknown` when none were read. */
export function withRepositoryFacts(
  evaluate: (facts: ScmFacts, context: CheckContext) => CheckEvaluation,
): (context: CheckContext) => CheckEvaluation {
  return context => {
    const facts = context.facts<ScmFacts>(SCM_COLLECTOR_ID);
    return facts
      ? evaluate(facts, context)
      : checkResult.unknown(
          'The repository was not read: the entity has no backstage.io/source-location the SCM module can read',
        );
  };
}
