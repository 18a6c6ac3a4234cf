/**
 * A fact one module provides and another reads: how the load balancer in front of a data store
 * sees its servers. The Prometheus module provides it from HAProxy's own Prometheus endpoint
 * (`haproxy_server_status`, `haproxy_server_check_status`); the database-ha module's
 * `availability.data-store-ha` reads it (through `optionalCollectors`), so a member the load
 * balancer cannot reach, or one it sends traffic to unchecked, counts against the store.
 */

/**
 * Id of the collector that reports, per entity, the load balancer backends in front of it.
 *
 * @public
 */
export const LOAD_BALANCER_BACKENDS_COLLECTOR_ID = 'load-balancer-backends';

/** One server of a load balancer backend, as the load balancer sees it. @public */
export interface LoadBalancerServer {
  name: string;
  /** `UP`, `DOWN`, `MAINT`, `DRAIN`, `NOLB`: what the load balancer does with it. */
  state: string;
  /**
   * The last health check's result, e.g. HAProxy's `L7OK`, `L7STS` (it answered another
   * status: a standby for a role check such as Patroni's `/primary`), `L4CON` (unreachable);
   * undefined when the server is not health-checked.
   */
  check?: string;
}

/** One backend, on one load balancer instance. @public */
export interface LoadBalancerBackend {
  /** The backend's (HAProxy: proxy's) name. */
  backend: string;
  /** The load balancer instance that reports it, e.g. `127.0.0.1:8404`. */
  instance: string;
  /** Where the facts come from, e.g. `prometheus:main`. */
  source: string;
  servers: LoadBalancerServer[];
}

/** Facts of the `load-balancer-backends` collector for one entity. @public */
export interface LoadBalancerBackendsFacts {
  /** What the entity names, e.g. its `production-readiness.io/haproxy-backend` value. */
  declared: string;
  /** The backends found; empty when no load balancer reports the one named. */
  backends: LoadBalancerBackend[];
}
