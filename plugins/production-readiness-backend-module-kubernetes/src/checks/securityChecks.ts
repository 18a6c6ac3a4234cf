import { V1Container } from '@kubernetes/client-node';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import {
  formatDuration,
  summaryTime,
} from '@production-readiness/plugin-production-readiness-common';
import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import { KUBERNETES_COLLECTOR_ID } from '../collector/facts';
import {
  describeObject,
  evaluateContainers,
  evidence,
  WORKLOAD_CHECK_SCOPE,
  KubernetesCheckInput,
  listSome,
  missingCrd,
  plural,
  withKubernetesFacts,
  workloadName,
} from './helpers';

const collectors = [KUBERNETES_COLLECTOR_ID];

/** Names of env variables that hold credentials when set to a literal value. */
const SECRET_NAME =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** `registry/app:1.2.3` → `1.2.3`; undefined when the image has no tag. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > lastSlash ? withoutDigest.slice(lastColon + 1) : undefined;
}

function imageProblem(image: string | undefined): string | undefined {
  if (!image) return 'no image';
  if (image.includes('@sha256:')) return undefined;
  const tag = imageTag(image);
  if (tag === undefined) return `${image} has no tag (means latest)`;
  if (tag === 'latest') return `${image} uses latest`;
  return undefined;
}

