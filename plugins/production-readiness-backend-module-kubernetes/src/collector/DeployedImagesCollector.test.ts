import { mockServices } from '@backstage/backend-test-utils';
import { snapshotsOf, useTestClusters } from '../__testUtils__/clusters';
import { ENTITIES, NOW } from '../__testUtils__/fixtures';
import { DeployedImagesCollector } from './DeployedImagesCollector';
import { KubernetesCollector } from './KubernetesCollector';

jest.setTimeout(60_000);

const clusters = useTestClusters();

async function collectImages() {
  const snapshots = snapshotsOf(clusters.definitions);
  const kubernetes = new KubernetesCollector(snapshots);
  const images = new DeployedImagesCollector(kubernetes);
  const context = {
    logger: mockServices.logger.mock(),
    signal: new AbortController().signal,
    now: NOW,
  };
  try {
    // As the engine runs them: both collectors in one refresh, one listing.
    const [, collected] = await Promise.all([
      kubernetes.collect([ENTITIES.checkoutApi], context),
      images.collect([ENTITIES.checkoutApi, ENTITIES.legacyReports], context),
    ]);
    return collected;
  } finally {
    snapshots.close();
  }
}

describe('deployed images', () => {
  it('gives each entity the images of the workloads bound to it, in every cluster, from one listing', async () => {
    const before = clusters.eu.requests.length;
    const collected = await collectImages();
    expect(collected.errors).toEqual(new Map());
    const checkout = collected.facts.get('component:default/checkout-api')!;
    expect(checkout.containers).toContainEqual({
      workload: 'Deployment shop/checkout-api on cluster prod-eu',
      container: 'app',
      image: 'ghcr.io/acme/checkout-api:2.14.1',
      source: 'kubernetes:prod-eu',
    });
    expect(
      new Set(checkout.containers.map(c => c.source.split(':')[1])),
    ).toEqual(new Set(['prod-eu', 'prod-us']));
    expect(
      collected.facts
        .get('component:default/legacy-reports')!
        .containers.map(c => c.image),
    ).toContain('acme/legacy-reports:latest');
    // Each list call once, though two collectors read the listing.
    const deployments = clusters.eu.requests
      .slice(before)
      .filter(r => r.path === '/apis/apps/v1/deployments');
    expect(deployments.length).toBeGreaterThan(0);
    expect(new Set(deployments.map(r => JSON.stringify(r.query))).size).toBe(
      deployments.length,
    );
  });

  it("binds each entity's workloads once per listing, for both collectors", async () => {
    const snapshots = snapshotsOf(clusters.definitions);
    const kubernetes = new KubernetesCollector(snapshots);
    const context = {
      logger: mockServices.logger.mock(),
      signal: new AbortController().signal,
      now: NOW,
    };
    try {
      const first = await kubernetes.collect([ENTITIES.checkoutApi], context);
      const again = await kubernetes.collect([ENTITIES.checkoutApi], context);
      const ref = 'component:default/checkout-api';
      expect(again.facts.get(ref)).toBe(first.facts.get(ref));
      // A later refresh lists the clusters again and builds the facts anew.
      const later = await kubernetes.collect([ENTITIES.checkoutApi], {
        ...context,
        now: new Date(NOW.getTime() + 60_000),
      });
      expect(later.facts.get(ref)).not.toBe(first.facts.get(ref));
      expect(later.facts.get(ref)).toEqual(first.facts.get(ref));
    } finally {
      snapshots.close();
    }
  });

  it('is an error, not "no images", where the workloads could not be listed', async () => {
    clusters.us.faults.set('/apis/apps/v1/deployments', { status: 500 });
    const collected = await collectImages();
    expect(collected.errors?.get('component:default/checkout-api')).toMatch(
      /deployments/,
    );
  });
});
