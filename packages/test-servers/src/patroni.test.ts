import { isHealthy, startPatroniCluster, TestPatroniCluster } from './patroni';

jest.setTimeout(240_000);

describe('a real Patroni cluster', () => {
  let cluster: TestPatroniCluster;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startPatroniCluster();
    // eslint-disable-next-line no-console
    console.log(`Patroni cluster of 2 healthy in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('has a leader and a streaming replica, and switches over on request', async () => {
    const status = await cluster.status();
    expect(status.members.map(m => m.role).sort()).toEqual([
      'leader',
      'replica',
    ]);
    const replica = status.members.find(m => m.role === 'replica')!;
    await cluster.switchover(replica.name);
    const after = await cluster.waitForStatus(
      `${replica.name} to lead`,
      s =>
        s.members.find(m => m.name === replica.name)?.role === 'leader' &&
        isHealthy(s, 2),
    );
    expect(after.members.find(m => m.role === 'leader')!.name).toBe(
      replica.name,
    );
  });
});
