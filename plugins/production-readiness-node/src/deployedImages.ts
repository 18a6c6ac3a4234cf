/**
 * A fact one module provides and another reads: the container images an entity's running
 * workloads reference. The Kubernetes module provides it from the workloads bound to the
 * entity (the same binding as its own checks); the SCM module's `delivery.artifacts-pinned`
 * reads it (through `optionalCollectors`), next to the images its CI deploy step sets.
 */

/**
 * Id of the collector that reports, per entity, the images its running workloads reference.
 *
 * @public
 */
export const DEPLOYED_IMAGES_COLLECTOR_ID = 'deployed-images';

/** One container of a running workload and the image it references. @public */
export interface DeployedContainer {
  /** The workload, e.g. `Deployment shop/orders-api on cluster prod-eu`. */
  workload: string;
  /** The container's name; init containers are included. */
  container: string;
  /** The image as the workload's spec writes it, e.g. `ghcr.io/acme/orders-api:1.4.2`. */
  image: string;
  /** Where the fact comes from, e.g. `kubernetes:prod-eu`. */
  source: string;
}

/** Facts of the `deployed-images` collector for one entity. @public */
export interface DeployedImagesFacts {
  /** Every container of every workload bound to the entity; empty when none runs. */
  containers: DeployedContainer[];
}
