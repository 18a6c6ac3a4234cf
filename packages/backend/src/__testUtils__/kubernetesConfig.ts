/**
 * The Kubernetes plugin's config (`kubernetes.*`) for one cluster, `prod`, located by config and
 * read with a service account token: the suite's Kubernetes API stand-in, over TLS with its
 * certificate (the module refuses plain http).
 */
export function kubernetesRootConfig(options: {
  url: string;
  token: string;
  /** PEM certificate of the stand-in's TLS. */
  caCert: string;
}) {
  return {
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'prod',
              url: options.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: options.token,
              caData: Buffer.from(options.caCert).toString('base64'),
            },
          ],
        },
      ],
    },
  };
}