export function createSecurityChecks(options: {
  certificateMinValidityMs: number;
}): ReadinessCheck[] {
  const containerCheck = (check: {
    id: string;
    title: string;
    description: string;
    severity: ReadinessCheck['severity'];
    remediation: string;
    problem: (
      c: V1Container,
      pod: NonNullable<import('@kubernetes/client-node').V1PodSpec>,
    ) => string | undefined;
    pass: string;
    fail: string;
  }) =>
    createReadinessCheck({
      id: check.id,
      pillar: 'security',
      title: check.title,
      description: check.description,
      severity: check.severity,
      ...WORKLOAD_CHECK_SCOPE,
      remediation: check.remediation,
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts([], ({ facts }) =>
        evaluateContainers(facts.workloads, {
          init: true,
          problem: check.problem,
          passSummary: total =>
            `Every container ${check.pass} (${plural(total, 'container')})`,
          failSummary: (bad, total, offenders) =>
            `${bad} of ${total} containers ${check.fail}: ${offenders}`,
        }),
      ),
    });

  return [
    containerCheck({
      id: 'security.run-as-non-root',
      title: 'Containers run as non-root',
      description:
        'Every container runs with runAsNonRoot: true or a non-zero runAsUser, so a compromised process is not root in the container.',
      severity: 'critical',
      remediation:
        'Set securityContext.runAsNonRoot: true and runAsUser: <uid > 0> on the pod or each container, and build the image with a non-root USER.',
      problem: (c, pod) => {
        const user =
          c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
        const nonRoot =
          c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        if (user === 0) return 'runAsUser 0';
        if (nonRoot === true || (user !== undefined && user > 0))
          return undefined;
        return nonRoot === false
          ? 'runAsNonRoot false'
          : 'may run as root (no runAsNonRoot, no runAsUser)';
      },
      pass: 'runs as non-root',
      fail: 'may run as root',
    }),
    containerCheck({
      id: 'security.read-only-root-filesystem',
      title: 'Read-only root filesystem',
      description:
        'Every container mounts its root filesystem read-only, so an attacker cannot drop tools into it and logs cannot silently fill it.',
      severity: 'major',
      remediation:
        'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir (with sizeLimit) where the process must write.',
      problem: c =>
        c.securityContext?.readOnlyRootFilesystem === true
          ? undefined
          : 'root filesystem writable',
      pass: 'has a read-only root filesystem',
      fail: 'have a writable root filesystem',
    }),
    containerCheck({
      id: 'security.no-privilege-escalation',
      title: 'No privilege escalation',
      description:
        'Every container sets allowPrivilegeEscalation: false and is not privileged.',
      severity: 'major',
      remediation:
        'Set securityContext.allowPrivilegeEscalation: false, drop privileged: true, and drop all capabilities (capabilities.drop: [ALL]).',
      problem: c => {
        if (c.securityContext?.privileged === true) return 'privileged';
        return c.securityContext?.allowPrivilegeEscalation === false
          ? undefined
          : 'allowPrivilegeEscalation not false';
      },
      pass: 'forbids privilege escalation',
      fail: 'allow privilege escalation',
    }),
    containerCheck({
      id: 'security.image-pinned',
      title: 'Images pinned (no latest)',
      description:
        'Every image names a version tag or a digest, so what runs is what was tested and rollbacks are possible.',
      severity: 'critical',
      remediation:
        'Reference images by an immutable version tag or digest (image: registry/app:1.4.2 or @sha256:...), never latest or no tag.',
      problem: c => imageProblem(c.image),
      pass: 'uses a pinned image',
      fail: 'use unpinned images',
    }),
    containerCheck({
      id: 'security.no-secret-literals',
      title: 'No secrets as literal env values',
      description:
        'Environment variables that look like credentials (PASSWORD, TOKEN, SECRET, API_KEY...) come from a Secret (valueFrom.secretKeyRef), not a literal in the manifest.',
      severity: 'major',
      remediation:
        'Move the values into a Secret and reference them with env[].valueFrom.secretKeyRef (or envFrom.secretRef); rotate the exposed credentials.',
      // Names only: the values are credentials and never leave the collector's memory.
      problem: c => {
        const literal = (c.env ?? [])
          .filter(
            e =>
              SECRET_NAME.test(e.name) &&
              typeof e.value === 'string' &&
              e.value !== '',
          )
          .map(e => e.name);
        return literal.length ? `literal ${literal.join(', ')}` : undefined;
      },
      pass: 'takes credentials from Secrets, not literals',
      fail: 'carry credentials as literal env values',
    }),
    createReadinessCheck({
      id: 'security.network-policy',
      pillar: 'security',
      title: 'NetworkPolicy restricts ingress',
      description:
        'A NetworkPolicy with policy type Ingress selects the pods of every workload, so only declared peers can reach them.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add a NetworkPolicy whose podSelector matches the pod labels, with policyTypes: [Ingress] and ingress rules for the callers (ingress controller, Prometheus).',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(['networkpolicies'], ({ facts }) => {
        const ingressPolicies = (w: (typeof facts.workloads)[number]) =>
          w.networkPolicies.filter(p => p.policyTypes.includes('Ingress'));
        const items = facts.workloads.map(w =>
          evidence(
            w.cluster,
            `${w.kind} ${w.namespace}/${w.name}`,
            w.networkPolicies.length
              ? w.networkPolicies
                  .map(p => `${p.name} (${p.policyTypes.join(', ')})`)
                  .join('; ')
              : 'no NetworkPolicy selects its pods',
          ),
        );
        const open = facts.workloads.filter(
          w => ingressPolicies(w).length === 0,
        );
        return open.length
          ? checkResult.fail(
              `No ingress NetworkPolicy for ${listSome(
                open.map(w => describeObject(w.kind, w)),
              )}`,
              items,
            )
          : checkResult.pass(
              `Every workload is behind an ingress NetworkPolicy: ${listSome(
                facts.workloads.map(
                  w => `${workloadName(w)} → ${ingressPolicies(w)[0].name}`,
                ),
              )}`,
              items,
            );
      }),
    }),
    createReadinessCheck({
      id: 'security.ingress-tls',
      pillar: 'security',
      title: 'TLS on ingress, certificate valid',
      description:
        'Every Ingress routing to the entity serves all its hosts over TLS, with a cert-manager Certificate that is Ready and does not expire soon.',
      severity: 'major',
      ...WORKLOAD_CHECK_SCOPE,
      remediation:
        'Add spec.tls to the Ingress for every host, with a secretName managed by a cert-manager Certificate (e.g. the cert-manager.io/cluster-issuer annotation); fix the issuer if the Certificate is not Ready.',
      sources: collectors,
      collectors,
      evaluate: withKubernetesFacts(
        ['ingresses', 'services', 'certificates'],
        input => evaluateIngressTls(input, options.certificateMinValidityMs),
      ),
    }),
  ];
}

