/**
 * Database high availability module for Production Readiness: members, leader and replication
 * lag of the data stores production services depend on, measured live.
 *
 * @packageDocumentation
 */

export { productionReadinessModuleDatabaseHa as default } from './module';
