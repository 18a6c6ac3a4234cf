import { KubeObject } from '@internal/test-servers';
import { collect, useTestClusters, verdict } from '../__testUtils__/clusters';
import { ENTITIES } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const CHECK = 'logging.log-shipper-on-nodes';

describe('logging.log-shipper-on-nodes', () => {
  const clusters = useTestClusters();

  /** The verdict for checkout-api after changing what prod-eu holds (restored afterwards). */
  async function withEu(change: (objects: KubeObject[]) => KubeObject[]) {
    const original = clusters.eu.objects;
    clusters.eu.objects = change(original.map(o => structuredClone(o)));
    try {
      return await verdict(
        CHECK,
        ENTITIES.checkoutApi,
        await collect(clusters.definitions, [ENTITIES.checkoutApi]),
      );
    } finally {
      clusters.eu.objects = original;
    }
  }

  const isShipperPod = (o: KubeObject, node: string) =>
    o.kind === 'Pod' &&
    o.metadata.name.startsWith('vector-agent-') &&
    (o.spec as { nodeName?: string }).nodeName === node;

  it('passes when every node that runs the pods has a ready shipper pod', async () => {
    const result = await withEu(objects => objects);
    expect(result).toMatchObject({
      status: 'pass',
      summary:
        'A log shipper is ready on every node that runs its pods: prod-eu-node-1, prod-eu-node-2, prod-eu-node-3 (prod-eu: vector:0.41.1-distroless-libc (logging/vector-agent)); prod-us-node-1, prod-us-node-2, prod-us-node-3 (prod-us: vector:0.41.1-distroless-libc (logging/vector-agent))',
    });
  });

  it('fails naming the node whose shipper pod is missing or not ready', async () => {
    const missing = await withEu(objects =>
      objects.filter(o => !isShipperPod(o, 'prod-eu-node-3')),
    );
    expect(missing).toMatchObject({
      status: 'fail',
      summary:
        'Logs of this service stay on the node: no ready log shipper on 1 node of cluster prod-eu that runs its pods: prod-eu-node-3 (vector:0.41.1-distroless-libc (logging/vector-agent) is not ready there)',
    });
    const notReady = await withEu(objects =>
      objects.map(o =>
        isShipperPod(o, 'prod-eu-node-1')
          ? {
              ...o,
              status: {
                phase: 'Running',
                conditions: [{ type: 'Ready', status: 'False' }],
              },
            }
          : o,
      ),
    );
    expect(notReady.summary).toContain(
      'no ready log shipper on 1 node of cluster prod-eu that runs its pods: prod-eu-node-1',
    );
  });

  it('fails a cluster without any log shipper DaemonSet', async () => {
    const result = await withEu(objects =>
      objects.filter(o => !(o.kind === 'DaemonSet')),
    );
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Logs of this service stay on the node: no log shipper DaemonSet (opentelemetry-collector, otelcol, vector, fluent-bit and 5 more) runs in cluster prod-eu, where it runs on 3 nodes',
    });
  });

  it("does not count another service's own shipper", async () => {
    const result = await withEu(objects =>
      objects.map(o =>
        o.kind === 'DaemonSet'
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                annotations: {
                  'production-readiness.io/entity-ref':
                    'component:default/orders-api',
                },
              },
            }
          : o,
      ),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toContain(
      'no log shipper DaemonSet (opentelemetry-collector, otelcol, vector, fluent-bit and 5 more) runs in cluster prod-eu',
    );
  });

  it('cannot judge a workload none of whose pods is scheduled', async () => {
    const result = await withEu(objects =>
      objects.filter(o => !(o.kind === 'Pod')),
    );
    // prod-us still has checkout-api's pods, so only a cluster without any pod says unknown.
    expect(result.status).toBe('pass');
    const legacy = await verdict(
      CHECK,
      ENTITIES.legacyReports,
      await collect(clusters.definitions, [ENTITIES.legacyReports]),
    );
    expect(legacy).toMatchObject({
      status: 'unknown',
      summary: expect.stringMatching(
        /^No pod of Deployment shop\/legacy-reports runs on a node, so no node's log shipper can be judged$/,
      ),
    });
  });

  it('says error when pods cannot be listed where the entity runs', async () => {
    clusters.eu.forbidden.add('pods');
    const result = await verdict(
      CHECK,
      ENTITIES.checkoutApi,
      await collect(clusters.definitions, [ENTITIES.checkoutApi]),
    );
    expect(result.status).toBe('error');
    expect(result.summary).toContain('forbids list on pods (403 Forbidden)');
  });
});
