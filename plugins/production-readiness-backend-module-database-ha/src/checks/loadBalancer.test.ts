import { LoadBalancerBackend } from '@production-readiness/plugin-production-readiness-node';
import { judgeLoadBalancer } from './loadBalancer';

/** HAProxy in front of a Patroni cluster, `option httpchk OPTIONS /primary`, as scraped. */
function backend(
  servers: LoadBalancerBackend['servers'],
  instance = '10.0.0.5:8404',
): LoadBalancerBackend {
  return {
    backend: 'orders-primary',
    instance,
    source: 'prometheus:main',
    servers,
  };
}

const LEADER = { name: 'pg-1', state: 'UP', check: 'L7OK' };
const STANDBY = { name: 'pg-2', state: 'DOWN', check: 'L7STS' };

describe('judgeLoadBalancer', () => {
  it('passes a live leader with a standby answering the role check, on every HAProxy', () => {
    const result = judgeLoadBalancer({
      declared: 'orders-primary',
      backends: [
        backend([LEADER, STANDBY]),
        backend([LEADER, STANDBY], '10.0.0.6:8404'),
      ],
    });
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        'HAProxy backend orders-primary on 10.0.0.5:8404: pg-1 UP (L7OK), pg-2 DOWN (L7STS); HAProxy backend orders-primary on 10.0.0.6:8404: pg-1 UP (L7OK), pg-2 DOWN (L7STS)',
    });
    expect(result.evidence!.map(e => e.label)).toEqual([
      'HAProxy backend orders-primary on 10.0.0.5:8404',
      'HAProxy backend orders-primary on 10.0.0.6:8404',
    ]);
  });

  it('fails a server HAProxy cannot reach, and one it sends traffic to unchecked', () => {
    const result = judgeLoadBalancer({
      declared: 'orders-primary',
      backends: [
        backend([
          LEADER,
          { name: 'pg-2', state: 'DOWN', check: 'L4CON' },
          { name: 'pg-3', state: 'UP' },
        ]),
      ],
    });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      'HAProxy backend orders-primary on 10.0.0.5:8404: server pg-2 is DOWN (last health check L4CON); HAProxy backend orders-primary on 10.0.0.5:8404: server pg-3 is not health-checked, so traffic goes to it when it fails',
    );
  });

  it('fails a backend without a live server on one of two HAProxies', () => {
    const result = judgeLoadBalancer({
      declared: 'orders-primary',
      backends: [
        backend([LEADER, STANDBY]),
        backend(
          [{ ...LEADER, state: 'DOWN', check: 'L7TOUT' }, STANDBY],
          '10.0.0.6:8404',
        ),
      ],
    });
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(
      /^HAProxy backend orders-primary on 10\.0\.0\.6:8404 has no live server: clients cannot connect; .*server pg-1 is DOWN \(last health check L7TOUT\)$/,
    );
  });

  it('fails a backend no HAProxy reports, saying how to scrape it', () => {
    const result = judgeLoadBalancer({
      declared: 'orders-primary',
      backends: [],
    });
    expect(result.status).toBe('fail');
    expect(result.remediation).toContain('prometheus-exporter');
  });
});
