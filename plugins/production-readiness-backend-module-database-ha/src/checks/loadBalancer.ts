import {
  ANNOTATIONS,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  LoadBalancerBackend,
  LoadBalancerBackendsFacts,
  LoadBalancerServer,
} from '@production-readiness/plugin-production-readiness-node';

/**
 * Health check results of a server that answered with another status than the one expected:
 * for a role check (Patroni's `/primary`, `/replica`) that is a member in another role, a
 * standby, not a broken one.
 */
const ANSWERED_OTHER_ROLE = ['L7STS'];

const describeServer = (s: LoadBalancerServer) =>
  `${s.name} ${s.state}${s.check ? ` (${s.check})` : ' (not health-checked)'}`;

function backendEvidence(b: LoadBalancerBackend): Evidence {
  return {
    label: `HAProxy backend ${b.backend} on ${
      b.instance || 'an unnamed instance'
    }`,
    value: b.servers.map(describeServer).join(', '),
    source: b.source,
  };
}

/** What is wrong with one backend, in words; empty when clients reach a checked, live server. */
function problemsOf(b: LoadBalancerBackend): string[] {
  const where = `HAProxy backend ${b.backend} on ${
    b.instance || 'an unnamed instance'
  }`;
  // HAProxy pauses the checks of a server in maintenance: no result is not "unchecked" there.
  const unchecked = b.servers.filter(
    s => s.check === undefined && s.state !== 'MAINT',
  );
  const down = b.servers.filter(
    s =>
      s.state !== 'UP' &&
      !(s.state === 'DOWN' && ANSWERED_OTHER_ROLE.includes(s.check ?? '')),
  );
  const live = b.servers.filter(s => s.state === 'UP');
  return [
    live.length === 0 && `${where} has no live server: clients cannot connect`,
    ...down.map(
      s =>
        `${where}: server ${s.name} is ${s.state}${
          s.check ? ` (last health check ${s.check})` : ''
        }`,
    ),
    ...unchecked.map(
      s =>
        `${where}: server ${s.name} is not health-checked, so traffic goes to it when it fails`,
    ),
  ].filter((p): p is string => typeof p === 'string');
}

/**
 * Judges the load balancer in front of a data store: every reporting HAProxy has a live server
 * for the backend, every server is health-checked, and no server is down except one that
 * answers its role check as another role (a standby behind `/primary`).
 */
export function judgeLoadBalancer(
  facts: LoadBalancerBackendsFacts,
): CheckEvaluation {
  if (facts.backends.length === 0) {
    return checkResult.fail(
      `HAProxy backend ${facts.declared} (${ANNOTATIONS.haproxyBackend}) is not reported by the entity's Prometheus: no haproxy_server_status series has proxy="${facts.declared}"`,
      [
        {
          label: ANNOTATIONS.haproxyBackend,
          value: facts.declared,
          source: 'catalog',
        },
      ],
      "Scrape HAProxy's Prometheus endpoint (`http-request use-service prometheus-exporter if { path /metrics }` on a stats frontend) from the entity's Prometheus instance, and name the backend exactly as its listen/backend section.",
    );
  }
  const evidence = facts.backends.map(backendEvidence);
  const problems = facts.backends.flatMap(problemsOf);
  if (problems.length) {
    return checkResult.fail(
      problems.join('; '),
      evidence,
      'Bring the down servers back (their PostgreSQL and Patroni REST API), give every server a health check (`check` with `option httpchk OPTIONS /primary` for Patroni), and take servers out of maintenance once they are healthy.',
    );
  }
  return checkResult.pass(
    facts.backends
      .map(
        b =>
          `HAProxy backend ${b.backend}${
            facts.backends.length > 1 ? ` on ${b.instance}` : ''
          }: ${b.servers.map(describeServer).join(', ')}`,
      )
      .join('; '),
    evidence,
  );
}
