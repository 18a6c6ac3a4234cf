import {
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import {
  evaluateContainers,
  evidence,
  WORKLOAD_CHECK_SCOPE,
  listSome,
  plural,
  withKubernetesFacts,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

const LOG_PATH = /(^|\/)(var\/log|logs?)(\/|$)/;
const LOG_ENV = /^(LOG_?FILE|LOG_?PATH|LOG_?DIR|LOGFILE|LOGDIR)$/i;
const LOG_ARG = /^--?log[-_]?(file|dir|path)(=|$)/i;

export function createLoggingChecks(): ReadinessCheck[] {
  return [
    createReadinessCheck({
      id: 'logging.stdout',
      pillar: 'logging',
      title: 'Logs go to stdout',
      description:
        'Containers write logs to stdout/stderr (collected and rotated by the node), not to files in the container or a volume that nobody rotates.',
      severity: 'minor',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Log to stdout as JSON lines; remove log-file settings (LOG_FILE, --log-file) and volumes mounted at log directories.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) =>
        evaluateContainers(facts.workloads, {
          problem: c => {
            const found = [
              ...(c.volumeMounts ?? [])
                .filter(m => LOG_PATH.test(m.mountPath))
                .map(m => `volume ${m.name} at ${m.mountPath}`),
              ...(c.env ?? [])
                .filter(e => LOG_ENV.test(e.name) && e.value)
                .map(e => `env ${e.name}=${e.value}`),
              ...[...(c.command ?? []), ...(c.args ?? [])]
                .filter(a => LOG_ARG.test(a))
                .map(a => `argument ${a}`),
            ];
            return found.length
              ? `writes log files: ${found.join(', ')}`
              : undefined;
          },
          passSummary: total =>
            `No container writes log files (${plural(
              total,
              'container',
            )}: no log-directory mounts, LOG_FILE settings or --log-file arguments)`,
          failSummary: (bad, total, offenders) =>
            `${bad} of ${total} containers log to files: ${offenders}`,
        }),
      ),
    }),
    createReadinessCheck({
      id: 'logging.emptydir-size-limit',
      pillar: 'logging',
      title: 'emptyDir volumes bounded',
      description:
        'Every emptyDir volume has a sizeLimit, so logs or scratch files cannot fill the node disk and evict everything on it.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Set emptyDir.sizeLimit (e.g. 500Mi) on every emptyDir volume.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) => {
        const items: Evidence[] = [];
        const unbounded: string[] = [];
        let total = 0;
        for (const w of facts.workloads) {
          for (const v of w.template.spec?.volumes ?? []) {
            if (!v.emptyDir) continue;
            total += 1;
            const limit = v.emptyDir.sizeLimit;
            items.push(
              evidence(
                w.cluster,
                `${w.kind} ${w.namespace}/${w.name} emptyDir ${v.name}`,
                limit ? `sizeLimit ${limit}` : 'no sizeLimit',
              ),
            );
            if (!limit) unbounded.push(`${w.name}/${v.name}`);
          }
        }
        if (total === 0) {
          return checkResult.pass(
            `No emptyDir volumes in ${plural(
              facts.workloads.length,
              'workload',
            )}`,
          );
        }
        return unbounded.length
          ? checkResult.fail(
              `${
                unbounded.length
              } of ${total} emptyDir volumes have no sizeLimit: ${listSome(
                unbounded,
              )}`,
              items,
            )
          : checkResult.pass(
              `Every emptyDir volume has a sizeLimit (${plural(
                total,
                'volume',
              )})`,
              items,
            );
      }),
    }),
    createReadinessCheck({
      id: 'logging.ephemeral-storage-limit',
      pillar: 'logging',
      title: 'Ephemeral storage limited',
      description:
        'Every container has limits.ephemeral-storage, so its logs and writable layer cannot fill the node disk.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Set resources.limits.ephemeral-storage (e.g. 1Gi) and requests.ephemeral-storage on every container.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) =>
        evaluateContainers(facts.workloads, {
          init: true,
          problem: c =>
            c.resources?.limits?.['ephemeral-storage']
              ? undefined
              : 'no limits.ephemeral-storage',
          passSummary: total =>
            `Every container limits ephemeral storage (${plural(
              total,
              'container',
            )})`,
          failSummary: (bad, total, offenders) =>
            `${bad} of ${total} containers have no ephemeral-storage limit: ${offenders}`,
        }),
      ),
    }),
  ];
}
