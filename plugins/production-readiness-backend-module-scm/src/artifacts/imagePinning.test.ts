import {
  parseImageReference,
  pinningOf,
  registryAllowed,
} from './imagePinning';

describe('image references', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    [
      'acme/api:1.4.2',
      { registry: 'docker.io', repository: 'acme/api', tag: '1.4.2' },
    ],
    [
      'localhost:5000/api:v2.0.1',
      { registry: 'localhost:5000', repository: 'api', tag: 'v2.0.1' },
    ],
    [
      'ghcr.io/acme/orders-api:${{ github.sha }}',
      {
        registry: 'ghcr.io',
        repository: 'acme/orders-api',
        tag: '${{ github.sha }}',
      },
    ],
    [
      '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA',
      { repository: '$CI_REGISTRY_IMAGE', tag: '$CI_COMMIT_SHA' },
    ],
    [
      `registry.example.com/team/api@sha256:${'a'.repeat(64)}`,
      {
        registry: 'registry.example.com',
        repository: 'team/api',
        digest: `sha256:${'a'.repeat(64)}`,
      },
    ],
  ])('reads %s as Docker normalises it', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it.each([
    ['ghcr.io/acme/api:1.4.2', true],
    ['ghcr.io/acme/api:v1.4.2-alpine', true],
    ['ghcr.io/acme/api:3f2a9c1', true],
    ['ghcr.io/acme/api:sha-3f2a9c1d', true],
    ['ghcr.io/acme/api:${{ github.sha }}', true],
    ['ghcr.io/acme/api:main-${{ github.run_number }}', true],
    ['$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA', true],
    ['$CI_REGISTRY_IMAGE:$CI_COMMIT_TAG', true],
    [`api@sha256:${'b'.repeat(64)}`, true],
    ['ghcr.io/acme/api', false],
    ['ghcr.io/acme/api:latest', false],
    ['ghcr.io/acme/api:main', false],
    ['node:22-bookworm-slim', false],
    ['ghcr.io/acme/api:v1', false],
    ['ghcr.io/acme/api:1.4', false],
    ['$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_NAME', false],
    ['ghcr.io/acme/api:${{ github.ref_name }}', false],
    ['ghcr.io/acme/api:${{ inputs.version }}', 'unverifiable'],
    ['api@sha256:short', 'unverifiable'],
  ])('%s pinned: %s', (reference, pinned) => {
    expect(pinningOf(parseImageReference(reference)).pinned).toBe(pinned);
  });

  it('matches allowed registries at path boundaries', () => {
    const allowed = ['ghcr.io/acme', 'registry.example.com'];
    const allowedFor = (reference: string) =>
      registryAllowed(parseImageReference(reference), allowed);
    expect(allowedFor('ghcr.io/acme/api:1.0.0')).toBe(true);
    expect(allowedFor('registry.example.com/x/y:1.0.0')).toBe(true);
    expect(allowedFor('ghcr.io/acme-evil/api:1.0.0')).toBe(false);
    expect(allowedFor('nginx:1.27.0')).toBe(false);
    expect(allowedFor('$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA')).toBe(
      'unverifiable',
    );
  });
});
