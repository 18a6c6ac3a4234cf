import { HumanDuration } from '@backstage/types';

export interface Config {
  productionReadiness?: {
    kubernetes?: {
      /** Objects per list page (`limit`). Default 500. */
      pageSize?: number;
      /** Time limit of one list request. Default 20 seconds. */
      requestTimeout?: HumanDuration | string;
      /** Largest accepted response body of one list page, in bytes. Default 50 MiB. */
      maxResponseBytes?: number;
      /** List requests in flight per cluster. Default 4. */
      concurrency?: number;
      /** How recent a successful restore test must be. Default 30 days. */
      restoreTestMaxAge?: HumanDuration | string;
      /** A TLS certificate expiring sooner than this fails. Default 14 days. */
      certificateMinValidity?: HumanDuration | string;
      /**
       * Image names (last path segment of the repository, without tag; `name` also matches
       * `name-…`) whose DaemonSets are node log shippers. Default: opentelemetry-collector,
       * otelcol, vector, fluent-bit, fluentd, promtail, alloy, vlagent, filebeat.
       */
      logShipperImages?: string[];
      /**
       * The most one container's rotated logs may take on its node (containerLogMaxSize ×
       * containerLogMaxFiles of the kubelets), as a size such as `1Gi`. Default 1Gi.
       */
      containerLogMaxTotal?: string;
      /**
       * Field managers (`metadata.managedFields[].manager`) that deploy; `name` also matches
       * `name-…`. Default: helm, argocd-controller, argocd-application-controller,
       * kustomize-controller, helm-controller, fleet-agent, kapp, pulumi-kubernetes, Terraform.
       */
      deployManagers?: string[];
      /** Field managers that are a person's hand; default kubectl (every kubectl-…) and k9s. */
      manualManagers?: string[];
      /**
       * GitOps objects must sync by themselves: an Argo CD Application without
       * `syncPolicy.automated` (or with `enabled: false`) fails delivery.gitops-synced. A
       * suspended Flux object fails whatever this says. Default false.
       */
      requireAutomatedSync?: boolean;
      /**
       * Server-side tokens for clusters the Kubernetes plugin reads with the signed-in user's
       * token (auth provider google, oidc or aks), which a scheduled check does not have: e.g. a
       * service account's token for an OIDC-authenticated cluster. Sent through the plugin's
       * proxy (`Backstage-Kubernetes-Authorization`); without one such a cluster is not read.
       */
      clusterTokens?: Array<{
        /** The cluster's name, as the Kubernetes plugin lists it. */
        cluster: string;
        /**
         * Bearer token for the cluster's API server.
         * @visibility secret
         */
        token: string;
      }>;
      /**
       * How the kubelets rotate container logs on clusters where kubeadm's ConfigMap
       * kube-system/kubelet-config cannot be read (managed clusters, no RBAC): the node pools'
       * KubeletConfiguration values. A readable ConfigMap wins.
       */
      kubeletLogRotation?: {
        /** A size such as `10Mi`; the kubelet's default when left out. */
        containerLogMaxSize?: string;
        /** Files kept per container; the kubelet's default (5) when left out. */
        containerLogMaxFiles?: number;
      };
    };
  };
}