function evaluateIngressTls(
  input: KubernetesCheckInput,
  minValidityMs: number,
): CheckEvaluation {
  const { facts, context } = input;
  if (!facts.ingresses.length) {
    return checkResult.pass(
      "No Ingress routes to the entity's Services; nothing is exposed through an ingress controller",
    );
  }
  const failures: string[] = [];
  const warnings: string[] = [];
  const unreadable: string[] = [];
  const items: Evidence[] = [];
  const deadline = context.now.getTime() + minValidityMs;
  for (const ingress of facts.ingresses) {
    const label = `Ingress ${ingress.namespace}/${ingress.name}`;
    const covered = new Set(ingress.tls.flatMap(t => t.hosts));
    const plain = ingress.hosts.filter(h => !covered.has(h));
    if (!ingress.tls.length || plain.length) {
      failures.push(
        `Ingress ${ingress.namespace}/${ingress.name} (${
          ingress.cluster
        }) serves ${listSome(
          plain.length ? plain : ingress.hosts,
        )} without TLS`,
      );
      items.push(
        evidence(ingress.cluster, label, {
          hosts: ingress.hosts,
          tls: 'none for some hosts',
        }),
      );
    }
    for (const tls of ingress.tls) {
      const cert = tls.certificate;
      if (!cert) {
        const missing = missingCrd(input, ingress.cluster, 'certificates');
        if (missing) {
          unreadable.push(
            `expiry of TLS secret ${ingress.namespace}/${tls.secretName} cannot be read: ${missing}`,
          );
        } else {
          warnings.push(
            `${ingress.name} (${ingress.cluster}): secret ${tls.secretName} is not managed by a cert-manager Certificate; its expiry is not visible`,
          );
        }
        items.push(
          evidence(
            ingress.cluster,
            `${label} TLS secret ${tls.secretName}`,
            'no cert-manager Certificate',
          ),
        );
        continue;
      }
      items.push(
        evidence(
          ingress.cluster,
          `Certificate ${ingress.namespace}/${cert.name}`,
          {
            ready: cert.ready,
            reason: cert.readyReason ?? null,
            notAfter: cert.notAfter ?? null,
            hosts: tls.hosts,
          },
          cert.notAfter,
        ),
      );
      if (!cert.ready) {
        failures.push(
          `Certificate ${cert.name} is not Ready (${
            cert.readyReason ?? 'no reason'
          }${cert.readyMessage ? `: ${cert.readyMessage}` : ''})`,
        );
        continue;
      }
      const notAfter = cert.notAfter ? Date.parse(cert.notAfter) : NaN;
      if (Number.isNaN(notAfter)) {
        warnings.push(`Certificate ${cert.name} has no status.notAfter`);
      } else if (notAfter <= context.now.getTime()) {
        failures.push(
          `Certificate ${cert.name} expired ${summaryTime(notAfter)}`,
        );
      } else if (notAfter < deadline) {
        failures.push(
          `Certificate ${cert.name} expires ${summaryTime(
            notAfter,
          )}, sooner than the ${formatDuration(minValidityMs)} required`,
        );
      }
    }
  }
  if (failures.length) {
    return checkResult.fail(failures.join('; '), items);
  }
  if (unreadable.length) {
    return checkResult.unknown(
      `TLS is configured on every host, but ${unreadable.join('; ')}`,
      items,
      'Install cert-manager in the cluster and manage the TLS secret with a Certificate, so its expiry can be read.',
    );
  }
  if (warnings.length) {
    return checkResult.warn(
      warnings.join('; '),
      items,
      'Manage the TLS secret with a cert-manager Certificate so its expiry is visible and renewed.',
    );
  }
  const certs = facts.ingresses.flatMap(i => i.tls.map(t => t.certificate!));
  const soonest = certs
    .map(c => ({ c, at: Date.parse(c.notAfter!) }))
    .sort((a, b) => a.at - b.at)[0];
  return checkResult.pass(
    `${plural(
      facts.ingresses.length,
      'Ingress',
      'Ingresses',
    )} serve TLS; ${plural(
      certs.length,
      'certificate',
    )} Ready, the first expiring ${summaryTime(soonest.at)} (${
      soonest.c.name
    })`,
    items,
  );
}
