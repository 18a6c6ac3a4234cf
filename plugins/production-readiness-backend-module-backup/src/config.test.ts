import { ConfigReader } from '@backstage/config';
import { readBackupModuleSettings } from './config';

const read = (backup: unknown) => () =>
  readBackupModuleSettings(
    new ConfigReader({ productionReadiness: { backup } } as any),
  );

describe('readBackupModuleSettings', () => {
  it('reads locations and defaults', () => {
    const settings = read({
      locations: [
        {
          name: 'main',
          type: 's3',
          bucket: 'b',
          credentials: { accessKeyId: 'a', secretAccessKey: 's' },
        },
        { name: 'nfs', type: 'filesystem', path: '/mnt/backups' },
      ],
    })();
    expect(settings.locations.map(l => l.description)).toEqual([
      's3 bucket "b" in us-east-1',
      'folder /mnt/backups',
    ]);
    expect(settings.checks).toEqual({
      sizeDropRatio: 0.5,
      sizeHistory: 7,
      restoreTestMaxAgeMs: 30 * 86_400_000,
      restoreTestMaxBackupAgeMs: 7 * 86_400_000,
    });
  });

  it.each([
    [
      { locations: [{ name: 'a', type: 'ftp' }] },
      'productionReadiness.backup.locations[0] ("a").type must be "s3" or "filesystem", got "ftp"',
    ],
    [
      { locations: [{ name: 'a', type: 'filesystem', path: 'rel' }] },
      'path must be an absolute path',
    ],
    [
      {
        locations: [
          { name: 'a', type: 'filesystem', path: '/x' },
          { name: 'a', type: 'filesystem', path: '/y' },
        ],
      },
      'another location is already named "a"',
    ],
    [
      { locations: [{ name: 'a', type: 's3', bucket: 'b', prefix: '../x' }] },
      'contains ".."',
    ],
    [
      { sizeDropRatio: 1.5 },
      'productionReadiness.backup.sizeDropRatio must be between 0 and 1',
    ],
    [
      { locations: [{ name: 'a b', type: 'filesystem', path: '/x' }] },
      'name must be letters',
    ],
  ])('refuses %j naming the key', (backup, message) => {
    expect(read(backup)).toThrow(message);
  });
});
