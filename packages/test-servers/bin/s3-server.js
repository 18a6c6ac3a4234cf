#!/usr/bin/env node
/*
 * Runs the S3-protocol server (@20minutes/s3rver) in its own process on loopback.
 * Usage: s3-server.js <port> <directory> [bucket...]
 * The demo stack and @internal/test-servers both start it this way.
 */
const S3rver = require('@20minutes/s3rver');

const [port, directory, ...buckets] = process.argv.slice(2);
if (!port || !directory) {
  console.error('usage: s3-server.js <port> <directory> [bucket...]');
  process.exit(2);
}

new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  vhostBuckets: false,
  // s3rver signs bucket-level paths without the trailing slash current AWS SDKs send
  // ("/bucket/?list-type=2"), so every listing would fail its signature check. Unknown
  // access keys are still rejected (InvalidAccessKeyId).
  allowMismatchedSignatures: true,
  configureBuckets: buckets.map(name => ({ name, configs: [] })),
})
  .run()
  .then(({ address, port: boundPort }) => {
    console.log(`S3 server listening on http://${address}:${boundPort}`);
  })
  .catch(error => {
    console.error(`S3 server failed to start: ${error.stack || error}`);
    process.exit(1);
  });

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
