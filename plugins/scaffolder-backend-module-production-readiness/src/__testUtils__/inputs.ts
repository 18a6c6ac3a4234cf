/** Inputs of a typical service with a database, shared by the action tests. */
export const serviceInput = {
  name: 'orders-api',
  owner: 'group:default/team-orders',
  system: 'webshop',
  image: 'ghcr.io/acme/orders-api',
  alertReceiver: 'team-orders',
  onCall: 'pagerduty:P123ABC',
  runbookUrl:
    'https://backstage.example.com/docs/default/component/orders-api/runbook/',
  database: true,
  backupLocation: 'main',
  patroniCluster: 'orders-pg',
};
