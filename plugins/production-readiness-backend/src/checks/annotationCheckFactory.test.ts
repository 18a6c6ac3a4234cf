import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { annotationCheckFactory } from './annotationCheckFactory';

const definition = {
  id: 'security.data-classification',
  pillar: 'security',
  title: 'Data classification declared',
  description:
    'The component declares the classification of the data it holds.',
  severity: 'major' as const,
  remediation:
    'Add `example.com/data-classification: public|internal|confidential` to catalog-info.yaml.',
  appliesTo: { kind: ['Component'] },
};

function create(config: JsonObject) {
  return annotationCheckFactory.create({
    definition,
    config: new ConfigReader(config),
  });
}

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-api', namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  };
}

describe('annotationCheckFactory', () => {
  it('handles type annotation and keeps the common definition', () => {
    expect(annotationCheckFactory.type).toBe('annotation');
    const check = create({ annotation: 'example.com/data-classification' });
    expect(check).toMatchObject({ ...definition, collectors: [] });
  });

  it('passes when the annotation is present', async () => {
    const check = create({ annotation: 'example.com/data-classification' });
    await expect(
      runCheckOnFixtures(check, {
        entity: component({ 'example.com/data-classification': 'internal' }),
      }),
    ).resolves.toEqual({
      status: 'pass',
      summary:
        'annotation example.com/data-classification is set to "internal"',
      evidence: [
        {
          label: 'example.com/data-classification',
          value: 'internal',
          source: 'catalog',
        },
      ],
      remediation: undefined,
    });
  });

  it('fails when the annotation is missing or empty', async () => {
    const check = create({ annotation: 'example.com/data-classification' });
    await expect(
      runCheckOnFixtures(check, { entity: component({}) }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'annotation example.com/data-classification is missing',
      evidence: [{ label: 'example.com/data-classification', value: null }],
    });
    await expect(
      runCheckOnFixtures(check, {
        entity: component({ 'example.com/data-classification': ' ' }),
      }),
    ).resolves.toMatchObject({
      status: 'fail',
      summary: 'annotation example.com/data-classification is empty',
    });
  });

  describe('with a pattern', () => {
    const check = create({
      annotation: 'example.com/data-classification',
      pattern: '^(public|internal|confidential)$',
    });

    it('passes when the value matches', async () => {
      await expect(
        runCheckOnFixtures(check, {
          entity: component({
            'example.com/data-classification': 'confidential',
          }),
        }),
      ).resolves.toMatchObject({
        status: 'pass',
        summary:
          'annotation example.com/data-classification is "confidential", matching ^(public|internal|confidential)$',
      });
    });

    it('fails naming the expected pattern when the value does not match', async () => {
      await expect(
        runCheckOnFixtures(check, {
          entity: component({ 'example.com/data-classification': 'secret' }),
        }),
      ).resolves.toMatchObject({
        status: 'fail',
        summary:
          'annotation example.com/data-classification is "secret", which does not match the expected pattern ^(public|internal|confidential)$',
      });
    });

    it('does not anchor a pattern the author left unanchored', async () => {
      const unanchored = create({
        annotation: 'example.com/data-classification',
        pattern: 'internal',
      });
      await expect(
        runCheckOnFixtures(unanchored, {
          entity: component({
            'example.com/data-classification': 'internal-only',
          }),
        }),
      ).resolves.toMatchObject({ status: 'pass' });
    });
  });

  it('refuses an invalid pattern, naming the check and the field', () => {
    expect(() =>
      create({
        annotation: 'example.com/data-classification',
        pattern: '^(public|internal',
      }),
    ).toThrow(
      /^Check "security\.data-classification": field "pattern" is not a valid regular expression: /,
    );
  });

  it('requires the annotation field', () => {
    expect(() => create({ pattern: '.+' })).toThrow(/annotation/);
    expect(() => create({ annotation: '  ' })).toThrow(
      'Check "security.data-classification": field "annotation" is empty',
    );
  });
});
