import { KubeObject } from '@internal/test-servers';
import { collect, useTestClusters, verdict } from '../__testUtils__/clusters';
import { ENTITIES, kubeletConfigMap } from '../__testUtils__/fixtures';
import { KubernetesModuleSettings } from '../config';

jest.setTimeout(60_000);

const CHECK = 'logging.container-log-rotation';

const isKubeletConfig = (o: KubeObject) =>
  o.kind === 'ConfigMap' && o.metadata.name === 'kubelet-config';

describe('logging.container-log-rotation', () => {
  const clusters = useTestClusters();

  /**
   * The verdict for checkout-api (it runs in prod-eu, self-managed with kubeadm's ConfigMap,
   * and in prod-us, managed: no ConfigMap) after changing what prod-us holds.
   */
  async function judge(
    options: {
      us?: (objects: KubeObject[]) => KubeObject[];
      eu?: (objects: KubeObject[]) => KubeObject[];
      settings?: Partial<KubernetesModuleSettings>;
    } = {},
  ) {
    const original = { eu: clusters.eu.objects, us: clusters.us.objects };
    clusters.eu.objects = (options.eu ?? (o => o))(original.eu);
    clusters.us.objects = (options.us ?? (o => o))(original.us);
    try {
      return await verdict(
        CHECK,
        ENTITIES.checkoutApi,
        await collect(clusters.definitions, [ENTITIES.checkoutApi], {
          settings: options.settings,
        }),
      );
    } finally {
      clusters.eu.objects = original.eu;
      clusters.us.objects = original.us;
    }
  }

  it('passes when every cluster that runs it rotates within the limit, read or declared', async () => {
    const read = await judge({
      us: objects => [
        ...objects,
        // A kubeadm config that leaves rotation to the kubelet's defaults.
        kubeletConfigMap(''),
      ],
    });
    expect(read).toMatchObject({
      status: 'pass',
      summary:
        'The kubelets rotate its container logs within 1.0 GiB per container: prod-eu: 50Mi × 5 files = 250 MiB per container, from ConfigMap kube-system/kubelet-config; prod-us: 10Mi × 5 files = 50 MiB per container (kubelet default for containerLogMaxSize, containerLogMaxFiles), from ConfigMap kube-system/kubelet-config',
    });
    const declared = await judge({
      settings: {
        kubeletLogRotation: {
          containerLogMaxSize: '100Mi',
          containerLogMaxFiles: 3,
        },
      },
    });
    expect(declared.status).toBe('pass');
    expect(declared.summary).toContain(
      'prod-us: 100Mi × 3 files = 300 MiB per container, from productionReadiness.kubernetes.kubeletLogRotation (cluster "prod-us" has no ConfigMap kube-system/kubelet-config)',
    );
    // What the cluster shows wins over what is declared.
    expect(declared.summary).toContain(
      'prod-eu: 50Mi × 5 files = 250 MiB per container, from ConfigMap kube-system/kubelet-config',
    );
  });

  it('fails a cluster whose kubelets keep more than the limit, naming the settings', async () => {
    const result = await judge({
      us: objects => [...objects, kubeletConfigMap('')],
      eu: objects => [
        ...objects.filter(o => !isKubeletConfig(o)),
        kubeletConfigMap(
          'containerLogMaxSize: 500Mi\ncontainerLogMaxFiles: 4\n',
        ),
      ],
    });
    expect(result).toMatchObject({
      status: 'fail',
      summary:
        'Container logs may take more than 1.0 GiB per container on a node: prod-eu: 500Mi × 4 files = 2.0 GiB per container, from ConfigMap kube-system/kubelet-config',
    });
  });

  it('says unknown, with what to do, where the kubelet configuration cannot be seen', async () => {
    const managed = await judge();
    expect(managed).toMatchObject({
      status: 'unknown',
      summary:
        'How the kubelets rotate container logs is not known: cluster "prod-us" has no ConfigMap kube-system/kubelet-config',
    });
    expect(managed.remediation).toContain(
      'productionReadiness.kubernetes.kubeletLogRotation',
    );
    clusters.us.forbidden.add('configmaps');
    const forbidden = await judge({
      us: objects => [...objects, kubeletConfigMap('')],
    });
    expect(forbidden).toMatchObject({
      status: 'unknown',
      summary:
        'How the kubelets rotate container logs is not known: cluster "prod-us" forbids get on ConfigMap kube-system/kubelet-config (403 Forbidden); grant the service account the RBAC verb "get" on configmaps named "kubelet-config" in namespace kube-system (Role + RoleBinding)',
    });
    clusters.us.forbidden.clear();
    const garbage = await judge({
      us: objects => [
        ...objects,
        kubeletConfigMap('containerLogMaxSize: lots\n'),
      ],
    });
    expect(garbage).toMatchObject({
      status: 'unknown',
      summary:
        'How the kubelets rotate container logs is not known: containerLogMaxSize "lots" in ConfigMap kube-system/kubelet-config of cluster prod-us is not a positive quantity such as 10Mi',
    });
  });

  it('reads the ConfigMap once per cluster and refresh, whatever the number of entities', async () => {
    await collect(clusters.definitions, Object.values(ENTITIES));
    for (const server of [clusters.eu, clusters.us]) {
      expect(
        server.requests.filter(r =>
          r.path.endsWith('/configmaps/kubelet-config'),
        ),
      ).toHaveLength(1);
    }
  });
});
