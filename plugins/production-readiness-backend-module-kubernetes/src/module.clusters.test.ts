import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import kubernetesBackend from '@backstage/plugin-kubernetes-backend';
import {
  ReadinessTestBackend,
  startReadinessTestBackend,
} from '@production-readiness/plugin-production-readiness-backend/testUtils';
import {
  createSelfSignedCertificate,
  eksTokenProblem,
  FakeKubeApiServer,
  startFakeKubeApiServer,
} from '@internal/test-servers';
import {
  ENTITIES,
  prodEuObjects,
  prodUsObjects,
} from './__testUtils__/fixtures';
import { TOKENS } from './__testUtils__/clusters';
import productionReadinessModuleKubernetes from './index';

jest.setTimeout(60_000);

/** The IAM identity of the backend, and the EKS cluster's id and region. */
const AWS = {
  accessKeyId: 'AKIAPRODREADINESS01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  clusterId: 'acme-orders-prod',
};

/** A cluster located by the Kubernetes plugin's catalog locator (an EKS cluster, `aws` auth). */
function clusterResource(
  name: string,
  url: string,
  caCert: string,
  awsClusterId: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'kubernetes.io/api-server': url,
        'kubernetes.io/api-server-certificate-authority':
          Buffer.from(caCert).toString('base64'),
        'kubernetes.io/auth-provider': 'aws',
        'kubernetes.io/x-k8s-aws-id': awsClusterId,
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

/** checkout-api's catalog entry, named `name`, running on `cluster` (singleTenant). */
function checkoutOn(name: string, cluster?: string): Entity {
  return {
    ...ENTITIES.checkoutApi,
    metadata: {
      ...ENTITIES.checkoutApi.metadata,
      name,
      annotations: {
        ...ENTITIES.checkoutApi.metadata.annotations,
        ...(cluster ? { 'backstage.io/kubernetes-cluster': cluster } : {}),
      },
    },
  };
}

describe('the clusters of the Kubernetes plugin, with its credentials', () => {
  let eu: FakeKubeApiServer;
  let eks: FakeKubeApiServer;
  /** Another EKS API server, registered in the catalog under an id it is not. */
  let misnamed: FakeKubeApiServer;
  let backend: ReadinessTestBackend;
  const environment = { ...process.env };
  /** Every plugin's logger, to count what the module says. */
  const logger = mockServices.logger.mock();
  logger.child.mockImplementation(() => logger);

  beforeAll(async () => {
    // The backend's AWS credentials, as the default provider chain finds them.
    process.env.AWS_ACCESS_KEY_ID = AWS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = AWS.secretAccessKey;
    process.env.AWS_REGION = AWS.region;
    const tls = createSelfSignedCertificate();
    eu = await startFakeKubeApiServer({
      objects: prodEuObjects(),
      token: TOKENS['prod-eu'],
      tls,
    });
    // An EKS API server: it accepts only a token STS would accept for its id and region.
    eks = await startFakeKubeApiServer({
      objects: prodUsObjects(),
      notInstalled: ['velero.io', 'postgresql.cnpg.io'],
      tls,
      authenticate: authorization => eksTokenProblem(authorization, AWS),
    });
    misnamed = await startFakeKubeApiServer({
      objects: prodUsObjects(),
      tls,
      authenticate: authorization => eksTokenProblem(authorization, AWS),
    });
    backend = await startReadinessTestBackend({
      features: [kubernetesBackend, productionReadinessModuleKubernetes],
      services: [logger.factory],
      config: {
        refresh: { minInterval: { milliseconds: 1 } },
        kubernetes: {
          clusterTokens: [{ cluster: 'office-oidc', token: TOKENS['prod-eu'] }],
        },
      },
      entities: [
        clusterResource('eks-orders', eks.baseUrl, tls.cert, AWS.clusterId),
        // An id that is not the API server's: the token signed for it cannot be accepted.
        clusterResource(
          'eks-misnamed',
          misnamed.baseUrl,
          tls.cert,
          'someone-else',
        ),
        checkoutOn('checkout-eu', 'prod-eu'),
        checkoutOn('checkout-eks', 'eks-orders'),
        checkoutOn('checkout-misnamed', 'eks-misnamed'),
        checkoutOn('checkout-office', 'office'),
        checkoutOn('checkout-oidc', 'office-oidc'),
        checkoutOn('checkout-lab', 'lab'),
        ENTITIES.ghost,
      ],
      rootConfig: {
        kubernetes: {
          serviceLocatorMethod: { type: 'singleTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod-eu',
                  url: eu.baseUrl,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: TOKENS['prod-eu'],
                  caData: Buffer.from(tls.cert).toString('base64'),
                },
                // Read with the signed-in user's Google token only.
                {
                  name: 'office',
                  url: 'https://office.k8s.example.com',
                  authProvider: 'google',
                },
                // Read with users' OIDC tokens, and a service token configured for the module.
                {
                  name: 'office-oidc',
                  url: eu.baseUrl,
                  authProvider: 'oidc',
                  oidcTokenProvider: 'okta',
                  caData: Buffer.from(tls.cert).toString('base64'),
                },
                // Down.
                {
                  name: 'lab',
                  url: 'http://127.0.0.1:9',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'lab-token',
                  skipTLSVerify: true,
                },
              ],
            },
            { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    process.env = environment;
    await backend?.stop();
    await Promise.all([eu?.stop(), eks?.stop(), misnamed?.stop()]);
  });

  const result = async (name: string, checkId: string) =>
    (await backend.refresh(`component:default/${name}`)).results.find(
      r => r.checkId === checkId,
    );

  it('reads a config-located cluster with its service account token, through the proxy', async () => {
    const report = await backend.refresh('component:default/checkout-eu');
    const mine = report.results.filter(r =>
      r.evidence.some(e => e.source?.startsWith('kubernetes:')),
    );
    expect(mine.length).toBeGreaterThan(10);
    expect(
      mine.filter(r => r.status !== 'pass').map(r => [r.checkId, r.summary]),
    ).toEqual([]);
    expect(
      mine.every(r =>
        r.evidence.every(
          e =>
            !e.source?.startsWith('kubernetes:') ||
            e.source === 'kubernetes:prod-eu',
        ),
      ),
    ).toBe(true);
    expect(eu.requests.some(r => r.query.limit === '500')).toBe(true);
  });

  it('reads a catalog-located EKS cluster with the STS token the aws strategy presigned', async () => {
    eks.requests.length = 0;
    eks.refusals.length = 0;
    const replicas = await result('checkout-eks', 'availability.replicas');
    expect(replicas).toMatchObject({ status: 'pass' });
    expect(replicas?.evidence.map(e => e.source)).toContain(
      'kubernetes:eks-orders',
    );
    expect(eks.requests.length).toBeGreaterThan(0);
    expect(eks.refusals).toEqual([]);
  });

  it("names the aws identity to grant when the EKS cluster's RBAC forbids a list", async () => {
    eks.forbidden.add('deployments.apps');
    try {
      await expect(
        result('checkout-eks', 'availability.replicas'),
      ).resolves.toMatchObject({
        status: 'error',
        summary: expect.stringMatching(
          /^cluster "eks-orders" forbids list on deployments\.apps \(403 Forbidden\); grant the identity the Kubernetes plugin's "aws" auth provider signs in as the RBAC verb "list" on resource "deployments" in API group "apps"/,
        ),
      });
    } finally {
      eks.forbidden.clear();
    }
  });

  it('says the EKS cluster refused a token signed for another cluster id', async () => {
    const replicas = await result('checkout-misnamed', 'availability.replicas');
    expect(replicas).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(
        /^cluster "eks-misnamed" rejected the credentials of the Kubernetes plugin's "aws" auth provider \(401 Unauthorized\) listing deployments\.apps; fix the credentials the Kubernetes plugin has for cluster "eks-misnamed"/,
      ),
    });
    expect(misnamed.refusals.length).toBeGreaterThan(0);
    expect(
      misnamed.refusals.every(r =>
        r.startsWith('the signature does not match'),
      ),
    ).toBe(true);
  });

  it('gives unknown, naming the cluster and what to configure, where a user token is needed', async () => {
    const replicas = await result('checkout-office', 'availability.replicas');
    expect(replicas).toMatchObject({
      status: 'unknown',
      summary:
        'cluster "office" is not read: the Kubernetes plugin authenticates to it with the signed-in user\'s google token (authProvider google), which a scheduled check does not have; give it server-side credentials (authProvider serviceAccount, aws, azure or googleServiceAccount), or a token in productionReadiness.kubernetes.clusterTokens, to have its workloads checked',
    });
    await result('checkout-office', 'availability.replicas');
    // Said once in the log, however many refreshes meet it.
    expect(
      logger.warn.mock.calls.filter(([message]) =>
        String(message).startsWith('cluster "office" is not read'),
      ),
    ).toHaveLength(1);
  });

  it('reads a user-token cluster with the token configured for it', async () => {
    eu.requests.length = 0;
    const replicas = await result('checkout-oidc', 'availability.replicas');
    expect(replicas).toMatchObject({ status: 'pass' });
    expect(replicas?.evidence.map(e => e.source)).toContain(
      'kubernetes:office-oidc',
    );
  });

  it('gives error to the entities on a cluster that is down, and judges the others', async () => {
    await expect(
      result('checkout-lab', 'availability.replicas'),
    ).resolves.toMatchObject({
      status: 'error',
      summary: expect.stringMatching(
        /^cluster "lab": the Kubernetes plugin's proxy answered 500 listing deployments\.apps: Cluster 'lab' request error; caused by Error: connect ECONNREFUSED 127\.0\.0\.1:9 \(and 3 more list failures\)$/,
      ),
    });
    await expect(
      result('checkout-eu', 'availability.replicas'),
    ).resolves.toMatchObject({ status: 'pass' });
    // An entity that names no cluster may run on any: with one down, whether it has a
    // workload is not known (ghost has none on the clusters that answer).
    await expect(
      backend.refresh('component:default/ghost'),
    ).resolves.toMatchObject({
      results: expect.arrayContaining([
        expect.objectContaining({
          checkId: 'availability.replicas',
          status: 'error',
          summary: expect.stringMatching(/^cluster "lab": /),
        }),
      ]),
    });
  });
});
